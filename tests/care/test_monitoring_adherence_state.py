"""Monitoring schedule, adherence, disease state and the alert life cycle."""

from __future__ import annotations

import datetime as dt

import pytest

from lupus.care import (
    TransitionError,
    UnknownCodeError,
    acknowledge,
    adherence,
    disease_state,
    evaluate,
    monitoring_due,
    needs_crisis_guidance,
    next_administrations,
    open_alert,
    resolve,
    schedule_for,
    therapy_keys,
)
from tests.care.builders import assess, d, dose, history, med, obs, plan, report

T0 = dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC)


def test_every_therapy_has_a_schedule_with_sources() -> None:
    assert set(therapy_keys()) == {"belimumab", "anifrolumab", "cd19-car-t", "hydroxychloroquine"}
    for therapy in therapy_keys():
        items = schedule_for(therapy)
        assert items
        assert all(i.source and i.status for i in items)
    with pytest.raises(UnknownCodeError, match="therapy"):
        schedule_for("aspirin")


def test_required_tests_are_scheduled() -> None:
    done_by = {t: " ".join(i.done_by for i in schedule_for(t)) for t in therapy_keys()}
    assert "questionnaire:phq-9" in done_by["belimumab"]
    assert "8116-6" in done_by["cd19-car-t"] and "2465-3" in done_by["cd19-car-t"]
    for code in ("718-7", "2160-0", "2890-2", "5130-0", "4485-9", "4498-2"):
        assert code in done_by["anifrolumab"]


def test_due_date_follows_the_last_test() -> None:
    h = history(plan("belimumab", "2026-01-01"), obs("777-3", 200, "10*9/L", "2026-01-03"))
    due = {i.key: i for i in monitoring_due(h, d("2026-02-01"))}
    assert due["cbc"].due == d("2026-04-03") and not due["cbc"].overdue
    assert due["renal"].due == d("2026-01-01") and due["renal"].overdue


def test_hydroxychloroquine_retina_baseline_then_yearly_after_5_years() -> None:
    start = "2019-01-01"
    h = history(med("hydroxychloroquine", start, 200), report("retinal-exam", "2019-03-01"))
    due = {i.key: i for i in monitoring_due(h, d("2023-06-01"))}
    assert "retina-baseline" not in due
    assert due["retina-annual"].due == d("2024-01-01")
    late = {i.key: i for i in monitoring_due(h, d("2024-03-01"))}
    assert late["retina-annual"].overdue


def test_car_t_weekly_cbc_only_in_first_month() -> None:
    h = history(plan("cd19-car-t", "2026-01-01"), obs("777-3", 200, "10*9/L", "2026-01-29"))
    keys = {i.key for i in monitoring_due(h, d("2026-01-29"))}
    assert "cbc-early" not in keys and "cbc" in keys


def test_adherence_counts_doses_on_time() -> None:
    doses = [
        dose("2026-01-01", "given", "2026-01-03", interval=7),  # +2: on time
        dose("2026-01-08", "given", "2026-01-11", interval=7),  # +3: late
        dose("2026-01-15", "missed", interval=7),
        dose("2026-01-22", "scheduled", interval=7),  # window open on 2026-01-23
    ]
    result = adherence(doses, d("2026-01-23"))
    assert (result.given_on_time, result.due) == (1, 3)
    assert result.fraction == pytest.approx(1 / 3)
    assert adherence([], d("2026-01-23")).fraction is None


def test_next_administrations() -> None:
    h = history(
        dose("2026-03-01", "scheduled"),
        dose("2026-02-01", "scheduled"),
        dose("2026-01-01", "given", "2026-01-01"),
    )
    assert [x.scheduled_on for x in next_administrations(h, d("2026-01-15"))] == [
        d("2026-02-01"),
        d("2026-03-01"),
    ]


def test_disease_state_reads_latest_results() -> None:
    h = history(
        assess("sledai-2k", "2026-01-01", {"score": 6}),
        assess("sledai-2k", "2026-02-01", {"score": 2}),
        assess("lldas", "2026-02-01", {"met": True}),
        assess("doris", "2026-02-01", {"met": False}),
    )
    state = disease_state(h)
    assert state.to_json() == {
        "sledai_2k": {"score": 2.0, "date": "2026-02-01"},
        "lldas": True,
        "doris": False,
    }
    assert disease_state(h, d("2026-01-15")).sledai_2k == 6.0
    # SLEDAI-2K totals are sums of integer weights, reported as integers
    assert isinstance(state.to_json()["sledai_2k"]["score"], int)
    assert disease_state(history()).to_json()["sledai_2k"] == {"score": None, "date": None}


def test_alert_life_cycle() -> None:
    h = history(obs("751-8", 0.5, "10*9/L", "2026-02-01"))
    (finding,) = [f for f in evaluate(h, d("2026-02-01")) if f.code == "lab.neutrophils.low"]
    alert = open_alert(finding, id="a1", patient_id="p1", at=T0)
    acked = acknowledge(alert, by="nurse1", at=T0)
    assert (acked.status, acked.acknowledged_by) == ("acknowledged", "nurse1")
    with pytest.raises(TransitionError):
        acknowledge(acked, by="nurse1", at=T0)
    done = resolve(acked, by="dr1", at=T0)
    assert done.status == "resolved" and done.resolved_by == "dr1"
    with pytest.raises(TransitionError, match="already resolved"):
        resolve(done, by="dr1", at=T0)
    assert alert.status == "open"  # values never change


def test_crisis_guidance_trigger() -> None:
    assert needs_crisis_guidance((0,) * 8 + (1,))
    assert not needs_crisis_guidance((3,) * 8 + (0,))
