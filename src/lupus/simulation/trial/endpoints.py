"""Endpoints from recorded visits, scored by the :mod:`lupus.clinical` instruments.

Every responder index, state and renal response is decided by the clinical instrument (SRI,
BICLA, LLDAS, DORIS, renal response, SDI, SLEDAI-2K); this module only assembles their inputs from
the observations and applies the trial's analysis rules:

* non-responder imputation: a patient off study at the visit is a non-responder; a treatment
  failure enters the instrument as ``treatment_failure`` (SRI, BICLA, renal response) or, for LLDAS
  and DORIS, makes the patient a non-responder;
* flare endpoints count flares recorded while on study, up to the week;
* means and medians are over patients on study at the week.

Identical instrument inputs are scored once (the calls are cached).

Outcomes are aggregated as mergeable tallies (:class:`Tally`): counts for proportions, sums for
means and a fixed histogram for medians, so chunks run anywhere and combine exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Final

import numpy as np
from numpy.typing import NDArray

from lupus.clinical.bilag import DOMAINS, GRADES, Visit
from lupus.clinical.instruments.bicla import BiclaInput, score_bicla
from lupus.clinical.instruments.doris import assess_doris
from lupus.clinical.instruments.flare import FLARE_CATEGORIES
from lupus.clinical.instruments.lldas import assess_lldas
from lupus.clinical.instruments.renal_response import RenalInput, score_renal_response
from lupus.clinical.instruments.sdi import score_sdi
from lupus.clinical.instruments.sri import SriInput, score_sri
from lupus.simulation.trial.conduct import ConductRecord
from lupus.simulation.trial.observation import DESCRIPTOR_IDS, Observations
from lupus.simulation.trial.protocol import Endpoint, endpoint_kind

__all__ = [
    "MEDIAN_EDGES",
    "PatientOutcomes",
    "Tally",
    "endpoint_outcomes",
    "merge_tallies",
]

# Histogram for percent changes (anti-dsDNA): 0.5-point bins from -100% to +500%; values beyond
# are placed in the end bins.
MEDIAN_EDGES: Final = np.linspace(-100.0, 500.0, 1201)
_SEVERE: Final = FLARE_CATEGORIES.index("severe")
_NONE: Final = FLARE_CATEGORIES.index("none")


@dataclass(slots=True)
class Tally:
    """Mergeable tally of one endpoint at one week for one arm."""

    kind: str
    successes: float = 0.0
    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0
    histogram: NDArray[np.int64] | None = None
    note: str = ""

    def add(self, other: Tally) -> None:
        self.successes += other.successes
        self.n += other.n
        self.total += other.total
        self.total_sq += other.total_sq
        if other.histogram is not None:
            if self.histogram is None:
                self.histogram = other.histogram.copy()
            else:
                self.histogram = self.histogram + other.histogram
        if other.note and not self.note:
            self.note = other.note


def merge_tallies(
    parts: list[dict[str, dict[int, Tally]]],
) -> dict[str, dict[int, Tally]]:
    """Combine per-chunk tallies (order-independent sums)."""
    out: dict[str, dict[int, Tally]] = {}
    for part in parts:
        for endpoint_id, by_week in part.items():
            target = out.setdefault(endpoint_id, {})
            for week, tally in by_week.items():
                if week not in target:
                    target[week] = Tally(tally.kind)
                target[week].add(tally)
    return out


@dataclass(frozen=True, slots=True)
class PatientOutcomes:
    """Per-patient inputs the endpoints need besides the observations."""

    obs: Observations
    conduct: ConductRecord
    visit_weeks: NDArray[np.float64]
    # (patients, 1 + days): column 0 is the pre-treatment count (day -7), column k + 1 is day k
    b_cells_daily: NDArray[np.float64] | None = None
    damage: NDArray[np.float64] | None = None  # (patients, visits), SDI-like damage units
    analysed: NDArray[np.bool_] = field(default_factory=lambda: np.ones(0, dtype=bool))


@cache
def _visit(sledai: int, pga: float, grades: tuple[int, ...]) -> Visit:
    return Visit(
        sledai=sledai, pga=pga, bilag={DOMAINS[k]: GRADES[g] for k, g in enumerate(grades)}
    )


VisitKey = tuple[int, float, tuple[int, ...]]


@cache
def _sri(threshold: int, base: VisitKey, follow: VisitKey, failure: bool) -> bool:
    return score_sri(SriInput(threshold, _visit(*base), _visit(*follow), failure)).responder


@cache
def _bicla(base: VisitKey, follow: VisitKey, failure: bool) -> bool:
    return score_bicla(BiclaInput(_visit(*base), _visit(*follow), failure)).responder


@cache
def _ids(mask: int) -> tuple[str, ...]:
    return tuple(d for i, d in enumerate(DESCRIPTOR_IDS) if mask >> i & 1)


@cache
def _lldas(mask: int, new_features: bool, pga: float, pred: float) -> bool:
    return assess_lldas(
        _ids(mask), pga=pga, prednisone_mg_per_day=pred, new_features=new_features
    ).met


@cache
def _doris(mask: int, pga: float, pred: float) -> bool:
    return assess_doris(_ids(mask), pga=pga, prednisone_mg_per_day=pred).met


@cache
def _renal(upcr: float, egfr: float, preflare: float, failure: bool) -> tuple[bool, bool]:
    result = score_renal_response(RenalInput(upcr, egfr, preflare, failure))
    return result.perr, result.crr


# SDI item recorded for one unit of accrued damage, by the organ that accrued it [A]: the
# simulator's damage state is organ-agnostic, so the item is the renal one for patients with
# lupus nephritis activity and a glucocorticoid-related one otherwise.
_SDI_ITEM_RENAL: Final = "proteinuria_3_5_g_24h"
_SDI_ITEM_OTHER: Final = "cataract"


@cache
def _sdi_score(units: int, renal: bool) -> int:
    if units <= 0:
        return 0
    return score_sdi({_SDI_ITEM_RENAL if renal else _SDI_ITEM_OTHER: 1}).score


_MASK_BITS: Final = np.array([1 << i for i in range(len(DESCRIPTOR_IDS))], dtype=np.int64)


def _visits(
    sledai: NDArray[np.int64], obs: Observations, v: int, rows: NDArray[np.intp]
) -> list[VisitKey]:
    pga = np.round(obs.pga[rows, v], 1)
    grades = obs.bilag[rows, v, :].tolist()
    return [
        (int(sledai[i, v]), float(p), tuple(g)) for i, p, g in zip(rows, pga, grades, strict=True)
    ]


def endpoint_outcomes(
    data: PatientOutcomes,
    endpoints: tuple[Endpoint, ...],
    sri_version: str,
    renal_expected: bool,
) -> dict[str, dict[int, Tally]]:
    """Tallies for every endpoint id in ``endpoints`` at every visit up to its latest week.

    The declared weeks are always present; the other visits form the time course.
    """
    obs, cond = data.obs, data.conduct
    weeks = data.visit_weeks
    n, v_count = obs.pga.shape
    analysed = data.analysed if data.analysed.shape[0] == n else np.ones(n, dtype=bool)
    rows_all = np.flatnonzero(analysed)
    sri_sledai = cond.sledai_selena if sri_version == "selena" else cond.sledai_2k
    masks = obs.descriptors_2k.astype(np.int64) @ _MASK_BITS  # (n, v)
    pred = np.round(cond.prednisone_mg, 2)
    out: dict[str, dict[int, Tally]] = {}
    horizon: dict[str, int] = {}
    for e in endpoints:
        horizon[e.id] = max(horizon.get(e.id, 0), e.week)

    base_sri: list[VisitKey] | None = None
    base_2k: list[VisitKey] | None = None
    for endpoint_id, last_week in horizon.items():
        kind = endpoint_kind(endpoint_id)
        by_week: dict[int, Tally] = {}
        for v in range(v_count):
            week = int(weeks[v])
            if week > last_week or (week == 0 and endpoint_id != "sledai-2k-mean"):
                continue
            on = cond.on_study[:, v] & analysed
            fail = cond.treatment_failure[:, v]
            tally = Tally(kind)
            if endpoint_id.startswith("sri-"):
                threshold = int(endpoint_id.split("-")[1])
                if base_sri is None:
                    base_sri = _visits(sri_sledai, obs, 0, np.arange(n))
                rows = np.flatnonzero(on)
                follow = _visits(sri_sledai, obs, v, rows)
                hits = sum(
                    _sri(threshold, base_sri[i], f, bool(fail[i]))
                    for i, f in zip(rows, follow, strict=True)
                )
                tally.successes, tally.n = float(hits), rows_all.size
            elif endpoint_id == "bicla":
                if base_2k is None:
                    base_2k = _visits(cond.sledai_2k, obs, 0, np.arange(n))
                rows = np.flatnonzero(on)
                follow = _visits(cond.sledai_2k, obs, v, rows)
                hits = sum(
                    _bicla(base_2k[i], f, bool(fail[i])) for i, f in zip(rows, follow, strict=True)
                )
                tally.successes, tally.n = float(hits), rows_all.size
            elif endpoint_id == "lldas":
                rows = np.flatnonzero(on & ~fail)
                prev = masks[:, max(v - 1, 0)]
                new = (masks[:, v] & ~prev) != 0
                hits = sum(
                    _lldas(
                        int(masks[i, v]),
                        bool(new[i]),
                        round(float(obs.pga[i, v]), 1),
                        float(pred[i, v]),
                    )
                    for i in rows
                )
                tally.successes, tally.n = float(hits), rows_all.size
            elif endpoint_id == "doris":
                rows = np.flatnonzero(on & ~fail)
                hits = sum(
                    _doris(int(masks[i, v]), round(float(obs.pga[i, v]), 1), float(pred[i, v]))
                    for i in rows
                )
                tally.successes, tally.n = float(hits), rows_all.size
            elif endpoint_id in ("severe-flare", "any-flare"):
                seen = cond.on_study[:, 1 : v + 1]
                flares = cond.flare[:, 1 : v + 1]
                level = _SEVERE if endpoint_id == "severe-flare" else _NONE + 1
                hit = ((flares >= level) & seen).any(axis=1) & analysed
                tally.successes, tally.n = float(hit.sum()), rows_all.size
            elif endpoint_id in ("perr", "crr"):
                upcr = obs.labs.get("upcr_g_g")
                egfr = obs.labs.get("egfr_ml_min")
                if upcr is None or egfr is None:
                    tally.note = "not modelled: the biology carries no UPCR or eGFR"
                    tally.n = rows_all.size
                else:
                    rows = np.flatnonzero(on)
                    which = 0 if endpoint_id == "perr" else 1
                    hits = sum(
                        _renal(
                            float(min(round(upcr[i, v], 2), 30.0)),
                            float(min(round(egfr[i, v], 0), 200.0)),
                            float(min(max(round(egfr[i, 0], 0), 1.0), 200.0)),
                            bool(fail[i]),
                        )[which]
                        for i in rows
                    )
                    tally.successes, tally.n = float(hits), rows_all.size
                    if not renal_expected:
                        tally.note = "population without lupus nephritis"
            elif endpoint_id == "sdi-increase":
                if data.damage is None:
                    tally.note = "not modelled: the biology carries no damage state"
                    tally.n = rows_all.size
                else:
                    units = np.floor(data.damage[:, v]) - np.floor(data.damage[:, 0])
                    renal = obs.organ_latent.get("renal")
                    renal_flag = np.zeros(n, dtype=bool) if renal is None else renal[:, 0] > 0.3
                    hits = sum(
                        _sdi_score(int(units[i]), bool(renal_flag[i])) >= 1 for i in rows_all
                    )
                    tally.successes, tally.n = float(hits), rows_all.size
            elif endpoint_id == "sledai-2k-mean":
                values = cond.sledai_2k[on, v].astype(float)
                tally.total, tally.total_sq, tally.n = (
                    float(values.sum()),
                    float((values * values).sum()),
                    int(values.size),
                )
            elif endpoint_id == "anti-dsdna-change":
                dna = obs.labs.get("anti_dsdna_iu_ml")
                tally.histogram = np.zeros(MEDIAN_EDGES.size - 1, dtype=np.int64)
                if dna is None:
                    tally.note = "not modelled: the biology carries no anti-dsDNA"
                else:
                    positive = dna[:, 0] >= 30.0
                    group = on & (positive if (positive & analysed).any() else dna[:, 0] > 0)
                    change = 100.0 * (dna[group, v] / dna[group, 0] - 1.0)
                    clipped = np.clip(change, MEDIAN_EDGES[0] + 1e-9, MEDIAN_EDGES[-1] - 1e-9)
                    tally.histogram = np.histogram(clipped, MEDIAN_EDGES)[0].astype(np.int64)
                    tally.n = int(change.size)
            elif endpoint_id == "c3-normalized":
                c3 = obs.labs.get("c3_g_l")
                if c3 is None:
                    tally.note = "not modelled: the biology carries no C3"
                else:
                    low = (c3[:, 0] < 0.9) & analysed
                    hit = low & on & (c3[:, v] >= 0.9)
                    tally.successes, tally.n = float(hit.sum()), int(low.sum())
            elif endpoint_id == "b-cell-aplasia-days":
                cells = data.b_cells_daily
                if cells is None:
                    tally.note = "not modelled: the biology carries no B-cell count"
                else:
                    days = _aplasia_days(cells[:, : int(week * 7) + 2])[analysed]
                    tally.total, tally.total_sq, tally.n = (
                        float(days.sum()),
                        float((days * days).sum()),
                        int(days.size),
                    )
            by_week[week] = tally
        out[endpoint_id] = by_week
    return out


def _aplasia_days(cells: NDArray[np.float64]) -> NDArray[np.float64]:
    """Days below 1% of baseline before the first return above 10% (censored at the horizon).

    ``cells``: column 0 the pre-treatment baseline, then daily counts; 0 days when never below 1%.
    """
    base = np.maximum(cells[:, :1], 1e-12)
    below = cells < 0.01 * base
    n, t = cells.shape
    first_below = np.where(below.any(axis=1), below.argmax(axis=1), t)
    after = np.arange(t)[None, :] > first_below[:, None]
    back = (cells > 0.10 * base) & after
    first_back = np.where(back.any(axis=1), back.argmax(axis=1), t - 1)
    days = np.where(first_below < t, first_back - first_below, 0)
    return days.astype(float)
