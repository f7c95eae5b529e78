"""Messages between the patient and the care team, one thread per patient, with who read and
who answered each message."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from lupus.web.deps import ClinicDep
from lupus.web.permissions import require_patient_read, require_write

router = APIRouter(prefix="/api/patients/{patient_id}/messages", tags=["messages"])

JsonObject = dict[str, Any]


@router.get("", response_model=list[JsonObject])
def read_thread(patient_id: str, clinic: ClinicDep) -> list[JsonObject]:
    """The thread, oldest first; reading marks the messages read by the current user."""
    require_patient_read(clinic.repo.actor, patient_id)
    return clinic.thread(patient_id)


@router.post("", response_model=JsonObject, status_code=201)
def send_message(
    patient_id: str, clinic: ClinicDep, body: Annotated[JsonObject, Body()]
) -> JsonObject:
    """``{"body", "in_reply_to"?}``."""
    require_write(clinic.repo.actor, "messages", patient_id)
    message = clinic.send_message(patient_id, body)
    return {"id": message.id, **message.to_json()}
