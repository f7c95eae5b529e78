"""The patient summary and the research cohort aggregates."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from lupus.store.summary import AlertPublic, SledaiPublic, StatePublic, SummaryPublic

__all__ = [
    "AlertPublic",
    "CohortPublic",
    "SledaiPublic",
    "StatePublic",
    "SummaryPublic",
    "SuppressionPublic",
]


class SuppressionPublic(BaseModel):
    """The small-cell suppression applied (``lupus.store.suppression``)."""

    rule: str
    source: str
    min_cell: int
    suppressed: list[str]


class CohortPublic(BaseModel):
    """De-identified aggregates: counts and proportions only. Counts from 1 to 10, and the
    values they could be recomputed from, are ``null`` (small-cell suppression)."""

    patients: int | None
    synthetic_patients: int | None
    by_therapy: dict[str, int | None]
    sledai_2k_bands: dict[str, int | None]
    lldas: dict[str, int | None]
    doris: dict[str, int | None]
    adherence: dict[str, Any]
    adherence_by_therapy: dict[str, dict[str, Any]]
    plan_changes: dict[str, int | None]
    current_plans: int | None
    suppression: SuppressionPublic
