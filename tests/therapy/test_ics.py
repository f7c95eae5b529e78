"""iCalendar export."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from lupus.therapy import make_plan, plan_to_ics, replan_missed_dose
from tests.therapy._factory import make_request


def test_every_dose_procedure_and_visit_is_an_event() -> None:
    plan = make_plan(make_request("cd19-car-t", weeks=4))
    data = plan_to_ics(plan)
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == (
        len(plan.administrations) + len(plan.schedule.procedures) + len(plan.monitoring)
    )
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts[0] == plan.schedule.window_start
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert any("cd19-car-t" in str(e["summary"]) and "cells" in str(e["summary"]) for e in events)
    assert b"VERSION:2.0" in data and b"PRODID:-//lupus-immunotherapy" in data


def test_export_is_deterministic_and_marks_catch_up() -> None:
    plan = make_plan(make_request("belimumab", route="sc", weeks=3))
    assert plan_to_ics(plan) == plan_to_ics(plan)
    new = replan_missed_dose(plan, dt.date(2026, 1, 14))
    text = plan_to_ics(new).decode("utf-8")
    assert "catch-up" in text
    assert plan_to_ics(new) != plan_to_ics(plan)
