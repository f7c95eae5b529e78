"""Interval estimates: Wilson, t, and the histogram median."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lupus.simulation.trial.stats import (
    mean_interval,
    median_from_histogram,
    t_interval,
    wilson_interval,
)


def test_wilson_known_values() -> None:
    # 5/5: lower bound 5 / (5 + 1.96^2) = 0.5655 (closed form when p = 1)
    lo, hi = wilson_interval(5, 5)
    assert math.isclose(lo, 5 / (5 + 1.959963984540054**2), rel_tol=1e-12)
    assert hi == 1.0
    # 0.576 x 290 (BLISS-52 belimumab 10 mg/kg SRI-4): about 0.518 to 0.632
    lo, hi = wilson_interval(0.576 * 290, 290)
    assert round(lo, 3) == 0.518 and round(hi, 3) == 0.632


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_contains_the_estimate(k: int, n: int) -> None:
    k = min(k, n)
    lo, hi = wilson_interval(k, n)
    assert 0.0 <= lo <= k / n + 1e-12 and k / n - 1e-12 <= hi <= 1.0


def test_t_interval_matches_mackensen_b_cells() -> None:
    lo, hi = t_interval(110.0, 32.0, 5)  # t(0.975, 4) = 2.776
    assert math.isclose(hi - 110.0, 2.7764451 * 32 / math.sqrt(5), rel_tol=1e-6)
    assert math.isclose(110.0 - lo, hi - 110.0)


def test_mean_interval_from_sums() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0])
    mean, (lo, hi) = mean_interval(float(x.sum()), float((x * x).sum()), 4)
    assert mean == 2.5
    expected = t_interval(2.5, float(x.std(ddof=1)), 4)
    assert math.isclose(lo, expected[0]) and math.isclose(hi, expected[1])


def test_median_from_histogram() -> None:
    edges = np.linspace(-100, 100, 201)
    values = np.array([-40.2, -10.7, 5.3, 7.9, 50.5])
    counts = np.histogram(values, edges)[0].astype(np.int64)
    median, (lo, hi) = median_from_histogram(counts, edges)
    assert median == 5.5  # bin centre of 5.3
    assert lo <= median <= hi
