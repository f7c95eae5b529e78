"""Interval estimates used by the trial engine and its calibration check.

* Proportions: Wilson score interval (Wilson EB, J Am Stat Assoc 1927;22:209).
* Means: mean +/- t(0.975, n - 1) x SD / sqrt(n) (Student t interval).
* Medians: distribution-free interval from binomial order statistics (Conover, Practical
  Nonparametric Statistics, 3rd ed., section 3.2), computed on a fixed histogram so that chunks
  of a large trial can be merged exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats as _stats

__all__ = [
    "Z95",
    "Summary",
    "mean_interval",
    "median_from_histogram",
    "t_interval",
    "wilson_interval",
]

Z95 = 1.959963984540054  # standard normal 0.975 quantile


def wilson_interval(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``successes / n`` (``(0, 1)`` when ``n`` is 0).

    >>> lo, hi = wilson_interval(5, 5)
    >>> round(lo, 3), hi
    (0.566, 1.0)
    """
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def t_interval(mean: float, sd: float, n: int) -> tuple[float, float]:
    """``mean +/- t(0.975, n-1) x sd / sqrt(n)``; a point when ``n`` is 1 or ``sd`` is 0.

    >>> lo, hi = t_interval(110, 32, 5)
    >>> round(lo, 1), round(hi, 1)
    (70.3, 149.7)
    """
    if n <= 1 or sd <= 0:
        return (mean, mean)
    half = float(_stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return (mean - half, mean + half)


def mean_interval(total: float, total_sq: float, n: int) -> tuple[float, tuple[float, float]]:
    """Mean and its t interval from a sum and a sum of squares (mergeable across chunks)."""
    if n == 0:
        return (math.nan, (math.nan, math.nan))
    mean = total / n
    var = max(0.0, (total_sq - n * mean * mean) / (n - 1)) if n > 1 else 0.0
    return mean, t_interval(mean, math.sqrt(var), n)


def median_from_histogram(
    counts: NDArray[np.int64], edges: NDArray[np.float64]
) -> tuple[float, tuple[float, float]]:
    """Median and its 95% order-statistic interval from a histogram of values.

    Values inside one bin are placed at the bin centre, so the resolution is the bin width.
    """
    n = int(counts.sum())
    if n == 0:
        return (math.nan, (math.nan, math.nan))
    centres = 0.5 * (edges[:-1] + edges[1:])
    cum = np.cumsum(counts)

    def order_stat(k: int) -> float:  # k-th smallest, 1-based
        k = min(max(k, 1), n)
        return float(centres[int(np.searchsorted(cum, k))])

    if n % 2:
        median = order_stat((n + 1) // 2)
    else:
        median = 0.5 * (order_stat(n // 2) + order_stat(n // 2 + 1))
    lo_k = int(_stats.binom.ppf(0.025, n, 0.5))
    hi_k = int(_stats.binom.ppf(0.975, n, 0.5)) + 1
    return median, (order_stat(lo_k), order_stat(hi_k))


@dataclass(frozen=True, slots=True)
class Summary:
    """One simulated endpoint value with its Monte-Carlo 95% interval and the analysed count."""

    value: float
    ci95: tuple[float, float]
    n: int
