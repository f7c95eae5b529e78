"""The audit log as FHIR R4 AuditEvent resources (HIPAA 45 CFR 164.312(b) export).

Codes: AuditEvent.type from the DICOM audit event types used by FHIR R4
(``http://dicom.nema.org/resources/ontology/DCM``: 110110 Patient Record, 110114 User
Authentication); AuditEvent.action C/R/U/E (create, read, update, execute); outcome 0 success,
4 minor failure (FHIR R4 value set audit-event-outcome).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fhir.resources.R4B.auditevent import AuditEvent as FhirAuditEvent
from fhir.resources.R4B.bundle import Bundle

from lupus.store import AuditEvent

__all__ = ["audit_bundle", "audit_event_resource"]

DCM = "http://dicom.nema.org/resources/ontology/DCM"
_ACTION = {
    "create": "C",
    "read": "R",
    "update": "U",
    "import": "C",
    "import-rejected": "E",
    "login": "E",
    "login-failed": "E",
}


def audit_event_resource(event: AuditEvent) -> dict[str, Any]:
    """One audit row as a validated FHIR AuditEvent (JSON)."""
    login = event.action.startswith("login")
    entity: list[dict[str, Any]] = []
    if event.patient_id:
        entity.append({"what": {"reference": f"Patient/{event.patient_id}"}, "name": "patient"})
    if event.entity_id and event.entity != "patient":
        entity.append({"what": {"identifier": {"value": event.entity_id}}, "name": event.entity})
    data: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": f"audit-{event.id}",
        "type": {
            "system": DCM,
            "code": "110114" if login else "110110",
            "display": "User Authentication" if login else "Patient Record",
        },
        "action": _ACTION[event.action],
        "recorded": event.at.isoformat(),
        "outcome": "0" if event.outcome == "success" else "4",
        "outcomeDesc": f"{event.action} {event.entity}"
        + (f": {event.detail}" if event.detail else ""),
        "agent": [
            {
                "who": {"display": event.actor},
                "requestor": True,
                "role": [{"text": event.role}],
            }
        ],
        "source": {"observer": {"display": "lupus-immunotherapy care service"}},
    }
    if entity:
        data["entity"] = entity
    return FhirAuditEvent.model_validate(data).model_dump(mode="json", exclude_none=True)


def audit_bundle(events: Iterable[AuditEvent]) -> dict[str, Any]:
    resources = [audit_event_resource(e) for e in events]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "total": len(resources),
        "entry": [{"resource": r} for r in resources],
    }
    Bundle.model_validate(bundle)
    return bundle
