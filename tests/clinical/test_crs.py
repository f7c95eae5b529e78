"""ASTCT 2019 CRS grading: golden vectors, monotonicity and bad input via the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus.clinical import get_instrument
from lupus.clinical.instruments.crs import (
    HYPOTENSION_LEVELS,
    OXYGEN_LEVELS,
    CrsInput,
    score_crs,
)
from tests.conftest import CliRunnerFn, assert_usage_error

CASES = json.loads((Path(__file__).parents[1] / "golden" / "crs.json").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any]) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    out = get_instrument("crs").run(case["input"])
    for key, value in case["expected"].items():
        assert out[key] == value, (key, out)


def test_cli_happy_path_names_deciding_rule(cli: CliRunnerFn) -> None:
    result = cli("score", "crs", "-", input=json.dumps(CASES[0]["input"]))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    assert out["grade"] == 3
    assert out["deciding"] == ["hypotension"]
    assert out["components"] == {"hypotension": 3, "hypoxia": 2}


def test_both_components_named_when_tied() -> None:
    result = score_crs(CrsInput(38.5, False, "one_vasopressor", "high_flow"))
    assert result.grade == 3 and result.deciding == ("hypotension", "hypoxia")


temperatures = st.floats(min_value=35.0, max_value=41.5, allow_nan=False)
levels_h = st.integers(0, len(HYPOTENSION_LEVELS) - 1)
levels_o = st.integers(0, len(OXYGEN_LEVELS) - 1)


def _grade(t: float, masked: bool, h: int, o: int) -> int:
    return score_crs(CrsInput(t, masked, HYPOTENSION_LEVELS[h], OXYGEN_LEVELS[o])).grade  # type: ignore[arg-type]


@given(temperatures, st.booleans(), levels_h, levels_h, levels_o)
def test_monotone_in_hypotension(t: float, masked: bool, a: int, b: int, o: int) -> None:
    lo, hi = sorted((a, b))
    assert _grade(t, masked, lo, o) <= _grade(t, masked, hi, o)


@given(temperatures, st.booleans(), levels_h, levels_o, levels_o)
def test_monotone_in_oxygen(t: float, masked: bool, h: int, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert _grade(t, masked, h, lo) <= _grade(t, masked, h, hi)


@given(temperatures, temperatures, st.booleans(), levels_h, levels_o)
def test_monotone_in_temperature(a: float, b: float, masked: bool, h: int, o: int) -> None:
    lo, hi = sorted((a, b))
    assert _grade(lo, masked, h, o) <= _grade(hi, masked, h, o)


@given(temperatures, levels_h, levels_o)
def test_masking_never_lowers_the_grade(t: float, h: int, o: int) -> None:
    assert _grade(t, False, h, o) <= _grade(t, True, h, o)


@given(temperatures, st.booleans(), levels_h, levels_o)
def test_grade_is_max_of_components_when_febrile(t: float, masked: bool, h: int, o: int) -> None:
    grade = _grade(t, masked, h, o)
    if t >= 38.0 or masked:
        assert grade == max(h, o) + 1  # level index i (0 = none) is grade i + 1 with fever
    else:
        assert grade == 0


VALID = {
    "temperature_c": 38.5,
    "fever_masked_by_treatment": False,
    "hypotension": "none",
    "oxygen": "none",
}


@pytest.mark.parametrize(
    ("patch", "remove", "fragments"),
    [
        ({"hypotension": "pressors"}, None, ["hypotension", "pressors", "one_vasopressor"]),
        ({"oxygen": "cpap"}, None, ["oxygen", "cpap", "positive_pressure"]),
        ({"temperature_c": "38.5"}, None, ["temperature_c", '"38.5"', "number"]),
        ({"fever_masked_by_treatment": "no"}, None, ["fever_masked_by_treatment", "true or false"]),
        ({"temperature_c": 101.3}, None, ["temperature_c", "101.3", "45"]),
        ({}, "oxygen", ["oxygen", "missing"]),
        ({"organ_toxicity": 3}, None, ["organ_toxicity", "no such key"]),
    ],
    ids=[
        "unknown-hypotension",
        "unknown-oxygen",
        "string-temperature",
        "string-bool",
        "fahrenheit-out-of-range",
        "missing-oxygen",
        "unknown-key",
    ],
)
def test_bad_input_via_cli(
    cli: CliRunnerFn, patch: dict[str, Any], remove: str | None, fragments: list[str]
) -> None:
    data = {**VALID, **patch}
    if remove:
        del data[remove]
    assert_usage_error(cli("score", "crs", "-", input=json.dumps(data)), *fragments)
