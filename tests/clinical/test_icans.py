"""ASTCT 2019 ICANS grading (adults): golden vectors, monotonicity, bad input via the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus.clinical import get_instrument
from lupus.clinical.instruments.icans import IcansInput, score_icans
from tests.conftest import CliRunnerFn, assert_usage_error

CASES = json.loads((Path(__file__).parents[1] / "golden" / "icans.json").read_text("utf-8"))[
    "cases"
]
CONSCIOUSNESS = ("alert", "spontaneous", "voice", "tactile", "unarousable")
SEIZURE = ("none", "rapidly_resolving", "prolonged_or_repetitive")
EDEMA = ("none", "focal", "diffuse")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any]) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    out = get_instrument("icans").run(case["input"])
    for key, value in case["expected"].items():
        assert out[key] == value, (key, out)


def test_cli_happy_path(cli: CliRunnerFn) -> None:
    data = {
        "ice_score": 5,
        "consciousness": "voice",
        "seizure": "none",
        "motor_weakness": False,
        "cerebral_edema": "focal",
    }
    result = cli("score", "icans", "-", input=json.dumps(data))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    assert out["grade"] == 3 and out["deciding_domain"] == "cerebral_edema"
    assert out["domain_grades"]["ice_score"] == 2


@st.composite
def inputs(draw: st.DrawFn) -> tuple[int, int, int, bool, int]:
    """Indices into the domain levels, with the ICE score as impairment (10 - score)."""
    consciousness = draw(st.integers(0, 4))
    impairment = 10 if consciousness == 4 else draw(st.integers(0, 10))
    return (
        impairment,
        consciousness,
        draw(st.integers(0, 2)),
        draw(st.booleans()),
        draw(st.integers(0, 2)),
    )


def _grade(x: tuple[int, int, int, bool, int]) -> int:
    impairment, c, s, m, e = x
    value = IcansInput(10 - impairment, CONSCIOUSNESS[c], SEIZURE[s], m, EDEMA[e])  # type: ignore[arg-type]
    return score_icans(value).grade


@given(inputs(), st.integers(0, 4), st.integers(0, 10), st.integers(0, 2), st.integers(0, 2))
def test_monotone_in_each_domain(
    x: tuple[int, int, int, bool, int], c: int, imp: int, s: int, e: int
) -> None:
    base = _grade(x)
    impairment, consc, seizure, motor, edema = x
    if consc < 4:
        worse_imp = max(impairment, imp)
        assert _grade((worse_imp, consc, seizure, motor, edema)) >= base
        worse_c = max(consc, c)
        new_imp = 10 if worse_c == 4 else impairment
        assert _grade((new_imp, worse_c, seizure, motor, edema)) >= base
    assert _grade((impairment, consc, max(seizure, s), motor, edema)) >= base
    assert _grade((impairment, consc, seizure, True, edema)) >= base
    assert _grade((impairment, consc, seizure, motor, max(edema, e))) >= base


@given(inputs())
def test_grade_is_worst_domain(x: tuple[int, int, int, bool, int]) -> None:
    impairment, c, s, m, e = x
    result = score_icans(
        IcansInput(10 - impairment, CONSCIOUSNESS[c], SEIZURE[s], m, EDEMA[e])  # type: ignore[arg-type]
    )
    assert result.grade == max(result.domain_grades.values())
    assert 0 <= result.grade <= 4
    for domain in result.deciding_domains:
        assert result.domain_grades[domain] == result.grade


VALID = {
    "ice_score": 8,
    "consciousness": "alert",
    "seizure": "none",
    "motor_weakness": False,
    "cerebral_edema": "none",
}


@pytest.mark.parametrize(
    ("patch", "remove", "fragments"),
    [
        ({"consciousness": "drowsy"}, None, ["consciousness", "drowsy", "tactile"]),
        ({"seizure": "yes"}, None, ["seizure", "yes", "rapidly_resolving"]),
        ({"cerebral_edema": "global"}, None, ["cerebral_edema", "global", "diffuse"]),
        ({"ice_score": 7.5}, None, ["ice_score", "7.5", "integer"]),
        ({"motor_weakness": 1}, None, ["motor_weakness", "1", "true or false"]),
        ({"ice_score": 11}, None, ["ice_score", "11", "0 to 10"]),
        ({"ice_score": -1}, None, ["ice_score", "-1"]),
        ({"consciousness": "unarousable"}, None, ["ice_score", "8", "unarousable"]),
        ({}, "seizure", ["seizure", "missing"]),
        ({"capd": 9}, None, ["capd", "no such key"]),
    ],
    ids=[
        "unknown-consciousness",
        "unknown-seizure",
        "unknown-edema",
        "fractional-ice",
        "number-as-bool",
        "ice-too-high",
        "ice-negative",
        "unarousable-with-ice-score",
        "missing-seizure",
        "unknown-key",
    ],
)
def test_bad_input_via_cli(
    cli: CliRunnerFn, patch: dict[str, Any], remove: str | None, fragments: list[str]
) -> None:
    data = {**VALID, **patch}
    if remove:
        del data[remove]
    assert_usage_error(cli("score", "icans", "-", input=json.dumps(data)), *fragments)
