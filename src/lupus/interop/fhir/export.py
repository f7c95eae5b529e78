"""Care records -> FHIR R4 resources (validated with ``fhir.resources.R4B``), and
``Patient/{id}/$everything`` as a searchset Bundle.

Every resource keeps the store id, so an export names the same things as the API. Doses that
are only scheduled (not yet given or missed) are part of the plan (MedicationRequest), not
MedicationAdministration resources, and are not exported on their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from lupus.care import (
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
    PatientHistory,
    PlanVersion,
    QuestionnaireResponse,
    Report,
    SymptomReport,
    assessment_flag,
    assessment_score,
    current_plans,
    drugs,
    lab_test,
    thaw,
)
from lupus.interop.fhir.codes import (
    ADVERSE_EVENT_CATEGORY_SYSTEM,
    APPOINTMENT_KIND_SYSTEM,
    ATC_SYSTEM,
    CONDITION_KIND_SYSTEM,
    CVX_SYSTEM,
    DRUG_SYSTEM,
    EXT_ADMIN,
    EXT_FINDINGS,
    EXT_GRADE,
    EXT_INPUTS,
    EXT_PLAN,
    EXT_RESOLVED,
    INSTRUMENT_SYSTEM,
    LOINC_SYSTEM,
    OBSERVATION_CATEGORY_SYSTEM,
    PHQ9_QUESTIONNAIRE,
    REPORT_KIND_SYSTEM,
    SYMPTOM_SYSTEM,
    SYNTHETIC_TAG,
    UCUM_SYSTEM,
)

__all__ = [
    "everything",
    "resource_of",
    "resources_of",
    "searchset",
    "validated",
]

PLAN_STATUS = {"active": "active", "paused": "on-hold", "stopped": "stopped"}
ADMIN_STATUS = {"given": "completed", "delayed": "completed", "missed": "not-done"}
VITAL_SIGNS = {"29463-7", "8310-5"}
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"


def validated(resource: dict[str, Any]) -> dict[str, Any]:
    """Check a resource against the R4B model; return it as JSON without empty elements."""
    model = get_fhir_model_class(resource["resourceType"])
    out: dict[str, Any] = model.model_validate(resource).model_dump(mode="json", exclude_none=True)
    return out


def _subject(pid: str) -> dict[str, str]:
    return {"reference": f"Patient/{pid}"}


def _concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding: dict[str, str] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _medication(drug_key: str) -> dict[str, Any]:
    drug = drugs()[drug_key]
    codings = []
    if drug.atc:
        codings.append({"system": ATC_SYSTEM, "code": drug.atc, "display": drug.display})
    codings.append({"system": DRUG_SYSTEM, "code": drug.key, "display": drug.display})
    return {"coding": codings, "text": drug.display}


def _ext_json(url: str, value: Any) -> dict[str, Any]:
    return {"url": url, "valueString": json.dumps(value, sort_keys=True)}


def patient_resource(p: Patient) -> dict[str, Any]:
    r: dict[str, Any] = {
        "resourceType": "Patient",
        "id": p.id,
        "name": [{"family": p.family.value, "given": [p.given.value]}],
        "gender": p.sex,
        "birthDate": p.birth_date.isoformat(),
    }
    if p.synthetic:
        r["meta"] = {"tag": [SYNTHETIC_TAG]}
    if p.identifier is not None:
        r["identifier"] = [{"value": p.identifier.value}]
    return r


def condition_resource(c: Condition) -> dict[str, Any]:
    r: dict[str, Any] = {
        "resourceType": "Condition",
        "id": c.id,
        "subject": _subject(c.patient_id),
        "code": _concept(c.system, c.code, c.display),
        "category": [_concept(CONDITION_KIND_SYSTEM, c.kind)],
        "clinicalStatus": _concept(
            "http://terminology.hl7.org/CodeSystem/condition-clinical", c.clinical_status
        ),
    }
    if c.onset is not None:
        r["onsetDateTime"] = c.onset.isoformat()
    return r


def observation_resource(o: Observation) -> dict[str, Any]:
    test = lab_test(o.code)
    category = "vital-signs" if o.code in VITAL_SIGNS else "laboratory"
    return {
        "resourceType": "Observation",
        "id": o.id,
        "status": "final",
        "category": [_concept(OBSERVATION_CATEGORY_SYSTEM, category)],
        "code": _concept(LOINC_SYSTEM, o.code, test.display),
        "subject": _subject(o.patient_id),
        "effectiveDateTime": o.effective.isoformat(),
        "valueQuantity": {"value": o.value, "unit": o.unit, "system": UCUM_SYSTEM, "code": o.unit},
    }


def assessment_resource(a: Assessment) -> dict[str, Any]:
    r: dict[str, Any] = {
        "resourceType": "Observation",
        "id": a.id,
        "status": "final",
        "category": [_concept(OBSERVATION_CATEGORY_SYSTEM, "exam")],
        "code": _concept(INSTRUMENT_SYSTEM, a.instrument),
        "subject": _subject(a.patient_id),
        "effectiveDateTime": a.date.isoformat(),
        "method": {"text": a.version},
        "extension": [_ext_json(EXT_INPUTS, thaw(a.inputs))],
    }
    score, flag = assessment_score(a), assessment_flag(a)
    if score is not None:
        r["valueQuantity"] = {
            "value": score,
            "unit": "{score}",
            "system": UCUM_SYSTEM,
            "code": "{score}",
        }
    elif flag is not None:
        r["valueBoolean"] = flag
    else:
        r["valueString"] = json.dumps(thaw(a.result), sort_keys=True)
    return r


def symptom_resource(s: SymptomReport) -> dict[str, Any]:
    r: dict[str, Any] = {
        "resourceType": "Observation",
        "id": s.id,
        "status": "final",
        "category": [_concept(OBSERVATION_CATEGORY_SYSTEM, "survey")],
        "code": _concept(SYMPTOM_SYSTEM, s.symptom),
        "subject": _subject(s.patient_id),
        "effectiveDateTime": s.reported_on.isoformat(),
        "valueInteger": s.severity,
    }
    if s.note.value:
        r["note"] = [{"text": s.note.value}]
    return r


def report_resource(rep: Report) -> dict[str, Any]:
    r: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "id": rep.id,
        "status": "final",
        "code": _concept(REPORT_KIND_SYSTEM, rep.kind),
        "subject": _subject(rep.patient_id),
        "effectiveDateTime": rep.date.isoformat(),
        "extension": [_ext_json(EXT_FINDINGS, thaw(rep.findings))],
    }
    if rep.conclusion.value:
        r["conclusion"] = rep.conclusion.value
    return r


def plan_resource(p: PlanVersion) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": p.plan_id,
        "status": PLAN_STATUS[p.status],
        "intent": "order",
        "medicationCodeableConcept": _medication(p.therapy),
        "subject": _subject(p.patient_id),
        "authoredOn": p.start.isoformat(),
        "note": [{"text": p.reason}],
        "extension": [
            _ext_json(
                EXT_PLAN,
                {"version": p.version, "change": p.change, "document": thaw(p.document)},
            )
        ],
    }


def administration_resource(d: Administration) -> dict[str, Any] | None:
    if d.status == "scheduled":
        return None
    when = d.given_on or d.scheduled_on
    r: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": d.id,
        "status": ADMIN_STATUS[d.status],
        "medicationCodeableConcept": _medication(d.drug),
        "subject": _subject(d.patient_id),
        "effectiveDateTime": when.isoformat(),
        "request": {"reference": f"MedicationRequest/{d.plan_id}"},
        "extension": [
            _ext_json(
                EXT_ADMIN,
                {
                    "scheduled_on": d.scheduled_on.isoformat(),
                    "status": d.status,
                    "interval_days": d.interval_days,
                    "self_administered": d.self_administered,
                    "reaction_grade": d.reaction_grade,
                    "reaction": d.reaction,
                },
            )
        ],
    }
    if d.dose:
        r["dosage"] = {"text": d.dose}
    return r


def medication_statement_resource(m: MedicationStatement) -> dict[str, Any]:
    period = {"start": m.start.isoformat()}
    if m.end is not None:
        period["end"] = m.end.isoformat()
    r: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": m.id,
        "status": "active" if m.end is None else "completed",
        "medicationCodeableConcept": _medication(m.drug),
        "subject": _subject(m.patient_id),
        "effectivePeriod": period,
    }
    if m.dose_mg_per_day is not None:
        r["dosage"] = [
            {
                "doseAndRate": [
                    {
                        "doseQuantity": {
                            "value": m.dose_mg_per_day,
                            "unit": "mg/d",
                            "system": UCUM_SYSTEM,
                            "code": "mg/d",
                        }
                    }
                ]
            }
        ]
    if m.reason:
        r["note"] = [{"text": m.reason}]
    return r


def adverse_event_resource(e: AdverseEvent) -> dict[str, Any]:
    extension: list[dict[str, Any]] = [{"url": EXT_GRADE, "valueInteger": e.grade}]
    if e.resolved is not None:
        extension.append({"url": EXT_RESOLVED, "valueDate": e.resolved.isoformat()})
    return {
        "resourceType": "AdverseEvent",
        "id": e.id,
        "actuality": "actual",
        "category": [_concept(ADVERSE_EVENT_CATEGORY_SYSTEM, e.category)],
        "event": {"text": e.term},
        "subject": _subject(e.patient_id),
        "date": e.onset.isoformat(),
        "extension": extension,
    }


def immunization_resource(i: Immunization) -> dict[str, Any]:
    return {
        "resourceType": "Immunization",
        "id": i.id,
        "status": i.status,
        "vaccineCode": _concept(CVX_SYSTEM, i.vaccine_code, i.display or None),
        "patient": _subject(i.patient_id),
        "occurrenceDateTime": i.date.isoformat(),
    }


def appointment_resource(a: Appointment) -> dict[str, Any]:
    participants: list[dict[str, Any]] = [
        {"actor": _subject(a.patient_id), "status": "accepted"},
        {
            "actor": {"display": a.place},
            "type": [_concept(PARTICIPATION, "LOC")],
            "status": "accepted",
        },
    ]
    participants += [
        {"actor": {"display": s}, "type": [_concept(PARTICIPATION, "PPRF")], "status": "accepted"}
        for s in a.staff
    ]
    return {
        "resourceType": "Appointment",
        "id": a.id,
        "status": a.status,
        "appointmentType": _concept(APPOINTMENT_KIND_SYSTEM, a.kind),
        "start": a.start.isoformat(),
        "end": a.end.isoformat(),
        "participant": participants,
    }


def questionnaire_resource(q: QuestionnaireResponse) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": q.id,
        "questionnaire": PHQ9_QUESTIONNAIRE,
        "status": "completed",
        "subject": _subject(q.patient_id),
        "authored": q.date.isoformat(),
        "item": [
            {"linkId": str(i + 1), "answer": [{"valueInteger": a}]} for i, a in enumerate(q.answers)
        ],
    }


def message_resource(m: Message) -> dict[str, Any]:
    r: dict[str, Any] = {
        "resourceType": "Communication",
        "id": m.id,
        "status": "completed",
        "subject": _subject(m.patient_id),
        "sent": m.sent_at.isoformat(),
        "sender": {"display": m.author},
        "category": [{"text": m.author_role}],
        "payload": [{"contentString": m.body.value}],
    }
    if m.in_reply_to:
        r["inResponseTo"] = [{"reference": f"Communication/{m.in_reply_to}"}]
    return r


def resource_of(value: Any) -> dict[str, Any] | None:
    """The FHIR resource (validated JSON) for one care record, or None if not exported."""
    makers: dict[type, Any] = {
        Patient: patient_resource,
        Condition: condition_resource,
        Observation: observation_resource,
        Assessment: assessment_resource,
        SymptomReport: symptom_resource,
        Report: report_resource,
        PlanVersion: plan_resource,
        Administration: administration_resource,
        MedicationStatement: medication_statement_resource,
        AdverseEvent: adverse_event_resource,
        Immunization: immunization_resource,
        Appointment: appointment_resource,
        QuestionnaireResponse: questionnaire_resource,
        Message: message_resource,
    }
    resource = makers[type(value)](value)
    return None if resource is None else validated(resource)


def resources_of(history: PatientHistory) -> list[dict[str, Any]]:
    """Every resource of one patient: the Patient first, then each record kind."""
    values: list[Any] = [history.patient, *history.conditions, *current_plans(history)]
    values += [
        *history.medications,
        *history.observations,
        *history.assessments,
        *history.symptoms,
        *history.reports,
        *history.administrations,
        *history.adverse_events,
        *history.immunizations,
        *history.appointments,
        *history.questionnaires,
        *history.messages,
    ]
    return [r for v in values if (r := resource_of(v)) is not None]


def searchset(resources: Iterable[dict[str, Any]], base_url: str = "") -> dict[str, Any]:
    entries = [
        {
            "fullUrl": f"{base_url}{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in resources
    ]
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(entries),
        "entry": entries,
    }
    return validated(bundle)


def everything(history: PatientHistory, base_url: str = "") -> dict[str, Any]:
    """``Patient/{id}/$everything``: a searchset Bundle of every resource of the patient."""
    return searchset(resources_of(history), base_url)
