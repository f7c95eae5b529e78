"""User accounts: roles, argon2 password hashes, and the patient a patient user may see."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from lupus.care import NotFoundError, RecordError
from lupus.store.audit import Actor, record_event
from lupus.store.errors import ConflictError
from lupus.store.repository import new_id
from lupus.store.tables import patients, users

__all__ = [
    "ROLES",
    "User",
    "authenticate",
    "create_user",
    "get_user",
    "hash_password",
    "list_users",
    "verify_password",
]

ROLES = ("clinician", "nurse", "patient", "researcher", "admin")
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,80}$")
_hasher = PasswordHasher()
# A fixed hash to verify against when the user does not exist (same work, no timing oracle).
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True, slots=True)
class User:
    id: str
    username: str
    role: str
    patient_id: str | None

    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.patient_id)

    def to_json(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "username": self.username,
            "role": self.role,
            "patient_id": self.patient_id,
        }


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def create_user(
    conn: Connection,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    patient_id: str | None = None,
) -> User:
    """Create a user; a patient user must name an existing patient, other roles must not."""
    if not _USERNAME.match(username):
        raise RecordError("username", username, "2 to 80 letters, digits or _ . @ -")
    if role not in ROLES:
        raise RecordError("role", role, "one of: " + ", ".join(ROLES))
    if len(password) < 8:
        raise RecordError("password", "***", "a password of at least 8 characters")
    if role == "patient":
        if not patient_id:
            raise RecordError("patient", None, "a patient id for a user with role patient")
        found = conn.execute(select(patients.c.id).where(patients.c.id == patient_id)).first()
        if found is None:
            raise NotFoundError("patient", patient_id)
    elif patient_id:
        raise RecordError("patient", patient_id, "no patient id unless the role is patient")
    user = User(new_id(), username, role, patient_id)
    try:
        with conn.begin_nested():
            conn.execute(
                insert(users).values(
                    id=user.id,
                    username=username,
                    password_hash=hash_password(password),
                    role=role,
                    patient_id=patient_id,
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
    except IntegrityError:
        raise ConflictError(f"user '{username}': already exists") from None
    record_event(conn, actor, "create", "user", entity_id=user.id, after=user.to_json())
    return user


def _row_user(row: object) -> User:
    return User(row.id, row.username, row.role, row.patient_id)  # type: ignore[attr-defined]


def get_user(conn: Connection, username: str) -> User:
    row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None:
        raise NotFoundError("user", username)
    return _row_user(row)


def list_users(conn: Connection) -> list[User]:
    return [_row_user(r) for r in conn.execute(select(users).order_by(users.c.username)).all()]


def authenticate(conn: Connection, username: str, password: str) -> User | None:
    """The user when the password matches; None otherwise (the attempt is audited)."""
    row = conn.execute(select(users).where(users.c.username == username)).first()
    ok = verify_password(row.password_hash if row else _DUMMY_HASH, password) and row is not None
    who = Actor(username[:80], row.role if row else "unknown")
    record_event(
        conn,
        who,
        "login" if ok else "login-failed",
        "session",
        outcome="success" if ok else "failure",
    )
    return _row_user(row) if ok and row is not None else None
