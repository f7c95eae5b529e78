"""Dose adherence: the share of scheduled doses given within a tolerance window.

The windows are a documented product choice (``data/alerts.toml`` ``[adherence]``): +/- 2 days
for weekly or fortnightly injections, +/- 7 days for 4-weekly infusions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from lupus.care._data import load_table
from lupus.care.records import Administration

__all__ = [
    "Adherence",
    "adherence",
    "days_late",
    "is_missed",
    "tolerance_days",
    "window_closed",
]


def tolerance_days(interval_days: int) -> int:
    """The +/- window for a dose given every ``interval_days`` days."""
    table = load_table("alerts")["adherence"]
    if interval_days <= int(table["short_interval_max_days"]):
        return int(table["short_tolerance_days"])
    return int(table["long_tolerance_days"])


def window_closed(dose: Administration, today: dt.date) -> bool:
    return today > dose.scheduled_on + dt.timedelta(days=tolerance_days(dose.interval_days))


def days_late(dose: Administration) -> int | None:
    """Days between the scheduled and the actual day (negative when early); None if not given."""
    if dose.given_on is None:
        return None
    return (dose.given_on - dose.scheduled_on).days


def is_missed(dose: Administration, today: dt.date) -> bool:
    """Recorded as missed, or still only scheduled after its window has closed."""
    return dose.status == "missed" or (dose.status == "scheduled" and window_closed(dose, today))


@dataclass(frozen=True, slots=True)
class Adherence:
    given_on_time: int
    due: int

    @property
    def fraction(self) -> float | None:
        return None if self.due == 0 else self.given_on_time / self.due


def adherence(doses: Iterable[Administration], today: dt.date) -> Adherence:
    """Count due doses (given, or window closed) and those given within the window."""
    due = 0
    on_time = 0
    for dose in doses:
        late = days_late(dose)
        if late is None and not window_closed(dose, today) and dose.status != "missed":
            continue  # still in the future or inside its window
        due += 1
        if late is not None and abs(late) <= tolerance_days(dose.interval_days):
            on_time += 1
    return Adherence(on_time, due)
