"""Who may do what: the role matrix as data, checked in one place.

- clinician: reads and writes everything clinical, including plans;
- nurse: reads clinical records; writes administrations, observations, adverse events and
  appointments (and alert acknowledgements, messages); never plans;
- patient: reads their own record; writes only their symptoms, questionnaires, messages and
  self-injection log (administrations marked self-administered);
- researcher: de-identified aggregates only;
- admin: users and the audit log, never clinical records.
"""

from __future__ import annotations

from lupus.store import Actor

__all__ = [
    "CLINICAL_READERS",
    "WRITERS",
    "PermissionDenied",
    "can_read_patient",
    "require_patient_read",
    "require_role",
    "require_write",
]

CLINICAL_READERS = frozenset({"clinician", "nurse", "patient"})

# Record kind (API path segment) -> roles that may create or change it.
WRITERS: dict[str, frozenset[str]] = {
    "patients": frozenset({"clinician"}),
    "conditions": frozenset({"clinician"}),
    "medications": frozenset({"clinician"}),
    "observations": frozenset({"clinician", "nurse"}),
    "reports": frozenset({"clinician"}),
    "assessments": frozenset({"clinician"}),
    "administrations": frozenset({"clinician", "nurse", "patient"}),
    "adverse_events": frozenset({"clinician", "nurse"}),
    "symptoms": frozenset({"clinician", "patient"}),
    "questionnaires": frozenset({"clinician", "nurse", "patient"}),
    "appointments": frozenset({"clinician", "nurse"}),
    "messages": frozenset({"clinician", "nurse", "patient"}),
    "plans": frozenset({"clinician"}),
    "alerts": frozenset({"clinician", "nurse"}),
    "fhir": frozenset({"clinician"}),
}


class PermissionDenied(Exception):
    """The user is authenticated but may not do this (becomes 403)."""


def require_role(actor: Actor, roles: frozenset[str] | set[str], what: str) -> None:
    if actor.role not in roles:
        raise PermissionDenied(
            f"role '{actor.role}' may not {what}; allowed roles: {', '.join(sorted(roles))}"
        )


def can_read_patient(actor: Actor, patient_id: str) -> bool:
    if actor.role in ("clinician", "nurse"):
        return True
    return actor.role == "patient" and actor.patient_id == patient_id


def require_patient_read(actor: Actor, patient_id: str) -> None:
    if not can_read_patient(actor, patient_id):
        if actor.role == "patient":
            raise PermissionDenied("a patient may read only their own record")
        raise PermissionDenied(f"role '{actor.role}' may not read identifiable patient records")


def require_write(actor: Actor, kind: str, patient_id: str | None) -> None:
    require_role(actor, WRITERS[kind], f"write {kind}")
    if actor.role == "patient" and patient_id != actor.patient_id:
        raise PermissionDenied("a patient may write only to their own record")
