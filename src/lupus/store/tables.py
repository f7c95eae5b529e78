"""Database tables (SQLAlchemy 2 Core). Domain values live in ``lupus.care``; the repositories
in ``lupus.store.repository`` convert between rows and values.

Clinical record tables share one shape: an id, the patient id, the clinical date, the columns
that queries filter on, and ``data`` (the record's ``to_json()``). ``audit_log`` is
append-only: the migration installs triggers that refuse UPDATE and DELETE on it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "CLINICAL_TABLES",
    "RECORD_TABLES",
    "administrations",
    "adverse_events",
    "alerts",
    "appointments",
    "assessments",
    "audit_log",
    "conditions",
    "immunizations",
    "medications",
    "messages",
    "metadata",
    "observations",
    "patient_summary",
    "patients",
    "plan_versions",
    "questionnaires",
    "reports",
    "symptoms",
    "users",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

ID = 64  # FHIR id length limit

users = Table(
    "users",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("patient_id", String(ID), ForeignKey("patients.id"), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

patients = Table(
    "patients",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("birth_date", Date, nullable=False),
    Column("sex", String(10), nullable=False),
    Column("synthetic", Boolean, nullable=False),
    Column("data", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def _record_table(name: str, date_column: str, *extra: Any, date_nullable: bool = False) -> Table:
    return Table(
        name,
        metadata,
        Column("id", String(ID), primary_key=True),
        Column("patient_id", String(ID), ForeignKey("patients.id"), nullable=False, index=True),
        Column(date_column, Date, nullable=date_nullable),
        Column("data", JSON, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("created_by", String(80), nullable=False),
        *extra,
    )


conditions = _record_table(
    "conditions", "onset_on", Column("code", String(40), nullable=False), date_nullable=True
)
medications = _record_table("medications", "start_on", Column("drug", String(40), nullable=False))
observations = _record_table(
    "observations",
    "effective_on",
    Column("code", String(20), nullable=False, index=True),
    Column("value", Float, nullable=False),
    Column("unit", String(40), nullable=False),
)
reports = _record_table("reports", "report_on", Column("kind", String(40), nullable=False))
assessments = _record_table(
    "assessments", "assessed_on", Column("instrument", String(40), nullable=False)
)
administrations = _record_table(
    "administrations",
    "scheduled_on",
    Column("plan_id", String(ID), nullable=False),
    Column("status", String(20), nullable=False),
)
adverse_events = _record_table(
    "adverse_events",
    "onset_on",
    Column("category", String(40), nullable=False),
    Column("grade", Integer, nullable=False),
)
symptoms = _record_table("symptoms", "reported_on", Column("symptom", String(40), nullable=False))
questionnaires = _record_table(
    "questionnaires", "answered_on", Column("questionnaire", String(20), nullable=False)
)
messages = _record_table("messages", "sent_on", Column("in_reply_to", String(ID), nullable=True))
appointments = _record_table(
    "appointments",
    "start_on",
    Column("status", String(20), nullable=False),
    Column("place", String(80), nullable=False),
)

immunizations = _record_table(
    "immunizations", "administered_on", Column("vaccine_code", String(3), nullable=False)
)

plan_versions = Table(
    "plan_versions",
    metadata,
    Column("id", String(ID + 8), primary_key=True),
    Column("plan_id", String(ID), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("patient_id", String(ID), ForeignKey("patients.id"), nullable=False, index=True),
    Column("therapy", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("start_on", Date, nullable=False),
    Column("data", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(80), nullable=False),
    UniqueConstraint("plan_id", "version", name="uq_plan_versions_plan_id_version"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("patient_id", String(ID), ForeignKey("patients.id"), nullable=False, index=True),
    Column("code", String(60), nullable=False),
    Column("key", String(200), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("alert_on", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("acknowledged_by", String(80), nullable=True),
    Column("acknowledged_at", DateTime(timezone=True), nullable=True),
    Column("resolved_by", String(80), nullable=True),
    Column("resolved_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("patient_id", "key", name="uq_alerts_patient_id_key"),
)

# The patient summary document (``GET /api/patients/{id}/summary``), precomputed: ``body`` is
# the response's JSON text as of the date ``as_of`` (alerts, monitoring and adherence depend on
# the date). Deleted or rewritten in the same transaction as every write to the patient's
# record (``Repository``), recomputed on the first read of a later day.
patient_summary = Table(
    "patient_summary",
    metadata,
    Column("patient_id", String(ID), ForeignKey("patients.id"), primary_key=True),
    Column("as_of", Date, nullable=False),
    Column("body", Text, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
)


audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(80), nullable=False),
    Column("role", String(20), nullable=False),
    Column("action", String(20), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", String(200), nullable=True),
    Column("patient_id", String(ID), nullable=True, index=True),
    Column("outcome", String(20), nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Column("detail", Text, nullable=True),
)

# Record kind -> table, for the generic repository.
RECORD_TABLES: dict[str, Table] = {
    "conditions": conditions,
    "medications": medications,
    "observations": observations,
    "reports": reports,
    "assessments": assessments,
    "administrations": administrations,
    "adverse_events": adverse_events,
    "symptoms": symptoms,
    "questionnaires": questionnaires,
    "messages": messages,
    "appointments": appointments,
    "immunizations": immunizations,
}

# Every table that holds clinical data (what an invalid import must leave unchanged).
CLINICAL_TABLES: tuple[Table, ...] = (
    patients,
    *RECORD_TABLES.values(),
    plan_versions,
    alerts,
    patient_summary,
)
