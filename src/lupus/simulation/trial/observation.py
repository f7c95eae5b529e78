"""Observation model: biological states -> what the trial records at each visit.

For every patient and visit: SLEDAI descriptors (SLEDAI-2K and SELENA-SLEDAI wording), BILAG-2004
system grades, the physician global assessment (PGA, 0-3) and labs, with visit-to-visit
measurement noise, a per-patient phenotype offset per descriptor and an assessor effect on the
PGA. Totals are scored by :mod:`lupus.clinical.instruments.sledai2k` (its weight table), once per
distinct descriptor set. Parameters and their status: ``data/observation.toml``.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from lupus.clinical.bilag import DOMAINS, GRADES
from lupus.clinical.instruments.sledai2k import DESCRIPTORS, score_sledai2k
from lupus.simulation.trial.biology import Biology

__all__ = [
    "DESCRIPTOR_IDS",
    "Observations",
    "PatientEffects",
    "VisitNoise",
    "draw_patient_effects",
    "load_observation_parameters",
    "observe",
    "sledai_totals",
]

DESCRIPTOR_IDS: Final[tuple[str, ...]] = tuple(DESCRIPTORS)
_INDEX: Final = {d: i for i, d in enumerate(DESCRIPTOR_IDS)}
_GRADE_A, _GRADE_B, _GRADE_C, _GRADE_D, _GRADE_E = range(5)
assert GRADES == ("A", "B", "C", "D", "E")

FloatArray = NDArray[np.float64]


@cache
def _base_parameters() -> dict[str, Any]:
    files = resources.files("lupus.simulation.trial").joinpath("data")
    table = tomllib.loads(files.joinpath("observation.toml").read_text("utf-8"))
    calibrated = files.joinpath("calibrated.toml")
    if calibrated.is_file():
        fitted = tomllib.loads(calibrated.read_text("utf-8"))
        table["calibrated"].update(fitted.get("observation", {}))
    return table


def load_observation_parameters(overrides: dict[str, float] | None = None) -> dict[str, Any]:
    """The observation table with calibrated values (and optional overrides of ``[calibrated]``)."""
    base = _base_parameters()
    table = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    if overrides:
        unknown = set(overrides) - set(table["calibrated"])
        if unknown:
            raise KeyError(f"not a calibrated observation parameter: {sorted(unknown)}")
        for key, value in overrides.items():
            # correlation times divide, noise SDs scale: a time must be positive, an SD not negative
            if key.endswith("_days") and not value > 0:
                raise ValueError(f"observation parameter {key!r}: got {value!r}; allowed: > 0 days")
            if key.endswith("_sd") and not value >= 0:
                raise ValueError(f"observation parameter {key!r}: got {value!r}; allowed: >= 0")
        table["calibrated"].update(overrides)
    return table


@dataclass(frozen=True, slots=True)
class PatientEffects:
    """Per-patient random effects of the observation model (drawn once, shared by all arms)."""

    descriptor_offset: FloatArray  # (patients, clinical descriptors of the table)
    pga_assessor: FloatArray  # (patients,)
    platelets_anchor: FloatArray  # (patients,) 10^9/L
    leukocytes_anchor: FloatArray  # (patients,) 10^9/L

    def take(self, index: NDArray[np.intp]) -> PatientEffects:
        return PatientEffects(
            self.descriptor_offset[index],
            self.pga_assessor[index],
            self.platelets_anchor[index],
            self.leukocytes_anchor[index],
        )


def draw_patient_effects(
    n: int, rng: np.random.Generator, params: dict[str, Any]
) -> PatientEffects:
    cal = params["calibrated"]
    labs = params["labs"]
    noise = params["noise"]
    k = len(params["descriptor"])
    return PatientEffects(
        descriptor_offset=rng.normal(0.0, cal["patient_offset_sd"], (n, k)),
        pga_assessor=rng.normal(0.0, params["pga"]["assessor_sd"], n),
        platelets_anchor=labs["platelets_typical_10e9_l"]
        * np.exp(rng.normal(0.0, noise["platelets_between_sd"], n)),
        leukocytes_anchor=labs["leukocytes_typical_10e9_l"]
        * np.exp(rng.normal(0.0, noise["leukocytes_between_sd"], n)),
    )


@dataclass(frozen=True, slots=True)
class Observations:
    """What was recorded: arrays over (patients, visits[, items])."""

    descriptors_2k: NDArray[np.bool_]  # (n, v, 24) in DESCRIPTOR_IDS order
    descriptors_selena: NDArray[np.bool_]  # same, SELENA proteinuria rule
    bilag: NDArray[np.int8]  # (n, v, 9) grade index into GRADES, systems in DOMAINS order
    pga: FloatArray  # (n, v)
    labs: dict[str, FloatArray]  # observed labs, (n, v)
    organ_latent: dict[str, FloatArray]  # noisy latent activity per organ (n, v)


_NOISY_LABS: Final = (
    ("anti_dsdna_iu_ml", "anti_dsdna_cv"),
    ("c3_g_l", "c3_cv"),
    ("c4_g_l", "c4_cv"),
    ("upcr_g_g", "upcr_cv"),
    ("egfr_ml_min", "egfr_cv"),
    ("b_cells_per_ul", "b_cells_cv"),
    ("igg_g_l", "igg_cv"),
    ("platelets_10e9_l", "platelets_cv"),
    ("leukocytes_10e9_l", "leukocytes_cv"),
)


# Serological labs with their own unmodelled biological fluctuation (OU in log space), on top of
# the assay noise: anti-dsDNA and complement drift between visits with disease activity and
# infections that the biology does not carry ([calibrated] serology_fluctuation_sd/_days).
_FLUCTUATING_LABS: Final = ("anti_dsdna_iu_ml", "c3_g_l", "c4_g_l")


def _ou(eps: FloatArray, days: NDArray[np.float64], tau: float) -> FloatArray:
    """Stationary unit-variance Ornstein-Uhlenbeck paths at ``days`` from standard-normal
    ``eps`` (patients, visits, k): correlation exp(-gap / tau) between visits."""
    out = np.empty_like(eps)
    out[:, 0] = eps[:, 0]
    for j in range(1, eps.shape[1]):
        rho = math.exp(-max(float(days[j] - days[j - 1]), 0.0) / tau)
        out[:, j] = rho * out[:, j - 1] + math.sqrt(1.0 - rho * rho) * eps[:, j]
    return out


def _organs(params: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        sorted(
            {row["organ"] for row in params["descriptor"]} | set(params["bilag_organs"].values())
        )
    )


@dataclass(frozen=True, slots=True)
class VisitNoise:
    """Standard-normal noise per visit, reproducible for any subset of a candidate pool.

    Visit ``v`` draws one block of shape ``(pool, width)`` from its own seed, in a fixed order,
    and keeps the rows at ``index``; so the screening visit of a candidate and the baseline visit of
    the same enrolled patient see the same numbers, whatever else is simulated.
    """

    seeds: tuple[np.random.SeedSequence, ...]
    pool: int
    index: NDArray[np.intp]

    def block(self, v: int, width: int) -> FloatArray:
        rng = np.random.Generator(np.random.PCG64(self.seeds[v]))
        return rng.standard_normal((self.pool, width))[self.index]


def observe(
    bio: Biology,
    effects: PatientEffects,
    noise: VisitNoise,
    params: dict[str, Any],
) -> Observations:
    """Record every visit of ``bio`` (its ``days`` are the visit days)."""
    n, v = bio.ok.shape[0], bio.days.shape[0]
    cal, labs_p, noise_p = params["calibrated"], params["labs"], params["noise"]
    scale = float(cal["threshold_scale"])
    organs = _organs(params)
    k_org = len(organs)
    n_dom = len(DOMAINS)
    n_fl = len(_FLUCTUATING_LABS)
    width = 2 * k_org + len(_NOISY_LABS) + 1 + n_dom + n_fl
    eps = np.stack([noise.block(j, width) for j in range(v)], axis=1)  # (n, v, width)
    days = np.asarray(bio.days, dtype=float)
    # Unmodelled disease fluctuation: an Ornstein-Uhlenbeck process per organ (stationary SD
    # fluctuation_sd, correlation time fluctuation_days), plus independent measurement noise.
    ou = _ou(eps[:, :, :k_org], days, float(cal["fluctuation_days"]))
    serology_ou = _ou(eps[:, :, -n_fl:], days, float(cal["serology_fluctuation_days"]))
    # Patients enrol at a time of raised activity: organ activity is raised at day 0 by a slow
    # part (enrolment_excess, relaxing with time constant enrolment_days) and a fast part
    # (enrolment_fast_excess, enrolment_fast_days): regression to the mean on two time scales,
    # part of every placebo response.
    since = np.maximum(days, 0.0)
    excess = (
        1.0
        + float(cal["enrolment_excess"]) * np.exp(-since / float(cal["enrolment_days"]))
        + float(cal["enrolment_fast_excess"]) * np.exp(-since / float(cal["enrolment_fast_days"]))
    )
    latent = {
        o: np.clip(bio.organ(o), 0.0, 1.0) * excess[None, :]
        + cal["fluctuation_sd"] * ou[:, :, k]
        + cal["visit_noise_sd"] * eps[:, :, k_org + k]
        for k, o in enumerate(organs)
    }
    d2k = np.zeros((n, v, len(DESCRIPTOR_IDS)), dtype=bool)
    for j, row in enumerate(params["descriptor"]):
        threshold = row["threshold"] * scale + effects.descriptor_offset[:, j : j + 1]
        d2k[:, :, _INDEX[row["id"]]] = latent[row["organ"]] > threshold

    heme = np.clip(bio.organ("hematological"), 0.0, 1.0)
    truth: dict[str, FloatArray] = {}
    for name, _ in _NOISY_LABS:
        value = bio.lab(name)
        if value is not None:
            truth[name] = np.maximum(np.asarray(value, dtype=float), 0.0)
    if "platelets_10e9_l" not in truth:
        truth["platelets_10e9_l"] = effects.platelets_anchor[:, None] * (
            1 - labs_p["platelets_activity_drop"] * heme
        )
    if "leukocytes_10e9_l" not in truth:
        truth["leukocytes_10e9_l"] = effects.leukocytes_anchor[:, None] * (
            1 - labs_p["leukocytes_activity_drop"] * heme
        )
    sd_sero = float(cal["serology_fluctuation_sd"])
    for k, name in enumerate(_FLUCTUATING_LABS):
        if name in truth and sd_sero > 0.0:
            truth[name] = truth[name] * np.exp(sd_sero * serology_ou[:, :, k] - 0.5 * sd_sero**2)
    observed: dict[str, FloatArray] = {}
    for k, (name, cv_key) in enumerate(_NOISY_LABS):
        if name in truth:
            cv = float(noise_p[cv_key])
            sigma = math.sqrt(math.log1p(cv * cv))
            observed[name] = truth[name] * np.exp(
                sigma * eps[:, :, 2 * k_org + k] - 0.5 * sigma * sigma
            )
    if bio.lab("ifngs_fold") is not None:
        observed["ifngs_fold"] = np.asarray(bio.lab("ifngs_fold"), dtype=float)
    pga_eps = eps[:, :, 2 * k_org + len(_NOISY_LABS)]
    bilag_eps = eps[:, :, width - n_fl - n_dom : width - n_fl]

    # Lab-derived descriptors (SLEDAI-2K glossary thresholds; limits in data/observation.toml).
    d2k[:, :, _INDEX["thrombocytopenia"]] = (
        observed["platelets_10e9_l"] < labs_p["platelets_10e9_l"]
    )
    d2k[:, :, _INDEX["leukopenia"]] = observed["leukocytes_10e9_l"] < labs_p["leukocytes_10e9_l"]
    if "anti_dsdna_iu_ml" in observed:
        d2k[:, :, _INDEX["increased_dna_binding"]] = (
            observed["anti_dsdna_iu_ml"] >= labs_p["anti_dsdna_upper_limit_iu_ml"]
        )
    low = np.zeros((n, v), dtype=bool)
    if "c3_g_l" in observed:
        low |= observed["c3_g_l"] < labs_p["c3_lower_limit_g_l"]
    if "c4_g_l" in observed:
        low |= observed["c4_g_l"] < labs_p["c4_lower_limit_g_l"]
    d2k[:, :, _INDEX["low_complement"]] = low
    selena = d2k.copy()
    if "upcr_g_g" in observed:
        upcr = observed["upcr_g_g"]
        limit = labs_p["proteinuria_g_per_day"]
        persistent = upcr > limit
        d2k[:, :, _INDEX["proteinuria"]] = persistent
        # SELENA-SLEDAI: new onset or recent increase of more than 0.5 g/24 h (instruments.md
        # section 1.3); at the first visit there is no previous value, so it counts as new.
        previous = np.concatenate([np.zeros((n, 1)), upcr[:, :-1]], axis=1)
        new = persistent & ((previous <= limit) | (upcr - previous > limit))
        new[:, 0] = persistent[:, 0]
        selena[:, :, _INDEX["proteinuria"]] = new

    # BILAG-2004 grades from the same noisy latent activity.
    bilag = np.full((n, v, len(DOMAINS)), _GRADE_E, dtype=np.int8)
    # grade thresholds A and B are calibrated ([calibrated] bilag_a, bilag_b; table values are
    # the priors), C is the table value
    th = dict(params["bilag"])
    th["a"] = float(cal.get("bilag_a", th["a"]))
    th["b"] = float(cal.get("bilag_b", th["b"]))
    bscale = scale
    for k, domain in enumerate(DOMAINS):
        organ = params["bilag_organs"].get(domain)
        if organ is None:
            continue
        # the BILAG assessor's own judgement varies from visit to visit (bilag_noise_sd)
        z = latent[organ] + float(cal.get("bilag_noise_sd", 0.0)) * bilag_eps[:, :, k]
        grade = np.where(
            z > th["a"] * bscale,
            _GRADE_A,
            np.where(
                z > th["b"] * bscale, _GRADE_B, np.where(z > th["c"] * bscale, _GRADE_C, _GRADE_E)
            ),
        ).astype(np.int8)
        # Grade D: a system active at baseline or at any earlier visit, inactive now. A patient's
        # baseline organ activity above zero counts as history of involvement.
        involved = np.maximum.accumulate(grade < _GRADE_E, axis=1) | (bio.organ(organ)[:, :1] > 0.0)
        grade = np.where((grade == _GRADE_E) & involved, _GRADE_D, grade).astype(np.int8)
        bilag[:, :, k] = grade

    # PGA from the clinical SLEDAI-2K the physician sees, plus assessor effect and visit noise.
    clinical, _ = sledai_totals(d2k, "2k")
    pga_p = params["pga"]
    raw = (
        cal["pga_intercept"]
        + pga_p["slope"] * clinical
        + effects.pga_assessor[:, None]
        + cal["pga_visit_sd"] * pga_eps
    )
    step = pga_p["recorded_step"]
    pga = np.clip(np.round(raw / step) * step, 0.0, 3.0)
    return Observations(d2k, selena, bilag, pga, observed, latent)


_WEIGHT_BITS: Final = np.array([1 << i for i in range(len(DESCRIPTOR_IDS))], dtype=np.int64)


@cache
def _score_mask(mask: int, version: str) -> tuple[int, int]:
    ids = [d for i, d in enumerate(DESCRIPTOR_IDS) if mask >> i & 1]
    result = score_sledai2k(ids, version=version)
    return result.clinical_score, result.score


def sledai_totals(
    descriptors: NDArray[np.bool_], version: str
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(clinical score, total score) per patient and visit, scored by the clinical instrument.

    Each distinct descriptor set is scored once by
    :func:`lupus.clinical.instruments.sledai2k.score_sledai2k`.
    """
    masks = descriptors.astype(np.int64) @ _WEIGHT_BITS
    unique, inverse = np.unique(masks, return_inverse=True)
    scored = np.array([_score_mask(int(m), version) for m in unique], dtype=np.int64).reshape(-1, 2)
    inverse = inverse.reshape(masks.shape)
    return scored[inverse, 0], scored[inverse, 1]
