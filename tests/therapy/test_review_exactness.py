"""Exactness review of the therapy tables against the project reference, and constructors that
must refuse what the JSON reader refuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from lupus.therapy import Patient, PlanRequest, Vaccination, assess_suitability, get_drug
from lupus.therapy._data import load_table
from lupus.therapy.errors import PlanInputError
from tests.therapy._factory import make_request

GOOD = make_request().patient


def _patient(**changes: Any) -> Patient:
    fields = {name: getattr(GOOD, name) for name in Patient.__dataclass_fields__}
    return Patient(**{**fields, **changes})


# ------------------------------------------------------------------ status tags = reference tags
@pytest.mark.parametrize(
    ("drug", "atc", "status"),
    [
        ("belimumab", "L04AG04", "V"),
        ("anifrolumab", "L04AG11", "V"),
        ("hydroxychloroquine", "P01BA02", "V"),
        ("prednisone", "H02AB07", "C"),  # instruments.md §7.4: "ATC C"
        ("prednisolone", "H02AB06", "C"),
        ("mycophenolate", "L04AA06", "C"),  # §7.4: "C / U"
    ],
)
def test_atc_status_matches_the_reference(drug: str, atc: str, status: str) -> None:
    assert (get_drug(drug).atc, get_drug(drug).atc_status) == (atc, status)


def _source(therapy: str, code: str, patient: dict[str, Any], jurisdiction: str) -> str:
    found = assess_suitability(make_request(therapy, patient, jurisdiction=jurisdiction))
    (finding,) = [f for f in found.findings if f.code == code]
    return finding.source


def test_rzv_before_anifrolumab_is_tagged_unverified() -> None:
    """§6 vaccination row: ACR's RZV recommendation is V, the anifrolumab-specific rule is U."""
    for jurisdiction in ("us", "eu"):
        source = _source("anifrolumab", "anifrolumab.recombinant_zoster_vaccine", {}, jurisdiction)
        assert source.endswith("[U]"), source


def test_belimumab_autoantibody_rule_carries_each_label_s_tag() -> None:
    """§5.1: the verified US indication row has no 'autoantibody-positive' (U there); EU is C."""
    negative = {"autoantibody_positive": False}
    code = "belimumab.not_indicated_autoantibody_negative"
    assert _source("belimumab", code, negative, "us").endswith("[U]")
    assert _source("belimumab", code, negative, "eu").endswith("[C]")


def test_live_vaccine_window_is_data() -> None:
    """Rules live in the tables: the 30-day belimumab live-vaccine window (US §5, EU §4.4)."""
    assert load_table("belimumab")["vaccines"]["live_vaccine_days_before"] == 30


# ------------------------------------------------------------------ constructors validate
Bad = Callable[[], Any]
TODAY = dt.date(2026, 1, 5)

BAD_CONSTRUCTIONS: list[tuple[str, Bad, str]] = [
    ("weight-bool", lambda: _patient(weight_kg=True), "patient.weight_kg"),
    ("weight-nan", lambda: _patient(weight_kg=float("nan")), "patient.weight_kg"),
    ("sledai-float", lambda: _patient(sledai_2k=5.5), "patient.sledai_2k"),
    ("sledai-bool", lambda: _patient(sledai_2k=True), "patient.sledai_2k"),
    (
        "flag-not-bool",
        lambda: _patient(autoantibody_positive="yes"),
        "patient.autoantibody_positive",
    ),
    ("pregnant-not-bool", lambda: _patient(pregnant=0), "patient.pregnant"),
    ("latent-tb-not-bool", lambda: _patient(latent_tb="no"), "patient.latent_tb"),
    (
        "duplicate-drug",
        lambda: _patient(current_therapies=("prednisone", "prednisone")),
        "patient.current_therapies[1]",
    ),
    ("birth-not-date", lambda: _patient(birth_date="1990-05-15"), "patient.birth_date"),
    ("vaccinations-not-tuple", lambda: _patient(vaccinations=({},)), "patient.vaccinations[0]"),
    ("cd3-nan", lambda: _patient(cd3_per_ul=float("nan")), "patient.cd3_per_ul"),
    (
        "manufacturing-float",
        lambda: _patient(manufacturing_days=14.5),
        "patient.manufacturing_days",
    ),
    ("vaccine-live-not-bool", lambda: Vaccination("MMR", "yes", TODAY), "vaccination.live"),  # type: ignore[arg-type]
    ("vaccine-date-not-date", lambda: Vaccination("MMR", True, "2026-01-01"), "vaccination.date"),  # type: ignore[arg-type]
    ("vaccine-name-too-long", lambda: Vaccination("x" * 201, False, TODAY), "vaccination.vaccine"),
    (
        "weeks-float",
        lambda: PlanRequest(GOOD, "belimumab", "iv", "sle", TODAY, 1.5),  # type: ignore[arg-type]
        "weeks",
    ),
    (
        "start-not-date",
        lambda: PlanRequest(GOOD, "belimumab", "iv", "sle", "2026-01-05", 4),  # type: ignore[arg-type]
        "start_date",
    ),
    (
        "patient-not-patient",
        lambda: PlanRequest({}, "belimumab", "iv", "sle", TODAY, 4),  # type: ignore[arg-type]
        "patient",
    ),
]


@pytest.mark.parametrize(
    ("build", "field"),
    [(b, f) for _, b, f in BAD_CONSTRUCTIONS],
    ids=[i for i, _, _ in BAD_CONSTRUCTIONS],
)
def test_constructor_refuses_what_the_reader_refuses(build: Bad, field: str) -> None:
    with pytest.raises(PlanInputError) as info:
        build()
    assert info.value.field == field


# ------------------------------------------------------------------ dose events (simulator API)
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weight_kg": -70.0}, "weight_kg"),
        ({"weight_kg": 0.0}, "weight_kg"),
        ({"weight_kg": True}, "weight_kg"),
        ({"weight_kg": float("inf")}, "weight_kg"),
        ({"weight_kg": 70.0, "until_day": 1.5}, "until_day"),
    ],
)
def test_dose_events_refuse_bad_body_size(kwargs: dict[str, Any], field: str) -> None:
    from lupus.therapy import dose_events, get_regimen

    with pytest.raises(PlanInputError) as info:
        dose_events(get_regimen("belimumab-iv"), **{"until_day": 364, **kwargs})
    assert info.value.field == field


def test_dose_event_validates_at_construction() -> None:
    from lupus.therapy import DoseEvent

    with pytest.raises(PlanInputError) as info:
        DoseEvent(0, "belimumab", -700.0, "mg", "iv", 60, "10 mg/kg x -70 kg")
    assert info.value.field == "dose_event.amount"
    with pytest.raises(PlanInputError):
        DoseEvent(0, "belimumab", 700.0, "g", "iv", 60, "")  # type: ignore[arg-type]


def test_no_label_rule_message_names_field_value_and_allowed(cli: Any) -> None:
    import json

    from tests.conftest import assert_usage_error
    from tests.therapy._factory import request_json

    data = json.dumps(request_json("belimumab"))
    result = cli("plan", "-", "--missed", "2026-01-20", input=data)
    assert_usage_error(result, "'missed'", "2026-01-20", "no rule", "allowed:")


def test_belimumab_with_b_cell_therapy_is_an_eu_caution_and_a_us_blocker() -> None:
    """§5.1: US 'not recommended with other biologics' (V); EU 'caution with B-cell-targeted
    therapy or cyclophosphamide' (V) -- the EU column has no 'not recommended'."""
    patient = {"current_therapies": ["prednisone", "rituximab"]}
    us = assess_suitability(make_request("belimumab", patient))
    eu = assess_suitability(make_request("belimumab", patient, jurisdiction="eu"))
    assert "belimumab.limitation_other_biologic" in {f.code for f in us.blockers}
    assert eu.blockers == ()
    (caution,) = [f for f in eu.cautions if f.code == "belimumab.caution_b_cell_therapy_eu"]
    assert "rituximab" in caution.message and caution.source.endswith("[V]")


def test_belimumab_with_a_non_b_cell_biologic_under_eu_is_an_unverified_caution() -> None:
    patient = {"current_therapies": ["prednisone", "anifrolumab"]}
    eu = assess_suitability(make_request("belimumab", patient, jurisdiction="eu"))
    assert eu.blockers == ()
    (caution,) = [f for f in eu.cautions if f.code == "belimumab.other_biologic_eu"]
    assert "anifrolumab" in caution.message and caution.source.endswith("[U]")


def test_b_cell_targeted_names_are_known_drugs() -> None:
    for name in load_table("belimumab")["interactions"]["b_cell_targeted"]:
        assert get_drug(name).drug_class in ("biologic", "cd19-directed"), name
