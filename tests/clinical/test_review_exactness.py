"""Exactness review: the issue's key contract, unverified flags, and constructors that must refuse
what the JSON reader refuses (a frozen value is validated once, at construction)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest

from lupus.clinical.bilag import Visit
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instruments.bicla import BiclaInput
from lupus.clinical.instruments.crs import CrsInput
from lupus.clinical.instruments.doris import DorisInput
from lupus.clinical.instruments.egfr import EgfrInput
from lupus.clinical.instruments.eular_acr2019 import EularAcrInput
from lupus.clinical.instruments.flare import FlareInput
from lupus.clinical.instruments.icans import IcansInput
from lupus.clinical.instruments.lldas import LldasInput
from lupus.clinical.instruments.phq9 import Phq9Input, score_phq9
from lupus.clinical.instruments.renal_response import RenalInput
from lupus.clinical.instruments.sdi import SdiInput
from lupus.clinical.instruments.sledai2k import LimitLab, ThresholdLab
from lupus.clinical.instruments.slicc2012 import SliccInput
from lupus.clinical.instruments.sri import SriInput, score_sri
from tests.conftest import CliRunnerFn, assert_usage_error

BASE = Visit(10, 1.0, {"renal": "B"})
LATER = Visit(4, 1.0, {"renal": "C"})


# ------------------------------------------------------------------ contract: required input keys
def test_slicc_biopsy_key_is_required(cli: CliRunnerFn) -> None:
    """The issue lists {"criteria", "biopsy_proven_lupus_nephritis"} with neither optional."""
    result = cli("score", "slicc-2012", "-", input=json.dumps({"criteria": ["ana"]}))
    assert_usage_error(result, "biopsy_proven_lupus_nephritis", "missing", "true or false")


def test_sri_threshold_key_is_required(cli: CliRunnerFn) -> None:
    """The issue lists "threshold" 4..8 as a key; only "treatment_failure" is optional."""
    data = {
        "baseline": {"sledai": 10, "pga": 1.0, "bilag": {}},
        "followup": {"sledai": 4, "pga": 1.0, "bilag": {}},
    }
    assert_usage_error(cli("score", "sri", "-", input=json.dumps(data)), "threshold", "missing")


# ------------------------------------------------------------------ unverified parts are flagged
def test_sri_5_to_8_is_flagged_unverified() -> None:
    """Reference §4.1: SRI-n for n = 5..8 is tagged U; SRI-4 is V."""
    four = score_sri(SriInput(4, BASE, LATER)).to_json()
    six = score_sri(SriInput(6, BASE, LATER)).to_json()
    assert four["unverified"] == []
    assert len(six["unverified"]) == 1 and "SRI-6" in six["unverified"][0]


def test_phq9_bands_are_flagged_unverified() -> None:
    """Reference §6: the PHQ-9 cut-offs 5/10/15/20 are tagged U there."""
    out = score_phq9([1] * 9).to_json()
    assert any("5/10/15/20" in u for u in out["unverified"])


# ------------------------------------------------------------------ constructors validate
Bad = Callable[[], Any]

BAD_CONSTRUCTIONS: list[tuple[str, Bad, str]] = [
    ("limit-lab-unknown-key", lambda: LimitLab("c5_mg_dl", 10.0, 20.0), "value_key"),
    ("limit-lab-negative", lambda: LimitLab("c3_mg_dl", -1.0, 90.0), "c3_mg_dl"),
    ("limit-lab-zero-limit", lambda: LimitLab("c3_mg_dl", 70.0, 0.0), "c3_lower_limit_mg_dl"),
    ("threshold-lab-unknown", lambda: ThresholdLab("ldl", 1.0, True), "key"),
    ("threshold-lab-nan", lambda: ThresholdLab("wbc_10e9_l", math.nan, True), "wbc_10e9_l"),
    (
        "threshold-lab-not-bool",
        lambda: ThresholdLab("wbc_10e9_l", 2.0, 1),  # type: ignore[arg-type]
        "wbc_10e9_l.attributable_to_sle",
    ),
    ("eular-float-titer", lambda: EularAcrInput(80.5, ()), "ana_titer"),  # type: ignore[arg-type]
    (
        "eular-equivalent-not-bool",
        lambda: EularAcrInput(0, (), "yes"),  # type: ignore[arg-type]
        "ana_equivalent_positive",
    ),
    (
        "slicc-biopsy-not-bool",
        lambda: SliccInput(("ana",), 1),  # type: ignore[arg-type]
        "biopsy_proven_lupus_nephritis",
    ),
    ("sri-float-threshold", lambda: SriInput(4.5, BASE, LATER), "threshold"),  # type: ignore[arg-type]
    (
        "sri-failure-not-bool",
        lambda: SriInput(4, BASE, LATER, "no"),  # type: ignore[arg-type]
        "treatment_failure",
    ),
    ("sri-baseline-not-visit", lambda: SriInput(4, {}, LATER), "baseline"),  # type: ignore[arg-type]
    (
        "bicla-failure-not-bool",
        lambda: BiclaInput(BASE, LATER, 0),  # type: ignore[arg-type]
        "treatment_failure",
    ),
    ("visit-bilag-not-mapping", lambda: Visit(4, 1.0, ["renal"]), "bilag"),  # type: ignore[arg-type]
    ("visit-pga-nan", lambda: Visit(4, math.nan, {}), "pga"),
    ("renal-upcr-bool", lambda: RenalInput(True, 90.0, 90.0, False), "upcr_g_per_g"),  # type: ignore[arg-type]
    (
        "renal-failure-not-bool",
        lambda: RenalInput(0.4, 90.0, 90.0, "false"),  # type: ignore[arg-type]
        "treatment_failure",
    ),
    ("egfr-creatinine-bool", lambda: EgfrInput(True, 40, "female"), "creatinine_mg_per_dl"),  # type: ignore[arg-type]
    (
        "egfr-unit-unknown",
        lambda: EgfrInput(1.0, 40, "female", "mmol/L"),  # type: ignore[arg-type]
        "creatinine_given_as",
    ),
    (
        "crs-masked-not-bool",
        lambda: CrsInput(38.5, "no", "none", "none"),  # type: ignore[arg-type]
        "fever_masked_by_treatment",
    ),
    ("icans-float-ice", lambda: IcansInput(9.5, "alert", "none", False, "none"), "ice_score"),  # type: ignore[arg-type]
    (
        "icans-motor-not-bool",
        lambda: IcansInput(10, "alert", "none", "no", "none"),  # type: ignore[arg-type]
        "motor_weakness",
    ),
    (
        "lldas-infinite-prednisone",
        lambda: LldasInput((), False, False, False, 0.5, math.inf, True, False),
        "prednisone_mg_per_day",
    ),
    ("doris-infinite-prednisone", lambda: DorisInput((), 0.2, math.inf), "prednisone_mg_per_day"),
    (
        "flare-infinite-prednisone",
        lambda: FlareInput(
            2,
            6,
            prednisone_baseline_mg_per_day=5.0,
            prednisone_current_mg_per_day=math.inf,
            weight_kg=60.0,
        ),
        "prednisone_mg_per_day.current",
    ),
    ("sdi-items-not-mapping", lambda: SdiInput(["cataract"]), "items"),  # type: ignore[arg-type]
    ("phq9-items-not-sequence", lambda: Phq9Input(9), "items"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(
    ("build", "field"),
    [(b, f) for _, b, f in BAD_CONSTRUCTIONS],
    ids=[i for i, _, _ in BAD_CONSTRUCTIONS],
)
def test_constructor_refuses_what_the_reader_refuses(build: Bad, field: str) -> None:
    with pytest.raises(InstrumentInputError) as info:
        build()
    assert info.value.field == field


def test_selena_unverified_wording_is_reported() -> None:
    """Reference §1.3: five SELENA-SLEDAI wording changes are tagged U."""
    from lupus.clinical.instruments.sledai2k import score_sledai2k

    assert score_sledai2k(["seizure"]).to_json()["unverified"] == []
    selena = score_sledai2k(["seizure"], version="selena").to_json()["unverified"]
    assert len(selena) == 5 and any(w.startswith("seizure") for w in selena)


def test_sdi_repeat_event_rule_is_flagged_unverified() -> None:
    """Reference §2.1: 'a second event scores 2 only if >= 6 months after the first' is U."""
    from lupus.clinical.instruments.sdi import score_sdi

    (row,) = score_sdi({"malignancy": 2}).to_json()["items"]
    assert row["points"] == 2 and "unverified" in row["note"]
    (single,) = score_sdi({"malignancy": 1}).to_json()["items"]
    assert "unverified" not in single["note"]
