"""Alerts of a patient and their life cycle (acknowledge, resolve)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lupus.web.deps import ClinicDep
from lupus.web.permissions import require_patient_read, require_role
from lupus.web.schemas.summary import AlertPublic

router = APIRouter(prefix="/api/patients/{patient_id}/alerts", tags=["alerts"])

TEAM = frozenset({"clinician", "nurse"})


@router.get("", response_model=list[AlertPublic])
def list_alerts(
    patient_id: str, clinic: ClinicDep, include_resolved: Annotated[bool, Query()] = False
) -> list[AlertPublic]:
    """Re-runs the alert rules, then lists the alerts (open and acknowledged by default)."""
    require_role(clinic.repo.actor, TEAM, "read alerts")
    require_patient_read(clinic.repo.actor, patient_id)
    clinic.repo.get_patient(patient_id)
    alerts = [
        a for a in clinic.refresh_alerts(patient_id) if include_resolved or a.status != "resolved"
    ]
    return [AlertPublic(**a.to_json()) for a in alerts]


@router.post("/{alert_id}/acknowledge", response_model=AlertPublic)
def acknowledge_alert(patient_id: str, alert_id: str, clinic: ClinicDep) -> AlertPublic:
    require_role(clinic.repo.actor, TEAM, "acknowledge alerts")
    return AlertPublic(**clinic.acknowledge_alert(patient_id, alert_id).to_json())


@router.post("/{alert_id}/resolve", response_model=AlertPublic)
def resolve_alert(patient_id: str, alert_id: str, clinic: ClinicDep) -> AlertPublic:
    require_role(clinic.repo.actor, TEAM, "resolve alerts")
    return AlertPublic(**clinic.resolve_alert(patient_id, alert_id).to_json())
