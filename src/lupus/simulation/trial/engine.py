"""The virtual-trial engine: enrol, treat, observe, conduct, score, aggregate.

A trial is split into fixed-size chunks of patients (:data:`CHUNK_SIZE` per arm, independent of
how many workers run them). Chunk ``c`` draws all its random numbers from seeds spawned from
``(seed, c)``, runs every arm on its enrolled patients (the same virtual patients in each arm, with
arm-specific visit noise and conduct), and returns only tallies (endpoint counts, sums and
histograms per visit; baseline sums). Tallies are merged in chunk order, so the result is the
same whatever runs the chunks: :func:`run_trial` takes any ``map``-like executor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from lupus.simulation.trial.biology import Biology, BiologyModel, Covariates, PrednisoneSchedule
from lupus.simulation.trial.conduct import DROPOUT_REASONS, ConductRecord, run_conduct
from lupus.simulation.trial.endpoints import (
    PatientOutcomes,
    Tally,
    endpoint_outcomes,
    merge_tallies,
)
from lupus.simulation.trial.errors import TrialRunError
from lupus.simulation.trial.observation import (
    Observations,
    PatientEffects,
    VisitNoise,
    draw_patient_effects,
    load_observation_parameters,
    observe,
    sledai_totals,
)
from lupus.simulation.trial.population import (
    BaselineFeatures,
    Tilt,
    acceptance,
    draw_covariates,
    entry_filter,
    fit_tilt,
    targets,
)
from lupus.simulation.trial.protocol import Arm, Protocol

__all__ = [
    "BASELINE_ROWS",
    "CHUNK_SIZE",
    "ChunkResult",
    "ChunkTask",
    "TrialSetup",
    "prepare_trial",
    "run_chunk",
    "run_trial_chunks",
]

CHUNK_SIZE: Final = 250
PRETREATMENT_DAY: Final = -7.0  # before lymphodepletion (days -5 to -3) and any first dose
PILOT_SIZE: Final = 3000
MAX_POOL_ATTEMPTS: Final = 40
MAX_POOL: Final = 50_000  # candidates screened per attempt (memory: one day-0 state each)
BASELINE_ROWS: Final = (
    "sledai_mean",
    "sledai_sd",
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
    "upcr_mean",
    "egfr_mean",
)

Executor = Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[Any]]


def _seed(root: int, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(entropy=root, spawn_key=tuple(key))


def _rng(root: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(_seed(root, *key)))


@dataclass(frozen=True, slots=True)
class TrialSetup:
    """What every chunk needs (small, picklable apart from the model)."""

    protocol: Protocol
    seed: int
    patients_per_arm: int
    tilt: Tilt
    obs_params: dict[str, Any]
    visit_days: NDArray[np.float64]
    daily_b_cells: bool
    pilot_pool: int
    pilot_enrolled: int


@dataclass(frozen=True, slots=True)
class ChunkTask:
    index: int
    size: int


@dataclass(slots=True)
class ChunkResult:
    """Tallies of one chunk: per arm, endpoint -> week -> tally; and baseline sums."""

    index: int
    tallies: list[dict[str, dict[int, Tally]]]
    baseline: list[dict[str, float]]
    dropouts: list[dict[str, int]]
    failed_solves: list[int]
    screened: int
    enrolled: int
    failure_reasons: dict[str, int] = field(default_factory=dict)


def _screening_features(
    protocol: Protocol,
    obs: Observations,
    bio: Biology,
    params_labs: dict[str, Any],
    ifngs_high_fold: float,
) -> BaselineFeatures:
    version = protocol.entry_version()
    desc = obs.descriptors_selena if version == "selena" else obs.descriptors_2k
    _, total = sledai_totals(desc[:, :1, :], version)
    labs = obs.labs
    n = obs.pga.shape[0]
    dna = labs.get("anti_dsdna_iu_ml", np.zeros((n, 1)))[:, 0]
    c3 = labs.get("c3_g_l", np.full((n, 1), np.inf))[:, 0]
    c4 = labs.get("c4_g_l", np.full((n, 1), np.inf))[:, 0]
    ifn = bio.lab("ifngs_fold")
    grades = obs.bilag[:, 0, :]
    n_a = (grades == 0).sum(axis=1)
    n_b = (grades == 1).sum(axis=1)
    upcr = labs.get("upcr_g_g", np.zeros((n, 1)))[:, 0]
    egfr = labs.get("egfr_ml_min", np.full((n, 1), 100.0))[:, 0]
    return BaselineFeatures(
        sledai=total[:, 0].astype(float),
        anti_dsdna_positive=dna >= params_labs["anti_dsdna_upper_limit_iu_ml"],
        low_c3=c3 < params_labs["c3_lower_limit_g_l"],
        low_c4=c4 < params_labs["c4_lower_limit_g_l"],
        ifngs_high=(np.zeros(n, bool) if ifn is None else ifn[:, 0] >= ifngs_high_fold),
        bilag_1a_or_2b=(n_a >= 1) | (n_b >= 2),
        upcr=upcr,
        egfr=egfr,
    )


def _constant_prednisone(cov: Covariates, days: NDArray[np.float64]) -> PrednisoneSchedule:
    return PrednisoneSchedule(
        start_days=np.array([float(days[0])]), mg_per_day=cov.prednisone_mg[:, None].copy()
    )


@dataclass(frozen=True, slots=True)
class _Pool:
    covariates: Covariates
    patients: Any
    effects: PatientEffects
    screen_seed: np.random.SeedSequence
    size: int
    features: BaselineFeatures
    eligible: NDArray[np.bool_]
    accept_u: NDArray[np.float64]


def _draw_pool(
    model: BiologyModel,
    protocol: Protocol,
    obs_params: dict[str, Any],
    root: int,
    key: tuple[int, ...],
    size: int,
) -> _Pool:
    cov = draw_covariates(protocol, size, _rng(root, *key, 0))
    patients = model.draw(cov, _seed(root, *key, 1))
    effects = draw_patient_effects(size, _rng(root, *key, 2), obs_params)
    screen_seed = _seed(root, *key, 3)
    day0 = np.zeros(1)
    bio = model.simulate(patients, None, _constant_prednisone(cov, day0), day0)
    noise = VisitNoise((screen_seed,), size, np.arange(size))
    obs = observe(bio, effects, noise, obs_params)
    features = _screening_features(protocol, obs, bio, obs_params["labs"], model.ifngs_high_fold())
    eligible = entry_filter(protocol, features) & bio.ok
    accept_u = _rng(root, *key, 4).random(size)
    return _Pool(cov, patients, effects, screen_seed, size, features, eligible, accept_u)


def prepare_trial(
    protocol: Protocol,
    model: BiologyModel,
    *,
    patients_per_arm: int,
    seed: int,
    obs_overrides: dict[str, float] | None = None,
) -> TrialSetup:
    """Fit the population weights on a pilot pool and fix the visit days."""
    if patients_per_arm < 1:
        raise TrialRunError("patients-per-arm", patients_per_arm, "an integer of at least 1")
    if seed < 0:
        raise TrialRunError("seed", seed, "an integer of at least 0")
    obs_params = load_observation_parameters(obs_overrides)
    pool = _draw_pool(model, protocol, obs_params, seed, (0,), PILOT_SIZE)
    eligible = pool.eligible
    if eligible.sum() < 10:
        raise TrialRunError(
            "population",
            int(eligible.sum()),
            f"at least 10 of {PILOT_SIZE} plausible patients meeting the entry criteria; "
            "relax entry_sledai_min or the 0/1 fractions",
        )
    sub = _subset(pool.features, np.flatnonzero(eligible))
    tilt = fit_tilt(sub, targets(protocol.population))
    visit_days = np.array([7.0 * w for w in protocol.visit_weeks])
    daily = any(e.id == "b-cell-aplasia-days" for e in protocol.all_endpoints)
    return TrialSetup(
        protocol=protocol,
        seed=seed,
        patients_per_arm=patients_per_arm,
        tilt=tilt,
        obs_params=obs_params,
        visit_days=visit_days,
        daily_b_cells=daily,
        pilot_pool=PILOT_SIZE,
        pilot_enrolled=int(eligible.sum()),
    )


def _subset(f: BaselineFeatures, index: NDArray[np.intp]) -> BaselineFeatures:
    return BaselineFeatures(**{k: getattr(f, k)[index] for k in f.__dataclass_fields__})


def _in_subgroup(protocol: Protocol, f: BaselineFeatures) -> NDArray[np.bool_]:
    sg = protocol.population.subgroup
    keep = np.ones(f.sledai.shape[0], dtype=bool)
    if sg.ifngs is not None:
        keep &= f.ifngs_high if sg.ifngs == "high" else ~f.ifngs_high
    if sg.anti_dsdna is not None:
        keep &= f.anti_dsdna_positive if sg.anti_dsdna == "positive" else ~f.anti_dsdna_positive
    if sg.low_complement is not None:
        low = f.low_c3 | f.low_c4
        keep &= low if sg.low_complement else ~low
    return keep


def _arm_covariates(arm: Arm, cov: Covariates) -> Covariates:
    if arm.therapy == "cd19-car-t":
        # Mackensen 2022 [V]: immunosuppressants were stopped before lymphodepletion; the
        # remission was drug-free. Antimalarials and glucocorticoids follow the conduct rules.
        return replace(
            cov,
            immunosuppressant=np.zeros_like(cov.immunosuppressant),
            induction=np.zeros_like(cov.induction),
        )
    return cov


def _schedule(conduct: ConductRecord, days: NDArray[np.float64]) -> PrednisoneSchedule:
    return PrednisoneSchedule(start_days=days.copy(), mg_per_day=conduct.prednisone_mg.copy())


def _run_arm(
    setup: TrialSetup,
    model: BiologyModel,
    arm_index: int,
    pool: _Pool,
    index: NDArray[np.intp],
    group_key: tuple[int, ...],
    feature_map: dict[str, Any],
) -> tuple[dict[str, dict[int, Tally]], dict[str, float], dict[str, int], int, dict[str, int]]:
    protocol = setup.protocol
    arm = protocol.arms[arm_index]
    cov = _arm_covariates(arm, pool.covariates.take(index))
    patients = model.take(pool.patients, index)
    effects = pool.effects.take(index)
    visit_days = setup.visit_days
    n_vis = visit_days.shape[0]
    follow = _seed(setup.seed, 2, *group_key, arm_index).spawn(n_vis - 1)
    noise = VisitNoise((pool.screen_seed, *follow), pool.size, index)
    weeks = visit_days / 7.0
    if setup.daily_b_cells:
        # a pre-treatment sample (day -7, before any lymphodepletion), then every day
        sim_days = np.concatenate(
            [[PRETREATMENT_DAY], np.arange(0.0, float(protocol.weeks * 7) + 1.0)]
        )
        pick = np.searchsorted(sim_days, visit_days)
    else:
        sim_days = visit_days
        pick = np.arange(n_vis)

    def at_visits(bio: Biology) -> Biology:
        if sim_days is visit_days:
            return bio
        return Biology(
            days=visit_days,
            organs={k: v[:, pick] for k, v in bio.organs.items()},
            labs={k: v[:, pick] for k, v in bio.labs.items()},
            ok=bio.ok,
            failure_reasons=bio.failure_reasons,
        )

    conduct_rng_key = (3, *group_key, arm_index)
    bio = model.simulate(patients, arm, _constant_prednisone(cov, visit_days), sim_days)
    obs = observe(at_visits(bio), effects, noise, setup.obs_params)
    conduct = run_conduct(
        protocol,
        obs,
        cov,
        weeks,
        _rng(setup.seed, *conduct_rng_key),
        feature_map,
        setup.obs_params["calibrated"],
        withdraw_glucocorticoids=arm.therapy == "cd19-car-t",
    )
    # second pass: the biology under the glucocorticoid doses the conduct rules gave
    bio = model.simulate(patients, arm, _schedule(conduct, visit_days), sim_days)
    vis = at_visits(bio)
    obs = observe(vis, effects, noise, setup.obs_params)
    conduct = run_conduct(
        protocol,
        obs,
        cov,
        weeks,
        _rng(setup.seed, *conduct_rng_key),
        feature_map,
        setup.obs_params["calibrated"],
        withdraw_glucocorticoids=arm.therapy == "cd19-car-t",
    )
    analysed = bio.ok.copy()
    b_daily = bio.lab("b_cells_per_ul") if setup.daily_b_cells else None
    outcomes = PatientOutcomes(
        obs=obs,
        conduct=conduct,
        visit_weeks=weeks,
        b_cells_daily=b_daily,
        damage=vis.lab("damage"),
        analysed=analysed,
    )
    tallies = endpoint_outcomes(
        outcomes,
        protocol.all_endpoints,
        protocol.sri_version(),
        bool(protocol.population.get("lupus_nephritis")),
    )
    base = _baseline_sums(
        protocol, obs, vis, cov, analysed, setup.obs_params["labs"], model.ifngs_high_fold()
    )
    drops = {
        reason: int(((conduct.dropout_reason == k) & analysed).sum())
        for k, reason in enumerate(DROPOUT_REASONS)
        if k > 0
    }
    return tallies, base, drops, int((~bio.ok).sum()), dict(bio.failure_reasons)


def _baseline_sums(
    protocol: Protocol,
    obs: Observations,
    bio: Biology,
    cov: Covariates,
    analysed: NDArray[np.bool_],
    params_labs: dict[str, Any],
    ifngs_high_fold: float,
) -> dict[str, float]:
    f = _screening_features(protocol, obs, bio, params_labs, ifngs_high_fold)
    a = analysed
    sums: dict[str, float] = {"n": float(a.sum())}
    sums["sledai"] = float(f.sledai[a].sum())
    sums["sledai_sq"] = float((f.sledai[a] ** 2).sum())
    for name in ("anti_dsdna_positive", "low_c3", "low_c4", "ifngs_high", "bilag_1a_or_2b"):
        sums[name] = float(getattr(f, name)[a].sum())
    users = (cov.prednisone_mg > 0) & a
    sums["prednisone_users"] = float(users.sum())
    sums["prednisone_mg_users"] = float(cov.prednisone_mg[users].sum())
    sums["immunosuppressant_users"] = float((cov.immunosuppressant & a).sum())
    sums["antimalarial_users"] = float((cov.antimalarial & a).sum())
    sums["age"] = float(cov.age_years[a].sum())
    sums["female"] = float((cov.female & a).sum())
    sums["upcr"] = float(f.upcr[a].sum())
    sums["egfr"] = float(f.egfr[a].sum())
    return sums


def run_chunk(setup: TrialSetup, model: BiologyModel, task: ChunkTask) -> ChunkResult:
    """Enrol ``task.size`` patients and run every arm on them; return tallies only."""
    protocol = setup.protocol
    feature_map = dict(setup.obs_params["flare_features"])
    expected = max(setup.tilt.pilot_acceptance * setup.pilot_enrolled / setup.pilot_pool, 1e-4)
    groups: list[tuple[_Pool, NDArray[np.intp], tuple[int, ...]]] = []
    needed = task.size
    screened = 0
    for attempt in range(MAX_POOL_ATTEMPTS):
        if needed <= 0:
            break
        size = int(min(MAX_POOL, max(256, math.ceil(1.5 * needed / expected))))
        key = (1, task.index, attempt)
        pool = _draw_pool(model, protocol, setup.obs_params, setup.seed, key, size)
        screened += size
        p = acceptance(setup.tilt, pool.features)
        chosen = pool.eligible & (pool.accept_u < p) & _in_subgroup(protocol, pool.features)
        index = np.flatnonzero(chosen)[:needed]
        if index.size:
            groups.append((pool, index, (task.index, attempt)))
            needed -= index.size
    if needed > 0:
        raise TrialRunError(
            "population",
            protocol.name,
            "a population the plausible patients can fill (too few met the entry criteria and "
            "subgroup; relax them)",
        )
    arms = len(protocol.arms)
    tallies: list[dict[str, dict[int, Tally]]] = []
    baseline: list[dict[str, float]] = []
    dropouts: list[dict[str, int]] = []
    failed: list[int] = []
    reasons: dict[str, int] = {}
    for a in range(arms):
        parts = []
        base_parts: list[dict[str, float]] = []
        drop_parts: list[dict[str, int]] = []
        fail = 0
        for pool, index, gkey in groups:
            t, b, d, f, r = _run_arm(setup, model, a, pool, index, gkey, feature_map)
            parts.append(t)
            base_parts.append(b)
            drop_parts.append(d)
            fail += f
            for k, v in r.items():
                reasons[k] = reasons.get(k, 0) + v
        tallies.append(merge_tallies(parts))
        baseline.append(_sum_dicts(base_parts))
        dropouts.append({k: int(v) for k, v in _sum_dicts(drop_parts).items()})  # type: ignore[arg-type]
        failed.append(fail)
    return ChunkResult(
        task.index, tallies, baseline, dropouts, failed, screened, task.size, reasons
    )


def _sum_dicts(parts: Sequence[dict[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in parts:
        for k, v in part.items():
            out[k] = out.get(k, 0.0) + float(v)
    return out


def chunk_tasks(patients_per_arm: int) -> list[ChunkTask]:
    """Fixed-size chunks (the last may be smaller), independent of the number of workers."""
    tasks = []
    start = 0
    i = 0
    while start < patients_per_arm:
        size = min(CHUNK_SIZE, patients_per_arm - start)
        tasks.append(ChunkTask(i, size))
        start += size
        i += 1
    return tasks


def run_trial_chunks(
    setup: TrialSetup,
    model: BiologyModel,
    *,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ChunkResult]:
    """Run every chunk through ``executor`` (default: in this process) in chunk order."""
    tasks = chunk_tasks(setup.patients_per_arm)

    def work(task: ChunkTask) -> ChunkResult:
        return run_chunk(setup, model, task)

    results: list[ChunkResult] = []
    run = executor if executor is not None else _serial
    for result in run(work, tasks):
        results.append(result)
        if progress is not None:
            progress(len(results), len(tasks))
    results.sort(key=lambda r: r.index)
    return results


def _serial(fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterable[Any]:
    for item in items:
        yield fn(item)
