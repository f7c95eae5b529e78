"""Small-cell suppression of the research cohort (CMS cell size suppression policy: no count
from 1 to 10, nor a value it could be recomputed from)."""

from __future__ import annotations

import random
from typing import Any

from lupus.store.suppression import MIN_CELL, suppress_cohort


def cohort(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "patients": 60,
        "synthetic_patients": 60,
        "by_therapy": {"anifrolumab": 20, "belimumab": 25, "none": 15},
        "sledai_2k_bands": {"0": 12, "1-4": 20, "5-10": 15, ">10": 13, "not assessed": 0},
        "lldas": {"met": 20, "not met": 25, "not assessed": 15},
        "doris": {"met": 12, "not met": 33, "not assessed": 15},
        "adherence": {"patients": 45, "mean": 0.91, "below_80_percent": 12},
        "adherence_by_therapy": {
            "anifrolumab": {"patients": 20, "mean": 0.9, "below_80_percent": 0},
            "belimumab": {"patients": 25, "mean": 0.92, "below_80_percent": 12},
        },
        "plan_changes": {"create": 45, "pause": 3},
        "current_plans": 45,
    }
    return base | over


def test_counts_of_11_or_more_and_zero_are_shown_unchanged() -> None:
    out = suppress_cohort(cohort(plan_changes={"create": 45}))
    assert {k: v for k, v in out.items() if k != "suppression"} == cohort(
        plan_changes={"create": 45}
    )
    assert out["suppression"]["suppressed"] == [] and out["suppression"]["min_cell"] == 11
    assert "CMS" in out["suppression"]["source"]


def test_a_count_from_1_to_10_is_suppressed_with_a_complementary_cell() -> None:
    out = suppress_cohort(cohort(lldas={"met": 5, "not met": 40, "not assessed": 15}))
    # met (5) could be recomputed as 60 - 40 - 15: the smallest other cell goes too
    assert out["lldas"] == {"met": None, "not met": 40, "not assessed": None}
    assert out["plan_changes"] == {"create": 45, "pause": None}  # primary only (no total)
    assert {"lldas.met", "lldas.not assessed", "plan_changes.pause"} <= set(
        out["suppression"]["suppressed"]
    )


def test_an_implied_complement_hides_the_shown_count() -> None:
    out = suppress_cohort(cohort(synthetic_patients=55))  # 5 non-synthetic patients
    assert out["patients"] == 60 and out["synthetic_patients"] is None
    assert not any(p.startswith("~") for p in out["suppression"]["suppressed"])


def test_means_and_below_80_percent_over_few_patients_are_suppressed() -> None:
    out = suppress_cohort(
        cohort(
            adherence_by_therapy={
                "anifrolumab": {"patients": 7, "mean": 0.5, "below_80_percent": 3},
                "belimumab": {"patients": 38, "mean": 0.95, "below_80_percent": 33},
            }
        )
    )
    assert out["adherence_by_therapy"]["anifrolumab"] == {
        "patients": None,
        "mean": None,
        "below_80_percent": None,
    }
    # 38 - 33 = 5 at or above 80%: the count below 80% is hidden with it
    assert out["adherence_by_therapy"]["belimumab"] == {
        "patients": 38,
        "mean": 0.95,
        "below_80_percent": None,
    }


def test_a_small_cohort_shows_no_count_but_zeros() -> None:
    small = cohort(
        patients=4,
        synthetic_patients=4,
        by_therapy={"anifrolumab": 4},
        sledai_2k_bands={"0": 0, "1-4": 4, "5-10": 0, ">10": 0, "not assessed": 0},
        lldas={"met": 0, "not met": 4, "not assessed": 0},
        doris={"met": 0, "not met": 4, "not assessed": 0},
        adherence={"patients": 0, "mean": None, "below_80_percent": 0},
        adherence_by_therapy={},
        plan_changes={"create": 4},
        current_plans=4,
    )
    out = suppress_cohort(small)
    assert out["patients"] is None and out["by_therapy"] == {"anifrolumab": None}
    assert out["sledai_2k_bands"]["1-4"] is None and out["sledai_2k_bands"]["0"] == 0
    assert out["adherence"] == {"patients": 0, "mean": None, "below_80_percent": 0}


def test_no_suppressed_count_can_be_recomputed_from_a_group_total() -> None:
    rng = random.Random(3)
    for _ in range(500):
        total = rng.randint(0, 80)
        cuts = sorted(rng.randint(0, total) for _ in range(2))
        counts = (cuts[0], cuts[1] - cuts[0], total - cuts[1])
        lldas = dict(zip(("met", "not met", "not assessed"), counts, strict=True))
        out = suppress_cohort(cohort(patients=total, synthetic_patients=total, lldas=lldas))
        shown = out["lldas"]
        for key, n in lldas.items():
            if 0 < n < MIN_CELL:
                assert shown[key] is None
        hidden = [k for k, v in shown.items() if v is None]
        if out["patients"] is not None:  # a shown total: never exactly one unknown cell
            assert len(hidden) != 1
            if hidden:
                assert sum(lldas[k] for k in hidden) > 0
