"""Upcoming doses from the administration record."""

from __future__ import annotations

import datetime as dt

from lupus.care.history import PatientHistory
from lupus.care.records import Administration

__all__ = ["next_administrations"]


def next_administrations(
    history: PatientHistory, today: dt.date, *, limit: int = 5
) -> tuple[Administration, ...]:
    """Scheduled doses on or after ``today``, soonest first."""
    upcoming = [
        d for d in history.administrations if d.status == "scheduled" and d.scheduled_on >= today
    ]
    return tuple(sorted(upcoming, key=lambda d: (d.scheduled_on, d.id))[:limit])
