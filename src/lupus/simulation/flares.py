"""Stochastic flare triggers: seeded Poisson bursts of nuclear antigen.

Each patient gets flare triggers at the times of a homogeneous Poisson process (rate
``flare_rate`` per year, parameter table) with exponentially distributed sizes (mean
``flare_size``). They enter as bolus doses into the ``flare_trigger`` state, so the solver treats
them as exact discontinuities like any dose. Same seed, same flares.
"""

from __future__ import annotations

import numpy as np

from lupus.simulation.events import Schedule, compartment_index
from lupus.simulation.population import Population

__all__ = ["flare_schedule"]


def flare_schedule(population: Population, start_day: float, end_day: float, seed: int) -> Schedule:
    """Flare-trigger records for every patient in [start_day, end_day)."""
    n = population.size
    rng = np.random.default_rng([seed, 2])
    rate = population.parameter("flare_rate") / 365.25
    size = population.parameter("flare_size")
    span = max(end_day - start_day, 0.0)
    counts = rng.poisson(rate * span)
    total = int(counts.sum())
    pat = np.repeat(np.arange(n, dtype=np.int64), counts)
    times = start_day + rng.uniform(0.0, span, total)
    amounts = rng.exponential(1.0, total) * size[pat]
    cmt = np.full(total, compartment_index("flare_trigger"), dtype=np.int64)
    return Schedule(n, pat, times, cmt, amounts, np.zeros(total))
