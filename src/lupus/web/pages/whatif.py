"""What-if: this patient's likely course on each therapy, from the simulator.

Model prediction, not a forecast for the person: virtual patients are drawn with this patient's
covariates (weight, height, IgG, albumin, background prednisone) and random effects on every
model parameter (``lupus.simulation.sample_population``); the candidates whose untreated
baseline anti-dsDNA, C3, C4 and UPCR are closest to this patient's latest values (distance on
the log scale, each marker divided by its spread among the candidates) are kept, and each
therapy's standard regimen (``lupus.simulation.Regimen``; label sources there) is simulated
for them. The median and the 10th-90th percentile band are shown.

Matching sizes (``CANDIDATES``, ``MATCHED``) are product choices that keep the answer within a
few seconds on two cores; ``benchmarks/`` measures the time.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from lupus.simulation import (
    Regimen,
    build_schedule,
    sample_population,
    simulate,
    typical_covariates,
)

__all__ = [
    "CANDIDATES",
    "MATCHED",
    "SERIES",
    "THERAPIES",
    "Characteristics",
    "WhatIfResult",
    "predict_courses",
]

#: Virtual candidates drawn per patient, and how many closest ones are kept (product choice).
CANDIDATES = 256
MATCHED = 48
WEEKS = 52
#: (therapy, route, label) simulated side by side; "placebo" is background care only.
THERAPIES: tuple[tuple[str, str, str], ...] = (
    ("placebo", "iv", "Background care only"),
    ("belimumab", "iv", "Belimumab IV"),
    ("anifrolumab", "iv", "Anifrolumab IV"),
    ("cd19-car-t", "iv", "CD19 CAR T"),
)
#: (model series, title, display unit, factor from model unit, log scale)
SERIES: tuple[tuple[str, str, str, float, bool], ...] = (
    ("anti_dsdna", "Anti-dsDNA", "IU/mL", 1.0, True),
    ("c3", "C3", "mg/dL", 100.0, False),
    ("upcr", "UPCR", "g/g", 1.0, False),
    ("cd19_b_cells", "CD19+ B cells", "cells/uL", 1.0, True),
    ("organ_activity", "Organ inflammation (model index)", "0-1", 1.0, False),
)
# Markers used for matching: model series -> (characteristic key, factor to the model unit).
_MATCH: tuple[tuple[str, str, float], ...] = (
    ("anti_dsdna", "anti_dsdna_iu_ml", 1.0),
    ("c3", "c3_mg_dl", 0.01),
    ("c4", "c4_mg_dl", 0.01),
    ("upcr", "upcr_g_g", 1.0),
)


@dataclass(frozen=True, slots=True)
class Characteristics:
    """What the match uses; ``None`` means not recorded (the typical value is used)."""

    weight_kg: float | None = None
    height_cm: float | None = None
    igg_g_l: float | None = None
    prednisone_mg_day: float | None = None
    anti_dsdna_iu_ml: float | None = None
    c3_mg_dl: float | None = None
    c4_mg_dl: float | None = None
    upcr_g_g: float | None = None

    def key(self) -> tuple[float | None, ...]:
        return (
            self.weight_kg,
            self.height_cm,
            self.igg_g_l,
            self.prednisone_mg_day,
            self.anti_dsdna_iu_ml,
            self.c3_mg_dl,
            self.c4_mg_dl,
            self.upcr_g_g,
        )

    def used(self) -> list[str]:
        names = {
            "weight_kg": "weight (kg)",
            "height_cm": "height (cm)",
            "igg_g_l": "IgG (g/L)",
            "prednisone_mg_day": "prednisone (mg/day)",
            "anti_dsdna_iu_ml": "anti-dsDNA (IU/mL)",
            "c3_mg_dl": "C3 (mg/dL)",
            "c4_mg_dl": "C4 (mg/dL)",
            "upcr_g_g": "UPCR (g/g)",
        }
        return [
            f"{label} {getattr(self, k):g}"
            for k, label in names.items()
            if getattr(self, k) is not None
        ]


@dataclass(frozen=True, slots=True)
class Course:
    therapy: str
    label: str
    days: tuple[float, ...]
    # series -> (median, p10, p90) in display units
    series: Mapping[str, tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]]
    failed: int


@dataclass(frozen=True, slots=True)
class WhatIfResult:
    characteristics: Characteristics
    matched: int
    candidates: int
    seed: int
    courses: tuple[Course, ...] = field(default=())
    notes: tuple[str, ...] = ()


def seed_for(patient_id: str) -> int:
    """A stable seed from the patient id (same patient, same virtual cohort)."""
    return int.from_bytes(hashlib.sha256(patient_id.encode("utf-8")).digest()[:4], "big")


def _covariates(c: Characteristics, n: int) -> np.ndarray:
    overrides: dict[str, float] = {}
    if c.weight_kg is not None:
        overrides["WT_KG"] = c.weight_kg
    if c.height_cm is not None:
        overrides["HEIGHT_CM"] = c.height_cm
    if c.igg_g_l is not None:
        overrides["IGG_G_L"] = c.igg_g_l
    if c.prednisone_mg_day is not None:
        overrides["GC_MG_DAY"] = c.prednisone_mg_day
    return typical_covariates(n, **overrides)


def _pct(a: np.ndarray, q: float) -> tuple[float, ...]:
    if a.shape[0] == 0:
        return tuple(math.nan for _ in range(a.shape[1]))
    return tuple(float(x) for x in np.nanpercentile(a, q, axis=0))


def predict_courses(
    c: Characteristics,
    *,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    candidates: int = CANDIDATES,
    matched: int = MATCHED,
    weeks: int = WEEKS,
) -> WhatIfResult:
    """Match virtual patients to ``c`` and simulate every therapy of :data:`THERAPIES`."""
    total = len(THERAPIES) + 1
    pop = sample_population(candidates, seed, covariates=_covariates(c, candidates))
    base = simulate(pop, build_schedule(Regimen("placebo"), pop, end_day=1.0), [0.0])
    distance = np.zeros(candidates)
    used = 0
    for marker, key, factor in _MATCH:
        target = getattr(c, key)
        if target is None or target <= 0:
            continue
        values = np.log(np.maximum(base[marker][:, 0], 1e-9))
        spread = float(np.nanstd(values)) or 1.0
        distance += ((values - math.log(target * factor)) / spread) ** 2
        used += 1
    distance[~base.ok] = np.inf
    keep = np.argsort(distance, kind="stable")[: min(matched, candidates)]
    cohort = pop.select(keep)
    if progress:
        progress(1, total)
    days = np.arange(0.0, 7.0 * weeks + 1.0, 7.0)
    courses = []
    for i, (therapy, route, label) in enumerate(THERAPIES):
        traj = simulate(
            cohort, build_schedule(Regimen(therapy, route), cohort, end_day=days[-1]), days
        )
        ok = np.asarray(traj.ok)
        series: dict[str, tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]] = {}
        for name, _, _, factor, _ in SERIES:
            values = traj[name][ok] * factor
            series[name] = (_pct(values, 50), _pct(values, 10), _pct(values, 90))
        courses.append(
            Course(therapy, label, tuple(float(d) for d in days), series, int((~ok).sum()))
        )
        if progress:
            progress(i + 2, total)
    notes = []
    if used == 0:
        notes.append(
            "No anti-dsDNA, C3, C4 or UPCR recorded: the virtual patients are matched on "
            "covariates only."
        )
    return WhatIfResult(c, len(keep), candidates, seed, tuple(courses), tuple(notes))
