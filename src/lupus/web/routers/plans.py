"""Treatment plans: versioned; every adjustment (dose change, pause, resume, switch, stop) is a
new version with its reason. Only clinicians create or change plans."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from lupus.care import NotFoundError
from lupus.web.deps import ClinicDep
from lupus.web.permissions import require_patient_read, require_write

router = APIRouter(prefix="/api/patients/{patient_id}/plans", tags=["plans"])

JsonObject = dict[str, Any]


@router.get("", response_model=list[JsonObject])
def list_plans(patient_id: str, clinic: ClinicDep) -> list[JsonObject]:
    """Every version of every plan, oldest first."""
    require_patient_read(clinic.repo.actor, patient_id)
    clinic.repo.get_patient(patient_id, audit=False)
    return [p.to_json() for p in clinic.repo.plan_versions(patient_id)]


@router.post("", response_model=JsonObject, status_code=201)
def create_plan(
    patient_id: str, clinic: ClinicDep, body: Annotated[JsonObject, Body()]
) -> JsonObject:
    """``{"therapy", "start", "document"?, "reason"?}`` -> version 1."""
    require_write(clinic.repo.actor, "plans", patient_id)
    return clinic.create_plan(patient_id, body).to_json()


@router.get("/{plan_id}", response_model=list[JsonObject])
def read_plan(patient_id: str, plan_id: str, clinic: ClinicDep) -> list[JsonObject]:
    """The versions of one plan, oldest first."""
    require_patient_read(clinic.repo.actor, patient_id)
    versions = clinic.repo.plan_versions(patient_id, plan_id)
    if not versions:
        raise NotFoundError("plan", plan_id)
    return [p.to_json() for p in versions]


@router.post("/{plan_id}/adjustments", response_model=JsonObject, status_code=201)
def adjust_plan(
    patient_id: str, plan_id: str, clinic: ClinicDep, body: Annotated[JsonObject, Body()]
) -> JsonObject:
    """``{"change", "reason", "base_version", "document"?, "therapy"?}`` -> the new version."""
    require_write(clinic.repo.actor, "plans", patient_id)
    return clinic.adjust_plan(patient_id, plan_id, body).to_json()
