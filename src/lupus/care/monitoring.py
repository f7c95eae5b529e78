"""What monitoring is due per therapy, and when (schedule in ``data/monitoring.toml``).

The schedule is data: each item names the therapy, what completes it (a lab code, a
questionnaire, a report kind or a visit), the first day it is due after the therapy start, the
interval, a grace period and its source. :func:`monitoring_due` compares it with the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from lupus.care._data import load_table
from lupus.care.errors import UnknownCodeError
from lupus.care.history import ActiveTherapy, PatientHistory, active_therapies

__all__ = [
    "DueItem",
    "MonitoringItem",
    "last_done",
    "monitoring_due",
    "schedule_for",
    "therapy_keys",
]


@dataclass(frozen=True, slots=True)
class MonitoringItem:
    therapy: str
    key: str
    display: str
    done_by: str
    first_day: int
    every_days: int
    grace_days: int
    status: str
    source: str
    until_day: int | None = None

    def __post_init__(self) -> None:
        kind = self.done_by.split(":", 1)[0]
        if kind not in ("lab", "questionnaire", "report", "visit"):
            raise ValueError(f"monitoring item {self.key}: done_by {self.done_by!r} unknown")
        if self.every_days < 0 or self.first_day < 0 or self.grace_days < 0:
            raise ValueError(f"monitoring item {self.key}: negative day count")


@dataclass(frozen=True, slots=True)
class DueItem:
    """One monitoring item with its due date; ``overdue`` once the grace period has passed."""

    therapy: str
    key: str
    display: str
    due: dt.date
    last_done: dt.date | None
    overdue: bool
    source: str

    def to_json(self) -> dict[str, object]:
        return {
            "therapy": self.therapy,
            "item": self.key,
            "display": self.display,
            "due": self.due.isoformat(),
            "last_done": None if self.last_done is None else self.last_done.isoformat(),
            "overdue": self.overdue,
            "source": self.source,
        }


@cache
def _items() -> tuple[MonitoringItem, ...]:
    return tuple(
        MonitoringItem(
            therapy=row["therapy"],
            key=row["key"],
            display=row["display"],
            done_by=row["done_by"],
            first_day=int(row["first_day"]),
            every_days=int(row["every_days"]),
            grace_days=int(row["grace_days"]),
            status=row["status"],
            source=row["source"],
            until_day=row.get("until_day"),
        )
        for row in load_table("monitoring")["item"]
    )


def therapy_keys() -> tuple[str, ...]:
    """The therapies that have a monitoring schedule."""
    return tuple(sorted(load_table("monitoring")["therapy"]))


def schedule_for(therapy: str) -> tuple[MonitoringItem, ...]:
    """The monitoring items of one therapy."""
    if therapy not in therapy_keys():
        raise UnknownCodeError("therapy", therapy, "one of: " + ", ".join(therapy_keys()))
    return tuple(i for i in _items() if i.therapy == therapy)


def last_done(
    history: PatientHistory, item: MonitoringItem, on_or_before: dt.date
) -> dt.date | None:
    """The date of the latest record that completes ``item``, if any."""
    kind, _, arg = item.done_by.partition(":")
    dates: list[dt.date] = []
    if kind == "lab":
        codes = set(arg.split(","))
        dates = [o.effective for o in history.observations if o.code in codes]
    elif kind == "questionnaire":
        dates = [q.date for q in history.questionnaires if q.questionnaire == arg]
    elif kind == "report":
        dates = [r.date for r in history.reports if r.kind == arg]
    else:  # visit
        dates = [a.start.date() for a in history.appointments if a.status == "fulfilled"]
        dates += [a.date for a in history.assessments]
    dates = [d for d in dates if d <= on_or_before]
    return max(dates) if dates else None


def _due(item: MonitoringItem, therapy: ActiveTherapy, done: dt.date | None) -> dt.date | None:
    first = therapy.start + dt.timedelta(days=item.first_day)
    if done is None or done < first - dt.timedelta(days=item.grace_days):
        due = first
    elif item.every_days == 0:
        return None
    else:
        due = done + dt.timedelta(days=item.every_days)
    if item.until_day is not None and due > therapy.start + dt.timedelta(days=item.until_day):
        return None
    return due


def monitoring_due(history: PatientHistory, today: dt.date) -> tuple[DueItem, ...]:
    """Every monitoring item of every active therapy with its next due date, soonest first."""
    found: list[DueItem] = []
    for therapy in active_therapies(history, today):
        for item in schedule_for(therapy.therapy):
            done = last_done(history, item, today)
            due = _due(item, therapy, done)
            if due is None:
                continue
            overdue = today > due + dt.timedelta(days=item.grace_days)
            found.append(
                DueItem(therapy.therapy, item.key, item.display, due, done, overdue, item.source)
            )
    return tuple(sorted(found, key=lambda d: (d.due, d.therapy, d.key)))
