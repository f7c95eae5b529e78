"""2012 SLICC classification: golden vectors, properties and bad input via the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus.clinical import get_instrument
from lupus.clinical.instruments.slicc2012 import CRITERIA, SliccInput, score_slicc_2012
from tests.conftest import CliRunnerFn, assert_usage_error

CASES = json.loads((Path(__file__).parents[1] / "golden" / "slicc2012.json").read_text("utf-8"))[
    "cases"
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any]) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    out = get_instrument("slicc-2012").run(case["input"])
    for key, value in case["expected"].items():
        assert out[key] == value, (key, out)


def test_seventeen_criteria_eleven_clinical() -> None:
    """Petri 2012 Table 3: 11 clinical and 6 immunologic criteria."""
    kinds = list(CRITERIA.values())
    assert len(kinds) == 17 and kinds.count("clinical") == 11


def test_cli_explains_coombs_exclusion(cli: CliRunnerFn) -> None:
    data = {
        "criteria": ["hemolytic_anemia", "direct_coombs", "ana", "synovitis", "renal"],
        "biopsy_proven_lupus_nephritis": False,
    }
    result = cli("score", "slicc-2012", "-", input=json.dumps(data))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    assert out["classified"] is True
    assert (out["clinical_count"], out["immunologic_count"]) == (3, 1)
    assert out["not_counted"][0]["id"] == "direct_coombs"
    assert "not a diagnosis" in out["note"]


criteria_sets = st.lists(st.sampled_from(sorted(CRITERIA)), unique=True)


@given(criteria_sets, st.booleans())
def test_classification_rule(criteria: list[str], biopsy: bool) -> None:
    result = score_slicc_2012(SliccInput(tuple(criteria), biopsy))
    present = set(criteria)
    if "hemolytic_anemia" in present:
        present.discard("direct_coombs")
    clinical = sum(CRITERIA[c] == "clinical" for c in present)
    immunologic = len(present) - clinical
    assert (result.clinical_count, result.immunologic_count) == (clinical, immunologic)
    by_count = len(present) >= 4 and clinical >= 1 and immunologic >= 1
    by_biopsy = biopsy and bool(present & {"ana", "anti_dsdna"})
    assert result.classified == (by_count or by_biopsy)


@given(criteria_sets)
def test_coombs_never_counts_with_hemolytic_anemia(criteria: list[str]) -> None:
    with_both = tuple(dict.fromkeys([*criteria, "hemolytic_anemia", "direct_coombs"]))
    without_coombs = tuple(c for c in with_both if c != "direct_coombs")
    a = score_slicc_2012(SliccInput(with_both))
    b = score_slicc_2012(SliccInput(without_coombs))
    assert (a.clinical_count, a.immunologic_count) == (b.clinical_count, b.immunologic_count)


VALID: dict[str, Any] = {"criteria": ["ana"], "biopsy_proven_lupus_nephritis": False}


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ({**VALID, "criteria": ["lupus_anticoagulant"]}, ["criteria[0]", "lupus_anticoagulant"]),
        ({**VALID, "criteria": [1]}, ["criteria[0]", "1", "a list of"]),
        ({**VALID, "criteria": {"ana": True}}, ["criteria", "a list of"]),
        ({**VALID, "biopsy_proven_lupus_nephritis": "true"}, ["biopsy_proven_lupus_nephritis"]),
        ({**VALID, "criteria": ["ana", "ana"]}, ["criteria[1]", "at most once"]),
        ({"biopsy_proven_lupus_nephritis": True}, ["criteria", "missing"]),
        ({**VALID, "biopsy_class": "IV"}, ["biopsy_class", "IV", "no such key"]),
    ],
    ids=[
        "unknown-criterion",
        "number-as-id",
        "criteria-not-list",
        "string-bool",
        "duplicate-criterion",
        "missing-criteria",
        "unknown-key",
    ],
)
def test_bad_input_via_cli(cli: CliRunnerFn, data: dict[str, Any], fragments: list[str]) -> None:
    assert_usage_error(cli("score", "slicc-2012", "-", input=json.dumps(data)), *fragments)
