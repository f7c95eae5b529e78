"""Virtual populations matched to a protocol's enrolled patients.

Method (Allen, Rieger & Musante, CPT Pharmacometrics Syst Pharmacol 2016;5:140, acceptance-
rejection; with MAPEL-style prevalence weights, Schmidt et al., BMC Bioinformatics 2013;14:221):

1. Covariates (age, sex, weight, background medication) are drawn from the protocol's targets.
2. Plausible patients: the simulator draws parameters from its priors; each candidate is
   simulated untreated to baseline and observed at screening (the observation model, with noise).
3. Entry criteria are hard filters (screening SLEDAI at least ``entry_sledai_min``; for lupus
   nephritis protocols, proteinuria above 0.5 g/g; a fraction of exactly 0 or 1 is a filter too).
4. Prevalence weights: the maximum-entropy (exponential-tilting) weights ``w_i = exp(lambda . f_i)``
   whose weighted means of the baseline features ``f`` (anti-dsDNA positive, low C3, low C4,
   IFNGS high, BILAG 1A/2B, SLEDAI mean and SD, UPCR and eGFR means) equal the protocol's targets,
   fitted once on a pilot pool.
5. Acceptance-rejection: a candidate is enrolled with probability ``min(1, w_i / w_ref)`` (``w_ref``
   the pilot's 99.9th weight percentile), so the enrolled population follows the weighted
   distribution (the 99th percentile missed BILAG and SLEDAI targets by up to 0.07 and 0.4 points
   when the candidate pool was much more active than the trial's; the maximum can make acceptance
   collapse); the match is reported on the enrolled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from lupus.simulation.trial.biology import Covariates
from lupus.simulation.trial.protocol import Population, Protocol

__all__ = [
    "FEATURES",
    "BaselineFeatures",
    "Tilt",
    "acceptance",
    "draw_covariates",
    "entry_filter",
    "fit_tilt",
    "targets",
]

# Between-patient spreads of covariates whose SD the protocol does not give [A]
AGE_SD: Final = 12.0
AGE_RANGE: Final = (18.0, 75.0)
WEIGHT_MEDIAN_KG: Final = 70.0  # the simulator's typical patient (issue 3: a 70 kg woman)
WEIGHT_LOG_SD: Final = 0.2
# BLISS-52: prednisone 12.7 +/- 8.4 mg/day (trials-calibration.md section 5) -> CV 0.66 [D]
PREDNISONE_CV: Final = 0.66
PREDNISONE_STEP_MG: Final = 2.5
# Between-patient SD of eGFR around the protocol's mean (mL/min/1.73 m2) [A]
EGFR_SD: Final = 20.0
# Lupus nephritis entry: proteinuria above this (g/g) [A]
NEPHRITIS_UPCR_MIN: Final = 0.5

FEATURES: Final = (
    "anti_dsdna_positive",
    "low_c3",
    "low_c4",
    "ifngs_high",
    "bilag_1a_or_2b",
    "sledai_mean",
    "sledai_sq",
    "upcr_mean",
    "egfr_mean",
)


@dataclass(frozen=True, slots=True)
class BaselineFeatures:
    """Screening/baseline characteristics of candidates, one entry per patient."""

    sledai: NDArray[np.float64]  # in the protocol's entry version
    anti_dsdna_positive: NDArray[np.bool_]
    low_c3: NDArray[np.bool_]
    low_c4: NDArray[np.bool_]
    ifngs_high: NDArray[np.bool_]
    bilag_1a_or_2b: NDArray[np.bool_]
    upcr: NDArray[np.float64]
    egfr: NDArray[np.float64]

    def matrix(self, names: tuple[str, ...]) -> NDArray[np.float64]:
        cols = []
        for name in names:
            if name == "sledai_mean":
                cols.append(self.sledai)
            elif name == "sledai_sq":
                cols.append(self.sledai * self.sledai)
            elif name == "upcr_mean":
                cols.append(self.upcr)
            elif name == "egfr_mean":
                cols.append(self.egfr)
            else:
                cols.append(getattr(self, name).astype(float))
        return np.stack(cols, axis=1) if cols else np.zeros((self.sledai.shape[0], 0))


def draw_covariates(protocol: Protocol, n: int, rng: np.random.Generator) -> Covariates:
    """Covariates drawn from the protocol's targets (defaults where it is silent)."""
    pop = protocol.population
    age = np.clip(rng.normal(float(pop.get("age_mean")), AGE_SD, n), *AGE_RANGE)
    female = rng.random(n) < float(pop.get("female"))
    weight = WEIGHT_MEDIAN_KG * np.exp(rng.normal(0.0, WEIGHT_LOG_SD, n))
    users = rng.random(n) < float(pop.get("prednisone_users"))
    mean = max(float(pop.get("prednisone_mg_mean")), PREDNISONE_STEP_MG)
    shape = 1.0 / (PREDNISONE_CV * PREDNISONE_CV)
    dose = rng.gamma(shape, mean / shape, n)
    dose = np.maximum(PREDNISONE_STEP_MG, np.round(dose / PREDNISONE_STEP_MG) * PREDNISONE_STEP_MG)
    prednisone = np.where(users, dose, 0.0)
    immuno = rng.random(n) < float(pop.get("immunosuppressant_users"))
    anti = rng.random(n) < float(pop.get("antimalarial_users"))
    nephritis = np.full(n, bool(pop.get("lupus_nephritis")))
    refractory = np.full(n, bool(pop.get("refractory")))
    bg = protocol.background
    u = rng.random(n)
    mmf = float(bg.get("induction_mycophenolate"))
    cyc = float(bg.get("induction_cyclophosphamide"))
    induction = np.where(u < mmf, 1, np.where(u < mmf + cyc, 2, 0)).astype(np.int8)
    egfr = np.clip(rng.normal(float(pop.get("egfr_mean")), EGFR_SD, n), 15.0, 150.0)
    return Covariates(
        age_years=age,
        female=female,
        weight_kg=weight,
        prednisone_mg=prednisone,
        immunosuppressant=immuno | (induction > 0),
        antimalarial=anti,
        nephritis=nephritis,
        refractory=refractory,
        induction=induction,
        egfr_ml_min=egfr,
    )


def targets(population: Population) -> dict[str, float]:
    """Feature -> target mean over enrolled patients (defaults where the protocol is silent)."""
    mean = float(population.get("sledai_mean"))
    sd = float(population.get("sledai_sd"))
    out = {
        "anti_dsdna_positive": float(population.get("anti_dsdna_positive")),
        "low_c3": float(population.get("low_c3")),
        "low_c4": float(population.get("low_c4")),
        "ifngs_high": float(population.get("ifngs_high")),
        "bilag_1a_or_2b": float(population.get("bilag_1a_or_2b")),
        "sledai_mean": mean,
        "sledai_sq": sd * sd + mean * mean,
    }
    if population.get("lupus_nephritis"):
        out["upcr_mean"] = float(population.get("upcr_mean"))
    out["egfr_mean"] = float(population.get("egfr_mean"))
    return out


def entry_filter(protocol: Protocol, f: BaselineFeatures) -> NDArray[np.bool_]:
    """Hard entry criteria (see the module docstring)."""
    pop = protocol.population
    keep = f.sledai >= float(pop.get("entry_sledai_min"))
    if pop.get("lupus_nephritis"):
        keep &= f.upcr > NEPHRITIS_UPCR_MIN
    for name in ("anti_dsdna_positive", "low_c3", "low_c4", "ifngs_high", "bilag_1a_or_2b"):
        target = float(pop.get(name))
        value = getattr(f, name)
        if target >= 1.0:
            keep &= value
        elif target <= 0.0:
            keep &= ~value
    return keep


@dataclass(frozen=True, slots=True)
class Tilt:
    """Exponential-tilting weights fitted on a pilot pool (see the module docstring)."""

    names: tuple[str, ...]
    centre: NDArray[np.float64]
    scale: NDArray[np.float64]
    coef: NDArray[np.float64]
    log_reference: float
    pilot_ess: float
    pilot_acceptance: float


RIDGE: Final = 0.01  # [A] relaxation of the maximum-entropy fit (see fit_tilt)


def fit_tilt(features: BaselineFeatures, target: dict[str, float]) -> Tilt:
    """Maximum-entropy weights matching ``target`` means on the pilot ``features``.

    Targets a candidate pool cannot reach are clipped into its observed range (the report
    then shows the gap between target and achieved).
    """
    names = tuple(k for k in FEATURES if k in target)
    x = features.matrix(names)
    n = x.shape[0]
    centre = x.mean(axis=0)
    scale = x.std(axis=0)
    varying = scale > 1e-12
    names = tuple(nm for nm, ok in zip(names, varying, strict=True) if ok)
    x, centre, scale = x[:, varying], centre[varying], scale[varying]
    z = (x - centre) / scale
    t = np.array([target[nm] for nm in names])
    t = (t - centre) / scale
    lo = np.quantile(z, 0.02, axis=0)
    hi = np.quantile(z, 0.98, axis=0)
    t = np.clip(t, lo, hi)

    def dual(lam: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        # relaxed maximum entropy: the ridge keeps the weights bounded when the targets jointly
        # lie outside what the pool can reach (each target is clipped only on its own); a
        # feasible target is then matched to within RIDGE x coefficient standard deviations
        s = z @ lam
        m = float(s.max())
        w = np.exp(s - m)
        total = float(w.sum())
        value = m + math.log(total / n) - float(lam @ t) + 0.5 * RIDGE * float(lam @ lam)
        grad = (w @ z) / total - t + RIDGE * lam
        return value, grad

    coef = np.zeros(len(names))
    if names:
        res = optimize.minimize(dual, coef, jac=True, method="L-BFGS-B", options={"maxiter": 500})
        coef = np.asarray(res.x, dtype=float)
    logw = z @ coef
    # reference = the pilot's 99.9th weight percentile: close to exact rejection sampling of the
    # tilted population (the 99th percentile under-weighted the rare candidates a distant target
    # needs; the maximum makes acceptance collapse when one pilot weight is extreme)
    ref = float(np.quantile(logw, 0.999)) if n else 0.0
    w = np.exp(logw - logw.max()) if n else np.zeros(0)
    ess = float(w.sum() ** 2 / max((w * w).sum(), 1e-300)) if n else 0.0
    acc = float(np.exp(np.minimum(logw - ref, 0.0)).mean()) if n else 0.0
    return Tilt(names, centre, scale, coef, ref, ess, acc)


def acceptance(tilt: Tilt, features: BaselineFeatures) -> NDArray[np.float64]:
    """Probability of enrolling each candidate: ``min(1, w_i / w_ref)``."""
    if not tilt.names:
        return np.ones(features.sledai.shape[0])
    z = (features.matrix(tilt.names) - tilt.centre) / tilt.scale
    return np.exp(np.minimum(z @ tilt.coef - tilt.log_reference, 0.0))
