"""DORIS 2021 remission: golden vectors, the prednisolone options, properties, CLI bad input."""

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
from lupus.clinical.instruments.doris import PREDNISONE_RULES, UNMET_CODES, assess_doris
from lupus.clinical.instruments.sledai2k import SLEDAI2K_DESCRIPTORS
from tests.conftest import CliRunnerFn, assert_usage_error

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "doris.json").read_text("utf-8"))
CASES = GOLDEN["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any], cli: CliRunnerFn) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    result = cli("score", "doris", "-", input=json.dumps(case["input"]))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    for key, expected in case["expected"].items():
        assert out[key] == expected, key


def test_table_names_both_prednisolone_wordings() -> None:
    table = load_table("doris")
    assert {"source", "version", "section"} <= set(table["meta"])
    assert table["prednisone"]["default_rule"] == "at_most_5"
    assert {name: rule["inclusive"] for name, rule in PREDNISONE_RULES.items()} == {
        "at_most_5": True,
        "below_5": False,
    }
    assert all(rule["source"] for rule in PREDNISONE_RULES.values())
    assert list(UNMET_CODES) == [
        "clinical_sledai_not_0",
        "pga_not_below_0_5",
        "prednisone_above_limit",
        "immunosuppressants_not_stable",
    ]


def test_python_api_validates() -> None:
    with pytest.raises(InstrumentInputError, match="prednisone_rule"):
        assess_doris([], pga=0, prednisone_mg_per_day=0, prednisone_rule="under_5")
    with pytest.raises(InstrumentInputError, match="pga"):
        assess_doris([], pga=-0.1, prednisone_mg_per_day=0)


@given(
    st.sets(st.sampled_from(list(SLEDAI2K_DESCRIPTORS))),
    st.integers(0, 30).map(lambda x: x / 10),
    st.integers(0, 40).map(lambda x: x / 4),
)
def test_below_5_is_stricter_and_serology_is_ignored(
    present: set[str], pga: float, prednisone: float
) -> None:
    strict = assess_doris(
        present, pga=pga, prednisone_mg_per_day=prednisone, prednisone_rule="below_5"
    )
    lenient = assess_doris(present, pga=pga, prednisone_mg_per_day=prednisone)
    assert lenient.met or not strict.met
    serology = {"low_complement", "increased_dna_binding"}
    without = assess_doris(present - serology, pga=pga, prednisone_mg_per_day=prednisone)
    assert without == lenient


BASE = {"sledai_descriptors": [], "pga": 0.2, "prednisone_mg_per_day": 2.5}
BAD_INPUTS = [
    pytest.param(
        {**BASE, "sledai_descriptors": ["rashes"]}, ["sledai_descriptors[0]", "rashes"], id="id"
    ),
    pytest.param({**BASE, "pga": True}, ["pga", "true"], id="wrong-type"),
    pytest.param({**BASE, "pga": 3.1}, ["pga", "3.1"], id="out-of-range"),
    pytest.param({**BASE, "prednisone_mg_per_day": -2}, ["prednisone_mg_per_day", "-2"], id="neg"),
    pytest.param(
        {**BASE, "prednisone_rule": "under_5"}, ["prednisone_rule", "under_5", "below_5"], id="rule"
    ),
    pytest.param(
        {"pga": 0.2, "prednisone_mg_per_day": 2.5}, ["sledai_descriptors", "missing"], id="missing"
    ),
    pytest.param(
        {"sledai_descriptors": [], "pga": 0.2}, ["prednisone_mg_per_day", "missing"], id="missing-2"
    ),
    pytest.param({**BASE, "remission": True}, ["remission", "no such key"], id="unknown-key"),
    pytest.param(
        {**BASE, "immunosuppressants_stable": "yes"},
        ["immunosuppressants_stable", '"yes"'],
        id="bool",
    ),
]


@pytest.mark.parametrize(("data", "fragments"), BAD_INPUTS)
def test_bad_input_is_a_usage_error(cli: CliRunnerFn, data: Any, fragments: list[str]) -> None:
    assert_usage_error(cli("score", "doris", "-", input=json.dumps(data)), *fragments)


def test_example_is_in_remission() -> None:
    inst = get_instrument("doris")
    assert inst.run(inst.example)["met"] is True
