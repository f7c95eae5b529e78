"""Property tests: spacing, window, dose arithmetic, weight bands and missed-dose re-plans."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from lupus.therapy import (
    body_surface_area_mosteller,
    get_regimen,
    make_plan,
    replan_missed_dose,
    select_regimen,
)
from tests.therapy._factory import make_request

starts = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
weeks = st.integers(min_value=1, max_value=104)
adult_weights = st.floats(min_value=35, max_value=200, allow_nan=False).map(lambda w: round(w, 1))
options = st.sampled_from(
    [
        ("belimumab", {"route": "iv", "indication": "sle"}),
        ("belimumab", {"route": "iv", "indication": "lupus_nephritis"}),
        ("belimumab", {"route": "sc", "indication": "sle"}),
        ("belimumab", {"route": "sc", "indication": "lupus_nephritis"}),
        ("anifrolumab", {"indication": "sle"}),
        ("cd19-car-t", {"indication": "sle"}),
    ]
)
jurisdictions = st.sampled_from(["us", "eu"])


def _request(option: tuple[str, dict[str, Any]], start: dt.date, n: int, weight: float, j: str):
    therapy, top = option
    patient = {"weight_kg": weight, "birth_date": "1980-01-01"}
    return make_request(
        therapy, patient, start_date=start.isoformat(), weeks=n, jurisdiction=j, **top
    )


@given(options, starts, weeks, adult_weights, jurisdictions)
def test_plans_keep_the_label_rules(option, start, n, weight, j) -> None:  # type: ignore[no-untyped-def]
    request = _request(option, start, n, weight, j)
    plan = make_plan(request)
    regimen = select_regimen(request)
    assert regimen is not None
    lo, hi = plan.schedule.window_start, plan.schedule.window_end
    assert hi == start + dt.timedelta(days=7 * n)
    # every administration, procedure and visit inside the plan window
    for a in plan.administrations:
        assert lo <= a.date < hi
    for p in plan.schedule.procedures:
        assert lo <= p.date < hi
    for m in plan.monitoring:
        assert lo <= m.date < hi
    # doses of one drug never closer together than the label allows
    by_drug: dict[str, list[dt.date]] = {}
    for a in plan.administrations:
        by_drug.setdefault(a.drug, []).append(a.date)
    main = by_drug.get(regimen.drug, [])
    for a_date, b_date in zip(main, main[1:], strict=False):
        assert (b_date - a_date).days >= regimen.min_interval_days
    # dose arithmetic: mg/kg x weight, cells/kg x weight, mg/m2 x BSA
    bsa = body_surface_area_mosteller(request.patient.height_cm, weight)
    for a in plan.administrations:
        if a.drug == "belimumab" and a.route == "iv":
            assert a.dose.value == 10 * weight and a.dose.unit == "mg"
        elif a.drug == "cd19-car-t":
            assert a.dose.value == 1e6 * weight and a.dose.unit == "cells"
        elif a.drug == "fludarabine":
            assert math.isclose(a.dose.value, 25 * bsa)
        elif a.drug == "cyclophosphamide":
            assert math.isclose(a.dose.value, 1000 * bsa)
    # the first dose of a label regimen is on start_date; CAR T is infused on day 0
    if plan.administrations and option[0] != "cd19-car-t":
        assert plan.administrations[0].date == start
    if option[0] == "cd19-car-t":
        assert [a.day for a in plan.administrations if a.drug == "cd19-car-t"] == [0]


@given(st.floats(min_value=10, max_value=80, allow_nan=False), st.integers(5, 17))
def test_paediatric_sc_weight_bands(weight: float, age: int) -> None:
    birth = dt.date(2026, 1, 5).replace(year=2026 - age)
    request = make_request(
        "belimumab", {"weight_kg": weight, "birth_date": birth.isoformat()}, route="sc"
    )
    regimen = select_regimen(request)
    if weight < 15:
        assert regimen is None
        assert "belimumab.sc_child_under_15kg" in make_plan(request).suitability.codes()
    elif weight < 40:
        assert regimen is not None and regimen.id == "belimumab-sc-every-2-weeks"
    else:
        assert regimen is not None and regimen.id == "belimumab-sc-weekly"


def test_weight_bands_switch_exactly_at_their_limits() -> None:
    def rid(weight: float) -> str | None:
        request = make_request(
            "belimumab", {"weight_kg": weight, "birth_date": "2015-01-01"}, route="sc"
        )
        regimen = select_regimen(request)
        return None if regimen is None else regimen.id

    assert rid(math.nextafter(15.0, 0)) is None
    assert rid(15.0) == "belimumab-sc-every-2-weeks"
    assert rid(math.nextafter(40.0, 0)) == "belimumab-sc-every-2-weeks"
    assert rid(40.0) == "belimumab-sc-weekly"
    assert get_regimen("belimumab-sc-every-2-weeks").min_interval_days == 14


sc_or_ani = st.sampled_from(
    [
        ("belimumab", {"route": "sc", "indication": "sle"}),
        ("belimumab", {"route": "sc", "indication": "lupus_nephritis"}),
        ("anifrolumab", {"indication": "sle"}),
    ]
)


@given(sc_or_ani, starts, st.integers(2, 40), st.data())
def test_missed_dose_replans_keep_the_rules(option, start, n, data) -> None:  # type: ignore[no-untyped-def]
    request = _request(option, start, n, 70.0, "us")
    plan = make_plan(request)
    first, end = plan.administrations[0].date, plan.schedule.window_end
    assume((end - first).days > 1)
    offset = data.draw(st.integers(1, (end - first).days - 1))
    missed = first + dt.timedelta(days=offset)
    new = replan_missed_dose(plan, missed)
    dates = [a.date for a in new.administrations]
    assert dates == sorted(dates)
    assert all(plan.schedule.window_start <= d < end for d in dates)
    # earlier doses stay; the catch-up is on the missed date
    earlier = [a for a in plan.administrations if a.date < missed][:-1]
    assert list(new.administrations[: len(earlier)]) == earlier
    catch_up = new.administrations[len(earlier)]
    assert catch_up.date == missed and catch_up.catch_up
    later = new.administrations[len(earlier) + 1 :]
    if option[0] == "belimumab":
        # never two doses on one day; later doses on the usual weekday grid
        assert len(set(dates)) == len(dates)
        grid = {a.date for a in plan.administrations}
        assert all(a.date in grid for a in later)
        # dose amounts keep their order
        amounts = [a.dose.value for a in new.administrations]
        assert amounts == [a.dose.value for a in plan.administrations][: len(amounts)]
    else:
        assert all((b - a).days >= 14 for a, b in zip(dates, dates[1:], strict=False))
        for a in later[1:]:
            assert (a.date - start).days % 28 == 0
    # a second miss keeps the rules too
    if later and later[0].date + dt.timedelta(days=1) < end:
        again = replan_missed_dose(new, later[0].date + dt.timedelta(days=1))
        d2 = [a.date for a in again.administrations]
        assert d2 == sorted(d2) and len(set(d2)) == len(d2)
        if option[0] == "anifrolumab":
            assert all((b - a).days >= 14 for a, b in zip(d2, d2[1:], strict=False))
