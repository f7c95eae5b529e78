"""Test helpers for the stored patient summary: what is stored, and what the summary computes
now from the record (shared by the storage and the web tests)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from lupus.store import Actor, Clinic, Database, Repository
from lupus.store.summary import summary_body
from lupus.store.tables import patient_summary

# one scheduled belimumab administration (the record both fast-path test files build on)
SCHEDULED_DOSE = {
    "plan_id": "p",
    "drug": "belimumab",
    "scheduled_on": "2026-03-10",
    "status": "scheduled",
    "interval_days": 28,
}

# the fields of GET /api/patients/{id}/summary (issue text)
SUMMARY_FIELDS = {
    "patient_id",
    "disease_state",
    "alerts",
    "next_administrations",
    "monitoring_due",
    "adherence",
}


def stored_summary(db: Database, pid: str) -> tuple[dt.date, str] | None:
    """The stored summary's ``as_of`` date and JSON text, or ``None``."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(patient_summary.c.as_of, patient_summary.c.body).where(
                patient_summary.c.patient_id == pid
            )
        ).first()
    return None if row is None else (row.as_of, row.body)


def fresh_summary(db: Database, pid: str, today: dt.date) -> str:
    """The summary computed now from the record (in a transaction rolled back)."""
    with db.engine.connect() as conn, conn.begin() as tx:
        clinic = Clinic(Repository(conn, Actor("dr", "clinician")), today=lambda: today)
        body = summary_body(clinic.summary(pid))
        tx.rollback()
    return body
