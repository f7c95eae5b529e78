"""The shipped rule tables parse, cite their sources and reference only known drugs."""

from __future__ import annotations

import re
import string

import pytest

from lupus.therapy import drug_names, drugs, get_drug, regimens
from lupus.therapy._data import TABLES, load_table
from lupus.therapy.drugs import DRUG_CLASSES
from lupus.therapy.errors import PlanInputError, TherapyDataError


@pytest.mark.parametrize("name", TABLES)
def test_table_parses(name: str) -> None:
    assert load_table(name)


def test_unknown_table_is_a_data_error() -> None:
    with pytest.raises(TherapyDataError, match="no therapy table"):
        load_table("nonexistent")


@pytest.mark.parametrize("name", ["belimumab", "anifrolumab"])
def test_label_tables_name_both_labels_and_revisions(name: str) -> None:
    labels = load_table(name)["labels"]
    assert set(labels) == {"us", "eu"}
    for label in labels.values():
        assert label["title"] and label["revision"]


@pytest.mark.parametrize("name", ["belimumab", "anifrolumab", "cd19_car_t"])
def test_every_rule_has_kind_message_section_and_status(name: str) -> None:
    table = load_table(name)
    for key, rule in table["findings"].items():
        assert rule["kind"] in ("blocker", "caution", "action"), key
        assert rule["message"].strip(), key
        assert rule["section"], key
        status = rule["status"]
        tags = status.values() if isinstance(status, dict) else [status]
        assert tags and all(t in ("V", "C", "U") for t in tags), key
        if isinstance(status, dict):
            assert set(status) <= set(rule["section"]), key
    for key, rule in table["stopping"].items():
        assert rule["message"] and rule["section"] and rule["status"], key


def test_screening_findings_have_sources() -> None:
    for key, rule in load_table("screening")["findings"].items():
        assert rule["kind"] in ("blocker", "caution", "action") and rule["source"], key
    for section in ("tests", "vaccines"):
        for key, entry in load_table("screening")[section].items():
            assert entry["item"] and entry["source"], key


def test_every_regimen_drug_and_administration_drug_is_known() -> None:
    known = set(drug_names())
    for regimen in regimens().values():
        assert regimen.drug in known
        for step in regimen.steps:
            assert step.drug in known
        assert regimen.sources, regimen.id
    for drug in load_table("cd19_car_t")["administration"]:
        if not drug.endswith("instructions"):
            assert drug in known


def test_drug_list_is_closed_lower_case_and_classified() -> None:
    for name, drug in drugs().items():
        assert name == name.lower() == drug.name
        assert drug.drug_class in DRUG_CLASSES
        assert drug.atc_status in ("V", "C", "U")
        assert drug.atc == "" or re.fullmatch(r"[A-Z]\d\d[A-Z][A-Z]\d\d", drug.atc)
    for required in (
        "hydroxychloroquine",
        "prednisone",
        "mycophenolate",
        "azathioprine",
        "methotrexate",
        "cyclophosphamide",
        "tacrolimus",
        "voclosporin",
        "rituximab",
        "belimumab",
        "anifrolumab",
    ):
        assert required in drugs()
    # instruments.md §7.4 (verified): current ATC codes after the 2024 restructuring.
    assert get_drug("belimumab").atc == "L04AG04"
    assert get_drug("anifrolumab").atc == "L04AG11"
    assert get_drug("hydroxychloroquine").atc == "P01BA02"
    assert get_drug("belimumab").drug_class == "biologic"  # BLyS inhibitor, not anti-CD20


def test_unknown_drug_names_the_allowed_list() -> None:
    with pytest.raises(PlanInputError, match="hydroxychloroquine"):
        get_drug("Hydroxychloroquine")


@pytest.mark.parametrize("name", ["belimumab", "anifrolumab", "cd19_car_t", "screening"])
def test_message_placeholders_are_plain_names(name: str) -> None:
    for key, rule in load_table(name)["findings"].items():
        for _, field, _, _ in string.Formatter().parse(rule["message"]):
            assert field is None or field.isidentifier(), (key, field)
