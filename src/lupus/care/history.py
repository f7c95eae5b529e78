"""A patient's whole record as one frozen value: what the alert rules and summaries read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lupus.care.records import (
    Administration,
    AdverseEvent,
    Appointment,
    Assessment,
    Condition,
    Immunization,
    MedicationStatement,
    Message,
    Observation,
    Patient,
    PlanVersion,
    QuestionnaireResponse,
    Report,
    SymptomReport,
)

__all__ = ["ActiveTherapy", "PatientHistory", "active_therapies", "current_plans"]


@dataclass(frozen=True, slots=True)
class PatientHistory:
    """Everything recorded for one patient; every tuple in recording order."""

    patient: Patient
    conditions: tuple[Condition, ...] = ()
    medications: tuple[MedicationStatement, ...] = ()
    observations: tuple[Observation, ...] = ()
    reports: tuple[Report, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    plans: tuple[PlanVersion, ...] = ()
    administrations: tuple[Administration, ...] = ()
    adverse_events: tuple[AdverseEvent, ...] = ()
    symptoms: tuple[SymptomReport, ...] = ()
    questionnaires: tuple[QuestionnaireResponse, ...] = ()
    messages: tuple[Message, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    immunizations: tuple[Immunization, ...] = ()

    def observations_of(self, *codes: str) -> tuple[Observation, ...]:
        """Observations with any of these LOINC codes, oldest first (stable by entry order)."""
        found = [o for o in self.observations if o.code in codes]
        return tuple(sorted(found, key=lambda o: o.effective))

    def assessments_of(self, instrument: str) -> tuple[Assessment, ...]:
        found = [a for a in self.assessments if a.instrument == instrument]
        return tuple(sorted(found, key=lambda a: a.date))


@dataclass(frozen=True, slots=True)
class ActiveTherapy:
    """A therapy in effect: its monitoring key, its start, and the plan behind it (if any)."""

    therapy: str
    start: dt.date
    plan: PlanVersion | None = None
    medication: MedicationStatement | None = None


def current_plans(history: PatientHistory) -> tuple[PlanVersion, ...]:
    """The latest version of every plan, whatever its status, in plan-start order."""
    latest: dict[str, PlanVersion] = {}
    for plan in history.plans:
        if plan.plan_id not in latest or plan.version > latest[plan.plan_id].version:
            latest[plan.plan_id] = plan
    return tuple(sorted(latest.values(), key=lambda p: (p.start, p.plan_id)))


def active_therapies(history: PatientHistory, today: dt.date) -> tuple[ActiveTherapy, ...]:
    """Therapies in effect on ``today``: plans not stopped, and open medication statements
    whose drug has a monitoring schedule (hydroxychloroquine)."""
    from lupus.care.monitoring import therapy_keys

    found: list[ActiveTherapy] = []
    for plan in current_plans(history):
        if plan.status != "stopped" and plan.start <= today:
            found.append(ActiveTherapy(plan.therapy, plan.start, plan=plan))
    planned = {t.therapy for t in found}
    for med in history.medications:
        if med.drug in therapy_keys() and med.drug not in planned and med.active_on(today):
            found.append(ActiveTherapy(med.drug, med.start, medication=med))
    return tuple(found)
