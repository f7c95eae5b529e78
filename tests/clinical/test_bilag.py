"""BILAG-2004 visit value: construction, parsing, flare helpers, numeric score."""

from __future__ import annotations

from typing import Any

import pytest

from lupus.clinical.bilag import (
    DOMAINS,
    GRADES,
    Visit,
    check_followup,
    new_a_domains,
    new_b_domains,
    numeric_score,
    parse_visit,
    parse_visit_pair,
)
from lupus.clinical.errors import InstrumentInputError


def test_nine_domains_and_five_grades() -> None:
    assert DOMAINS == (
        "constitutional",
        "mucocutaneous",
        "neuropsychiatric",
        "musculoskeletal",
        "cardiorespiratory",
        "gastrointestinal",
        "ophthalmic",
        "renal",
        "hematological",
    )
    assert GRADES == ("A", "B", "C", "D", "E")


def test_missing_domain_is_e_and_mapping_is_read_only() -> None:
    visit = parse_visit({"sledai": 4, "pga": 0.5, "bilag": {"renal": "C"}})
    assert visit.bilag["renal"] == "C"
    assert all(visit.bilag[d] == "E" for d in DOMAINS if d != "renal")
    with pytest.raises(TypeError):
        visit.bilag["renal"] = "A"  # type: ignore[index]
    assert visit.to_json()["bilag"]["ophthalmic"] == "E"


def test_numeric_score_uses_yee_2010_values() -> None:
    """Yee 2010: A=12, B=8, C=1, D=0, E=0 (derived: 12 + 8 + 1 + 0 = 21)."""
    visit = Visit(
        8, 1.0, {"renal": "A", "mucocutaneous": "B", "musculoskeletal": "C", "ophthalmic": "D"}
    )
    assert numeric_score(visit) == 21
    assert numeric_score(Visit(0, 0.0, {d: "A" for d in DOMAINS})) == 9 * 12


def test_new_a_and_new_b_follow_gordon_2003() -> None:
    base = Visit(
        10, 1.0, {"renal": "B", "mucocutaneous": "C", "musculoskeletal": "A", "ophthalmic": "D"}
    )
    later = Visit(
        10,
        1.0,
        {
            "renal": "A",  # B -> A: new A
            "mucocutaneous": "B",  # C -> B: new B
            "musculoskeletal": "B",  # A -> B: improvement, not a new B
            "ophthalmic": "B",  # D -> B: new B
            "constitutional": "A",  # E -> A: new A
        },
    )
    assert new_a_domains(base, later) == ("constitutional", "renal")
    assert new_b_domains(base, later) == ("mucocutaneous", "ophthalmic")
    assert new_a_domains(base, base) == () and new_b_domains(base, base) == ()


def test_followup_e_after_involvement_is_an_error_naming_the_domain() -> None:
    with pytest.raises(InstrumentInputError) as info:
        parse_visit_pair(
            {"sledai": 4, "pga": 1, "bilag": {"gastrointestinal": "D"}},
            {"sledai": 2, "pga": 1, "bilag": {"gastrointestinal": "E"}},
        )
    assert info.value.field == "followup.bilag.gastrointestinal"
    assert "graded D at baseline" in str(info.value)
    # The same check applies when the domain is simply left out at follow-up.
    with pytest.raises(InstrumentInputError, match="followup.bilag.renal"):
        check_followup(Visit(4, 1, {"renal": "B"}), Visit(4, 1, {}))


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"sledai": 4, "pga": 1, "bilag": {"renal": "F"}}, "visit.bilag.renal", '"F"'),
        ({"sledai": 4, "pga": 1, "bilag": {"kidney": "A"}}, "visit.bilag.kidney", "no such key"),
        ({"sledai": 4, "pga": 3.5, "bilag": {}}, "visit.pga", "0 to 3"),
        ({"sledai": 106, "pga": 1, "bilag": {}}, "visit.sledai", "0 to 105"),
        ({"sledai": 4.5, "pga": 1, "bilag": {}}, "visit.sledai", "integer"),
        ({"pga": 1, "bilag": {}}, "visit.sledai", "missing"),
        ({"sledai": 4, "pga": 1, "bilag": ["A"]}, "visit.bilag", "JSON object"),
    ],
    ids=[
        "bad-grade",
        "unknown-domain",
        "pga-out-of-range",
        "sledai-out-of-range",
        "fractional-sledai",
        "missing-sledai",
        "bilag-not-object",
    ],
)
def test_parse_visit_rejects_bad_input(data: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InstrumentInputError) as info:
        parse_visit(data)
    assert info.value.field == field
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sledai": -1, "pga": 1.0, "bilag": {}}, "sledai"),
        ({"sledai": True, "pga": 1.0, "bilag": {}}, "sledai"),
        ({"sledai": 2, "pga": -0.1, "bilag": {}}, "pga"),
        ({"sledai": 2, "pga": 1.0, "bilag": {"renal": "Z"}}, "bilag.renal"),
        ({"sledai": 2, "pga": 1.0, "bilag": {"liver": "A"}}, "bilag"),
    ],
    ids=["negative-sledai", "bool-sledai", "negative-pga", "bad-grade", "unknown-domain"],
)
def test_visit_constructor_validates(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InstrumentInputError) as info:
        Visit(**kwargs)
    assert info.value.field == field
