"""Schedules: golden regimens, plan window, observation, premedication, monitoring."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from lupus.therapy import (
    PlanInputError,
    body_surface_area_mosteller,
    build_schedule,
    dose_events,
    get_regimen,
    make_plan,
    plan_window,
    regimen_ids,
    select_regimen,
)
from tests.therapy._factory import make_request

GOLDEN = json.loads(
    (Path(__file__).resolve().parents[1] / "golden" / "therapy_schedules.json").read_text("utf-8")
)
CASES: list[dict[str, Any]] = GOLDEN["cases"]


def test_golden_is_derived() -> None:
    assert GOLDEN["status"] == "derived"
    for case in CASES:
        assert case["source"] and case["derivation"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_schedule(case: dict[str, Any]) -> None:
    request = make_request(case["therapy"], case["patient"], **case["top"])
    schedule = build_schedule(request)
    got = [
        [
            a.day,
            a.drug,
            a.dose.value,
            a.dose.unit,
            a.route,
            a.infusion_minutes,
            a.setting,
        ]
        for a in schedule.administrations
    ]
    expected = case["administrations"]
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g[0:2] == e[0:2] and g[3:] == e[3:]
        assert g[2] == pytest.approx(e[2], rel=1e-12)
    for a in schedule.administrations:
        assert a.date == request.start_date + dt.timedelta(days=a.day)


@pytest.mark.parametrize("case", GOLDEN["bsa"]["cases"])
def test_mosteller(case: dict[str, float]) -> None:
    bsa = body_surface_area_mosteller(case["height_cm"], case["weight_kg"])
    assert bsa == pytest.approx(case["bsa_m2"], abs=1e-4)


@pytest.mark.parametrize(("h", "w"), [(0, 70), (170, 0), (float("nan"), 70), (170, -1)])
def test_mosteller_rejects_bad_input(h: float, w: float) -> None:
    with pytest.raises(PlanInputError):
        body_surface_area_mosteller(h, w)


def test_regimen_ids_and_sources() -> None:
    assert "belimumab-iv" in regimen_ids() and "cd19-car-t" in regimen_ids()
    assert "6/2025" in get_regimen("belimumab-iv").source("us")
    assert "SmPC" in get_regimen("belimumab-iv").source("eu")
    assert "Mackensen" in get_regimen("cd19-car-t").source("eu")
    with pytest.raises(PlanInputError, match="regimen"):
        get_regimen("belimumab-oral")


def test_dose_events_for_the_simulator() -> None:
    events = dose_events(get_regimen("belimumab-iv"), weight_kg=60, until_day=100)
    assert [(e.day, e.amount, e.unit, e.route, e.infusion_minutes) for e in events] == [
        (0, 600.0, "mg", "iv", 60),
        (14, 600.0, "mg", "iv", 60),
        (28, 600.0, "mg", "iv", 60),
        (56, 600.0, "mg", "iv", 60),
        (84, 600.0, "mg", "iv", 60),
    ]
    flat = dose_events(get_regimen("anifrolumab-iv"), until_day=57)
    assert [e.day for e in flat] == [0, 28, 56] and flat[0].amount == 300.0
    with pytest.raises(PlanInputError, match="weight_kg"):
        dose_events(get_regimen("belimumab-iv"), until_day=10)
    with pytest.raises(PlanInputError, match="height_cm"):
        dose_events(get_regimen("cd19-car-t"), weight_kg=70, until_day=1)


def test_select_regimen_has_no_dose_where_the_label_gives_none() -> None:
    assert select_regimen(make_request("belimumab", {"birth_date": "2022-01-01"})) is None
    assert select_regimen(make_request("anifrolumab", {"birth_date": "2010-01-01"})) is None
    child = {"birth_date": "2013-06-01", "weight_kg": 45}
    assert select_regimen(make_request("belimumab", child, route="sc", jurisdiction="eu")) is None
    assert (
        select_regimen(make_request("belimumab", child, route="sc", indication="lupus_nephritis"))
        is None
    )


def test_window_and_car_t_negative_days() -> None:
    request = make_request("cd19-car-t", {"manufacturing_days": 21}, weeks=2)
    start, end = plan_window(request)
    assert start == request.start_date - dt.timedelta(days=26)
    assert end == request.start_date + dt.timedelta(days=14)
    plan = make_plan(request)
    names = [(p.name, p.day) for p in plan.schedule.procedures]
    assert names == [("leukapheresis", -26), ("product manufacturing", -26)]
    assert plan.schedule.procedures[1].end_date == request.start_date - dt.timedelta(days=5)
    days = [m.day for m in plan.monitoring]
    assert days[:3] == [-5, -4, -3] and days[3:] == list(range(0, 14))
    assert "ICANS assessment (ICE score)" in plan.monitoring[3].tests


def test_belimumab_iv_observation_and_premedication_by_jurisdiction() -> None:
    us = make_plan(make_request("belimumab", weeks=9))
    eu = make_plan(make_request("belimumab", weeks=9, jurisdiction="eu"))
    assert all(a.observation_minutes is None for a in us.administrations + eu.administrations)
    assert all(a.observation and "appropriate period" in a.observation for a in us.administrations)
    assert [a.observation is not None for a in eu.administrations] == [True, True, False, False]
    assert "Consider premedication" in us.administrations[0].premedication[0]
    assert "antihistamine" in eu.administrations[0].premedication[0]


def test_anifrolumab_dilution_and_filter_by_jurisdiction() -> None:
    us = make_plan(make_request("anifrolumab", weeks=4)).administrations[0]
    eu = make_plan(make_request("anifrolumab", weeks=4, jurisdiction="eu")).administrations[0]
    assert any("withdraw and discard 2 mL" in p for p in us.preparation)
    assert any("0.2 to 0.22 micron" in p for p in us.preparation)
    assert any("0.2 to 15 micron" in p for p in eu.preparation)
    assert any("25 mL" in p for p in eu.preparation)
    assert us.infusion_minutes == 30 and us.observation_minutes is None and us.observation
    assert "history" in us.premedication[0]


def test_sc_has_no_observation_or_premedication_and_has_instructions() -> None:
    a = make_plan(make_request("belimumab", route="sc", weeks=1)).administrations[0]
    assert a.observation is None and a.premedication == () and a.infusion_minutes is None
    assert any("2 doses on the same day" in i for i in a.instructions)


def test_ln_loading_dose_notes_two_injections() -> None:
    plan = make_plan(make_request("belimumab", route="sc", indication="lupus_nephritis", weeks=5))
    assert "two 200 mg injections" in plan.administrations[0].preparation[0]
    assert "two 200 mg injections" not in " ".join(plan.administrations[4].preparation)


def test_monitoring_cadence() -> None:
    sle = make_plan(make_request("belimumab", weeks=26))
    assert [m.day for m in sle.monitoring] == [0, 84, 168]
    assert "depression and suicidality assessment (PHQ-9)" in sle.monitoring[0].tests
    ln = make_plan(make_request("belimumab", indication="lupus_nephritis", weeks=12))
    assert [m.day for m in ln.monitoring] == [0, 28, 56]
    eu = make_plan(make_request("belimumab", weeks=30, jurisdiction="eu"))
    review = [m for m in eu.monitoring if m.day == 182]
    assert review and "consider stopping" in review[0].tests[0]
    ani = make_plan(make_request("anifrolumab", weeks=13))
    assert "herpes zoster and respiratory infection review" in ani.monitoring[0].tests


def test_stopping_rules() -> None:
    us = {s.code for s in make_plan(make_request("belimumab")).stopping_rules}
    eu = {s.code for s in make_plan(make_request("belimumab", jurisdiction="eu")).stopping_rules}
    assert {"belimumab.serious_infection", "belimumab.pml"} <= us
    assert "belimumab.no_improvement_6_months_eu" in eu - us
    ani = {s.code for s in make_plan(make_request("anifrolumab")).stopping_rules}
    assert "anifrolumab.serious_infection" in ani


def test_blocked_plan_is_still_produced() -> None:
    plan = make_plan(make_request("belimumab", {"anaphylaxis_to": ["belimumab"]}))
    assert not plan.eligible and plan.administrations  # dose exists; blocker explains
    nodose = make_plan(make_request("anifrolumab", {"birth_date": "2012-01-01"}))
    assert not nodose.eligible and nodose.administrations == () and nodose.monitoring


def test_domain_values_validate_at_construction() -> None:
    from lupus.therapy import Administration, ChecklistItem, Dose, Finding

    with pytest.raises(PlanInputError, match="dose.value"):
        Dose(value=0, unit="mg", basis="x")
    with pytest.raises(PlanInputError, match="dose.unit"):
        Dose(value=1, unit="g", basis="x")  # type: ignore[arg-type]
    with pytest.raises(PlanInputError, match="finding.kind"):
        Finding(kind="warning", code="a.b", message="m", source="s")  # type: ignore[arg-type]
    with pytest.raises(PlanInputError, match="finding"):
        Finding(kind="caution", code="", message="m", source="s")
    with pytest.raises(PlanInputError, match="checklist.status"):
        ChecklistItem("c", "test", "i", "maybe", None, "s")  # type: ignore[arg-type]
    a = make_plan(make_request("anifrolumab", weeks=1)).administrations[0]
    with pytest.raises(PlanInputError, match="administration.setting"):
        Administration(**{**{f: getattr(a, f) for f in a.__dataclass_fields__}, "setting": "car"})
    with pytest.raises(PlanInputError, match="administration.dose_number"):
        Administration(**{**{f: getattr(a, f) for f in a.__dataclass_fields__}, "dose_number": 0})
