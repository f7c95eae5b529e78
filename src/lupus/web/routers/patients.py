"""Patients: create (clinician), list (care team), read (care team or the patient)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lupus.web.deps import ClinicDep
from lupus.web.permissions import require_patient_read, require_role, require_write
from lupus.web.schemas.patients import PatientCreate, PatientPublic, PatientsPublic

router = APIRouter(prefix="/api/patients", tags=["patients"])


@router.post("", response_model=PatientPublic, status_code=201)
def create_patient(body: PatientCreate, clinic: ClinicDep) -> PatientPublic:
    require_write(clinic.repo.actor, "patients", None)
    data = body.model_dump(mode="json", exclude_none=True)
    return PatientPublic.of(clinic.create_patient(data))


@router.get("", response_model=PatientsPublic)
def list_patients(
    clinic: ClinicDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PatientsPublic:
    require_role(clinic.repo.actor, {"clinician", "nurse"}, "list patients")
    found, total = clinic.repo.list_patients(limit=limit, offset=offset)
    return PatientsPublic(data=[PatientPublic.of(p) for p in found], count=total)


@router.get("/{patient_id}", response_model=PatientPublic)
def read_patient(patient_id: str, clinic: ClinicDep) -> PatientPublic:
    require_patient_read(clinic.repo.actor, patient_id)
    return PatientPublic.of(clinic.repo.get_patient(patient_id))
