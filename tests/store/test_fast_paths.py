"""The storage fast paths behind the service benchmarks (benchmarks/bench_service.py) keep the
behaviour of the slow ones: bulk inserts round-trip and audit every row, the whole record is
read in one query, and the summary's alerts are never stale and its read is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lupus.care import Observation, Patient
from lupus.store import Actor, Clinic, Database, Repository, audit_events

DR = Actor("dr.house", "clinician")
PATIENT = {"family": "Doe", "given": "Jane", "birth_date": "1990-05-01", "sex": "female"}
TODAY = dt.date(2026, 3, 1)


def clinic(conn: Any, today: dt.date = TODAY) -> Clinic:
    return Clinic(Repository(conn, DR), today=lambda: today)


def test_bulk_inserts_round_trip_and_audit_every_row(db: Database) -> None:
    patients = [Patient.from_json(PATIENT, id=f"bulk-{i}") for i in range(3)]
    observations = [
        Observation.from_json(
            {"code": "2160-0", "value": 70.0 + i, "unit": "umol/L", "effective": "2026-02-01"},
            id=f"obs-{i}",
            patient_id=f"bulk-{i % 3}",
        )
        for i in range(7)
    ]
    with db.transaction() as conn:
        repo = Repository(conn, DR)
        repo.add_patients(patients)
        repo.add_many("observations", observations)
    with db.transaction() as conn:
        repo = Repository(conn, DR)
        assert repo.existing_patients({"bulk-0", "bulk-2", "nobody"}) == {"bulk-0", "bulk-2"}
        stored = [o for p in patients for o in repo.records("observations", p.id, audit=False)]
        assert sorted(stored, key=lambda o: o.id) == observations
    with db.engine.connect() as conn:
        events = audit_events(conn, patient_id="bulk-1")
    assert [(e.action, e.entity, e.entity_id) for e in events] == [
        ("create", "patient", "bulk-1"),
        ("create", "observations", "obs-1"),
        ("create", "observations", "obs-4"),
    ]
    assert all(e.before is None and e.after is not None for e in events)
    assert events[1].after == observations[1].to_json()


def test_history_reads_patient_records_and_plans_in_one_query(db: Database) -> None:
    with db.transaction() as conn:
        pid = clinic(conn).create_patient(PATIENT).id
        c = clinic(conn)
        c.create_plan(pid, {"therapy": "belimumab", "start": "2026-01-01"})
        c.create_plan(pid, {"therapy": "hydroxychloroquine", "start": "2025-06-01"})
        c.add_record(
            "observations",
            pid,
            {"code": "2160-0", "value": 88.4, "unit": "umol/L", "effective": "2026-02-01"},
        )
    with db.transaction() as conn:
        repo = Repository(conn, DR)
        history = repo.history(pid, audit=False)
        assert history.plans == tuple(repo.plan_versions(pid, audit=False))
    assert [p.therapy for p in history.plans] == ["hydroxychloroquine", "belimumab"]
    assert history.patient.given.value == "Jane" and len(history.observations) == 1


def test_summary_alerts_follow_the_date_without_a_write_and_every_read_is_audited(
    db: Database,
) -> None:
    with db.transaction() as conn:
        pid = clinic(conn).create_patient(PATIENT).id
        clinic(conn).add_record(
            "administrations",
            pid,
            {
                "plan_id": "p",
                "drug": "belimumab",
                "scheduled_on": "2026-03-10",
                "status": "scheduled",
                "interval_days": 28,
            },
        )
    with db.transaction() as conn:
        before = {a["code"] for a in clinic(conn).summary(pid)["alerts"]}
    # a month later, nothing written since: the scheduled dose is now overdue
    with db.transaction() as conn:
        later = clinic(conn, dt.date(2026, 4, 10)).summary(pid)
        listed = Repository(conn, DR).list_alerts(pid, include_resolved=False)
    assert "dose.missed" not in before
    assert [a["id"] for a in later["alerts"]] == [a.id for a in listed]
    assert {a.code for a in listed} - before
    with db.engine.connect() as conn:
        reads = [e for e in audit_events(conn, patient_id=pid) if e.action == "read"]
    assert [(e.entity, e.actor) for e in reads] == [("patient", "dr.house")] * 2
