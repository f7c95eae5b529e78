"""SLICC/ACR Damage Index: golden vectors, data-table checks, properties, bad input via the CLI."""

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
from lupus.clinical.instruments.sdi import DOMAINS, SDI_ITEMS, score_sdi
from tests.conftest import CliRunnerFn, assert_usage_error

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "sdi.json").read_text("utf-8"))
CASES = GOLDEN["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any], cli: CliRunnerFn) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    result = cli("score", "sdi", "-", input=json.dumps(case["input"]))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    for key, expected in case["expected"].items():
        assert out[key] == expected, key


def test_table_items_domains_and_maximum() -> None:
    table = load_table("sdi")
    assert {"source", "version", "section"} <= set(table["meta"])
    assert len(SDI_ITEMS) == 41
    assert {item.domain for item in SDI_ITEMS.values()} == set(DOMAINS)
    assert {i.id for i in SDI_ITEMS.values() if i.status == "U"} == {
        "end_stage_renal_disease",
        "pancreatic_insufficiency",
        "ruptured_tendon",
    }
    repeatable = {i.id for i in SDI_ITEMS.values() if i.points_if_more_than_one}
    assert repeatable == {
        "cerebrovascular_accident",
        "myocardial_infarction",
        "significant_tissue_loss",
        "bowel_or_organ_infarction_or_resection",
        "avascular_necrosis",
        "malignancy",
    }
    everything = {i: (2 if i in repeatable else 1) for i in SDI_ITEMS}
    assert score_sdi(everything).score == table["meta"]["maximum"] == 47


def test_result_explains_each_item() -> None:
    out = score_sdi({"end_stage_renal_disease": 1, "gfr_below_50_percent": 1}).to_json()
    notes = {row["id"]: row for row in out["items"]}
    assert notes["gfr_below_50_percent"]["points"] == 0
    assert "replaced by end_stage_renal_disease" in notes["gfr_below_50_percent"]["note"]
    assert notes["end_stage_renal_disease"]["points"] == 3
    assert "unverified" in notes["end_stage_renal_disease"]["note"]
    assert out["domains"]["renal"] == 3 and list(out["domains"]) == list(DOMAINS)


def test_python_api_validates() -> None:
    with pytest.raises(InstrumentInputError, match="cataract"):
        score_sdi({"cataract": 2})
    with pytest.raises(InstrumentInputError, match="catarct"):
        score_sdi({"catarct": 1})
    with pytest.raises(InstrumentInputError, match="count"):
        score_sdi({"malignancy": 0})


item_counts = st.dictionaries(st.sampled_from(list(SDI_ITEMS)), st.integers(1, 3)).map(
    lambda d: {k: (v if SDI_ITEMS[k].points_if_more_than_one else 1) for k, v in d.items()}
)


@given(item_counts, st.sampled_from(list(SDI_ITEMS)))
def test_adding_damage_never_lowers_the_score(items: dict[str, int], extra: str) -> None:
    before = score_sdi(items)
    after = score_sdi({**items, extra: items.get(extra, 1)})
    assert after.score >= before.score
    assert 0 <= after.score <= 47
    assert after.score == sum(after.domains.values())
    assert after.domains["renal"] <= 3


BAD_INPUTS = [
    pytest.param({"items": [{"id": "catarct"}]}, ["items[0].id", "catarct"], id="unknown-id"),
    pytest.param({"items": "cataract"}, ["items", '"cataract"'], id="wrong-type"),
    pytest.param({"items": ["cataract"]}, ["items[0]", '"cataract"', "JSON object"], id="bare"),
    pytest.param(
        {"items": [{"id": "cataract", "count": 2}]}, ["items[0].count", "2"], id="count-too-high"
    ),
    pytest.param(
        {"items": [{"id": "malignancy", "count": 0}]}, ["items[0].count", "0"], id="count-zero"
    ),
    pytest.param(
        {"items": [{"id": "malignancy", "count": "2"}]}, ["items[0].count", '"2"'], id="count-str"
    ),
    pytest.param({}, ["items", "missing"], id="missing-key"),
    pytest.param({"items": [{"count": 1}]}, ["items[0].id", "missing"], id="missing-id"),
    pytest.param({"items": [], "total": 1}, ["total", "no such key"], id="unknown-key"),
    pytest.param(
        {"items": [{"id": "cataract", "eye": "left"}]},
        ["items[0].eye", "no such key"],
        id="item-key",
    ),
    pytest.param(
        {"items": [{"id": "cataract"}, {"id": "cataract"}]},
        ["items[1].id", "cataract", "at most once"],
        id="duplicate",
    ),
]


@pytest.mark.parametrize(("data", "fragments"), BAD_INPUTS)
def test_bad_input_is_a_usage_error(cli: CliRunnerFn, data: Any, fragments: list[str]) -> None:
    assert_usage_error(cli("score", "sdi", "-", input=json.dumps(data)), *fragments)


def test_example_scores() -> None:
    inst = get_instrument("sdi")
    assert inst.run(inst.example)["score"] == 4
