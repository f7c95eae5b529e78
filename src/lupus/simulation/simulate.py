"""One entry point: ``simulate(population, schedule, t_eval)`` -> :class:`Trajectories`.

Methods (same interface, chosen by measurement, see docs/model.md):

* ``"dopri5"`` (default): adaptive Dormand-Prince 5(4) compiled with numba, patient loop in
  compiled code and parallel over cores, integrating segment by segment between dose events;
* ``"scipy"``: ``scipy.integrate.solve_ivp`` per patient with the same compiled right-hand side
  and the same segmentation (reference solves and baselines; slow).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from lupus.simulation import _layout as L
from lupus.simulation._derive import Derived, derive
from lupus.simulation._kernels import NAUX, NO, observe, rhs, solve_batch
from lupus.simulation.errors import ParameterError
from lupus.simulation.events import Schedule
from lupus.simulation.population import Population
from lupus.simulation.trajectories import SolveStatus, Trajectories

__all__ = ["CompiledEvents", "compile_events", "simulate", "state_scale"]

F64 = NDArray[np.float64]
METHODS = ("dopri5", "scipy")


def state_scale() -> F64:
    """Typical magnitude of each state; the absolute tolerance is ``atol * scale``."""
    scale = np.ones(L.NS)
    for name, unit, _ in L.STATES:
        if unit == "mg":
            scale[L.STATE_NAMES.index(name)] = 100.0
        elif unit == "cells/uL" or unit == "IU/mL":
            scale[L.STATE_NAMES.index(name)] = 10.0
    scale[L.S_C4] = 0.1
    scale[L.S_CAR_EFFECTOR] = 1.0
    scale[L.S_CAR_MEMORY] = 1.0
    return scale


class CompiledEvents:
    """Solver-ready events: per-patient slices (``ptr``) of time-sorted changes."""

    def __init__(
        self, ptr: NDArray[np.int64], time: F64, state: NDArray[np.int64], amount: F64, rate: F64
    ) -> None:
        self.ptr = ptr
        self.time = time
        self.state = state
        self.amount = amount
        self.rate = rate


def compile_events(
    schedule: Schedule, derived: Derived, theta_bv: F64, car_fraction: F64
) -> CompiledEvents:
    """Apply SC bioavailability/lag, cell-dose scaling, and split infusions into start/stop."""
    pat = schedule.patient
    t = schedule.time.copy()
    amt = schedule.amount.copy()
    dur = schedule.duration
    cmt = schedule.compartment
    depot = cmt == L.S_BEL_DEPOT
    t[depot] += derived.bel_lag_sc[pat[depot]]
    amt[depot] *= derived.bel_f_sc[pat[depot]]
    car = cmt == L.S_CAR_EFFECTOR
    # cells -> cells/uL of blood: share seen in blood / (blood volume mL/kg * kg * 1000 uL/mL)
    amt[car] *= car_fraction[pat[car]] / (theta_bv[pat[car]] * derived.weight[pat[car]] * 1000.0)
    bolus = dur == 0
    inf = ~bolus
    rate = np.where(inf, amt / np.where(inf, dur, 1.0), 0.0)
    e_pat = np.concatenate([pat[bolus], pat[inf], pat[inf]])
    e_time = np.concatenate([t[bolus], t[inf], t[inf] + dur[inf]])
    e_state = np.concatenate([cmt[bolus], cmt[inf], cmt[inf]])
    e_amount = np.concatenate([amt[bolus], np.zeros(inf.sum() * 2)])
    e_rate = np.concatenate([np.zeros(bolus.sum()), rate[inf], -rate[inf]])
    order = np.lexsort((e_time, e_pat))
    counts = np.bincount(e_pat, minlength=schedule.n_patients)
    ptr = np.zeros(schedule.n_patients + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return CompiledEvents(
        ptr,
        np.ascontiguousarray(e_time[order]),
        np.ascontiguousarray(e_state[order].astype(np.int64)),
        np.ascontiguousarray(e_amount[order]),
        np.ascontiguousarray(e_rate[order]),
    )


def _first_dose(schedule: Schedule, state: int) -> F64:
    first = np.full(schedule.n_patients, 1e9)
    sel = schedule.compartment == state
    if np.any(sel):
        np.minimum.at(first, schedule.patient[sel], schedule.time[sel])
    return first


def simulate(
    population: Population,
    schedule: Schedule,
    t_eval: F64 | list[float],
    *,
    method: str = "dopri5",
    rtol: float = 1e-6,
    atol: float = 1e-8,
    max_steps: int = 100_000,
    chunk: int = 2048,
    progress: Callable[[int, int], None] | None = None,
    ids: tuple[str, ...] = (),
    scipy_method: str = "DOP853",
) -> Trajectories:
    """Simulate every patient of ``population`` under ``schedule``; outputs at ``t_eval`` (days).

    Each patient's integration starts at ``min(t_eval[0], its first dose)`` from its untreated
    steady state. Outputs at a dose time are pre-dose. ``progress(done, total)`` is called after
    each chunk of patients. Failed patients are reported in ``Trajectories.status``.
    """
    if method not in METHODS:
        raise ParameterError("method", method, ", ".join(METHODS))
    if schedule.n_patients != population.size:
        raise ParameterError("schedule", schedule.n_patients, f"{population.size} patients")
    t_out = np.array(t_eval, dtype=np.float64)  # own copy: Trajectories freezes it
    if (
        t_out.ndim != 1
        or t_out.size == 0
        or np.any(np.diff(t_out) < 0)
        or not np.all(np.isfinite(t_out))
    ):
        raise ParameterError("t_eval", "unsorted or empty", "a non-empty increasing vector of days")
    if not (0 < rtol < 1) or not atol > 0:
        raise ParameterError("rtol/atol", (rtol, atol), "0 < rtol < 1 and atol > 0")
    derived = derive(
        population.names,
        population.theta,
        population.covariates,
        _first_dose(schedule, L.S_ANI_CENTRAL),
    )
    ev = compile_events(
        schedule,
        derived,
        population.parameter("blood_volume"),
        population.parameter("car_blood_fraction"),
    )
    n = population.size
    nt = t_out.size
    states = np.empty((n, nt, L.NS))
    outs = np.empty((n, nt, NO))
    status = np.zeros(n, dtype=np.int64)
    steps = np.zeros(n, dtype=np.int64)
    atol_vec = atol * state_scale()
    if method == "scipy":
        for i in range(n):
            lo_i = ev.ptr[i]
            t_start = (
                float(min(t_out[0], ev.time[lo_i])) if ev.ptr[i + 1] > lo_i else float(t_out[0])
            )
            status[i], steps[i] = _solve_scipy(
                i, derived, ev, t_start, t_out, rtol, atol_vec, states, outs, scipy_method
            )
            if progress is not None:
                progress(i + 1, n)
        return Trajectories(t_out, states, outs, status, steps, ids)
    for lo in range(0, n, max(chunk, 1)):
        hi = min(lo + max(chunk, 1), n)
        sub_ptr = ev.ptr[lo : hi + 1] - ev.ptr[lo]
        a, b = ev.ptr[lo], ev.ptr[hi]
        solve_batch(
            derived.y0[lo:hi],
            derived.p[lo:hi],
            derived.base_rate[lo:hi],
            np.ascontiguousarray(sub_ptr),
            ev.time[a:b],
            ev.state[a:b],
            ev.amount[a:b],
            ev.rate[a:b],
            float(t_out[0]),
            t_out,
            atol_vec,
            float(rtol),
            1e-3,
            int(max_steps),
            states[lo:hi],
            outs[lo:hi],
            status[lo:hi],
            steps[lo:hi],
        )
        if progress is not None:
            progress(hi, n)
    return Trajectories(t_out, states, outs, status, steps, ids)


def _solve_scipy(
    i: int,
    derived: Derived,
    ev: CompiledEvents,
    t_start: float,
    t_out: F64,
    rtol: float,
    atol_vec: F64,
    states: F64,
    outs: F64,
    scipy_method: str,
) -> tuple[int, int]:
    from scipy.integrate import solve_ivp

    p = derived.p[i]
    rin = derived.base_rate[i].copy()
    y = derived.y0[i].copy()
    a = np.empty(NAUX)
    dy = np.empty(L.NS)
    obs = np.empty(NO)

    def f(t: float, yy: F64) -> F64:
        rhs(t, yy, p, rin, a, dy)
        return dy.copy()

    lo, hi = ev.ptr[i], ev.ptr[i + 1]
    ie = lo
    io = 0
    t = t_start
    nfev = 0
    nt = t_out.size
    while True:
        tol = 1e-10 * max(1.0, abs(t))
        while io < nt and t_out[io] <= t + tol:
            states[i, io] = y
            observe(t, y, p, a, obs)
            outs[i, io] = obs
            io += 1
        while ie < hi and ev.time[ie] <= t + tol:
            s = ev.state[ie]
            y[s] += ev.amount[ie]
            if ev.rate[ie] != 0.0:
                rin[s] += ev.rate[ie]
                if abs(rin[s] - derived.base_rate[i, s]) <= 1e-9 * abs(ev.rate[ie]):
                    rin[s] = derived.base_rate[i, s]
            ie += 1
        if io >= nt:
            return SolveStatus.OK, nfev
        t_next = t_out[io]
        if ie < hi and ev.time[ie] < t_next:
            t_next = ev.time[ie]
        sol = solve_ivp(f, (t, t_next), y, method=scipy_method, rtol=rtol, atol=atol_vec)
        nfev += int(sol.nfev)
        if not sol.success:
            states[i, io:] = np.nan
            outs[i, io:] = np.nan
            return SolveStatus.STEP_TOO_SMALL, nfev
        y = sol.y[:, -1].copy()
        t = t_next
