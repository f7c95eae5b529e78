"""Trial results: merged tallies -> endpoint values with Monte-Carlo intervals, JSON, checks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lupus.simulation.trial.endpoints import MEDIAN_EDGES, Tally, merge_tallies
from lupus.simulation.trial.engine import BASELINE_ROWS, ChunkResult, TrialSetup
from lupus.simulation.trial.population import targets
from lupus.simulation.trial.protocol import Protocol, Published, defaults_used, endpoint_kind
from lupus.simulation.trial.stats import (
    Summary,
    mean_interval,
    median_from_histogram,
    t_interval,
    wilson_interval,
)

__all__ = [
    "ArmResult",
    "Comparison",
    "TrialResult",
    "assemble",
    "published_interval",
    "summarise",
]


def summarise(tally: Tally) -> Summary:
    """Endpoint value and its 95% Monte-Carlo interval from a merged tally."""
    if tally.kind == "proportion":
        if tally.n == 0:
            return Summary(math.nan, (math.nan, math.nan), 0)
        return Summary(
            tally.successes / tally.n, wilson_interval(tally.successes, tally.n), tally.n
        )
    if tally.kind == "mean":
        mean, ci = mean_interval(tally.total, tally.total_sq, tally.n)
        return Summary(mean, ci, tally.n)
    hist = (
        tally.histogram
        if tally.histogram is not None
        else np.zeros(MEDIAN_EDGES.size - 1, np.int64)
    )
    median, ci = median_from_histogram(hist, MEDIAN_EDGES)
    return Summary(median, ci, int(hist.sum()))


def published_interval(p: Published) -> tuple[float, float] | None:
    """95% interval of a published value: Wilson (proportions), t (means with an SD), else None."""
    kind = endpoint_kind(p.endpoint)
    if kind == "proportion":
        return wilson_interval(p.value * p.n, p.n)
    if p.sd is not None:
        return t_interval(p.value, p.sd, p.n)
    return None


@dataclass(frozen=True, slots=True)
class ArmResult:
    name: str
    n: int
    endpoints: dict[str, Summary]
    timecourse: dict[str, list[tuple[int, Summary]]]
    notes: dict[str, str]
    baseline: dict[str, float]
    dropouts: dict[str, int]
    failed_solves: int


@dataclass(frozen=True, slots=True)
class Comparison:
    arm: str
    key: str
    published: float
    published_ci95: tuple[float, float] | None
    n: int
    simulated: Summary
    within: bool | None


@dataclass(frozen=True, slots=True)
class TrialResult:
    protocol: Protocol
    seed: int
    model_version: str
    patients_per_arm: int
    arms: tuple[ArmResult, ...]
    comparisons: tuple[Comparison, ...]
    targets: dict[str, float]
    defaults: dict[str, Any]
    screened: int
    pilot: dict[str, float]
    failure_reasons: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if not math.isfinite(x) else round(float(x), 6)

        def summary(s: Summary) -> dict[str, Any]:
            return {"value": num(s.value), "ci95": [num(s.ci95[0]), num(s.ci95[1])], "n": s.n}

        arms = []
        for arm in self.arms:
            endpoints = {k: summary(v) for k, v in arm.endpoints.items()}
            for k, note in arm.notes.items():
                if k in endpoints:
                    endpoints[k]["note"] = note
            arms.append(
                {
                    "name": arm.name,
                    "n": arm.n,
                    "endpoints": endpoints,
                    "timecourse": {
                        eid: [{"week": w, **summary(s)} for w, s in series]
                        for eid, series in arm.timecourse.items()
                    },
                    "baseline": {k: num(v) for k, v in arm.baseline.items()},
                    "dropouts": arm.dropouts,
                    "failed_solves": arm.failed_solves,
                }
            )
        return {
            "trial": self.protocol.name,
            "seed": self.seed,
            "model_version": self.model_version,
            "patients_per_arm": self.patients_per_arm,
            "arms": arms,
            "published": [
                {
                    "arm": c.arm,
                    "endpoint": c.key,
                    "published": c.published,
                    "published_ci95": None if c.published_ci95 is None else list(c.published_ci95),
                    "n": c.n,
                    "simulated": summary(c.simulated),
                    "within_published_ci95": c.within,
                }
                for c in self.comparisons
            ],
            "population": {
                "targets": {k: num(v) for k, v in self.targets.items()},
                "defaults_used": self.defaults,
                "screened": self.screened,
                "pilot": self.pilot,
            },
            "failed_solve_reasons": self.failure_reasons,
        }


def _baseline(sums: dict[str, float]) -> dict[str, float]:
    n = max(sums.get("n", 0.0), 1.0)
    mean = sums.get("sledai", 0.0) / n
    var = max(0.0, sums.get("sledai_sq", 0.0) / n - mean * mean) * n / max(n - 1.0, 1.0)
    users = sums.get("prednisone_users", 0.0)
    out = {
        "sledai_mean": mean,
        "sledai_sd": math.sqrt(var),
        "anti_dsdna_positive": sums.get("anti_dsdna_positive", 0.0) / n,
        "low_c3": sums.get("low_c3", 0.0) / n,
        "low_c4": sums.get("low_c4", 0.0) / n,
        "ifngs_high": sums.get("ifngs_high", 0.0) / n,
        "bilag_1a_or_2b": sums.get("bilag_1a_or_2b", 0.0) / n,
        "prednisone_users": users / n,
        "prednisone_mg_mean": sums.get("prednisone_mg_users", 0.0) / max(users, 1.0),
        "immunosuppressant_users": sums.get("immunosuppressant_users", 0.0) / n,
        "antimalarial_users": sums.get("antimalarial_users", 0.0) / n,
        "age_mean": sums.get("age", 0.0) / n,
        "female": sums.get("female", 0.0) / n,
        "upcr_mean": sums.get("upcr", 0.0) / n,
        "egfr_mean": sums.get("egfr", 0.0) / n,
    }
    return {k: out[k] for k in BASELINE_ROWS}


def _targets(protocol: Protocol) -> dict[str, float]:
    pop = protocol.population
    t = targets(pop)
    out: dict[str, float] = {
        "sledai_mean": t["sledai_mean"],
        "sledai_sd": float(pop.get("sledai_sd")),
    }
    for key in (
        "anti_dsdna_positive",
        "low_c3",
        "low_c4",
        "ifngs_high",
        "bilag_1a_or_2b",
        "prednisone_users",
        "prednisone_mg_mean",
        "immunosuppressant_users",
        "antimalarial_users",
        "age_mean",
        "female",
        "egfr_mean",
    ):
        out[key] = float(pop.get(key))
    if pop.get("lupus_nephritis"):
        out["upcr_mean"] = float(pop.get("upcr_mean"))
    return out


def assemble(setup: TrialSetup, chunks: list[ChunkResult], model_version: str) -> TrialResult:
    """Merge chunk tallies (in chunk order) into the trial result."""
    protocol = setup.protocol
    chunks = sorted(chunks, key=lambda c: c.index)
    arms: list[ArmResult] = []
    reasons: dict[str, int] = {}
    for c in chunks:
        for k, v in c.failure_reasons.items():
            reasons[k] = reasons.get(k, 0) + v
    declared = {e.key for e in protocol.all_endpoints}
    for a, arm in enumerate(protocol.arms):
        merged = merge_tallies([c.tallies[a] for c in chunks])
        sums: dict[str, float] = {}
        drops: dict[str, int] = {}
        failed = 0
        for c in chunks:
            for k, total in c.baseline[a].items():
                sums[k] = sums.get(k, 0.0) + total
            for k, d in c.dropouts[a].items():
                drops[k] = drops.get(k, 0) + int(d)
            failed += c.failed_solves[a]
        endpoints: dict[str, Summary] = {}
        notes: dict[str, str] = {}
        series: dict[str, list[tuple[int, Summary]]] = {}
        for eid, by_week in merged.items():
            for week in sorted(by_week):
                s = summarise(by_week[week])
                series.setdefault(eid, []).append((week, s))
                key = f"{eid}@{week}"
                if key in declared:
                    endpoints[key] = s
                    if by_week[week].note:
                        notes[key] = by_week[week].note
        ordered = {e.key: endpoints[e.key] for e in protocol.all_endpoints if e.key in endpoints}
        arms.append(
            ArmResult(
                name=arm.name,
                n=int(sums.get("n", 0.0)),
                endpoints=ordered,
                timecourse=series,
                notes=notes,
                baseline=_baseline(sums),
                dropouts=drops,
                failed_solves=failed,
            )
        )
    by_name = {arm.name: arm for arm in arms}
    comparisons = []
    for p in protocol.published:
        sim = by_name[p.arm].endpoints[p.key]
        ci = published_interval(p)
        within = None if ci is None or not math.isfinite(sim.value) else ci[0] <= sim.value <= ci[1]
        comparisons.append(Comparison(p.arm, p.key, p.value, ci, p.n, sim, within))
    return TrialResult(
        protocol=protocol,
        seed=setup.seed,
        model_version=model_version,
        patients_per_arm=setup.patients_per_arm,
        arms=tuple(arms),
        comparisons=tuple(comparisons),
        targets=_targets(protocol),
        defaults=defaults_used(protocol),
        screened=sum(c.screened for c in chunks),
        pilot={
            "pool": float(setup.pilot_pool),
            "eligible": float(setup.pilot_enrolled),
            "effective_sample_size": round(setup.tilt.pilot_ess, 1),
            "acceptance": round(setup.tilt.pilot_acceptance, 4),
        },
        failure_reasons=reasons,
    )
