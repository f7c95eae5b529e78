"""Mathematical properties of the solver: mass balance, batch = loop, convergence, positivity,
determinism and per-patient failure reporting."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupus.simulation import (
    STATE_NAMES,
    Regimen,
    Schedule,
    build_schedule,
    flare_schedule,
    sample_population,
    simulate,
    typical_population,
)

T = np.arange(0.0, 365.0, 7.0)


def _mixed_population(n: int = 8):
    pop = sample_population(n, seed=11)
    regs = [
        Regimen("belimumab", "iv"),
        Regimen("belimumab", "sc"),
        Regimen("anifrolumab"),
        Regimen("cd19-car-t"),
        Regimen("placebo"),
    ]
    sched = Schedule.empty(n)
    for i in range(n):
        one = build_schedule(regs[i % len(regs)], pop.select([i]), 365.0)
        sched = sched.merge(
            Schedule(
                n, np.full(len(one.time), i), one.time, one.compartment, one.amount, one.duration
            )
        )
    return pop, sched.merge(flare_schedule(pop, 0.0, 365.0, seed=5))


@pytest.mark.parametrize(
    ("regimen", "states", "f_name"),
    [
        (
            Regimen("belimumab", "iv"),
            ("bel_depot", "bel_central", "bel_periph", "bel_eliminated"),
            None,
        ),
        (
            Regimen("belimumab", "sc"),
            ("bel_depot", "bel_central", "bel_periph", "bel_eliminated"),
            "bel_f_sc",
        ),
        (Regimen("anifrolumab"), ("ani_central", "ani_periph", "ani_eliminated"), None),
    ],
)
def test_mass_balance(regimen: Regimen, states: tuple[str, ...], f_name: str | None) -> None:
    # amount in the body + eliminated = delivered dose (SC: bioavailable part), to 1e-6 relative
    pop = sample_population(3, seed=2)
    sched = build_schedule(regimen, pop, 365.0)
    t = np.array([50.0, 363.0])  # between doses, after the infusions before them have ended
    tr = simulate(pop, sched, t, rtol=1e-8)
    total = sum(tr[s] for s in states)
    for i in range(pop.size):
        f = 1.0 if f_name is None else pop.parameter(f_name)[i]
        lag = 0.0 if f_name is None else pop.parameter("bel_lag_sc")[i]
        for j, day in enumerate(t):
            mine = (sched.patient == i) & (sched.time + lag <= day)
            end = sched.time[mine] + lag + sched.duration[mine]
            assert np.all(end <= day)
            delivered = f * sched.amount[mine].sum()
            assert abs(total[i, j] / delivered - 1) < 1e-6


def test_batch_equals_one_by_one() -> None:
    pop, sched = _mixed_population()
    batch = simulate(pop, sched, T)
    for i in range(pop.size):
        one = simulate(pop.select([i]), sched.select([i]), T)
        np.testing.assert_array_equal(batch.states[i], one.states[0])
        np.testing.assert_array_equal(batch.outputs[i], one.outputs[0])


def test_converges_to_tight_reference() -> None:
    # default tolerances vs scipy DOP853 at rtol 1e-10 on the same segments: outputs agree to
    # 1e-4 relative (scale: each series' maximum magnitude over time, so near-zero values of a
    # series are compared on the series' own scale; a series that stays at 0, e.g. the IFNGS
    # neutralisation (%) of an untreated patient, is compared on a floor of 1e-3 of its unit, so
    # the test allows 1e-7 absolute there, about ten times the default atol 1e-8)
    pop, sched = _mixed_population(5)
    fast = simulate(pop, sched, T)
    ref = simulate(pop, sched, T, method="scipy", rtol=1e-10, atol=1e-12)
    for arr_f, arr_r in ((fast.states, ref.states), (fast.outputs, ref.outputs)):
        scale = np.maximum(np.abs(arr_r).max(axis=1, keepdims=True), 1e-3)
        assert np.max(np.abs(arr_f - arr_r) / scale) < 1e-4


def test_tighter_tolerance_converges_further() -> None:
    pop, sched = _mixed_population(3)
    ref = simulate(pop, sched, T, rtol=1e-11, atol=1e-13)
    errs = []
    for rtol in (1e-4, 1e-6, 1e-8):
        tr = simulate(pop, sched, T, rtol=rtol, atol=rtol * 1e-2)
        scale = np.maximum(np.abs(ref.states).max(axis=1, keepdims=True), 1e-12)
        errs.append(np.max(np.abs(tr.states - ref.states) / scale))
    assert errs[0] > errs[1] > errs[2]


def test_no_negative_cells_or_concentrations() -> None:
    pop, sched = _mixed_population(20)
    tr = simulate(pop, sched, np.arange(-5.0, 365.0, 1.0))
    assert np.all(tr.ok)
    assert tr.states.min() >= 0.0
    for name in ("bel_conc", "ani_conc", "baff_free", "cd19_b_cells", "car_t_cells"):
        assert tr[name].min() >= -1e-9, name
    assert tr["damage"].min() >= 0


def test_same_seed_same_population_and_flares() -> None:
    a = sample_population(50, seed=3)
    b = sample_population(50, seed=3)
    c = sample_population(50, seed=4)
    np.testing.assert_array_equal(a.theta, b.theta)
    np.testing.assert_array_equal(a.covariates, b.covariates)
    assert not np.array_equal(a.theta, c.theta)
    fa = flare_schedule(a, 0, 365, seed=9)
    fb = flare_schedule(b, 0, 365, seed=9)
    np.testing.assert_array_equal(fa.time, fb.time)
    np.testing.assert_array_equal(fa.amount, fb.amount)
    assert len(fa.time) > 0


def test_flares_raise_activity() -> None:
    pop = typical_population(1)
    sched = Schedule.from_doses(1, "flare_trigger", [30.0], 2.0)
    tr = simulate(pop, sched, np.arange(0.0, 120.0, 1.0))
    act = tr["organ_activity"][0]
    assert act[60] > act[0]
    assert tr["c3"][0, 40] < tr["c3"][0, 0]


def test_failed_patient_is_reported_and_batch_goes_on() -> None:
    pop = sample_population(3, seed=1)
    # patient 1 gets a huge flare that makes it need many steps; max_steps stops it alone
    sched = build_schedule(Regimen("belimumab", "iv"), pop, 365.0)
    ok = simulate(pop, sched, T)
    steps_needed = ok.steps
    limit = int(np.sort(steps_needed)[1])  # enough for the two cheapest patients only
    tr = simulate(pop, sched, T, max_steps=limit)
    worst = int(np.argmax(steps_needed))
    assert tr.status[worst] != 0
    assert "maximum number of steps" in tr.message(worst)
    assert np.isnan(tr.states[worst, -1]).all()
    others = [i for i in range(3) if i != worst and steps_needed[i] <= limit]
    for i in others:
        assert tr.status[i] == 0
        np.testing.assert_array_equal(tr.states[i], ok.states[i])
    assert tr.failures()[0][0] == tr.ids[worst]


def test_state_names_are_unique_sbml_ids() -> None:
    import re

    assert len(set(STATE_NAMES)) == len(STATE_NAMES)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", s) for s in STATE_NAMES)


@settings(max_examples=25)
@given(
    times=st.lists(st.floats(0.0, 300.0), min_size=1, max_size=6),
    amounts=st.lists(st.floats(1.0, 2000.0), min_size=6, max_size=6),
    hours=st.sampled_from([0.0, 0.5, 1.0, 24.0]),
    compartment=st.sampled_from(["bel_central", "ani_central"]),
)
def test_mass_balance_any_schedule(
    times: list[float], amounts: list[float], hours: float, compartment: str
) -> None:
    # property: for any doses (bolus or infusion), body amount + eliminated = doses delivered
    n = len(times)
    pop = typical_population(1)
    sched = Schedule(
        1,
        np.zeros(n, dtype=np.int64),
        np.array(times),
        np.full(n, STATE_NAMES.index(compartment)),
        np.array(amounts[:n]),
        np.full(n, hours / 24.0),
    )
    prefix = compartment.split("_")[0]
    states = [s for s in STATE_NAMES if s.startswith(prefix) and s != "bel_depot"]
    tr = simulate(pop, sched, [302.0], rtol=1e-8)
    total = sum(tr[s][0, 0] for s in states)
    delivered = sum(amounts[:n])
    # relative 1e-6, with an absolute floor of 1e-5 mg: the solver's absolute tolerance is
    # atol x state scale (1e-8 x 100 mg per step), which dominates for a dose of a few mg
    assert abs(total - delivered) < 1e-6 * delivered + 1e-5


def test_caller_arrays_are_not_frozen() -> None:
    t = np.arange(0.0, 28.0, 7.0)
    pop = typical_population(1)
    simulate(pop, Schedule.empty(1), t)
    t[0] = 0.0  # still writable
    assert t.flags.writeable
