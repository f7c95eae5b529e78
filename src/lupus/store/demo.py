"""Seed a demo clinic: synthetic patients from the simulator (``lupus.care.demo``), their
plans, doses, labs and scores, the alerts those raise, and one login per role.

For ``make run`` (development only: the demo logins share a published password).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from lupus.care import PatientHistory
from lupus.care.demo import demo_patients
from lupus.store.audit import Actor
from lupus.store.clinic import Clinic
from lupus.store.db import Database
from lupus.store.repository import Repository, new_id
from lupus.store.tables import patients, users
from lupus.store.users import create_user

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "DemoSeed", "seed_demo_clinic"]

DEMO_PASSWORD = "demo-password"  # development only; printed by `make run`
DEMO_USERS = (
    ("clinician", "clinician"),
    ("nurse", "nurse"),
    ("patient", "patient"),
    ("researcher", "researcher"),
    ("admin", "admin"),
)
SEEDER = Actor("demo-seed", "system")


@dataclass(frozen=True, slots=True)
class DemoSeed:
    patients: int
    created: bool
    logins: tuple[tuple[str, str, str], ...]  # (username, role, password)


def seed_demo_clinic(
    db: Database,
    *,
    per_group: int = 8,
    seed: int = 20261125,
    today: dt.date | None = None,
) -> DemoSeed:
    """Seed once: does nothing but report when the database already has patients."""
    today = today or dt.datetime.now(dt.UTC).date()
    with db.transaction() as conn:
        existing = conn.execute(select(func.count()).select_from(patients)).scalar_one()
        have_users = conn.execute(select(func.count()).select_from(users)).scalar_one()
    logins = tuple((name, role, DEMO_PASSWORD) for name, role in DEMO_USERS)
    if existing:
        return DemoSeed(int(existing), False, logins if have_users else ())
    made = demo_patients(per_group, seed=seed, today=today, new_id=new_id)
    with db.transaction() as conn:
        repo = Repository(conn, SEEDER)
        clinic = Clinic(repo, today=lambda: today)
        repo.add_patients([m.patient for m in made])
        for m in made:
            repo.add_plan_version(m.plan)
        kinds = sorted({k for m in made for k in m.records})
        for kind in kinds:
            repo.add_many(kind, [v for m in made for v in m.records.get(kind, [])])
        for m in made:
            history = PatientHistory(
                m.patient,
                plans=(m.plan,),
                **{k: tuple(v) for k, v in m.records.items()},
            )
            clinic.refresh_alerts(m.patient.id, history, new_patient=True)
        taken = set(conn.execute(select(users.c.username)).scalars())
        for name, role in DEMO_USERS:
            if name in taken:  # never overwrite an existing account
                continue
            create_user(
                conn,
                SEEDER,
                username=name,
                password=DEMO_PASSWORD,
                role=role,
                patient_id=made[0].patient.id if role == "patient" else None,
            )
    return DemoSeed(len(made), True, logins)
