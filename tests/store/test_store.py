"""Storage: migrations, round trips, audit log, transactions and concurrent writers."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from lupus.care import NotFoundError, RecordError
from lupus.store import (
    Actor,
    Clinic,
    ConflictError,
    Database,
    DatabaseConfigError,
    Repository,
    audit_events,
)
from lupus.store.tables import CLINICAL_TABLES, audit_log, metadata

DR = Actor("dr.house", "clinician")
PATIENT = {"family": "Doe", "given": "Jane", "birth_date": "1990-05-01", "sex": "female"}
TODAY = dt.date(2026, 3, 1)


def clinic(conn: Any, actor: Actor = DR) -> Clinic:
    return Clinic(Repository(conn, actor), today=lambda: TODAY)


def make_patient(db: Database) -> str:
    with db.transaction() as conn:
        return clinic(conn).create_patient(PATIENT).id


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in CLINICAL_TABLES
        }


def test_migrations_match_the_tables(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    db.migrate()  # idempotent


def test_bad_database_url() -> None:
    with pytest.raises(DatabaseConfigError, match="mysql"):
        Database("mysql://x/y")


def test_patient_round_trip_and_audit(db: Database) -> None:
    pid = make_patient(db)
    with db.transaction() as conn:
        patient = Repository(conn, DR).get_patient(pid)
    assert patient.given.value == "Jane" and patient.birth_date == dt.date(1990, 5, 1)
    with db.engine.connect() as conn:
        events = audit_events(conn, patient_id=pid)
    assert [(e.action, e.entity, e.actor) for e in events] == [
        ("create", "patient", "dr.house"),
        ("read", "patient", "dr.house"),
    ]
    assert events[0].after is not None and events[0].after["family"] == "Doe"


def test_unknown_patient(db: Database) -> None:
    with db.transaction() as conn, pytest.raises(NotFoundError, match="nope"):
        Repository(conn, DR).get_patient("nope")


RECORDS: dict[str, dict[str, Any]] = {
    "conditions": {"system": "http://snomed.info/sct", "code": "55464009", "onset": "2015-01-01"},
    "medications": {"drug": "hydroxychloroquine", "start": "2020-01-01", "dose_mg_per_day": 200},
    "observations": {"code": "2160-0", "value": 88.4, "unit": "umol/L", "effective": "2026-02-01"},
    "reports": {"kind": "renal-biopsy", "date": "2025-01-01", "findings": {"isn_rps_class": "IV"}},
    "assessments": {
        "instrument": "sledai-2k",
        "date": "2026-02-01",
        "inputs": {"descriptors": ["arthritis", "rash"]},
    },
    "administrations": {
        "plan_id": "p",
        "drug": "belimumab",
        "scheduled_on": "2026-03-10",
        "status": "scheduled",
        "interval_days": 28,
    },
    "adverse_events": {"category": "ctcae", "term": "Nausea", "grade": 1, "onset": "2026-02-01"},
    "symptoms": {"symptom": "fatigue", "severity": 6, "reported_on": "2026-02-20"},
    "questionnaires": {"questionnaire": "phq-9", "date": "2026-02-01", "answers": [1] * 9},
    "appointments": {
        "kind": "infusion",
        "start": "2026-03-10T09:00:00+00:00",
        "end": "2026-03-10T10:00:00+00:00",
        "place": "infusion chair 3",
        "staff": ["Nurse A"],
    },
}


@pytest.mark.parametrize("kind", sorted(RECORDS))
def test_record_round_trip(db: Database, kind: str) -> None:
    pid = make_patient(db)
    with db.transaction() as conn:
        value = clinic(conn).add_record(kind, pid, RECORDS[kind])
    with db.transaction() as conn:
        (stored,) = Repository(conn, DR).records(kind, pid)
    assert stored == value


def test_assessment_is_scored_by_the_instrument(db: Database) -> None:
    pid = make_patient(db)
    with db.transaction() as conn:
        a = clinic(conn).add_record("assessments", pid, RECORDS["assessments"])
    assert a.result["score"] == 6 and a.version and a.inputs["descriptors"] == ("arthritis", "rash")


def test_failed_transaction_leaves_nothing(db: Database) -> None:
    pid = make_patient(db)
    before = counts(db)
    with pytest.raises(RecordError), db.transaction() as conn:
        c = clinic(conn)
        c.add_record("observations", pid, RECORDS["observations"])
        c.add_record("observations", pid, {**RECORDS["observations"], "unit": "mg/mmol"})
    assert counts(db) == before


def test_audit_log_is_append_only(db: Database) -> None:
    make_patient(db)
    with db.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    with pytest.raises(DBAPIError), db.transaction() as conn:
        conn.execute(audit_log.update().values(actor="someone else"))
    with pytest.raises(DBAPIError), db.transaction() as conn:
        conn.execute(audit_log.delete())
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_log)).scalar_one() == before


def test_plan_versions_and_adjustments(db: Database) -> None:
    pid = make_patient(db)
    with db.transaction() as conn:
        plan = clinic(conn).create_plan(pid, {"therapy": "belimumab", "start": "2026-01-01"})
    with db.transaction() as conn:
        paused = clinic(conn).adjust_plan(
            pid, plan.plan_id, {"change": "pause", "reason": "infection", "base_version": 1}
        )
    assert (paused.version, paused.status, paused.reason) == (2, "paused", "infection")
    with pytest.raises(ConflictError, match="base_version 1"), db.transaction() as conn:
        clinic(conn).adjust_plan(
            pid, plan.plan_id, {"change": "resume", "reason": "better", "base_version": 1}
        )
    with pytest.raises(RecordError, match="reason"), db.transaction() as conn:
        clinic(conn).adjust_plan(
            pid, plan.plan_id, {"change": "resume", "reason": " ", "base_version": 2}
        )
    with db.transaction() as conn:
        clinic(conn).adjust_plan(
            pid,
            plan.plan_id,
            {
                "change": "switch",
                "reason": "no response",
                "base_version": 2,
                "therapy": "anifrolumab",
            },
        )
        versions = Repository(conn, DR).plan_versions(pid)
    assert [(v.therapy, v.version, v.status) for v in versions] == [
        ("belimumab", 1, "active"),
        ("belimumab", 2, "paused"),
        ("belimumab", 3, "stopped"),
        ("anifrolumab", 1, "active"),
    ]


def test_alerts_are_raised_once_and_follow_their_life_cycle(db: Database) -> None:
    pid = make_patient(db)
    low = {"code": "751-8", "value": 0.6, "unit": "10*9/L", "effective": "2026-02-28"}
    with db.transaction() as conn:
        clinic(conn).add_record("observations", pid, low)
        clinic(conn).refresh_alerts(pid)
        alerts = clinic(conn).refresh_alerts(pid)
    (alert,) = [a for a in alerts if a.code == "lab.neutrophils.low"]
    with db.transaction() as conn:
        acked = clinic(conn, Actor("nurse1", "nurse")).acknowledge_alert(pid, alert.id)
    with db.transaction() as conn:
        stored = Repository(conn, DR).get_alert(alert.id)
    assert (
        stored.status == "acknowledged"
        and stored.acknowledged_by == "nurse1" == acked.acknowledged_by
    )


def test_auto_resolving_alert_resolves_when_done(db: Database) -> None:
    pid = make_patient(db)
    symptom = {"symptom": "pain", "severity": 4, "reported_on": "2026-02-28"}
    with db.transaction() as conn:
        s = clinic(conn).add_record("symptoms", pid, symptom)
    with db.transaction() as conn:
        assert [a.code for a in Repository(conn, DR).list_alerts(pid)] == ["symptom.review"]
        clinic(conn).mark_symptom_reviewed(pid, s.id)
        (a,) = Repository(conn, DR).list_alerts(pid)
    assert (a.status, a.resolved_by) == ("resolved", "system")


def test_summary(db: Database) -> None:
    pid = make_patient(db)
    with db.transaction() as conn:
        c = clinic(conn)
        c.create_plan(pid, {"therapy": "belimumab", "start": "2026-01-01"})
        c.add_record("assessments", pid, RECORDS["assessments"])
        c.add_record("administrations", pid, RECORDS["administrations"])
        c.add_record(
            "administrations",
            pid,
            {**RECORDS["administrations"], "scheduled_on": "2026-02-01", "status": "missed"},
        )
        summary = c.summary(pid)
    assert summary["patient_id"] == pid
    assert summary["disease_state"]["sledai_2k"] == {"score": 6.0, "date": "2026-02-01"}
    assert summary["adherence"] == 0.0
    assert [d["scheduled_on"] for d in summary["next_administrations"]] == ["2026-03-10"]
    codes = {a["code"] for a in summary["alerts"]}
    assert {"dose.missed", "monitoring.overdue"} <= codes
    assert any(m["item"] == "cbc" and m["overdue"] for m in summary["monitoring_due"])


def test_concurrent_writers(db: Database) -> None:
    """Eight threads write observations at once; then two adjust the same plan version."""
    pid = make_patient(db)
    with db.transaction() as conn:
        plan = clinic(conn).create_plan(pid, {"therapy": "anifrolumab", "start": "2026-01-01"})
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            for j in range(3):
                with db.transaction() as conn:
                    clinic(conn).add_record(
                        "observations",
                        pid,
                        {
                            "code": "777-3",
                            "value": 100 + i * 10 + j,
                            "unit": "10*9/L",
                            "effective": "2026-02-01",
                        },
                    )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.transaction() as conn:
        assert len(Repository(conn, DR).records("observations", pid)) == 24

    outcomes: list[str] = []

    def adjust(reason: str) -> None:
        try:
            with db.transaction() as conn:
                clinic(conn).adjust_plan(
                    pid,
                    plan.plan_id,
                    {"change": "dose-change", "reason": reason, "base_version": 1},
                )
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")

    pair = [threading.Thread(target=adjust, args=(r,)) for r in ("a", "b")]
    for t in pair:
        t.start()
    for t in pair:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]


def test_postgres_is_really_postgres(db: Database) -> None:
    with db.engine.connect() as conn:
        if db.backend == "postgresql":
            assert "PostgreSQL" in conn.execute(text("select version()")).scalar_one()
        else:
            assert conn.execute(text("select sqlite_version()")).scalar_one()


def _example_request(name: str) -> dict[str, Any]:
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "plans" / f"{name}.json"
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@pytest.mark.parametrize("name", ["belimumab-iv", "belimumab-sc", "anifrolumab", "cd19-car-t"])
def test_plan_from_therapy_request_schedules_doses(db: Database, name: str) -> None:
    from lupus.therapy import make_plan, read_plan_request

    request = _example_request(name)
    expected = make_plan(read_plan_request(request))
    pid = make_patient(db)
    with db.transaction() as conn:
        plan = clinic(conn).create_plan(pid, {"request": request, "reason": "label regimen"})
        doses = Repository(conn, DR).records("administrations", pid)
    assert plan.document["therapy"] == expected.request.therapy
    assert plan.start == expected.request.start_date
    assert [d.scheduled_on for d in doses] == sorted(a.date for a in expected.administrations)
    assert all(d.status == "scheduled" and d.plan_id == plan.plan_id for d in doses)


def test_belimumab_iv_intervals_set_the_adherence_window(db: Database) -> None:
    pid = make_patient(db)
    with db.transaction() as conn:
        clinic(conn).create_plan(pid, {"request": _example_request("belimumab-iv")})
        doses = Repository(conn, DR).records("administrations", pid)
    # label: 10 mg/kg every 2 weeks x 3 doses, then every 4 weeks (instruments.md 5.1)
    assert [d.interval_days for d in doses[:4]] == [14, 14, 28, 28]
    assert doses[0].dose.startswith("685 mg IV")


def test_bad_plan_request_is_rejected(db: Database) -> None:
    pid = make_patient(db)
    request = _example_request("belimumab-iv")
    request["weeks"] = 0
    with pytest.raises(ValueError, match="weeks"), db.transaction() as conn:
        clinic(conn).create_plan(pid, {"request": request})
