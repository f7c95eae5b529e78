"""Pharmacokinetics of the typical patient against labels and papers (tolerances explained)."""

from __future__ import annotations

import math

import numpy as np

from lupus.simulation import (
    Regimen,
    Schedule,
    build_schedule,
    simulate,
    typical_population,
)
from lupus.simulation import _layout as L
from lupus.simulation._derive import derive

from .conftest import target


def _typical_p() -> np.ndarray:
    pop = typical_population(1)
    return derive(pop.names, pop.theta, pop.covariates).p[0]


def test_belimumab_disposition_reproduces_label_exactly() -> None:
    # The four label values determine V1, Q, V2 and CL uniquely; check by recomputing the
    # macro constants from the micro constants (tolerance: floating point only).
    p = _typical_p()
    cl, v1, q, v2 = p[L.P_BEL_CL], p[L.P_BEL_V1], p[L.P_BEL_Q], p[L.P_BEL_V2]
    k10, k12, k21 = cl / v1, q / v1, q / v2
    s = k10 + k12 + k21
    disc = math.sqrt(s * s - 4 * k10 * k21)
    alpha, beta = (s + disc) / 2, (s - disc) / 2
    assert math.isclose(cl * 1000, target("belimumab_iv_cl")["value"], rel_tol=1e-12)
    assert math.isclose(v1 + v2, target("belimumab_iv_vss")["value"], rel_tol=1e-12)
    assert math.isclose(
        math.log(2) / alpha, target("belimumab_iv_thalf_dist")["value"], rel_tol=1e-9
    )
    assert math.isclose(
        math.log(2) / beta, target("belimumab_iv_thalf_term")["value"], rel_tol=1e-9
    )


def test_belimumab_iv_simulated_terminal_half_life() -> None:
    # Simulated single 10 mg/kg dose: log-linear fit over days 60-150. Within 3%: the IgG state
    # falls slightly under belimumab and lowers CL (Zhou 2021 IgG exponent), which lengthens
    # the apparent half-life a little compared with the label's fixed-covariate value.
    pop = typical_population(1)
    sched = Schedule.from_doses(1, "bel_central", [0.0], 700.0, duration=1 / 24)
    t = np.arange(60.0, 150.0, 1.0)
    c = simulate(pop, sched, t)["bel_conc"][0]
    k = -np.polyfit(t, np.log(c), 1)[0]
    assert abs(math.log(2) / k / target("belimumab_iv_thalf_term")["value"] - 1) < 0.03


def test_belimumab_iv_first_dose_cmax_within_25_percent() -> None:
    # The label's 313 ug/mL is a population summary; one typical patient's first-dose Cmax
    # is held to 25% (issue text).
    pop = typical_population(1)
    sched = build_schedule(Regimen("belimumab", "iv"), pop, 14.0)
    t = np.arange(0.0, 14.0, 1 / 96)
    cmax = simulate(pop, sched, t)["bel_conc"][0].max()
    assert abs(cmax / target("belimumab_iv_cmax")["value"] - 1) < 0.25


def test_belimumab_sc_weekly_average_at_67_kg() -> None:
    # Struemper 2018: Cavg,ss 104 ug/mL for 200 mg QW at 67 kg. Our disposition is the label's
    # (CL 215 mL/day, not Struemper's 204), so 10% tolerance covers the model difference.
    pop = typical_population(1, covariates={"WT_KG": 67.0})
    sched = build_schedule(Regimen("belimumab", "sc"), pop, 400.0)
    t = np.linspace(301.0, 308.0, 701)
    c = simulate(pop, sched, t)["bel_conc"][0]
    cavg = np.trapezoid(c, t) / 7.0
    assert abs(cavg / target("belimumab_sc_cavg_ss_67kg")["value"] - 1) < 0.10


def test_anifrolumab_week_24_trough() -> None:
    # Chia 2022 median trough 15.6 ug/mL at week 24 (day 168, pre-dose); 25% tolerance: a
    # population median compared with one typical patient and a time-varying CL.
    pop = typical_population(1)
    sched = build_schedule(Regimen("anifrolumab"), pop, 200.0)
    c = simulate(pop, sched, [168.0])["ani_conc"][0, 0]
    assert abs(c / target("anifrolumab_trough_wk24")["value"] - 1) < 0.25


def test_anifrolumab_neutralises_ifn_signature_from_week_12(typical_runs: dict) -> None:
    tr = typical_runs["ani"]
    neut = tr["ifngs_neutralisation"][0]
    weeks = np.arange(12, 53)
    assert np.all(neut[weeks * 7] > target("anifrolumab_ifngs_neutralisation_wk12_52")["value"])
    assert np.all(np.abs(typical_runs["placebo"]["ifngs_neutralisation"][0]) < 1e-6)


def test_car_t_b_cell_aplasia_duration(typical_runs: dict) -> None:
    # Mackensen 2022: B cells reappear at 110 +/- 32 days. "Reappearance" is the first return
    # above 10% of the pre-treatment count after aplasia (< 1%). The typical patient must fall
    # within half a standard deviation of the mean (the parameters were fitted to it).
    tr = typical_runs["car"]
    b = tr["cd19_b_cells"][0]
    baseline = typical_runs["placebo"]["cd19_b_cells"][0, 0]
    aplastic = np.nonzero(b < 0.01 * baseline)[0]
    assert aplastic.size and aplastic[0] <= 21
    first = aplastic[0]
    back = first + np.nonzero(b[first:] > 0.10 * baseline)[0][0]
    goal = target("car_t_b_cell_return")
    assert abs(tr.time[back] - goal["value"]) <= goal["sd"] / 2


def test_car_t_peak_is_near_day_7_to_10_prior(typical_runs: dict) -> None:
    # A prior, not a verified target ([M] in pkpd.md): only checked to stay in days 5-14.
    car = typical_runs["car"]["car_t_cells"][0]
    assert 5 <= typical_runs["car"].time[np.argmax(car)] <= 14
