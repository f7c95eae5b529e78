"""``GET /api/research/cohort``: de-identified aggregates (never a name, id or exact date)."""

from __future__ import annotations

from fastapi import APIRouter

from lupus.store import cohort_summary
from lupus.web.deps import ClinicDep
from lupus.web.permissions import require_role
from lupus.web.schemas.summary import CohortPublic

router = APIRouter(prefix="/api/research", tags=["research"])


@router.get("/cohort", response_model=CohortPublic)
def cohort(clinic: ClinicDep) -> CohortPublic:
    require_role(clinic.repo.actor, {"researcher", "clinician"}, "read cohort aggregates")
    return CohortPublic.model_validate(cohort_summary(clinic.repo, today=clinic.today()))
