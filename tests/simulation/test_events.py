"""NONMEM/rxode2-style event tables and the dose builder: parsing, expansion and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from lupus.simulation import (
    STATE_NAMES,
    EventTableError,
    Regimen,
    ScheduleError,
    build_schedule,
    parse_dose,
    read_event_table,
    simulate,
    typical_population,
)

GOOD = """ID,TIME,EVID,AMT,CMT,RATE,DUR,II,ADDL,WT_KG
p1,0,1,700,bel_central,16800,,,,70
p1,14,1,700,BEL_CENTRAL,,0.041666666666666664,,,70
p1,28,1,700,bel_central,16800,,28,3,70
p1,5,0,,bel_central,,,,,70
p2,0,1,200,bel_depot,,,7,10,55
"""


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def test_reads_records_addl_and_covariates() -> None:
    table = read_event_table(_lines(GOOD))
    assert table.ids == ("p1", "p2")
    sched = table.schedule
    p1 = sched.patient == 0
    np.testing.assert_allclose(np.sort(sched.time[p1]), [0, 14, 28, 56, 84, 112])
    np.testing.assert_allclose(sched.duration[p1], 1 / 24)
    assert (sched.patient == 1).sum() == 11
    assert table.covariates[1, 0] == 55.0
    assert table.covariates[0, 1] == 40.0  # typical albumin when the column is absent


def test_event_table_matches_the_dose_builder(tmp_path) -> None:
    pop = typical_population(1)
    built = build_schedule(Regimen("belimumab", "iv"), pop, 120.0)
    rows = ["ID,TIME,AMT,CMT,DUR"] + [
        f"1,{t},{a},bel_central,{d}"
        for t, a, d in zip(built.time, built.amount, built.duration, strict=True)
    ]
    path = tmp_path / "events.csv"
    path.write_text("\n".join(rows) + "\n")
    table = read_event_table(path)
    t = np.arange(0.0, 120.0, 1.0)
    a = simulate(pop, built, t)
    b = simulate(pop, table.schedule, t)
    np.testing.assert_array_equal(a.states, b.states)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("ID,TIME,AMT\n1,0,5\n", "a column named CMT"),
        ("ID,TIME,AMT,CMT,FOO\n1,0,5,bel_central,1\n", "FOO"),
        ("ID,TIME,AMT,CMT\n1,0,5,liver\n", "row 1 column CMT"),
        ("ID,TIME,AMT,CMT\n1,0,-5,bel_central\n", "row 1 column AMT"),
        ("ID,TIME,AMT,CMT\n1,x,5,bel_central\n", "row 1 column TIME"),
        ("ID,TIME,EVID,AMT,CMT\n1,0,3,5,bel_central\n", "row 1 column EVID"),
        ("ID,TIME,AMT,CMT,RATE\n1,0,5,bel_central,-1\n", "row 1 column RATE"),
        ("ID,TIME,AMT,CMT,RATE\n1,0,5,bel_depot,10\n", "a bolus into bel_depot"),
        ("ID,TIME,AMT,CMT,ADDL\n1,0,5,bel_central,2\n", "row 1 column II"),
        ("ID,TIME,AMT,CMT,SS\n1,0,5,bel_central,1\n", "row 1 column SS"),
        (
            "ID,TIME,AMT,CMT,WT_KG\n1,0,5,bel_central,70\n1,7,5,bel_central,71\n",
            "row 2 column WT_KG",
        ),
        ("ID,TIME,AMT,CMT,WT_KG\n1,0,5,bel_central,0\n", "row 1 column WT_KG"),
        ("ID,TIME,AMT,CMT\n", "at least one record"),
        ("", "header"),
        ("ID,TIME,AMT,CMT,RATE,DUR\n1,0,5,bel_central,10,1\n", "row 1 column DUR"),
    ],
)
def test_bad_event_tables_name_row_and_column(text: str, fragment: str) -> None:
    with pytest.raises(EventTableError) as err:
        read_event_table(_lines(text))
    assert fragment in str(err.value)
    assert isinstance(err.value, ValueError)


def test_unreadable_file(tmp_path) -> None:
    with pytest.raises(EventTableError, match="readable CSV"):
        read_event_table(tmp_path / "missing.csv")


def test_parse_dose() -> None:
    assert parse_dose("10 mg/kg") == (10.0, "mg/kg")
    assert parse_dose("1e6 cells/kg") == (1e6, "cells/kg")
    assert parse_dose(" 200mg") == (200.0, "mg")
    for bad in ("10", "ten mg", "-1 mg", "0 mg", "5 g"):
        with pytest.raises(ScheduleError):
            parse_dose(bad)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"therapy": "rituximab"}, "therapy"),
        (
            {"therapy": "belimumab", "route": "sc", "dose": 10.0, "dose_unit": "mg/kg"},
            "in mg for belimumab SC",
        ),
        (
            {"therapy": "belimumab", "route": "iv", "dose": 10.0, "dose_unit": "mg"},
            "in mg/kg for belimumab IV",
        ),
        ({"therapy": "anifrolumab", "route": "sc"}, "route"),
        ({"therapy": "cd19-car-t", "interval_days": 28.0}, "interval-days"),
        ({"therapy": "belimumab", "interval_days": 0.0}, "interval-days"),
        ({"therapy": "placebo", "dose": 1.0, "dose_unit": ""}, "no dose for placebo"),
    ],
)
def test_bad_regimens(kwargs: dict, fragment: str) -> None:
    with pytest.raises(ScheduleError) as err:
        Regimen(**kwargs)
    assert fragment in str(err.value)


def test_belimumab_iv_keeps_loading_when_interval_changes() -> None:
    pop = typical_population(1)
    sched = build_schedule(Regimen("belimumab", "iv", interval_days=21.0), pop, 100.0)
    np.testing.assert_allclose(sched.time, [0, 14, 28, 49, 70, 91])
    np.testing.assert_allclose(sched.amount, 700.0)


def test_car_t_schedule_has_lymphodepletion_by_body_surface_area() -> None:
    pop = typical_population(1)
    sched = build_schedule(Regimen("cd19-car-t"), pop, 30.0)
    bsa = np.sqrt(70 * 165 / 3600)
    assert sorted(sched.time.tolist()) == [-5.0, -4.0, -3.0, -3.0, 0.0]
    cy = sched.compartment == STATE_NAMES.index("cyclophosphamide")
    assert np.isclose(sched.amount[cy][0], 1000 * bsa)  # mg, 1000 mg/m2
    assert np.isclose(sched.amount[sched.time == 0.0][0], 1e6 * 70)  # cells


def test_negative_weeks_refused() -> None:
    with pytest.raises(ScheduleError, match="weeks"):
        build_schedule(Regimen("belimumab"), typical_population(1), -7.0)


def test_select_keeps_order_and_refuses_unknown_patients() -> None:
    pop = typical_population(3)
    sched = build_schedule(Regimen("anifrolumab"), pop, 60.0)
    sub = sched.select([2, 0])
    assert sub.n_patients == 2
    np.testing.assert_array_equal(np.bincount(sub.patient), [3, 3])
    with pytest.raises(EventTableError, match="patients"):
        sched.select([5])


def test_glucocorticoid_taper_below_background_raises_activity() -> None:
    # background prednisone 10 mg/day at steady state; a taper to 5 mg/day from day 28 is a
    # negative zero-order record (-5 mg/day for 336 days) and lets organ activity rise
    pop = typical_population(1, covariates={"GC_MG_DAY": 10.0})
    taper = read_event_table(_lines("ID,TIME,AMT,CMT,DUR\n1,28,-1680,gc_effect,336\n")).schedule
    t = np.arange(0.0, 364.0, 7.0)
    kept = simulate(pop, build_schedule(Regimen("placebo"), pop, 364.0), t)
    tapered = simulate(pop, taper, t)
    assert np.allclose(kept["gc_level"][0], 10.0)
    assert abs(tapered["gc_level"][0, -1] - 5.0) < 1e-3
    assert tapered["organ_activity"][0, -1] > kept["organ_activity"][0, -1]
    assert np.allclose(kept["organ_activity"][0], kept["organ_activity"][0, 0], rtol=1e-4)


def test_negative_amount_only_for_standard_of_care_infusions() -> None:
    with pytest.raises(EventTableError, match="taper"):
        read_event_table(_lines("ID,TIME,AMT,CMT,DUR\n1,0,-5,gc_effect,\n"))
