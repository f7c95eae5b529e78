"""Clinical records of a patient, one pair of routes per kind:
``GET/POST /api/patients/{id}/{kind}`` (kinds: conditions, medications, observations, reports,
assessments, administrations, adverse-events, symptoms, questionnaires, appointments), plus
``PATCH`` for a dose's outcome and ``POST .../symptoms/{sid}/review``.

Bodies are validated by ``lupus.care`` (strict: unknown keys and wrong types are 422 errors
naming the field); observations are converted to canonical UCUM units at entry.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from lupus.care import CRISIS_GUIDANCE, needs_crisis_guidance
from lupus.web.deps import ClinicDep
from lupus.web.permissions import (
    PermissionDenied,
    require_patient_read,
    require_role,
    require_write,
)

router = APIRouter(prefix="/api/patients/{patient_id}", tags=["records"])

# API path segment -> store kind
KINDS = {
    "conditions": "conditions",
    "medications": "medications",
    "observations": "observations",
    "reports": "reports",
    "assessments": "assessments",
    "administrations": "administrations",
    "adverse-events": "adverse_events",
    "symptoms": "symptoms",
    "questionnaires": "questionnaires",
    "appointments": "appointments",
}

JsonObject = dict[str, Any]


def _public(value: Any) -> JsonObject:
    return {"id": value.id, **value.to_json()}


def _register(path: str, kind: str) -> None:
    def list_records(patient_id: str, clinic: ClinicDep) -> list[JsonObject]:
        require_patient_read(clinic.repo.actor, patient_id)
        clinic.repo.get_patient(patient_id, audit=False)
        return [_public(v) for v in clinic.repo.records(kind, patient_id)]

    def create_record(
        patient_id: str, clinic: ClinicDep, body: Annotated[JsonObject, Body()]
    ) -> JsonObject:
        actor = clinic.repo.actor
        require_write(actor, kind, patient_id)
        if actor.role == "patient" and kind == "administrations":
            if body.get("self_administered") is not True:
                raise PermissionDenied(
                    "a patient may log only self-administered doses (self_administered: true)"
                )
        value = clinic.add_record(kind, patient_id, body)
        out = _public(value)
        if kind == "questionnaires":
            out["crisis_guidance"] = (
                CRISIS_GUIDANCE if needs_crisis_guidance(value.answers) else None
            )
        return out

    router.add_api_route(
        f"/{path}",
        list_records,
        methods=["GET"],
        response_model=list[JsonObject],
        name=f"list_{kind}",
        summary=f"List {path}",
    )
    router.add_api_route(
        f"/{path}",
        create_record,
        methods=["POST"],
        response_model=JsonObject,
        status_code=201,
        name=f"create_{kind}",
        summary=f"Record {path}",
    )


for _path, _kind in KINDS.items():
    _register(_path, _kind)


@router.patch("/administrations/{administration_id}", response_model=JsonObject)
def update_administration(
    patient_id: str, administration_id: str, clinic: ClinicDep, body: Annotated[JsonObject, Body()]
) -> JsonObject:
    """Record what happened to a scheduled dose: given, missed or delayed, with any reaction."""
    actor = clinic.repo.actor
    require_write(actor, "administrations", patient_id)
    if actor.role == "patient" and body.get("self_administered") is not True:
        raise PermissionDenied("a patient may log only self-administered doses")
    return _public(clinic.update_administration(patient_id, administration_id, body))


@router.post("/symptoms/{symptom_id}/review", response_model=JsonObject)
def review_symptom(patient_id: str, symptom_id: str, clinic: ClinicDep) -> JsonObject:
    """Mark a patient-reported symptom as reviewed by the care team."""
    require_role(clinic.repo.actor, {"clinician", "nurse"}, "review symptoms")
    return _public(clinic.mark_symptom_reviewed(patient_id, symptom_id))
