"""``GET /api/patients/{id}/summary``: disease state, alerts, next doses, monitoring due and
adherence in one document."""

from __future__ import annotations

from fastapi import APIRouter

from lupus.web.deps import ClinicDep
from lupus.web.permissions import require_patient_read
from lupus.web.schemas.summary import SummaryPublic

router = APIRouter(prefix="/api/patients/{patient_id}", tags=["summary"])


@router.get("/summary", response_model=SummaryPublic)
def patient_summary(patient_id: str, clinic: ClinicDep) -> SummaryPublic:
    require_patient_read(clinic.repo.actor, patient_id)
    return SummaryPublic.model_validate(clinic.summary(patient_id))
