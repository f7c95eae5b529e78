"""The append-only audit log: every write (who, when, what, before and after) and every read of
a patient's data (HIPAA 45 CFR 164.312(b) audit controls).

Rows are only ever inserted; the migration adds database triggers that refuse UPDATE and
DELETE. :func:`audit_events` reads them back for the admin export (FHIR AuditEvent in
``lupus.interop.fhir.audit``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from lupus.store.bulk import insert_rows
from lupus.store.tables import audit_log

__all__ = [
    "ACTIONS",
    "SYSTEM",
    "Actor",
    "AuditEvent",
    "audit_events",
    "record_event",
    "record_events",
    "utc",
]

ACTIONS = ("create", "update", "read", "import", "import-rejected", "login", "login-failed")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a user name, a role and, for a patient user, their own patient id."""

    username: str
    role: str
    patient_id: str | None = None


SYSTEM = Actor("system", "system")


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: int
    at: dt.datetime
    actor: str
    role: str
    action: str
    entity: str
    entity_id: str | None
    patient_id: str | None
    outcome: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    detail: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "role": self.role,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "patient_id": self.patient_id,
            "outcome": self.outcome,
            "before": self.before,
            "after": self.after,
            "detail": self.detail,
        }


def utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive date-times; every stored time is UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


_INSERT = insert(audit_log)


def record_event(
    conn: Connection,
    actor: Actor,
    action: str,
    entity: str,
    *,
    entity_id: str | None = None,
    patient_id: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    outcome: str = "success",
    detail: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    if action not in ACTIONS:
        raise ValueError(f"audit action {action!r} unknown; allowed: {', '.join(ACTIONS)}")
    conn.execute(
        _INSERT,  # values as parameters: the statement's cache key is computed once
        {
            "at": at or dt.datetime.now(dt.UTC),
            "actor": actor.username,
            "role": actor.role,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "patient_id": patient_id,
            "outcome": outcome,
            "before": None if before is None else dict(before),
            "after": None if after is None else dict(after),
            "detail": detail,
        },
    )


def record_events(
    conn: Connection,
    actor: Actor,
    events: list[dict[str, Any]],
    *,
    at: dt.datetime,
    json_text: dict[int, str] | None = None,
) -> None:
    """Insert many audit rows in one statement (keys as for :func:`record_event`;
    ``json_text`` as for :func:`lupus.store.bulk.insert_rows`)."""
    if not events:
        return
    rows = []
    for e in events:
        if e["action"] not in ACTIONS:
            raise ValueError(f"audit action {e['action']!r} unknown")
        rows.append(
            {
                "at": at,
                "actor": actor.username,
                "role": actor.role,
                "action": e["action"],
                "entity": e["entity"],
                "entity_id": e.get("entity_id"),
                "patient_id": e.get("patient_id"),
                "outcome": e.get("outcome", "success"),
                "before": e.get("before"),
                "after": e.get("after"),
                "detail": e.get("detail"),
            }
        )
    insert_rows(conn, audit_log, rows, json_text=json_text)


def audit_events(
    conn: Connection,
    *,
    patient_id: str | None = None,
    action: str | None = None,
    after_id: int = 0,
    limit: int = 1000,
) -> list[AuditEvent]:
    """Audit rows in order, optionally for one patient or one action."""
    query = select(audit_log).where(audit_log.c.id > after_id).order_by(audit_log.c.id)
    if patient_id is not None:
        query = query.where(audit_log.c.patient_id == patient_id)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    rows = conn.execute(query.limit(limit)).mappings()
    return [
        AuditEvent(
            id=r["id"],
            at=utc(r["at"]),
            actor=r["actor"],
            role=r["role"],
            action=r["action"],
            entity=r["entity"],
            entity_id=r["entity_id"],
            patient_id=r["patient_id"],
            outcome=r["outcome"],
            before=r["before"],
            after=r["after"],
            detail=r["detail"],
        )
        for r in rows
    ]
