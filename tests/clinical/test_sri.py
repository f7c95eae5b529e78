"""SRI-k (k = 4..8): golden vectors, nesting property and bad input via the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus.clinical import get_instrument
from lupus.clinical.bilag import DOMAINS, Visit
from lupus.clinical.instruments.sri import SriInput, score_sri
from tests.conftest import CliRunnerFn, assert_usage_error

CASES = json.loads((Path(__file__).parents[1] / "golden" / "sri.json").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any]) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    out = get_instrument("sri").run(case["input"])
    for key, value in case["expected"].items():
        assert out[key] == value, (key, out)


def test_cli_explains_components(cli: CliRunnerFn) -> None:
    data = {
        "threshold": 5,
        "baseline": {"sledai": 10, "pga": 1.0, "bilag": {"renal": "C", "ophthalmic": "D"}},
        "followup": {"sledai": 4, "pga": 1.3, "bilag": {"renal": "B", "ophthalmic": "B"}},
    }
    result = cli("score", "sri", "-", input=json.dumps(data))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    assert out["responder"] is False
    c = out["components"]
    assert c["sledai"] == {"met": True, "reduction": 6, "required_reduction": 5}
    assert c["bilag"]["new_b"] == ["ophthalmic", "renal"] and c["bilag"]["met"] is False
    assert c["pga"]["change"] == 0.3 and c["pga"]["met"] is False
    assert out["rule"] == "SRI-5 non-responder: failed bilag, pga"


@st.composite
def visit_pairs(draw: st.DrawFn) -> tuple[Visit, Visit]:
    base_grades = {d: draw(st.sampled_from("ABCDE")) for d in DOMAINS}
    later_grades = {
        d: draw(st.sampled_from("ABCDE" if g == "E" else "ABCD")) for d, g in base_grades.items()
    }
    pga = st.integers(0, 30).map(lambda x: x / 10)
    base = Visit(draw(st.integers(0, 40)), draw(pga), base_grades)
    later = Visit(draw(st.integers(0, 40)), draw(pga), later_grades)
    return base, later


@given(visit_pairs(), st.integers(5, 8), st.booleans())
def test_sri_k_responder_implies_sri_k_minus_1(
    pair: tuple[Visit, Visit], k: int, failure: bool
) -> None:
    base, later = pair
    if score_sri(SriInput(k, base, later, failure)).responder:
        assert score_sri(SriInput(k - 1, base, later, failure)).responder


@given(visit_pairs(), st.integers(4, 8))
def test_responder_means_every_component_met(pair: tuple[Visit, Visit], k: int) -> None:
    base, later = pair
    result = score_sri(SriInput(k, base, later))
    expected = (
        base.sledai - later.sledai >= k
        and not result.new_a
        and len(result.new_b) <= 1
        and round(later.pga - base.pga, 9) < 0.3
    )
    assert result.responder == expected


V = {"sledai": 10, "pga": 1.0, "bilag": {"renal": "B"}}
VALID: dict[str, Any] = {"threshold": 4, "baseline": V, "followup": {**V, "sledai": 4}}


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ({**VALID, "threshold": 3}, ["threshold", "3", "4 to 8"]),
        ({**VALID, "threshold": 9}, ["threshold", "9", "4 to 8"]),
        ({**VALID, "threshold": "4"}, ["threshold", '"4"', "integer"]),
        ({**VALID, "treatment_failure": "yes"}, ["treatment_failure", '"yes"']),
        ({**VALID, "baseline": {**V, "pga": 3.5}}, ["baseline.pga", "3.5", "0 to 3"]),
        ({**VALID, "followup": {**V, "bilag": {"renal": "X"}}}, ["followup.bilag.renal", '"X"']),
        (
            {**VALID, "followup": {**V, "bilag": {"skin": "A"}}},
            ["followup.bilag.skin", "no such key"],
        ),
        ({**VALID, "followup": {**V, "bilag": {}}}, ["followup.bilag.renal", '"E"', "graded B"]),
        ({"threshold": 4, "baseline": V}, ["followup", "missing"]),
        ({**VALID, "followup": {"pga": 1, "bilag": {}}}, ["followup.sledai", "missing"]),
        ({**VALID, "week": 52}, ["week", "52", "no such key"]),
        ({**VALID, "baseline": [1]}, ["baseline", "JSON object"]),
    ],
    ids=[
        "threshold-too-low",
        "threshold-too-high",
        "string-threshold",
        "string-bool",
        "pga-out-of-range",
        "unknown-grade",
        "unknown-domain",
        "involved-domain-becomes-e",
        "missing-followup",
        "missing-sledai",
        "unknown-key",
        "visit-not-object",
    ],
)
def test_bad_input_via_cli(cli: CliRunnerFn, data: dict[str, Any], fragments: list[str]) -> None:
    assert_usage_error(cli("score", "sri", "-", input=json.dumps(data)), *fragments)
