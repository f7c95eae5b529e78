"""Missed-dose re-plans: belimumab SC and anifrolumab rules; no invented rule elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest

from lupus.therapy import NoLabelRuleError, PlanInputError, make_plan, replan_missed_dose
from tests.therapy._factory import make_request

D = dt.date.fromisoformat  # start_date in the factory is Monday 2026-01-05


def _dates(plan: object) -> list[str]:
    return [a.date.isoformat() for a in plan.administrations]  # type: ignore[attr-defined]


def test_belimumab_sc_catch_up_then_usual_weekday() -> None:
    plan = make_plan(make_request("belimumab", route="sc", weeks=4))
    new = replan_missed_dose(plan, D("2026-01-15"))
    assert _dates(new) == ["2026-01-05", "2026-01-15", "2026-01-19", "2026-01-26"]
    assert [a.catch_up for a in new.administrations] == [False, True, False, False]
    assert [a.dose_number for a in new.administrations] == [1, 2, 3, 4]
    assert new.missed == (D("2026-01-15"),)
    assert plan.administrations[1].date == D("2026-01-12")  # the original is unchanged


def test_belimumab_sc_regular_dose_on_the_date_is_the_catch_up() -> None:
    plan = make_plan(make_request("belimumab", route="sc", weeks=4))
    new = replan_missed_dose(plan, D("2026-01-19"))
    assert _dates(new) == ["2026-01-05", "2026-01-19", "2026-01-26"]
    assert len({a.date for a in new.administrations}) == len(new.administrations)


def test_belimumab_sc_ln_loading_doses_keep_their_order() -> None:
    request = make_request("belimumab", route="sc", indication="lupus_nephritis", weeks=6)
    new = replan_missed_dose(request, D("2026-01-19"))
    assert _dates(new) == ["2026-01-05", "2026-01-19", "2026-01-26", "2026-02-02", "2026-02-09"]
    assert [a.dose.value for a in new.administrations] == [400, 400, 400, 400, 200]


@pytest.mark.parametrize(
    ("missed", "expected"),
    [
        # the first dose (Jan 5) was missed; Feb 2 is 23 days later: kept
        ("2026-01-10", ["2026-01-10", "2026-02-02", "2026-03-02", "2026-03-30"]),
        # Feb 2 given Feb 16; Mar 2 is exactly 14 days later: kept
        ("2026-02-16", ["2026-01-05", "2026-02-16", "2026-03-02", "2026-03-30"]),
        # Feb 2 given Feb 20; Mar 2 is 10 days later: moved to Mar 6; then the 28-day grid
        ("2026-02-20", ["2026-01-05", "2026-02-20", "2026-03-06", "2026-03-30"]),
        # Feb 2 given on Mar 2, a grid day: the next dose is 14 days later, Mar 16
        ("2026-03-02", ["2026-01-05", "2026-03-02", "2026-03-16", "2026-03-30"]),
    ],
)
def test_anifrolumab_missed_dose(missed: str, expected: list[str]) -> None:
    plan = make_plan(make_request("anifrolumab", weeks=16))
    assert _dates(plan) == ["2026-01-05", "2026-02-02", "2026-03-02", "2026-03-30"]
    assert _dates(replan_missed_dose(plan, D(missed))) == expected


def test_anifrolumab_repeated_misses_keep_14_days() -> None:
    plan = make_plan(make_request("anifrolumab", weeks=30))
    plan = replan_missed_dose(plan, D("2026-02-20"))
    plan = replan_missed_dose(plan, D("2026-03-10"))
    dates = [a.date for a in plan.administrations]
    assert all((b - a).days >= 14 for a, b in zip(dates, dates[1:], strict=False))
    assert plan.missed == (D("2026-02-20"), D("2026-03-10"))
    assert dates[:4] == [D("2026-01-05"), D("2026-02-20"), D("2026-03-10"), D("2026-03-30")]


@pytest.mark.parametrize("therapy", ["belimumab", "cd19-car-t"])
def test_no_label_rule_is_an_error(therapy: str) -> None:
    plan = make_plan(make_request(therapy))
    with pytest.raises(NoLabelRuleError, match="no .*rule"):
        replan_missed_dose(plan, D("2026-01-20"))
    assert isinstance(NoLabelRuleError("x"), ValueError)


@pytest.mark.parametrize("missed", ["2026-01-05", "2026-01-01", "2026-02-02", "2027-01-01"])
def test_missed_date_outside_the_plan(missed: str) -> None:
    plan = make_plan(make_request("belimumab", route="sc", weeks=4))
    with pytest.raises(PlanInputError, match="field 'missed'"):
        replan_missed_dose(plan, D(missed))


def test_missed_dose_in_a_plan_without_doses() -> None:
    plan = make_plan(make_request("anifrolumab", {"birth_date": "2012-01-01"}))
    with pytest.raises(PlanInputError, match="a plan with scheduled doses"):
        replan_missed_dose(plan, D("2026-01-20"))
