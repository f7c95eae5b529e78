"""Trial conduct: glucocorticoid taper and rescue, flares, dropout and treatment failure.

Visits are processed in order (vectorised over patients). At each visit after baseline:

1. the flare is classified by the SELENA-SLEDAI Flare Index instrument
   (:func:`lupus.clinical.instruments.flare.assess_flare`) from the visit's clinical findings;
2. a flare is rescued (mild/moderate: a prednisone increase; severe: high-dose prednisone and a new
   immunosuppressant, a treatment failure); the rescue medication enters the same SFI call, so the
   recorded flare category includes the medication criteria;
3. otherwise the protocol taper (if any) or the return to the baseline dose proceeds;
4. treatment failure is updated (new immunosuppressant; prednisone above the protocol maximum at or
   after its week; by default a rescue increase above the baseline dose at or after week 24);
5. patients may discontinue (lack of efficacy, adverse event, other); from then on they are
   non-responders (non-responder imputation).

Rules and their status: ``data/conduct.toml``.
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

from lupus.clinical.instruments.flare import FLARE_CATEGORIES, assess_flare
from lupus.simulation.trial.biology import Covariates
from lupus.simulation.trial.observation import DESCRIPTOR_IDS, Observations, sledai_totals
from lupus.simulation.trial.protocol import Protocol, defaults

__all__ = [
    "DROPOUT_REASONS",
    "ConductRecord",
    "conduct_rules",
    "run_conduct",
]

DROPOUT_REASONS: Final = ("none", "lack_of_efficacy", "adverse_event", "other")
_SEVERE: Final = FLARE_CATEGORIES.index("severe")
_NONE: Final = FLARE_CATEGORIES.index("none")


@cache
def conduct_rules() -> dict[str, Any]:
    text = (
        resources.files("lupus.simulation.trial")
        .joinpath("data", "conduct.toml")
        .read_text("utf-8")
    )
    return tomllib.loads(text)


@dataclass(frozen=True, slots=True)
class ConductRecord:
    """What happened at each visit, arrays (patients, visits)."""

    prednisone_mg: NDArray[np.float64]  # dose in effect from this visit to the next
    flare: NDArray[np.int8]  # index into FLARE_CATEGORIES
    treatment_failure: NDArray[np.bool_]  # cumulative
    on_study: NDArray[np.bool_]  # False from the visit of discontinuation on
    dropout_reason: NDArray[np.int8]  # per patient, index into DROPOUT_REASONS
    sledai_selena: NDArray[np.int64]
    sledai_2k: NDArray[np.int64]
    clinical_2k: NDArray[np.int64]


@cache
def _flare(
    s_prev: int,
    s_cur: int,
    pga_prev: float,
    pga_cur: float,
    pred_prev: float,
    pred_cur: float,
    weight: float | None,
    features: tuple[str, ...],
    drugs: tuple[str, ...],
) -> int:
    result = assess_flare(
        sledai_baseline=s_prev,
        sledai_current=s_cur,
        pga_baseline=pga_prev,
        pga_current=pga_cur,
        prednisone_baseline_mg_per_day=pred_prev,
        prednisone_current_mg_per_day=pred_cur,
        weight_kg=weight,
        new_or_worse_features=features,
        new_drugs=drugs,
    )
    return FLARE_CATEGORIES.index(result.flare)


def _new_features(obs: Observations, v: int, feature_map: dict[str, Any]) -> list[tuple[str, ...]]:
    """SFI features newly present at visit ``v`` (absent at ``v - 1``), per patient."""
    now = obs.descriptors_2k[:, v, :]
    before = obs.descriptors_2k[:, v - 1, :]
    appeared = now & ~before
    n = now.shape[0]
    out: list[set[str]] = [set() for _ in range(n)]
    for descriptor, feature in feature_map.items():
        if descriptor not in DESCRIPTOR_IDS:
            continue
        j = DESCRIPTOR_IDS.index(descriptor)
        for i in np.flatnonzero(appeared[:, j]):
            out[i].add(feature)
    limit = feature_map["severe_thrombocytopenia_10e9_l"]
    plt = obs.labs["platelets_10e9_l"]
    for i in np.flatnonzero((plt[:, v] < limit) & (plt[:, v - 1] >= limit)):
        out[i].add("severe_thrombocytopenia")
    return [tuple(sorted(s)) for s in out]


def run_conduct(
    protocol: Protocol,
    obs: Observations,
    covariates: Covariates,
    visit_weeks: NDArray[np.float64],
    rng: np.random.Generator,
    feature_map: dict[str, Any],
    calibrated: dict[str, Any],
    *,
    withdraw_glucocorticoids: bool = False,
) -> ConductRecord:
    """Apply the conduct rules visit by visit (see the module docstring)."""
    rules = conduct_rules()
    n, v_count = obs.pga.shape
    clinical_2k, total_2k = sledai_totals(obs.descriptors_2k, "2k")
    _, selena = sledai_totals(obs.descriptors_selena, "selena")
    baseline_pred = covariates.prednisone_mg.astype(float)
    weight = np.round(covariates.weight_kg, 1)
    pred = np.zeros((n, v_count))
    pred[:, 0] = baseline_pred
    flare = np.zeros((n, v_count), dtype=np.int8)
    failure = np.zeros((n, v_count), dtype=bool)
    on_study = np.ones((n, v_count), dtype=bool)
    reason = np.zeros(n, dtype=np.int8)
    taper = bool(protocol.background.get("steroid_taper"))
    limit = protocol.conduct.prednisone_max_mg
    cutoff = float(defaults()["conduct"]["rescue_cutoff_week"])
    resc, tap = rules["rescue"], rules["taper"]
    # the lack-of-efficacy share of dropout is calibrated (observation.toml [calibrated]); the
    # rest splits between adverse events and other causes in the table's proportions
    drop = dict(rules["dropout"])
    loe = float(
        calibrated["dropout_efficacy_share"]
        if "dropout_efficacy_share" in calibrated
        else drop["lack_of_efficacy_share"]
    )
    rest = drop["adverse_event_share"] + drop["other_share"]
    drop["adverse_event_share"] *= (1.0 - loe) / rest
    drop["other_share"] *= (1.0 - loe) / rest
    drop["lack_of_efficacy_share"] = loe
    yearly = protocol.dropout_per_year
    rate = -math.log(1.0 - yearly) if yearly > 0 else 0.0
    uniforms = rng.random((n, v_count))
    cause_u = rng.random((n, v_count))
    rescue_u = rng.random((n, v_count))
    p_rescue = float(calibrated["mild_flare_rescue_probability"])
    p_immuno = float(calibrated["severe_flare_immunosuppressant_probability"])
    immuno_u = rng.random((n, v_count))
    p_severe = float(calibrated["severe_flare_rescue_probability"])
    severe_u = rng.random((n, v_count))
    new_drug = str(resc["severe_new_drug"])

    for v in range(1, v_count):
        week = float(visit_weeks[v])
        prev = pred[:, v - 1]
        features = _new_features(obs, v, feature_map)
        # 1. flare from clinical findings (prednisone unchanged)
        clinical_flare = np.array(
            [
                _flare(
                    int(selena[i, v - 1]),
                    int(selena[i, v]),
                    float(obs.pga[i, v - 1]),
                    float(obs.pga[i, v]),
                    float(prev[i]),
                    float(prev[i]),
                    None,
                    features[i],
                    (),
                )
                for i in range(n)
            ],
            dtype=np.int8,
        )
        severe_sfi = clinical_flare == _SEVERE
        severe = severe_sfi & (severe_u[:, v] < p_severe)  # rescued severe flares
        new_is = severe & (immuno_u[:, v] < p_immuno)
        mild = (clinical_flare > _NONE) & ~severe_sfi & (rescue_u[:, v] < p_rescue)
        quiet = clinical_flare == _NONE
        flaring = ~quiet
        # 2. rescue
        dose = prev.copy()
        mild_dose = np.minimum(
            prev + np.maximum(resc["mild_increase_min_mg"], resc["mild_increase_fraction"] * prev),
            np.maximum(prev, 0.5 * covariates.weight_kg),
        )
        dose = np.where(mild, mild_dose, dose)
        dose = np.where(
            severe, np.maximum(prev, resc["severe_mg_per_kg"] * covariates.weight_kg), dose
        )
        # 3. taper or return toward baseline at quiet visits
        pga_ok = obs.pga[:, v] - obs.pga[:, 0] < 0.3 - 1e-9
        above_base = prev > baseline_pred
        back = np.maximum(baseline_pred, prev - resc["return_step_mg"])
        dose = np.where(quiet & above_base, back, dose)
        if taper:
            in_window = tap["start_week"] <= week <= tap["end_week"]
            if in_window:
                tapering = quiet & pga_ok & ~above_base & (prev > tap["target_mg"])
                dose = np.where(tapering, np.maximum(tap["target_mg"], prev - tap["step_mg"]), dose)
            remission = quiet & (clinical_2k[:, v] == 0) & ~above_base
            halved = prev * tap["remission_factor"]
            halved = np.where(halved < tap["stop_below_mg"], 0.0, halved)
            dose = np.where(remission, np.minimum(dose, halved), dose)
        if withdraw_glucocorticoids:
            # glucocorticoid withdrawal after CD19 CAR T (taper data/conduct.toml [withdrawal])
            wd = rules["withdrawal"]
            halved = prev * wd["factor"]
            halved = np.where(halved < wd["stop_below_mg"], 0.0, halved)
            dose = np.where(~severe & ~mild, np.minimum(dose, halved), dose)
        pred[:, v] = dose
        # recorded SFI category, medication criteria included
        flare[:, v] = np.array(
            [
                _flare(
                    int(selena[i, v - 1]),
                    int(selena[i, v]),
                    float(obs.pga[i, v - 1]),
                    float(obs.pga[i, v]),
                    float(prev[i]),
                    float(dose[i]),
                    float(weight[i]) if dose[i] > prev[i] else None,
                    features[i],
                    (new_drug,) if new_is[i] else (),
                )
                if flaring[i] or dose[i] > prev[i]
                else _NONE
                for i in range(n)
            ],
            dtype=np.int8,
        )
        # 4. treatment failure
        fail = failure[:, v - 1] | new_is
        if limit is not None:
            if week >= limit.after_week:
                fail |= dose > limit.mg + 1e-9
        elif week >= cutoff:
            # a rescue increase at or after the cut-off week (above the baseline dose)
            fail |= (dose > prev + 1e-9) & (dose > baseline_pred + 1e-9)
        failure[:, v] = fail
        # 5. dropout
        was_on = on_study[:, v - 1]
        improved = (selena[:, 0] - selena[:, v] >= 4) & (flare[:, v] == _NONE)
        efficacy = np.where(improved, drop["improved_multiplier"], drop["not_improved_multiplier"])
        multiplier = (
            drop["lack_of_efficacy_share"] * efficacy
            + drop["adverse_event_share"]
            + drop["other_share"]
        )
        dt = (visit_weeks[v] - visit_weeks[v - 1]) / 52.0
        p_drop = 1.0 - np.exp(-rate * dt * multiplier)
        drops = was_on & (uniforms[:, v] < p_drop)
        share_loe = drop["lack_of_efficacy_share"] * efficacy / multiplier
        share_ae = drop["adverse_event_share"] / multiplier
        cause = np.where(
            cause_u[:, v] < share_loe, 1, np.where(cause_u[:, v] < share_loe + share_ae, 2, 3)
        )
        reason = np.where(drops, cause, reason).astype(np.int8)
        on_study[:, v] = was_on & ~drops
    return ConductRecord(
        prednisone_mg=pred,
        flare=flare,
        treatment_failure=failure,
        on_study=on_study,
        dropout_reason=reason,
        sledai_selena=selena,
        sledai_2k=total_2k,
        clinical_2k=clinical_2k,
    )
