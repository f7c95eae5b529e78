"""iCalendar (RFC 5545) export of a plan: one all-day event per dose, procedure and visit."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json

from icalendar import Calendar, Event

from lupus import DISCLAIMER
from lupus.therapy.plan import TreatmentPlan

__all__ = ["plan_to_ics"]

_PRODID = "-//lupus-immunotherapy//lupus plan//EN"


def _event(uid: str, stamp: _dt.datetime, date: _dt.date, summary: str, lines: list[str]) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", date)
    event.add("dtend", date + _dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", "\n".join([*lines, DISCLAIMER]))
    return event


def _amount(value: float, unit: str) -> str:
    return f"{value:.3g} {unit}" if unit == "cells" else f"{round(value, 1):g} {unit}"


def plan_to_ics(plan: TreatmentPlan) -> bytes:
    """The plan as an iCalendar file (bytes). Deterministic: the same plan gives the same bytes.

    UIDs derive from a hash of the plan; DTSTAMP is the plan window's first day (00:00 UTC), so
    re-exporting an unchanged plan does not create new events in a calendar client.
    """
    digest = hashlib.sha256(json.dumps(plan.to_json(), sort_keys=True).encode("utf-8")).hexdigest()[
        :16
    ]
    start = plan.schedule.window_start
    stamp = _dt.datetime(start.year, start.month, start.day, tzinfo=_dt.UTC)
    cal = Calendar()
    cal.add("prodid", _PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{plan.request.therapy} plan")
    for i, a in enumerate(plan.schedule.administrations):
        route = a.route.upper()
        summary = f"{a.drug} {_amount(a.dose.value, a.dose.unit)} {route} (dose {a.dose_number})"
        if a.catch_up:
            summary += " - catch-up"
        lines = [f"Setting: {a.setting.replace('_', ' ')}", f"Dose basis: {a.dose.basis}"]
        if a.infusion_minutes is not None:
            lines.append(f"Infusion over {a.infusion_minutes} minutes")
        if a.observation:
            lines.append(f"Observation: {a.observation}")
        lines += [f"Premedication: {p}" for p in a.premedication]
        lines += a.instructions
        uid = f"{digest}-dose-{i}@lupus-immunotherapy"
        cal.add_component(_event(uid, stamp, a.date, summary, lines))
    for i, p in enumerate(plan.schedule.procedures):
        uid = f"{digest}-procedure-{i}@lupus-immunotherapy"
        cal.add_component(_event(uid, stamp, p.date, p.name, [p.note]))
    for i, m in enumerate(plan.schedule.monitoring):
        uid = f"{digest}-visit-{i}@lupus-immunotherapy"
        summary = f"{plan.request.therapy} monitoring"
        cal.add_component(_event(uid, stamp, m.date, summary, list(m.tests)))
    data: bytes = cal.to_ical()
    return data
