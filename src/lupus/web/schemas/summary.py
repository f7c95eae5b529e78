"""The patient summary and the research cohort aggregates."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

__all__ = ["AlertPublic", "CohortPublic", "SledaiPublic", "StatePublic", "SummaryPublic"]


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


class CohortPublic(BaseModel):
    """De-identified aggregates: counts and proportions only."""

    patients: int
    synthetic_patients: int
    by_therapy: dict[str, int]
    sledai_2k_bands: dict[str, int]
    lldas: dict[str, int]
    doris: dict[str, int]
    adherence: dict[str, Any]
    adherence_by_therapy: dict[str, dict[str, Any]]
    plan_changes: dict[str, int]
    current_plans: int
