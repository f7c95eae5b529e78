"""SLEDAI-2K: golden vectors, data-table checks, properties and bad input via the CLI."""

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
from lupus.clinical.instruments.sledai2k import (
    ARTHRITIS_RULES,
    DESCRIPTORS,
    SEROLOGICAL_DESCRIPTORS,
    SLEDAI2K_DESCRIPTORS,
    VERSIONS,
    SledaiInput,
    parse,
    parse_labs,
    score,
    score_sledai2k,
)
from tests.conftest import CliRunnerFn, assert_usage_error

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "sledai2k.json").read_text("utf-8"))
CASES = GOLDEN["cases"]
IDS = list(SLEDAI2K_DESCRIPTORS)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any], cli: CliRunnerFn) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    result = cli("score", "sledai-2k", "-", input=json.dumps(case["input"]))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    for key, expected in case["expected"].items():
        assert out[key] == expected, key


def test_golden_file_names_the_instrument() -> None:
    assert GOLDEN["instrument"] == "sledai-2k"
    assert any(c["status"] == "published" for c in CASES)


# --- the data table -----------------------------------------------------------------------


def test_table_has_the_24_glossary_items_and_weights() -> None:
    assert len(DESCRIPTORS) == 24
    by_weight: dict[int, int] = {}
    for d in DESCRIPTORS.values():
        by_weight[d.weight] = by_weight.get(d.weight, 0) + 1
        assert d.source and d.definition
    assert by_weight == {8: 8, 4: 6, 2: 7, 1: 3}  # reference §1.1: 8x8 + 6x4 + 7x2 + 3x1
    assert sum(SLEDAI2K_DESCRIPTORS.values()) == load_table("sledai2k")["meta"]["maximum"] == 105
    assert SEROLOGICAL_DESCRIPTORS == {"low_complement", "increased_dna_binding"}


def test_weights_match_the_glossary() -> None:
    expected = {
        "seizure": 8, "psychosis": 8, "organic_brain_syndrome": 8, "visual_disturbance": 8,
        "cranial_nerve_disorder": 8, "lupus_headache": 8, "cerebrovascular_accident": 8,
        "vasculitis": 8, "arthritis": 4, "myositis": 4, "urinary_casts": 4, "hematuria": 4,
        "proteinuria": 4, "pyuria": 4, "rash": 2, "alopecia": 2, "mucosal_ulcers": 2,
        "pleurisy": 2, "pericarditis": 2, "low_complement": 2, "increased_dna_binding": 2,
        "fever": 1, "thrombocytopenia": 1, "leukopenia": 1,
    }  # fmt: skip
    assert dict(SLEDAI2K_DESCRIPTORS) == expected


def test_table_header_and_rows_name_their_sources() -> None:
    table = load_table("sledai2k")
    assert {"source", "version", "section"} <= set(table["meta"])
    for row in table["limit_lab"] + table["threshold_lab"]:
        assert row["descriptor"] in DESCRIPTORS and row["source"]
    for version in table["versions"].values():
        assert version["source"]
    for rule in table["arthritis"]["rules"].values():
        assert rule["source"]
    assert set(VERSIONS) == {"2k", "selena", "hybrid"}
    assert dict(ARTHRITIS_RULES) == {"at_least_2": 2, "more_than_2": 3}


# --- Python API ---------------------------------------------------------------------------


def test_python_api_matches_instrument() -> None:
    api = score_sledai2k(["rash", "seizure"])
    assert api.to_json() == get_instrument("sledai-2k").run({"descriptors": ["seizure", "rash"]})
    assert api.ids == {"rash", "seizure"}
    assert api.descriptors == (("seizure", 8), ("rash", 2))  # glossary order


def test_python_api_rejects_unknown_and_duplicate_ids() -> None:
    with pytest.raises(InstrumentInputError, match="descriptors\\[0\\].*'seisure'|\"seisure\""):
        score_sledai2k(["seisure"])
    with pytest.raises(InstrumentInputError, match="at most once"):
        score_sledai2k(["rash", "rash"])
    with pytest.raises(InstrumentInputError, match="version"):
        score_sledai2k([], version="2000")


def test_lab_findings_explain_uncounted_values() -> None:
    out = score_sledai2k(
        [], labs={"platelets_10e9_l": {"value": 50, "attributable_to_sle": False}}
    ).to_json()
    (finding,) = out["lab_findings"]
    assert finding["abnormal"] is True and finding["counted"] is False
    assert "not attributed to SLE" in finding["note"]


def test_selena_needs_previous_proteinuria_also_from_python() -> None:
    labs = parse_labs({"proteinuria_g_24h": {"value": 1.0, "attributable_to_sle": True}})
    with pytest.raises(InstrumentInputError, match="previous_g_24h"):
        SledaiInput((), "selena", labs)
    assert score(SledaiInput((), "2k", labs)).score == 4


# --- properties ---------------------------------------------------------------------------

descriptor_sets = st.sets(st.sampled_from(IDS))


@given(descriptor_sets, st.sampled_from(IDS))
def test_adding_a_descriptor_never_decreases_the_score(base: set[str], extra: str) -> None:
    before = score_sledai2k(base)
    after = score_sledai2k(base | {extra})
    assert after.score >= before.score
    assert after.score - before.score == (0 if extra in base else SLEDAI2K_DESCRIPTORS[extra])


@given(descriptor_sets, st.sampled_from(VERSIONS))
def test_clinical_score_leaves_out_only_serology(present: set[str], version: str) -> None:
    result = score_sledai2k(present, version=version)
    assert 0 <= result.clinical_score <= result.score <= 105
    serology = sum(SLEDAI2K_DESCRIPTORS[d] for d in present & SEROLOGICAL_DESCRIPTORS)
    assert result.score - result.clinical_score == serology


def _attributed(value: st.SearchStrategy[float]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"value": value, "attributable_to_sle": st.booleans()})


@st.composite
def labs_objects(draw: st.DrawFn) -> dict[str, Any]:
    labs: dict[str, Any] = {}
    amount = st.floats(0, 400, allow_nan=False)
    for value_key, limit_key in (
        ("c3_mg_dl", "c3_lower_limit_mg_dl"),
        ("c4_mg_dl", "c4_lower_limit_mg_dl"),
        ("ch50_u_ml", "ch50_lower_limit_u_ml"),
        ("anti_dsdna_iu_ml", "anti_dsdna_upper_limit_iu_ml"),
    ):
        if draw(st.booleans()):
            labs[value_key] = draw(amount)
            labs[limit_key] = draw(st.floats(1, 400, allow_nan=False))
    for key, values in (
        ("platelets_10e9_l", st.floats(0, 500, allow_nan=False)),
        ("wbc_10e9_l", st.floats(0, 20, allow_nan=False)),
        ("proteinuria_g_24h", st.floats(0, 10, allow_nan=False)),
        ("urine_rbc_per_hpf", st.integers(0, 50).map(float)),
        ("urine_wbc_per_hpf", st.integers(0, 50).map(float)),
    ):
        if draw(st.booleans()):
            labs[key] = draw(_attributed(values))
    return labs


@given(descriptor_sets, labs_objects())
def test_derived_descriptors_are_a_union(listed: set[str], labs: dict[str, Any]) -> None:
    from_labs_only = score_sledai2k([], labs=labs)
    combined = score_sledai2k(listed, labs=labs)
    assert combined.ids == listed | from_labs_only.ids
    assert combined.score == score_sledai2k(listed | from_labs_only.ids).score
    assert set(combined.derived_from_labs) == from_labs_only.ids
    assert combined.score >= score_sledai2k(listed).score


@given(labs_objects())
def test_labs_count_only_when_attributable(labs: dict[str, Any]) -> None:
    blamed_elsewhere = {
        k: ({**v, "attributable_to_sle": False} if isinstance(v, dict) else v)
        for k, v in labs.items()
    }
    derived = score_sledai2k([], labs=blamed_elsewhere).ids
    assert derived <= SEROLOGICAL_DESCRIPTORS


# --- bad input through the CLI ------------------------------------------------------------

BAD_INPUTS = [
    pytest.param({"descriptors": ["seisure"]}, ["descriptors[0]", "seisure"], id="unknown-id"),
    pytest.param({"descriptors": ["rash", "rash"]}, ["descriptors[1]", "at most once"], id="dup"),
    pytest.param({"descriptors": "seizure"}, ["descriptors", '"seizure"'], id="wrong-type"),
    pytest.param({"descriptors": [3]}, ["descriptors[0]", "3"], id="wrong-item-type"),
    pytest.param({}, ["descriptors", "missing"], id="missing-key"),
    pytest.param({"descriptors": [], "score": 3}, ["score", "no such key"], id="unknown-key"),
    pytest.param([], ["input", "JSON object"], id="not-an-object"),
    pytest.param(
        {"descriptors": [], "version": "2000"}, ["version", "2000", "selena"], id="version"
    ),
    pytest.param(
        {"descriptors": [], "arthritis_joint_count": -1},
        ["arthritis_joint_count", "-1"],
        id="joints-out-of-range",
    ),
    pytest.param(
        {"descriptors": [], "arthritis_joint_count": 2.5},
        ["arthritis_joint_count", "2.5"],
        id="joints-not-integer",
    ),
    pytest.param(
        {"descriptors": [], "arthritis_rule": "two"},
        ["arthritis_rule", "two", "at_least_2"],
        id="arthritis-rule",
    ),
    pytest.param({"descriptors": [], "labs": [1]}, ["labs", "[1]"], id="labs-wrong-type"),
    pytest.param(
        {"descriptors": [], "labs": {"c3_mg_dl": 70}},
        ["labs.c3_lower_limit_mg_dl", "missing"],
        id="labs-missing-limit",
    ),
    pytest.param(
        {"descriptors": [], "labs": {"c3_mg_dl": -1, "c3_lower_limit_mg_dl": 90}},
        ["labs.c3_mg_dl", "-1", "mg/dL"],
        id="labs-negative",
    ),
    pytest.param(
        {"descriptors": [], "labs": {"c3": 70}}, ["labs.c3", "no such key"], id="labs-unknown-key"
    ),
    pytest.param(
        {"descriptors": [], "labs": {"platelets_10e9_l": {"value": 80}}},
        ["labs.platelets_10e9_l.attributable_to_sle", "missing"],
        id="labs-missing-attribution",
    ),
    pytest.param(
        {
            "descriptors": [],
            "labs": {"platelets_10e9_l": {"value": True, "attributable_to_sle": True}},
        },
        ["labs.platelets_10e9_l.value", "true"],
        id="labs-bool-is-not-a-number",
    ),
    pytest.param(
        {"descriptors": [], "labs": {"platelets_10e9_l": 80}},
        ["labs.platelets_10e9_l", "80", "JSON object"],
        id="labs-bare-number",
    ),
    pytest.param(
        {
            "descriptors": [],
            "labs": {"wbc_10e9_l": {"value": 2, "attributable_to_sle": True, "previous_g_24h": 1}},
        },
        ["labs.wbc_10e9_l.previous_g_24h", "no such key"],
        id="labs-previous-only-for-proteinuria",
    ),
    pytest.param(
        {
            "descriptors": [],
            "version": "selena",
            "labs": {"proteinuria_g_24h": {"value": 1, "attributable_to_sle": True}},
        },
        ["labs.proteinuria_g_24h.previous_g_24h", "missing", "selena"],
        id="selena-needs-previous-proteinuria",
    ),
]


@pytest.mark.parametrize(("data", "fragments"), BAD_INPUTS)
def test_bad_input_is_a_usage_error(cli: CliRunnerFn, data: Any, fragments: list[str]) -> None:
    assert_usage_error(cli("score", "sledai-2k", "-", input=json.dumps(data)), *fragments)


def test_parse_accepts_the_documented_example() -> None:
    example = get_instrument("sledai-2k").example
    assert parse(dict(example)).labs.thresholded[0].key == "platelets_10e9_l"
