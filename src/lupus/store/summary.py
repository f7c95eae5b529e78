"""The patient summary document: its schema and its JSON text.

``GET /api/patients/{id}/summary`` returns ``SummaryPublic`` (documented in the OpenAPI
schema by ``lupus.web``, which re-exports these models). The store keeps the serialised
document per patient (table ``patient_summary``, with the date it is valid for), so that the
busiest read of the service is one indexed row plus its audit row; :func:`summary_body` is
the one place the document is serialised, so a stored body and a freshly computed one are
the same bytes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

__all__ = ["AlertPublic", "SledaiPublic", "StatePublic", "SummaryPublic", "summary_body"]


class SledaiPublic(BaseModel):
    score: int | None
    date: str | None


class StatePublic(BaseModel):
    sledai_2k: SledaiPublic
    lldas: bool | None
    doris: bool | None


class AlertPublic(BaseModel):
    id: str
    code: str
    severity: str
    message: str
    source: str
    status: str
    date: str
    raised_at: str
    acknowledged_by: str | None
    acknowledged_at: str | None
    resolved_by: str | None
    resolved_at: str | None


class SummaryPublic(BaseModel):
    patient_id: str
    disease_state: StatePublic
    alerts: list[AlertPublic]
    next_administrations: list[dict[str, Any]]
    monitoring_due: list[dict[str, Any]]
    adherence: float | None


def summary_body(summary: dict[str, Any]) -> str:
    """The summary's JSON text, validated and serialised once by pydantic-core (the exact
    response body of ``GET /api/patients/{id}/summary``)."""
    return SummaryPublic.model_validate(summary).model_dump_json()
