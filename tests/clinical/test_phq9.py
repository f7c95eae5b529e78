"""PHQ-9: golden vectors (Kroenke 2001 cut-offs), item 9 safety flag, properties, CLI bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus.clinical import get_instrument
from lupus.clinical._data import load_table
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instruments.phq9 import ITEMS, SEVERITY_BANDS, score_phq9, severity_band
from tests.conftest import CliRunnerFn, assert_usage_error

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "phq9.json").read_text("utf-8"))
CASES = GOLDEN["cases"]
BANDS = [name for name, _ in SEVERITY_BANDS]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any], cli: CliRunnerFn) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    result = cli("score", "phq-9", "-", input=json.dumps(case["input"]))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    for key, expected in case["expected"].items():
        assert out[key] == expected, key


def test_table_bands_and_items() -> None:
    table = load_table("phq9")
    assert {"source", "version", "section"} <= set(table["meta"])
    assert SEVERITY_BANDS == (
        ("minimal", 0),
        ("mild", 5),
        ("moderate", 10),
        ("moderately_severe", 15),
        ("severe", 20),
    )
    assert len(ITEMS) == 9 and ITEMS[-1] == "thoughts_of_death_or_self_harm"


def test_urgent_result_carries_the_crisis_action() -> None:
    out = score_phq9([0] * 8 + [2]).to_json()
    assert out["urgent"] is True and "suicide risk" in out["action"]
    assert "action" not in score_phq9([3] * 8 + [0]).to_json()


def test_python_api_validates() -> None:
    with pytest.raises(InstrumentInputError, match="items"):
        score_phq9([0] * 8)
    with pytest.raises(InstrumentInputError, match=r"items\[2\]"):
        score_phq9([0, 0, 4, 0, 0, 0, 0, 0, 0])
    with pytest.raises(InstrumentInputError, match="total"):
        severity_band(28)


answers = st.lists(st.integers(0, 3), min_size=9, max_size=9)


@given(answers, st.integers(0, 8))
def test_raising_an_answer_never_lowers_total_or_band(items: list[int], which: int) -> None:
    before = score_phq9(items)
    raised = list(items)
    raised[which] = min(3, raised[which] + 1)
    after = score_phq9(raised)
    assert after.total >= before.total
    assert BANDS.index(after.severity) >= BANDS.index(before.severity)
    assert after.urgent or not before.urgent


@given(answers)
def test_total_band_and_item9(items: list[int]) -> None:
    result = score_phq9(items)
    assert 0 <= result.total == sum(items) <= 27
    assert result.item9_positive == result.urgent == (items[8] > 0)


BAD_INPUTS = [
    pytest.param({"items": [0] * 8}, ["items", "9 integers"], id="too-few"),
    pytest.param({"items": [0] * 10}, ["items", "9 integers"], id="too-many"),
    pytest.param({"items": "000000000"}, ["items", '"000000000"'], id="wrong-type"),
    pytest.param({"items": [0, 0, 0, 0, 4, 0, 0, 0, 0]}, ["items[4]", "4", "0 to 3"], id="range"),
    pytest.param({"items": [0, 0, 0, 0, -1, 0, 0, 0, 0]}, ["items[4]", "-1"], id="negative"),
    pytest.param({"items": [0, 0, 0, 0, 0, 0, 0, 0, True]}, ["items[8]", "true"], id="bool"),
    pytest.param({"items": [0, 0, 0, 0, 0, 0, 0, 0, 1.5]}, ["items[8]", "1.5"], id="fraction"),
    pytest.param({}, ["items", "missing"], id="missing-key"),
    pytest.param({"items": [0] * 9, "item10": 1}, ["item10", "no such key"], id="unknown-key"),
    pytest.param(
        {"items": [0] * 9, "difficulty": "hard"}, ["difficulty", "hard", "very_difficult"], id="id"
    ),
]


@pytest.mark.parametrize(("data", "fragments"), BAD_INPUTS)
def test_bad_input_is_a_usage_error(cli: CliRunnerFn, data: Any, fragments: list[str]) -> None:
    assert_usage_error(cli("score", "phq-9", "-", input=json.dumps(data)), *fragments)


def test_example_scores() -> None:
    inst = get_instrument("phq-9")
    assert inst.run(inst.example)["total"] == 7
