"""Unit conversion at entry, the code catalogues, and strict record parsing."""

from __future__ import annotations

import doctest
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lupus.care
from lupus.care import (
    Administration,
    Appointment,
    Condition,
    Observation,
    Patient,
    Phi,
    QuestionnaireResponse,
    RecordError,
    Report,
    UnitError,
    UnknownCodeError,
    lab_test,
    lab_tests,
    to_canonical,
)
from lupus.care import labs as labs_module
from lupus.clinical import InstrumentInputError


@pytest.mark.parametrize(
    ("code", "value", "unit", "expected"),
    [
        ("2160-0", 88.4, "umol/L", 1.0),
        ("2465-3", 350, "mg/dL", 3.5),
        ("718-7", 95, "g/L", 9.5),
        ("777-3", 150_000, "/uL", 150.0),
        ("4485-9", 0.9, "g/L", 90.0),
        ("2890-2", 500, "mg/g", 0.5),
        ("8310-5", 98.6, "[degF]", 37.0),
        ("29463-7", 154.32, "[lb_av]", 70.0),
        ("8116-6", 0.05, "10*9/L", 50.0),
    ],
)
def test_conversion_to_canonical_unit(code: str, value: float, unit: str, expected: float) -> None:
    assert to_canonical(code, value, unit).value == pytest.approx(expected, rel=1e-3)
    assert to_canonical(code, value, unit).unit == lab_test(code).unit


@pytest.mark.parametrize(
    ("code", "unit"), [("2890-2", "mg/mmol"), ("718-7", "mmol/L"), ("2465-3", "10*9/L")]
)
def test_incompatible_unit_is_rejected_naming_allowed_units(code: str, unit: str) -> None:
    with pytest.raises(UnitError) as info:
        to_canonical(code, 1.0, unit)
    message = str(info.value)
    assert unit in message and lab_test(code).unit in message and "field 'unit'" in message


def test_unknown_loinc_code_is_rejected() -> None:
    with pytest.raises(UnknownCodeError, match="4420-8"):
        to_canonical("4420-8", 1.0, "mg/dL")  # the wrong C3 code seen in public repositories


def test_catalogue_rows_are_complete() -> None:
    for code, test in lab_tests().items():
        assert code == test.code
        assert test.unit in test.accepted_units(), code
        assert test.status in ("V", "C", "U"), code
        assert test.source


def test_catalogue_avoids_known_wrong_codes() -> None:
    for wrong in ("4420-8", "4407-5", "11572-5", "8124-0", "33914-3", "62238-1"):
        assert wrong not in lab_tests()


@given(st.sampled_from(sorted(lab_tests())), st.floats(min_value=0.001, max_value=1e6))
def test_canonical_entry_is_identity(code: str, value: float) -> None:
    canonical = to_canonical(code, value, lab_test(code).unit)
    again = to_canonical(code, canonical.value, canonical.unit)
    assert again.value == pytest.approx(canonical.value)


def test_observation_keeps_the_entered_value() -> None:
    o = Observation.from_json(
        {"code": "2160-0", "value": 88.4, "unit": "umol/L", "effective": "2026-01-01"},
        id="o1",
        patient_id="p",
    )
    assert (o.unit, o.entered_value, o.entered_unit) == ("mg/dL", 88.4, "umol/L")
    assert Observation.from_stored(o.to_json(), id="o1", patient_id="p") == o


PATIENT = {"family": "Doe", "given": "Jane", "birth_date": "1990-05-01", "sex": "female"}


@pytest.mark.parametrize(
    ("cls", "data", "fragment"),
    [
        (Patient, {**PATIENT, "sex": "f"}, "field 'sex'"),
        (Patient, {**PATIENT, "extra": 1}, "field 'extra'"),
        (Patient, {**PATIENT, "birth_date": "01/05/1990"}, "field 'birth_date'"),
        (Patient, {**PATIENT, "birth_date": "2999-01-01"}, "field 'birth_date'"),
        (Condition, {"system": "http://snomed.info/sct", "code": "1"}, "code"),
        (
            Observation,
            {"code": "718-7", "value": True, "unit": "g/dL", "effective": "2026-01-01"},
            "field 'value'",
        ),
        (Observation, {"code": "718-7", "value": 9, "unit": "g/dL"}, "field 'effective': missing"),
        (
            Report,
            {"kind": "renal-biopsy", "date": "2026-01-01", "findings": {"isn_rps_class": "VII"}},
            "findings.isn_rps_class",
        ),
        (
            Report,
            {"kind": "echocardiography", "date": "2026-01-01", "findings": {"isn_rps_class": "IV"}},
            "findings.isn_rps_class",
        ),
        (
            Administration,
            {
                "plan_id": "x",
                "drug": "belimumab",
                "scheduled_on": "2026-01-01",
                "status": "given",
                "interval_days": 28,
            },
            "field 'given_on'",
        ),
        (
            Administration,
            {
                "plan_id": "x",
                "drug": "aspirin",
                "scheduled_on": "2026-01-01",
                "status": "scheduled",
                "interval_days": 28,
            },
            "field 'drug'",
        ),
        (
            QuestionnaireResponse,
            {"questionnaire": "phq-9", "date": "2026-01-01", "answers": [0] * 8},
            "field 'answers'",
        ),
        (
            QuestionnaireResponse,
            {"questionnaire": "phq-9", "date": "2026-01-01", "answers": [0] * 8 + [4]},
            "answers[8]",
        ),
        (
            Appointment,
            {
                "kind": "visit",
                "start": "2026-01-01T10:00:00+00:00",
                "end": "2026-01-01T09:00:00+00:00",
                "place": "room 1",
            },
            "field 'end'",
        ),
        (
            Appointment,
            {
                "kind": "visit",
                "start": "2026-01-01T10:00:00",
                "end": "2026-01-01T11:00:00+00:00",
                "place": "room 1",
            },
            "field 'start'",
        ),
    ],
)
def test_bad_record_input_names_the_field(cls: Any, data: dict[str, Any], fragment: str) -> None:
    with pytest.raises((RecordError, InstrumentInputError)) as info:
        if cls is Patient:
            cls.from_json(data, id="p")
        else:
            cls.from_json(data, id="x", patient_id="p")
    assert fragment in str(info.value)


def test_phi_is_masked_in_repr() -> None:
    p = Patient.from_json(PATIENT, id="p")
    assert "Jane" not in repr(p) and "Doe" not in repr(p)
    assert p.given == Phi("Jane")


def test_report_findings_are_read_only() -> None:
    r = Report.from_json(
        {"kind": "renal-biopsy", "date": "2026-01-01", "findings": {"isn_rps_class": "IV"}},
        id="r",
        patient_id="p",
    )
    with pytest.raises(TypeError):
        r.findings["isn_rps_class"] = "II"  # type: ignore[index]
    assert Report.from_json(r.to_json(), id="r", patient_id="p") == r


def test_doctests() -> None:
    assert doctest.testmod(labs_module).failed == 0
    assert lupus.care.__all__ == sorted(lupus.care.__all__)
