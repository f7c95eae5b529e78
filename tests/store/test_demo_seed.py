"""The demo clinic: synthetic simulator patients with a year of history, seeded once."""

from __future__ import annotations

import datetime as dt
import uuid
from itertools import count

from lupus.care.demo import demo_patients
from lupus.store import Actor, Clinic, Database, Repository, authenticate
from lupus.store.demo import DEMO_PASSWORD, seed_demo_clinic

TODAY = dt.date(2026, 11, 25)


def test_seed_once_with_logins_and_alerts(db: Database) -> None:
    seeded = seed_demo_clinic(db, per_group=2, seed=3, today=TODAY)
    assert seeded.created and seeded.patients == 8
    again = seed_demo_clinic(db, per_group=2, seed=3, today=TODAY)
    assert not again.created and again.patients == 8
    with db.transaction() as conn:
        assert authenticate(conn, "clinician", DEMO_PASSWORD) is not None
        patient_user = authenticate(conn, "patient", DEMO_PASSWORD)
        assert patient_user is not None and patient_user.patient_id
        repo = Repository(conn, Actor("clinician", "clinician"))
        clinic = Clinic(repo, today=lambda: TODAY)
        therapies = set()
        for pid in repo.patient_ids():
            history = repo.history(pid)
            assert history.patient.synthetic
            assert history.observations and history.assessments and history.plans
            therapies.add(history.plans[0].therapy)
            summary = clinic.summary(pid)
            assert summary["disease_state"]["sledai_2k"]["score"] is not None
            assert summary["adherence"] is None or 0 <= summary["adherence"] <= 1
        assert therapies == {"belimumab", "anifrolumab", "cd19-car-t"}
        assert any(repo.list_alerts(pid) for pid in repo.patient_ids())


def test_same_seed_same_clinic() -> None:
    def ids() -> str:
        return str(uuid.UUID(int=next(counter)))

    counter = count(1)
    first = demo_patients(1, seed=5, today=TODAY, new_id=ids)
    counter = count(1)
    second = demo_patients(1, seed=5, today=TODAY, new_id=ids)
    assert [p.patient for p in first] == [p.patient for p in second]
    assert [[a.result for a in p.records["assessments"]] for p in first] == [
        [a.result for a in p.records["assessments"]] for p in second
    ]
