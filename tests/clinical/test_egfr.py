"""CKD-EPI 2021 eGFR: golden vectors, properties, vectorisation and bad input via the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus.clinical import get_instrument
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instruments.egfr import egfr_ckd_epi_2021, parse, score_egfr
from tests.conftest import CliRunnerFn, assert_usage_error

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "egfr.json").read_text("utf-8"))
CASES = GOLDEN["cases"]
REL = GOLDEN["relative_tolerance"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any]) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") or case.get("derivation")
    out = get_instrument("egfr").run(case["input"])
    assert out["egfr"] == pytest.approx(case["expected"]["egfr"], rel=REL)
    assert out["unit"] == "mL/min/1.73 m2"


def test_cli_happy_path(cli: CliRunnerFn) -> None:
    result = cli("score", "egfr", "-", input=json.dumps(CASES[1]["input"]))
    assert result.exit_code == 0, result.stderr
    assert result.json()["egfr"] == pytest.approx(86.16262077966904, rel=REL)


def test_output_is_unrounded_and_explained() -> None:
    out = score_egfr(parse({"creatinine_mg_per_dl": 1.0, "age_years": 60, "sex": "male"}))
    as_json = out.to_json()
    assert as_json["egfr"] != round(as_json["egfr"], 6)
    assert as_json["terms"]["kappa"] == 0.9 and as_json["terms"]["alpha"] == -0.302
    assert "> 1" in as_json["rule"]


def test_umol_and_mg_agree() -> None:
    mg = get_instrument("egfr").run({"creatinine_mg_per_dl": 1.2, "age_years": 52, "sex": "female"})
    umol = get_instrument("egfr").run(
        {"creatinine_umol_per_l": 1.2 * 88.42, "age_years": 52, "sex": "female"}
    )
    assert umol["egfr"] == pytest.approx(mg["egfr"], rel=1e-12)


def test_vectorised_equals_loop() -> None:
    scr = np.array([0.4, 0.7, 0.9, 1.3, 2.5, 6.0])
    age = np.array([18.0, 25.0, 40.0, 61.5, 80.0, 99.0])
    sex = np.array(["female", "male", "female", "male", "female", "male"])
    batch = egfr_ckd_epi_2021(scr, age, sex)
    assert isinstance(batch, np.ndarray) and batch.shape == (6,)
    for i in range(6):
        single = egfr_ckd_epi_2021(float(scr[i]), float(age[i]), str(sex[i]))
        assert batch[i] == pytest.approx(single, rel=1e-13)


def test_vectorised_rejects_bad_values() -> None:
    with pytest.raises(InstrumentInputError, match="sex"):
        egfr_ckd_epi_2021(np.array([1.0]), 40.0, np.array(["other"]))
    with pytest.raises(InstrumentInputError, match="age_years"):
        egfr_ckd_epi_2021(np.array([1.0]), np.array([17.0]), "male")
    with pytest.raises(InstrumentInputError, match="creatinine"):
        egfr_ckd_epi_2021(np.array([0.0]), 40.0, "male")


def test_scalar_function_rejects_children() -> None:
    with pytest.raises(InstrumentInputError, match="CKiD"):
        egfr_ckd_epi_2021(0.5, 12, "female")


creatinine = st.floats(min_value=0.2, max_value=15.0, allow_nan=False)
ages = st.floats(min_value=18.0, max_value=110.0, allow_nan=False)
sexes = st.sampled_from(["female", "male"])


@given(creatinine, creatinine, ages, sexes)
def test_egfr_falls_as_creatinine_rises(a: float, b: float, age: float, sex: str) -> None:
    low, high = sorted((a, b))
    assert egfr_ckd_epi_2021(high, age, sex) <= egfr_ckd_epi_2021(low, age, sex)
    if high > low * (1 + 1e-9):  # strictly, once the change is above rounding noise
        assert egfr_ckd_epi_2021(high, age, sex) < egfr_ckd_epi_2021(low, age, sex)


@given(creatinine, ages, ages, sexes)
def test_egfr_falls_with_age(scr: float, a: float, b: float, sex: str) -> None:
    young, old = sorted((a, b))
    assert egfr_ckd_epi_2021(scr, old, sex) <= egfr_ckd_epi_2021(scr, young, sex)
    if old > young + 1e-6:
        assert egfr_ckd_epi_2021(scr, old, sex) < egfr_ckd_epi_2021(scr, young, sex)


@given(creatinine, ages)
def test_female_vs_male_at_equal_creatinine(scr: float, age: float) -> None:
    """Below 0.7 mg/dL and above 0.9 mg/dL a woman's eGFR is lower than a man's at the same
    creatinine (k and the 1.012 factor); the exact ratio follows from the equation."""
    female = egfr_ckd_epi_2021(scr, age, "female")
    male = egfr_ckd_epi_2021(scr, age, "male")
    if scr >= 0.9:
        expected_ratio = 1.012 * (0.9 / 0.7) ** -1.2
    elif scr <= 0.7:
        expected_ratio = 1.012 * (scr / 0.7) ** -0.241 / (scr / 0.9) ** -0.302
    else:
        expected_ratio = 1.012 * (scr / 0.7) ** -1.2 / (scr / 0.9) ** -0.302
    assert female / male == pytest.approx(expected_ratio, rel=1e-12)
    if scr >= 0.9:
        assert female < male


@given(creatinine, ages, sexes)
def test_egfr_is_positive_and_finite(scr: float, age: float, sex: str) -> None:
    value = egfr_ckd_epi_2021(scr, age, sex)
    assert math.isfinite(value) and value > 0


VALID = {"creatinine_mg_per_dl": 1.0, "age_years": 50, "sex": "female"}


@pytest.mark.parametrize(
    ("patch", "remove", "fragments"),
    [
        ({"sex": "other"}, None, ["sex", "other", "female"]),
        ({"creatinine_mg_per_dl": "1.0"}, None, ["creatinine_mg_per_dl", '"1.0"', "number"]),
        ({"age_years": True}, None, ["age_years", "true"]),
        ({"creatinine_mg_per_dl": 0}, None, ["creatinine_mg_per_dl", "0", "above 0"]),
        ({"creatinine_mg_per_dl": -1.2}, None, ["creatinine_mg_per_dl", "-1.2"]),
        ({"age_years": 17}, None, ["age_years", "17", "18", "CKiD"]),
        ({"age_years": 130}, None, ["age_years", "130"]),
        ({}, "sex", ["sex", "missing"]),
        ({}, "creatinine_mg_per_dl", ["creatinine_mg_per_dl", "missing", "umol"]),
        ({"creatinine_umol_per_l": 88.4}, None, ["creatinine_umol_per_l", "exactly one"]),
        ({"weight_kg": 70}, None, ["weight_kg", "70", "no such key"]),
    ],
    ids=[
        "unknown-sex",
        "string-creatinine",
        "bool-age",
        "zero-creatinine",
        "negative-creatinine",
        "child",
        "too-old",
        "missing-sex",
        "missing-creatinine",
        "both-creatinine-units",
        "unknown-key",
    ],
)
def test_bad_input_via_cli(
    cli: CliRunnerFn, patch: dict[str, Any], remove: str | None, fragments: list[str]
) -> None:
    data = {**VALID, **patch}
    if remove:
        del data[remove]
    assert_usage_error(cli("score", "egfr", "-", input=json.dumps(data)), *fragments)


def test_non_object_input_via_cli(cli: CliRunnerFn) -> None:
    assert_usage_error(cli("score", "egfr", "-", input="[1, 2]"), "input", "JSON object")
