"""BICLA: golden vectors, properties and bad input via the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus.clinical import get_instrument
from lupus.clinical.bilag import DOMAINS, Visit
from lupus.clinical.instruments.bicla import BiclaInput, score_bicla
from tests.conftest import CliRunnerFn, assert_usage_error

CASES = json.loads((Path(__file__).parents[1] / "golden" / "bicla.json").read_text("utf-8"))[
    "cases"
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any]) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    out = get_instrument("bicla").run(case["input"])
    for key, value in case["expected"].items():
        assert out[key] == value, (key, out)


def test_cli_explains_components(cli: CliRunnerFn) -> None:
    data = {
        "baseline": {"sledai": 8, "pga": 1.0, "bilag": {"renal": "A", "mucocutaneous": "B"}},
        "followup": {"sledai": 9, "pga": 1.0, "bilag": {"renal": "B", "mucocutaneous": "B"}},
        "treatment_failure": False,
    }
    result = cli("score", "bicla", "-", input=json.dumps(data))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    assert out["responder"] is False
    assert out["components"]["bilag_improvement"]["not_improved"] == ["mucocutaneous"]
    assert out["components"]["sledai"] == {"met": False, "change": 1}
    assert out["rule"] == "BICLA non-responder: failed bilag_improvement, sledai"


@st.composite
def visit_pairs(draw: st.DrawFn) -> tuple[Visit, Visit]:
    base_grades = {d: draw(st.sampled_from("ABCDE")) for d in DOMAINS}
    later_grades = {
        d: draw(st.sampled_from("ABCDE" if g == "E" else "ABCD")) for d, g in base_grades.items()
    }
    pga = st.integers(0, 30).map(lambda x: x / 10)
    return (
        Visit(draw(st.integers(0, 40)), draw(pga), base_grades),
        Visit(draw(st.integers(0, 40)), draw(pga), later_grades),
    )


@given(visit_pairs(), st.booleans())
def test_responder_needs_every_baseline_a_and_b_to_improve(
    pair: tuple[Visit, Visit], failure: bool
) -> None:
    base, later = pair
    result = score_bicla(BiclaInput(base, later, failure))
    if result.responder:
        assert not failure
        assert later.sledai <= base.sledai
        for d in DOMAINS:
            if base.bilag[d] == "A":
                assert later.bilag[d] in "BCD"
            if base.bilag[d] == "B":
                assert later.bilag[d] in "CD"
            if base.bilag[d] != "A":
                assert later.bilag[d] != "A"


@given(visit_pairs(), st.booleans())
def test_literal_pga_rule_is_never_stricter(pair: tuple[Visit, Visit], failure: bool) -> None:
    base, later = pair
    default = score_bicla(BiclaInput(base, later, failure)).responder
    literal = score_bicla(BiclaInput(base, later, failure, "increase_at_most_0.3")).responder
    assert literal >= default


V = {"sledai": 10, "pga": 1.0, "bilag": {"renal": "B"}}
VALID: dict[str, Any] = {
    "baseline": V,
    "followup": {**V, "sledai": 4, "bilag": {"renal": "C"}},
    "treatment_failure": False,
}


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ({**VALID, "pga_rule": "loose"}, ["pga_rule", '"loose"', "increase_below_0.3"]),
        ({**VALID, "treatment_failure": 0}, ["treatment_failure", "0", "true or false"]),
        ({**VALID, "baseline": {**V, "sledai": -2}}, ["baseline.sledai", "-2", "0 to 105"]),
        ({**VALID, "baseline": {**V, "pga": "1"}}, ["baseline.pga", '"1"', "number"]),
        ({**VALID, "followup": {**V, "bilag": {}}}, ["followup.bilag.renal", '"E"', "graded B"]),
        ({**VALID, "followup": {**V, "bilag": {"renal": "b"}}}, ["followup.bilag.renal", '"b"']),
        ({"baseline": V, "followup": V}, ["treatment_failure", "missing"]),
        ({**VALID, "threshold": 4}, ["threshold", "no such key"]),
    ],
    ids=[
        "unknown-pga-rule",
        "number-as-bool",
        "negative-sledai",
        "string-pga",
        "involved-domain-becomes-e",
        "lowercase-grade",
        "missing-treatment-failure",
        "unknown-key",
    ],
)
def test_bad_input_via_cli(cli: CliRunnerFn, data: dict[str, Any], fragments: list[str]) -> None:
    assert_usage_error(cli("score", "bicla", "-", input=json.dumps(data)), *fragments)
