"""Reading plan requests: valid input, every bad-input path, and the JSON round trip."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lupus.therapy import (
    Patient,
    PlanInputError,
    PlanRequest,
    UnsupportedRouteError,
    Vaccination,
    age_in_years,
    read_patient,
    read_plan_request,
)
from tests.therapy._factory import BASE_PATIENT, make_request, request_json


def test_reads_a_full_request() -> None:
    r = make_request("belimumab", {"last_iv_dose_date": "2025-12-20", "latent_tb": False})
    assert r.therapy == "belimumab" and r.route == "iv" and r.jurisdiction == "us"
    assert r.patient.last_iv_dose_date == dt.date(2025, 12, 20)
    assert r.patient.latent_tb is False and r.patient.hbv_core_antibody is None
    assert r.end_date == dt.date(2026, 1, 5) + dt.timedelta(days=364)
    assert r.age_years == 35


def test_route_defaults_to_iv_for_anifrolumab_and_car_t() -> None:
    assert make_request("anifrolumab").route == "iv"
    assert make_request("cd19-car-t").route == "iv"


@pytest.mark.parametrize("therapy", ["belimumab", "anifrolumab", "cd19-car-t"])
def test_round_trip(therapy: str) -> None:
    request = make_request(
        therapy,
        {
            "vaccinations": [{"vaccine": "influenza", "live": False, "date": "2025-10-01"}],
            "creatinine_clearance_ml_min": 90,
            "hbv_core_antibody": True,
        },
        jurisdiction="eu",
    )
    assert read_plan_request(request.to_json()) == request
    assert PlanRequest.from_json(request.to_json()) == request


BAD_PATIENT: list[tuple[str, Any, str]] = [
    ("birth_date", "15/05/1990", "patient.birth_date"),
    ("birth_date", "2027-01-01", "patient.birth_date"),
    ("sex", "f", "patient.sex"),
    ("weight_kg", 0, "patient.weight_kg"),
    ("weight_kg", True, "patient.weight_kg"),
    ("weight_kg", "70", "patient.weight_kg"),
    ("height_cm", 10, "patient.height_cm"),
    ("autoantibody_positive", "yes", "patient.autoantibody_positive"),
    ("sledai_2k", 106, "patient.sledai_2k"),
    ("sledai_2k", 4.5, "patient.sledai_2k"),
    ("active_severe_cns_lupus", 1, "patient.active_severe_cns_lupus"),
    ("active_severe_lupus_nephritis", None, "patient.active_severe_lupus_nephritis"),
    ("prior_therapies", ["aspirin"], "patient.prior_therapies[0]"),
    ("current_therapies", "prednisone", "patient.current_therapies"),
    ("current_therapies", ["prednisone", "prednisone"], "patient.current_therapies[1]"),
    ("anaphylaxis_to", ["Belimumab"], "patient.anaphylaxis_to[0]"),
    ("active_infection", None, "patient.active_infection"),
    ("hbv", "reactive", "patient.hbv"),
    ("hcv", None, "patient.hcv"),
    ("hiv", True, "patient.hiv"),
    ("tb", "latent", "patient.tb"),
    ("vaccinations", {}, "patient.vaccinations"),
    ("vaccinations", [{"vaccine": "MMR", "live": True}], "patient.vaccinations[0].date"),
    (
        "vaccinations",
        [{"vaccine": "", "live": True, "date": "2025-01-01"}],
        "patient.vaccinations[0].vaccine",
    ),
    (
        "vaccinations",
        [{"vaccine": "MMR", "live": "yes", "date": "2025-01-01"}],
        "patient.vaccinations[0].live",
    ),
    (
        "vaccinations",
        [{"vaccine": "MMR", "live": True, "date": "2025-01-01", "lot": "x"}],
        "patient.vaccinations[0].lot",
    ),
    ("pregnant", "no", "patient.pregnant"),
    ("cd3_per_ul", -1, "patient.cd3_per_ul"),
    ("hbv_core_antibody", "yes", "patient.hbv_core_antibody"),
    ("latent_tb", 0, "patient.latent_tb"),
    ("last_iv_dose_date", "2025-13-01", "patient.last_iv_dose_date"),
    ("last_iv_dose_date", "1980-01-01", "patient.last_iv_dose_date"),
    ("creatinine_clearance_ml_min", -5, "patient.creatinine_clearance_ml_min"),
    ("manufacturing_days", 0, "patient.manufacturing_days"),
    ("manufacturing_days", 12.5, "patient.manufacturing_days"),
    ("nickname", "Jo", "patient.nickname"),
]


@pytest.mark.parametrize(
    ("key", "value", "field"), BAD_PATIENT, ids=[f"{k}={v!r}" for k, v, _ in BAD_PATIENT]
)
def test_bad_patient_field_is_named(key: str, value: Any, field: str) -> None:
    data = request_json("belimumab")
    data["patient"][key] = value
    with pytest.raises(
        PlanInputError, match="field '" + field.replace("[", r"\[").replace("]", r"\]")
    ):
        read_plan_request(data)


@pytest.mark.parametrize("key", sorted(BASE_PATIENT))
def test_missing_required_patient_field_is_named(key: str) -> None:
    data = request_json("belimumab")
    del data["patient"][key]
    with pytest.raises(PlanInputError, match=f"field 'patient.{key}': missing"):
        read_plan_request(data)


BAD_TOP: list[tuple[str, Any, str]] = [
    ("therapy", "rituximab", "therapy"),
    ("route", "oral", "route"),
    ("indication", "cle", "indication"),
    ("start_date", "2026-1-5", "start_date"),
    ("weeks", 0, "weeks"),
    ("weeks", 521, "weeks"),
    ("weeks", "52", "weeks"),
    ("jurisdiction", "uk", "jurisdiction"),
    ("patient", [], "patient"),
    ("extra", 1, "extra"),
]


@pytest.mark.parametrize(
    ("key", "value", "field"), BAD_TOP, ids=[f"{k}={v!r}" for k, v, _ in BAD_TOP]
)
def test_bad_top_level_field_is_named(key: str, value: Any, field: str) -> None:
    data = request_json("belimumab")
    data[key] = value
    with pytest.raises(PlanInputError, match=f"field '{field}'"):
        read_plan_request(data)


def test_belimumab_needs_a_route() -> None:
    with pytest.raises(PlanInputError, match="field 'route': missing"):
        read_plan_request(request_json("belimumab", route=None))


def test_anifrolumab_sc_is_refused() -> None:
    with pytest.raises(UnsupportedRouteError, match="subcutaneous form"):
        read_plan_request(request_json("anifrolumab", route="sc"))


def test_car_t_sc_is_refused() -> None:
    with pytest.raises(UnsupportedRouteError, match="route"):
        read_plan_request(request_json("cd19-car-t", route="sc"))


def test_car_t_needs_manufacturing_days_and_invents_none() -> None:
    with pytest.raises(PlanInputError, match="patient.manufacturing_days': missing.*no default"):
        read_plan_request(request_json("cd19-car-t", {"manufacturing_days": None}))


def test_not_an_object() -> None:
    with pytest.raises(PlanInputError, match="field 'input'"):
        read_plan_request([1, 2])


def test_read_patient_alone() -> None:
    patient = read_patient(dict(BASE_PATIENT))
    assert isinstance(patient, Patient) and patient.cd3_per_ul == 500.0


def test_direct_construction_is_validated() -> None:
    good = make_request().patient
    with pytest.raises(PlanInputError, match="patient.prior_therapies"):
        Patient(**{**_fields(good), "prior_therapies": ("aspirin",)})
    with pytest.raises(PlanInputError, match="patient.weight_kg"):
        Patient(**{**_fields(good), "weight_kg": -1.0})
    with pytest.raises(PlanInputError, match="vaccination.vaccine"):
        Vaccination(vaccine=" ", live=False, date=dt.date(2025, 1, 1))
    with pytest.raises(PlanInputError, match="weeks"):
        PlanRequest(good, "belimumab", "iv", "sle", dt.date(2026, 1, 1), 0)


def _fields(patient: Patient) -> dict[str, Any]:
    return {name: getattr(patient, name) for name in Patient.__dataclass_fields__}


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        ("2000-02-29", "2018-02-28", 17),
        ("2000-02-29", "2018-03-01", 18),
        ("2021-01-05", "2026-01-05", 5),
        ("2021-01-06", "2026-01-05", 4),
    ],
)
def test_age_is_counted_on_the_day(birth: str, on: str, age: int) -> None:
    assert age_in_years(dt.date.fromisoformat(birth), dt.date.fromisoformat(on)) == age
