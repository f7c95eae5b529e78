"""Small builders of care records for table-driven tests (every record via from_json)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from lupus.care import (
    Administration,
    AdverseEvent,
    Appointment,
    Assessment,
    MedicationStatement,
    Observation,
    Patient,
    PatientHistory,
    PlanVersion,
    QuestionnaireResponse,
    Report,
    SymptomReport,
)
from lupus.care.records import freeze

PID = "p1"
_ids = itertools.count(1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _id(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


def patient() -> Patient:
    return Patient.from_json(
        {"family": "Doe", "given": "Jane", "birth_date": "1990-05-01", "sex": "female"}, id=PID
    )


def obs(code: str, value: float, unit: str, on: str) -> Observation:
    return Observation.from_json(
        {"code": code, "value": value, "unit": unit, "effective": on}, id=_id("o"), patient_id=PID
    )


def plan(therapy: str, start: str, *, status: str = "active", version: int = 1) -> PlanVersion:
    return PlanVersion(
        plan_id=f"plan-{therapy}",
        version=version,
        patient_id=PID,
        therapy=therapy,
        start=d(start),
        status=status,
        change="create" if version == 1 else "dose-change",
        reason="test",
        author="dr",
        recorded_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        document=freeze({}),
    )


def dose(
    scheduled: str,
    status: str,
    given: str | None = None,
    *,
    interval: int = 28,
    drug: str = "belimumab",
    reaction_grade: int | None = None,
) -> Administration:
    return Administration.from_json(
        {
            "plan_id": "plan-x",
            "drug": drug,
            "scheduled_on": scheduled,
            "status": status,
            "interval_days": interval,
            "given_on": given,
            "reaction_grade": reaction_grade,
        },
        id=_id("a"),
        patient_id=PID,
    )


def assess(instrument: str, on: str, result: dict[str, Any]) -> Assessment:
    return Assessment.from_json(
        {"instrument": instrument, "version": "test", "date": on, "inputs": {}, "result": result},
        id=_id("s"),
        patient_id=PID,
    )


def event(
    category: str, term: str, grade: int, on: str, resolved: str | None = None
) -> AdverseEvent:
    return AdverseEvent.from_json(
        {"category": category, "term": term, "grade": grade, "onset": on, "resolved": resolved},
        id=_id("e"),
        patient_id=PID,
    )


def symptom(name: str, on: str, *, severity: int = 5, reviewed: bool = True) -> SymptomReport:
    return SymptomReport.from_json(
        {"symptom": name, "severity": severity, "reported_on": on, "reviewed": reviewed},
        id=_id("y"),
        patient_id=PID,
    )


def phq9(on: str, answers: list[int]) -> QuestionnaireResponse:
    return QuestionnaireResponse.from_json(
        {"questionnaire": "phq-9", "date": on, "answers": answers}, id=_id("q"), patient_id=PID
    )


def appointment(kind: str, start: str, status: str) -> Appointment:
    return Appointment.from_json(
        {
            "kind": kind,
            "start": f"{start}T09:00:00+00:00",
            "end": f"{start}T10:00:00+00:00",
            "place": "room 2",
            "staff": ["Dr A"],
            "status": status,
        },
        id=_id("m"),
        patient_id=PID,
    )


def med(
    drug: str, start: str, dose_mg: float | None = None, end: str | None = None
) -> MedicationStatement:
    return MedicationStatement.from_json(
        {"drug": drug, "start": start, "end": end, "dose_mg_per_day": dose_mg},
        id=_id("d"),
        patient_id=PID,
    )


def report(kind: str, on: str, findings: dict[str, Any] | None = None) -> Report:
    return Report.from_json(
        {"kind": kind, "date": on, "findings": findings or {}}, id=_id("r"), patient_id=PID
    )


def history(*records: Any) -> PatientHistory:
    buckets: dict[str, list[Any]] = {}
    kinds = {
        Observation: "observations",
        PlanVersion: "plans",
        Administration: "administrations",
        Assessment: "assessments",
        AdverseEvent: "adverse_events",
        SymptomReport: "symptoms",
        QuestionnaireResponse: "questionnaires",
        Appointment: "appointments",
        MedicationStatement: "medications",
        Report: "reports",
    }
    for record in records:
        buckets.setdefault(kinds[type(record)], []).append(record)
    return PatientHistory(patient(), **{k: tuple(v) for k, v in buckets.items()})
