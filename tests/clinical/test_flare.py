"""SELENA-SLEDAI Flare Index: golden vectors, monotonicity, Python API, bad input via the CLI."""

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
from lupus.clinical.instruments.flare import (
    DRUGS,
    FEATURES,
    FLARE_CATEGORIES,
    PGA_RULES,
    assess_flare,
)
from tests.conftest import CliRunnerFn, assert_usage_error

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "flare.json").read_text("utf-8"))
CASES = GOLDEN["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any], cli: CliRunnerFn) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    result = cli("score", "flare-index", "-", input=json.dumps(case["input"]))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    for key, expected in case["expected"].items():
        assert out[key] == expected, key


def test_table_lists_match_the_reference() -> None:
    table = load_table("flare")
    assert {"source", "version", "section"} <= set(table["meta"])
    severe = {f for f, row in FEATURES.items() if row["severity"] == "severe"}
    assert severe == {
        "cns_sle",
        "vasculitis",
        "nephritis",
        "myositis",
        "severe_thrombocytopenia",
        "severe_hemolytic_anemia",
    }
    assert len(FEATURES) == 16
    assert {d for d, row in DRUGS.items() if row["severity"] == "mild_moderate"} == {
        "nsaid",
        "hydroxychloroquine",
    }
    assert set(PGA_RULES) == {"increase", "absolute"}


def test_reasons_are_explained() -> None:
    result = assess_flare(
        sledai_baseline=4,
        sledai_current=14,
        new_or_worse_features=["arthritis"],
        prednisone_baseline_mg_per_day=5,
        prednisone_current_mg_per_day=40,
        weight_kg=70,
    )
    codes = [(r.code, r.severity) for r in result.reasons]
    assert codes == [
        ("sledai_increase_to_above_12", "severe"),
        ("feature.arthritis", "mild_moderate"),
        ("prednisone_increase_to_above_0_5_mg_per_kg", "severe"),
    ]
    assert result.flare == "severe"
    assert result.to_json()["not_assessed"] == ["pga"]


def test_python_api_validates() -> None:
    with pytest.raises(InstrumentInputError, match="sledai.current"):
        assess_flare(sledai_baseline=0, sledai_current=106)
    with pytest.raises(InstrumentInputError, match="weight_kg"):
        assess_flare(
            sledai_baseline=0,
            sledai_current=0,
            prednisone_baseline_mg_per_day=5,
            prednisone_current_mg_per_day=10,
        )
    with pytest.raises(InstrumentInputError, match="new_or_worse_features"):
        assess_flare(sledai_baseline=0, sledai_current=0, new_or_worse_features=["lupus"])


def _rank(category: str) -> int:
    return FLARE_CATEGORIES.index(category)


visits = st.fixed_dictionaries(
    {
        "sledai_baseline": st.integers(0, 30),
        "sledai_current": st.integers(0, 30),
        "pga_baseline": st.integers(0, 30).map(lambda x: x / 10),
        "pga_current": st.integers(0, 30).map(lambda x: x / 10),
        "prednisone_baseline_mg_per_day": st.sampled_from([0.0, 5.0, 10.0, 20.0]),
        "prednisone_current_mg_per_day": st.sampled_from([0.0, 5.0, 10.0, 20.0, 40.0]),
        "weight_kg": st.sampled_from([45.0, 70.0, 100.0]),
        "new_or_worse_features": st.sets(st.sampled_from(list(FEATURES))).map(sorted),
        "new_drugs": st.sets(st.sampled_from(list(DRUGS))).map(sorted),
        "hospitalised_for_sle": st.booleans(),
        "pga_rule": st.sampled_from(PGA_RULES),
    }
)


@given(visits, st.sampled_from(list(FEATURES)), st.sampled_from(list(DRUGS)))
def test_more_findings_never_lower_the_category(
    visit: dict[str, Any], feature: str, drug: str
) -> None:
    base = _rank(assess_flare(**visit).flare)
    more = {
        **visit,
        "new_or_worse_features": sorted({*visit["new_or_worse_features"], feature}),
        "new_drugs": sorted({*visit["new_drugs"], drug}),
        "hospitalised_for_sle": True,
    }
    assert _rank(assess_flare(**more).flare) >= base


@given(visits, st.integers(0, 20), st.integers(0, 30), st.integers(0, 10))
def test_higher_current_values_never_lower_the_category(
    visit: dict[str, Any], sledai_up: int, prednisone_up: int, pga_up: int
) -> None:
    base = _rank(assess_flare(**visit).flare)
    worse = {
        **visit,
        "sledai_current": min(105, visit["sledai_current"] + sledai_up),
        "prednisone_current_mg_per_day": visit["prednisone_current_mg_per_day"] + prednisone_up,
        "pga_current": min(3.0, visit["pga_current"] + pga_up / 10),
    }
    assert _rank(assess_flare(**worse).flare) >= base


@given(visits)
def test_the_category_is_the_most_severe_reason(visit: dict[str, Any]) -> None:
    result = assess_flare(**visit)
    ranks = [_rank(r.severity) for r in result.reasons]
    assert _rank(result.flare) == max(ranks, default=0)


BASE = {"sledai": {"baseline": 2, "current": 4}}
BAD_INPUTS = [
    pytest.param(
        {**BASE, "new_or_worse_features": ["lupus_nephritis"]},
        ["new_or_worse_features[0]", "lupus_nephritis", "nephritis"],
        id="unknown-feature-id",
    ),
    pytest.param(
        {**BASE, "new_drugs": ["rituximab"]}, ["new_drugs[0]", "rituximab"], id="unknown-drug-id"
    ),
    pytest.param({"sledai": 4}, ["sledai", "4", "JSON object"], id="wrong-type"),
    pytest.param(
        {"sledai": {"baseline": 2, "current": "4"}}, ["sledai.current", '"4"'], id="wrong-type-2"
    ),
    pytest.param(
        {"sledai": {"baseline": 2, "current": 106}}, ["sledai.current", "106", "105"], id="range"
    ),
    pytest.param(
        {**BASE, "pga": {"baseline": 1, "current": 3.5}}, ["pga.current", "3.5"], id="pga"
    ),
    pytest.param({}, ["sledai", "missing"], id="missing-key"),
    pytest.param({"sledai": {"baseline": 2}}, ["sledai.current", "missing"], id="missing-current"),
    pytest.param(
        {**BASE, "pga": {"current": 1.5}}, ["pga.baseline", "missing", "increase"], id="pga-base"
    ),
    pytest.param(
        {**BASE, "prednisone_mg_per_day": {"baseline": 5, "current": 20}},
        ["weight_kg", "missing"],
        id="weight-needed",
    ),
    pytest.param(
        {**BASE, "prednisone_mg_per_day": {"baseline": -5, "current": 20}, "weight_kg": 60},
        ["prednisone_mg_per_day.baseline", "-5", "mg/day"],
        id="negative-prednisone",
    ),
    pytest.param({**BASE, "weight_kg": 0}, ["weight_kg", "0", "kg"], id="zero-weight"),
    pytest.param({**BASE, "flare": "severe"}, ["flare", "no such key"], id="unknown-key"),
    pytest.param(
        {"sledai": {"baseline": 2, "current": 4, "delta": 2}},
        ["sledai.delta", "no such key"],
        id="unknown-nested-key",
    ),
    pytest.param({**BASE, "pga_rule": "relative"}, ["pga_rule", "relative"], id="pga-rule"),
    pytest.param(
        {**BASE, "hospitalised_for_sle": 1}, ["hospitalised_for_sle", "1"], id="bool-as-int"
    ),
]


@pytest.mark.parametrize(("data", "fragments"), BAD_INPUTS)
def test_bad_input_is_a_usage_error(cli: CliRunnerFn, data: Any, fragments: list[str]) -> None:
    assert_usage_error(cli("score", "flare-index", "-", input=json.dumps(data)), *fragments)


def test_example_scores() -> None:
    inst = get_instrument("flare-index")
    assert inst.run(inst.example)["flare"] == "mild_moderate"
