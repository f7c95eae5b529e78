"""Every suitability rule, table-driven from tests/golden/therapy_rules.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lupus.therapy import assess_suitability, make_plan
from tests.therapy._factory import make_request

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "therapy_rules.json"
DOC = json.loads(GOLDEN.read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = DOC["cases"]


def test_golden_file_is_marked_derived_with_derivation() -> None:
    assert DOC["status"] == "derived"
    assert DOC["derivation"]
    for case in CASES:
        assert case["source"] and case["derivation"], case["id"]
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_rule(case: dict[str, Any]) -> None:
    request = make_request(case["therapy"], case["patient"], **case["top"])
    result = assess_suitability(request)
    by_code = {f.code: f for f in result.findings}
    for kind, code in case["expect"].items():
        assert code in by_code, (code, sorted(by_code))
        finding = by_code[code]
        assert finding.kind == kind
        assert finding.message and finding.source
        if "source_contains" in case:
            assert case["source_contains"] in finding.source
    for code in case["absent"]:
        assert code not in by_code, code
    assert result.eligible == (not result.blockers)
    plan = make_plan(request)
    assert plan.eligible == result.eligible


def test_a_suitable_adult_is_eligible_for_each_therapy() -> None:
    for therapy in ("belimumab", "anifrolumab", "cd19-car-t"):
        result = assess_suitability(make_request(therapy))
        assert result.blockers == (), (therapy, result.blockers)


def test_finding_codes_are_prefixed_by_therapy_or_screening() -> None:
    for therapy in ("belimumab", "anifrolumab", "cd19-car-t"):
        patient = {"hbv": "unknown", "active_infection": True, "pregnant": True}
        for finding in assess_suitability(make_request(therapy, patient)).findings:
            assert finding.code.split(".")[0] in (therapy, "screening")


def test_us_and_eu_cite_their_own_label() -> None:
    us = assess_suitability(make_request("belimumab", {"anaphylaxis_to": ["belimumab"]}))
    eu = assess_suitability(
        make_request("belimumab", {"anaphylaxis_to": ["belimumab"]}, jurisdiction="eu")
    )
    assert "US PI" in us.blockers[0].source and "6/2025" in us.blockers[0].source
    assert "EU SmPC" in eu.blockers[0].source and "§4.3" in eu.blockers[0].source


def test_live_vaccine_message_names_vaccine_and_days() -> None:
    patient = {"vaccinations": [{"vaccine": "MMR", "live": True, "date": "2025-12-20"}]}
    (blocker,) = assess_suitability(make_request("belimumab", patient)).blockers
    assert "MMR" in blocker.message and "16 days before" in blocker.message


def test_every_rule_in_the_tables_has_a_golden_case() -> None:
    from lupus.therapy._data import load_table

    covered = {code for case in CASES for code in case["expect"].values()}
    prefixes = {
        "belimumab": "belimumab",
        "anifrolumab": "anifrolumab",
        "cd19_car_t": "cd19-car-t",
        "screening": "screening",
    }
    for table, prefix in prefixes.items():
        for key in load_table(table)["findings"]:
            assert f"{prefix}.{key}" in covered, f"{prefix}.{key}"
