"""Observation model and conduct rules on synthetic biology."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lupus.clinical.bilag import GRADES
from lupus.clinical.instruments.sledai2k import score_sledai2k
from lupus.simulation.trial.biology import ORGANS, Biology
from lupus.simulation.trial.observation import (
    DESCRIPTOR_IDS,
    VisitNoise,
    draw_patient_effects,
    load_observation_parameters,
    observe,
    sledai_totals,
)


def _biology(n: int, days: list[float], seed: int) -> Biology:
    rng = np.random.default_rng(seed)
    v = len(days)
    organs = {o: np.clip(rng.beta(1.5, 3.0, (n, 1)) * np.ones((n, v)), 0, 1) for o in ORGANS}
    labs = {
        "anti_dsdna_iu_ml": np.exp(rng.normal(3.5, 1.0, (n, v))),
        "c3_g_l": np.full((n, v), 0.85),
        "c4_g_l": np.full((n, v), 0.12),
        "upcr_g_g": np.exp(rng.normal(-1.0, 1.0, (n, v))),
    }
    return Biology(np.array(days), organs, labs, np.ones(n, dtype=bool))


@given(st.lists(st.booleans(), min_size=24, max_size=24), st.sampled_from(["2k", "selena"]))
def test_sledai_totals_are_the_instruments(present: list[bool], version: str) -> None:
    desc = np.array(present, dtype=bool)[None, None, :]
    clinical, total = sledai_totals(desc, version)
    ids = [d for d, p in zip(DESCRIPTOR_IDS, present, strict=True) if p]
    expected = score_sledai2k(ids, version=version)
    assert (int(clinical[0, 0]), int(total[0, 0])) == (expected.clinical_score, expected.score)


@given(st.integers(0, 2**31 - 1))
def test_observations_are_well_formed(seed: int) -> None:
    params = load_observation_parameters()
    days = [0.0, 28.0, 56.0, 84.0]
    n = 30
    bio = _biology(n, days, seed)
    effects = draw_patient_effects(n, np.random.default_rng(seed), params)
    seeds = tuple(np.random.SeedSequence(seed).spawn(len(days)))
    obs = observe(bio, effects, VisitNoise(seeds, n, np.arange(n)), params)
    assert obs.pga.min() >= 0.0 and obs.pga.max() <= 3.0
    # a system graded A-D is never graded E later (BILAG-2004: D = previously involved)
    e = GRADES.index("E")
    involved = np.maximum.accumulate(obs.bilag != e, axis=1)
    assert not (involved & (obs.bilag == e)).any()
    # SELENA proteinuria (new or increased) is never present without persistent proteinuria
    k = DESCRIPTOR_IDS.index("proteinuria")
    assert not (obs.descriptors_selena[:, :, k] & ~obs.descriptors_2k[:, :, k]).any()


def test_subset_sees_the_same_noise() -> None:
    params = load_observation_parameters()
    days = [0.0, 28.0]
    n = 20
    bio = _biology(n, days, 3)
    effects = draw_patient_effects(n, np.random.default_rng(3), params)
    seeds = tuple(np.random.SeedSequence(9).spawn(2))
    full = observe(bio, effects, VisitNoise(seeds, n, np.arange(n)), params)
    index = np.array([3, 7, 11])
    sub_bio = Biology(
        bio.days,
        {k: v[index] for k, v in bio.organs.items()},
        {k: v[index] for k, v in bio.labs.items()},
        bio.ok[index],
    )
    part = observe(sub_bio, effects.take(index), VisitNoise(seeds, n, index), params)
    assert np.array_equal(part.descriptors_2k, full.descriptors_2k[index])
    assert np.array_equal(part.pga, full.pga[index])


def test_overrides_must_name_calibrated_parameters() -> None:
    import pytest

    assert (
        load_observation_parameters({"fluctuation_sd": 0.2})["calibrated"]["fluctuation_sd"] == 0.2
    )
    with pytest.raises(KeyError):
        load_observation_parameters({"no_such": 1.0})
    with pytest.raises(ValueError, match="'serology_fluctuation_days'.*> 0 days"):
        load_observation_parameters({"serology_fluctuation_days": 0.0})
    with pytest.raises(ValueError, match="'serology_fluctuation_sd'.*>= 0"):
        load_observation_parameters({"serology_fluctuation_sd": -0.1})
    assert dataclasses.is_dataclass(Biology)


def _serology_spread(sd: float, tau: float) -> tuple[float, float, float]:
    """SD of log C3 over all patients and visits (true C3 is 0.85 g/L in everyone, so this is
    the visit-to-visit spread), lag-one correlation of log C3 and mean C3, for a serology
    fluctuation of ``sd``."""
    params = load_observation_parameters(
        {"serology_fluctuation_sd": sd, "serology_fluctuation_days": tau}
    )
    days = [0.0, 28.0, 56.0, 84.0, 112.0, 140.0]
    n = 4000
    bio = _biology(n, days, 5)
    effects = draw_patient_effects(n, np.random.default_rng(5), params)
    seeds = tuple(np.random.SeedSequence(21).spawn(len(days)))
    obs = observe(bio, effects, VisitNoise(seeds, n, np.arange(n)), params)
    log_c3 = np.log(obs.labs["c3_g_l"])
    lag = np.corrcoef(log_c3[:, :-1].ravel(), log_c3[:, 1:].ravel())[0, 1]
    return float(log_c3.std()), float(lag), float(obs.labs["c3_g_l"].mean())


def test_serology_fluctuates_between_visits_around_the_biology() -> None:
    # without it only the assay noise (C3 CV 6%, independent between visits) is left
    sd0, lag0, mean0 = _serology_spread(0.0, 90.0)
    assert 0.045 < sd0 < 0.075 and abs(lag0) < 0.05
    # with it, the spread adds in quadrature, is correlated over the OU time scale and keeps
    # the mean (log-normal factor with mean 1)
    sd1, lag1, mean1 = _serology_spread(0.2, 90.0)
    assert np.isclose(sd1, np.hypot(sd0, 0.2), rtol=0.1)
    rho = np.exp(-28.0 / 90.0) * 0.2**2 / (0.2**2 + sd0**2)
    assert abs(lag1 - rho) < 0.05
    assert abs(mean1 / mean0 - 1.0) < 0.02
    # a short correlation time makes consecutive visits nearly independent
    _, lag_short, _ = _serology_spread(0.2, 3.0)
    assert lag_short < 0.05
