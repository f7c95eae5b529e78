"""2019 EULAR/ACR classification: golden vectors, domain-maximum property, bad input via CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus.clinical import get_instrument
from lupus.clinical.instruments.eular_acr2019 import (
    CRITERIA,
    EularAcrInput,
    score_eular_acr_2019,
)
from tests.conftest import CliRunnerFn, assert_usage_error

CASES = json.loads(
    (Path(__file__).parents[1] / "golden" / "eular_acr2019.json").read_text("utf-8")
)["cases"]
IDS = sorted(CRITERIA)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any]) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    out = get_instrument("eular-acr-2019").run(case["input"])
    for key, value in case["expected"].items():
        assert out[key] == value, (key, out)
    assert "not a diagnosis" in out["note"]


def test_table_matches_aringer_2019_weights() -> None:
    """Aringer 2019 Table 1 (reference section 3.1): 21 criteria in 10 domains."""
    weights = {c.id: c.weight for c in CRITERIA.values()}
    assert weights == {
        "fever": 2,
        "leukopenia": 3,
        "thrombocytopenia": 4,
        "autoimmune_hemolysis": 4,
        "delirium": 2,
        "psychosis": 3,
        "seizure": 5,
        "non_scarring_alopecia": 2,
        "oral_ulcers": 2,
        "subacute_cutaneous_or_discoid_lupus": 4,
        "acute_cutaneous_lupus": 6,
        "pleural_or_pericardial_effusion": 5,
        "acute_pericarditis": 6,
        "joint_involvement": 6,
        "proteinuria": 4,
        "lupus_nephritis_class_ii_or_v": 8,
        "lupus_nephritis_class_iii_or_iv": 10,
        "antiphospholipid_antibodies": 2,
        "low_c3_or_low_c4": 3,
        "low_c3_and_low_c4": 4,
        "anti_dsdna_or_anti_smith": 6,
    }
    assert len({c.domain for c in CRITERIA.values()}) == 10


def test_cli_explains_domains(cli: CliRunnerFn) -> None:
    data = {"ana_titer": 160, "criteria": ["proteinuria", "lupus_nephritis_class_ii_or_v", "fever"]}
    result = cli("score", "eular-acr-2019", "-", input=json.dumps(data))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    assert out["score"] == 10 and out["classified"] is True
    assert out["domains"] == [
        {"domain": "constitutional", "kind": "clinical", "counted": "fever", "weight": 2,
         "not_counted": []},
        {"domain": "renal", "kind": "clinical", "counted": "lupus_nephritis_class_ii_or_v",
         "weight": 8, "not_counted": ["proteinuria"]},
    ]  # fmt: skip
    assert "classification" in out["note"].lower()


criteria_sets = st.lists(st.sampled_from(IDS), unique=True, max_size=len(IDS))
titers = st.sampled_from([0, 20, 40, 80, 160, 320, 640, 1280])


@given(titers, criteria_sets, st.booleans())
def test_only_highest_criterion_per_domain_counts(
    titer: int, criteria: list[str], equivalent: bool
) -> None:
    result = score_eular_acr_2019(EularAcrInput(titer, tuple(criteria), equivalent))
    per_domain: dict[str, int] = {}
    for c in criteria:
        d = CRITERIA[c].domain
        per_domain[d] = max(per_domain.get(d, 0), CRITERIA[c].weight)
    assert result.score == sum(per_domain.values())
    assert {d.domain for d in result.domains} == set(per_domain)
    for domain in result.domains:
        assert domain.weight == per_domain[domain.domain]


@given(titers, criteria_sets, st.booleans())
def test_never_classified_without_entry_or_clinical_criterion(
    titer: int, criteria: list[str], equivalent: bool
) -> None:
    result = score_eular_acr_2019(EularAcrInput(titer, tuple(criteria), equivalent))
    if result.classified:
        assert titer >= 80 or equivalent
        assert any(CRITERIA[c].kind == "clinical" for c in criteria)
        assert result.score >= 10
    if titer < 80 and not equivalent:
        assert not result.entry_criterion_met and not result.classified


@given(titers, criteria_sets, st.sampled_from(IDS))
def test_adding_a_criterion_never_lowers_the_score(
    titer: int, criteria: list[str], extra: str
) -> None:
    before = score_eular_acr_2019(EularAcrInput(titer, tuple(criteria)))
    after = score_eular_acr_2019(EularAcrInput(titer, tuple(dict.fromkeys([*criteria, extra]))))
    assert after.score >= before.score and after.classified >= before.classified


VALID: dict[str, Any] = {"ana_titer": 160, "criteria": ["fever"]}


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ({**VALID, "criteria": ["butterfly_rash"]}, ["criteria[0]", "butterfly_rash", "fever"]),
        ({**VALID, "criteria": ["fever", "fever"]}, ["criteria[1]", "fever", "at most once"]),
        ({**VALID, "criteria": "fever"}, ["criteria", '"fever"', "a list of"]),
        ({**VALID, "ana_titer": "1:160"}, ["ana_titer", '"1:160"', "integer"]),
        ({**VALID, "ana_titer": -80}, ["ana_titer", "-80"]),
        ({**VALID, "ana_titer": 80.5}, ["ana_titer", "80.5", "integer"]),
        ({**VALID, "ana_equivalent_positive": "yes"}, ["ana_equivalent_positive", '"yes"']),
        ({"criteria": ["fever"]}, ["ana_titer", "missing"]),
        ({"ana_titer": 160}, ["criteria", "missing"]),
        ({**VALID, "ana_pattern": "speckled"}, ["ana_pattern", "speckled", "no such key"]),
    ],
    ids=[
        "unknown-criterion",
        "duplicate-criterion",
        "criteria-not-list",
        "titer-as-text",
        "negative-titer",
        "fractional-titer",
        "string-bool",
        "missing-titer",
        "missing-criteria",
        "unknown-key",
    ],
)
def test_bad_input_via_cli(cli: CliRunnerFn, data: dict[str, Any], fragments: list[str]) -> None:
    assert_usage_error(cli("score", "eular-acr-2019", "-", input=json.dumps(data)), *fragments)
