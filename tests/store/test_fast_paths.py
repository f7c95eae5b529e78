"""The storage fast paths behind the service benchmarks (benchmarks/bench_service.py) keep the
behaviour of the slow ones: bulk inserts round-trip and audit every row, the whole record is
read in one query, and the summary's alerts are never stale and its read is audited."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from lupus.care import NotFoundError, Observation, Patient
from lupus.store import Actor, Clinic, Database, Repository, audit_events
from lupus.store.summary import SummaryPublic
from tests.store import summaries
from tests.store.summaries import SCHEDULED_DOSE as DOSE
from tests.store.summaries import stored_summary

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
            DOSE,
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


# --- the stored summary document -------------------------------------------------------------


def fresh_summary(db: Database, pid: str, today: dt.date = TODAY) -> str:
    return summaries.fresh_summary(db, pid, today)


def assert_stored_is_current(db: Database, pid: str) -> None:
    """What a write left stored is exactly what the summary computes now, and the summary
    served is the same text."""
    stored = stored_summary(db, pid)
    fresh = fresh_summary(db, pid)
    assert stored == (TODAY, fresh)
    with db.transaction() as conn:
        assert clinic(conn).summary_json(pid) == fresh


def test_every_write_stores_the_summary_it_changes_in_its_transaction(db: Database) -> None:
    with db.transaction() as conn:
        pid = clinic(conn).create_patient(PATIENT).id
    assert stored_summary(db, pid) is None  # computed on the first read
    with db.transaction() as conn:
        body = clinic(conn).summary_json(pid)
    assert stored_summary(db, pid) == (TODAY, body)

    def write(action: Any) -> Any:
        with db.transaction() as conn:
            result = action(clinic(conn))
        assert_stored_is_current(db, pid)
        return result

    plan = write(lambda c: c.create_plan(pid, {"therapy": "belimumab", "start": "2026-01-01"}))
    pause = {"change": "pause", "reason": "infection", "base_version": 1}
    write(lambda c: c.adjust_plan(pid, plan.plan_id, pause))
    admin = write(
        lambda c: c.add_record(
            "administrations",
            pid,
            {
                "plan_id": plan.plan_id,
                "drug": "belimumab",
                "scheduled_on": "2026-02-01",
                "status": "scheduled",
                "interval_days": 28,
            },
        )
    )
    write(lambda c: c.update_administration(pid, admin.id, {"status": "missed"}))
    write(
        lambda c: c.add_record(
            "observations",
            pid,
            {"code": "751-8", "value": 0.4, "unit": "10*9/L", "effective": "2026-02-20"},
        )
    )
    symptom = write(
        lambda c: c.add_record(
            "symptoms", pid, {"symptom": "fatigue", "severity": 6, "reported_on": "2026-02-25"}
        )
    )
    write(lambda c: c.mark_symptom_reviewed(pid, symptom.id))
    with db.transaction() as conn:
        alert = next(a for a in Repository(conn, DR).list_alerts(pid) if a.status == "open")
    write(lambda c: c.acknowledge_alert(pid, alert.id))
    write(lambda c: c.resolve_alert(pid, alert.id))
    # a write through the repository alone (no Clinic) drops the stored summary: the next
    # read recomputes it
    with db.transaction() as conn:
        Repository(conn, DR).add(
            "observations",
            Observation.from_json(
                {"code": "2160-0", "value": 90.0, "unit": "umol/L", "effective": "2026-02-26"},
                id="direct-obs",
                patient_id=pid,
            ),
        )
    assert stored_summary(db, pid) is None
    fresh = fresh_summary(db, pid)
    with db.transaction() as conn:
        assert clinic(conn).summary_json(pid) == fresh


def test_a_stored_summary_of_an_earlier_day_is_recomputed_and_reads_are_audited(
    db: Database,
) -> None:
    with db.transaction() as conn:
        pid = clinic(conn).create_patient(PATIENT).id
        clinic(conn).add_record(
            "administrations",
            pid,
            DOSE,
        )
    first = stored_summary(db, pid)
    assert first is not None and first[0] == TODAY and "dose.missed" not in first[1]
    with db.transaction() as conn:
        assert clinic(conn).summary_json(pid) == first[1]  # stored, current: served as is
    later = dt.date(2026, 4, 10)
    with db.transaction() as conn:
        body = clinic(conn, later).summary_json(pid)
    assert json.loads(body)["alerts"] and "dose.missed" in body
    assert stored_summary(db, pid) == (later, body) == (later, fresh_summary(db, pid, later))
    with db.engine.connect() as conn:
        reads = [e for e in audit_events(conn, patient_id=pid) if e.action == "read"]
    assert [(e.entity, e.entity_id, e.actor) for e in reads] == [("patient", pid, "dr.house")] * 2


def test_an_unknown_patient_has_no_summary_and_no_audited_read(db: Database) -> None:
    with db.transaction() as conn:
        with pytest.raises(NotFoundError):
            clinic(conn).summary_json("nobody")
    with db.engine.connect() as conn:
        assert audit_events(conn, patient_id="nobody") == []


def test_the_stored_summary_is_the_api_document(db: Database) -> None:
    with db.transaction() as conn:
        pid = clinic(conn).create_patient(PATIENT).id
        c = clinic(conn)
        c.add_record(
            "assessments",
            pid,
            {
                "instrument": "sledai-2k",
                "date": "2026-02-01",
                "inputs": {"descriptors": ["arthritis", "rash"]},
            },
        )
    with db.transaction() as conn:
        document = clinic(conn).summary(pid)
        body = clinic(conn).summary_json(pid)
    assert json.loads(body) == SummaryPublic.model_validate(document).model_dump(mode="json")
    assert json.loads(body)["disease_state"]["sledai_2k"] == {"score": 6, "date": "2026-02-01"}
