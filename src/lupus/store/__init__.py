"""The store layer: SQLAlchemy tables, Alembic migrations, audited repositories and the care
service's use cases (``Clinic``) over SQLite (default) or PostgreSQL."""

from lupus.store.audit import SYSTEM as SYSTEM
from lupus.store.audit import Actor as Actor
from lupus.store.audit import AuditEvent as AuditEvent
from lupus.store.audit import audit_events as audit_events
from lupus.store.audit import record_event as record_event
from lupus.store.clinic import Clinic as Clinic
from lupus.store.clinic import cohort_summary as cohort_summary
from lupus.store.db import DATABASE_URL_ENV as DATABASE_URL_ENV
from lupus.store.db import Database as Database
from lupus.store.db import default_database_url as default_database_url
from lupus.store.errors import ConflictError as ConflictError
from lupus.store.errors import DatabaseConfigError as DatabaseConfigError
from lupus.store.errors import StoreError as StoreError
from lupus.store.repository import RECORD_KINDS as RECORD_KINDS
from lupus.store.repository import Repository as Repository
from lupus.store.repository import new_id as new_id
from lupus.store.users import ROLES as ROLES
from lupus.store.users import User as User
from lupus.store.users import authenticate as authenticate
from lupus.store.users import create_user as create_user
from lupus.store.users import get_user as get_user
from lupus.store.users import list_users as list_users

__all__ = [
    "Actor",
    "AuditEvent",
    "Clinic",
    "ConflictError",
    "DATABASE_URL_ENV",
    "Database",
    "DatabaseConfigError",
    "RECORD_KINDS",
    "ROLES",
    "Repository",
    "SYSTEM",
    "StoreError",
    "User",
    "audit_events",
    "authenticate",
    "cohort_summary",
    "create_user",
    "default_database_url",
    "get_user",
    "list_users",
    "new_id",
    "record_event",
]
