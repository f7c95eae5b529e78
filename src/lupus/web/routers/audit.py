"""The audit log (admin only), as JSON or as a FHIR Bundle of AuditEvent resources."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from lupus.interop.fhir.audit import audit_bundle
from lupus.store import audit_events
from lupus.web.deps import CurrentUser, SessionDep
from lupus.web.permissions import require_role

router = APIRouter(prefix="/api/audit", tags=["audit"])

ADMIN = frozenset({"admin"})


@router.get("", response_model=list[dict[str, Any]])
def read_audit(
    conn: SessionDep,
    user: CurrentUser,
    patient_id: Annotated[str | None, Query(max_length=64)] = None,
    after_id: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[dict[str, Any]]:
    require_role(user, ADMIN, "read the audit log")
    events = audit_events(conn, patient_id=patient_id, after_id=after_id, limit=limit)
    return [e.to_json() for e in events]


@router.get("/fhir", response_model=dict[str, Any])
def export_audit(
    conn: SessionDep,
    user: CurrentUser,
    after_id: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> dict[str, Any]:
    """The audit log as a FHIR R4 Bundle (type collection) of AuditEvent resources."""
    require_role(user, ADMIN, "export the audit log")
    return audit_bundle(audit_events(conn, after_id=after_id, limit=limit))
