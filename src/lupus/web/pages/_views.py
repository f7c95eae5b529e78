"""View models: what the pages show, computed from a patient's record (no HTML here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from lupus.care import (
    SLEDAI_2K,
    Alert,
    PatientHistory,
    active_therapies,
    assessment_score,
    current_plans,
    disease_state,
    lab_by_key,
    monitoring_due,
)
from lupus.web.pages.exposure import ExposureCurve
from lupus.web.pages.plots import DoseMark, Panel, Series, timeline_svg

__all__ = [
    "CLASSIFICATION_INSTRUMENTS",
    "SEVERITY_ORDER",
    "TIMELINE_LABS",
    "badges",
    "full_name",
    "latest_value",
    "sort_alerts",
    "timeline",
]

SEVERITY_ORDER = {"urgent": 0, "high": 1, "warning": 2, "info": 3}
SEVERITY_ICON = {"urgent": "!!", "high": "!", "warning": "▲", "info": "i"}
STATUS_ICON = {"given": "✓", "missed": "✗", "delayed": "◆", "scheduled": "□"}
#: Instruments that classify (research criteria), never diagnose.
CLASSIFICATION_INSTRUMENTS = {
    "eular-acr-2019": "EULAR/ACR 2019 SLE classification criteria",
    "slicc-2012": "SLICC 2012 SLE classification criteria",
}

# (panel title, [(lab key, series label, marker, tone, dashed)])
TIMELINE_LABS: tuple[tuple[str, tuple[tuple[str, str, str, int, bool], ...]], ...] = (
    ("Anti-dsDNA", (("anti_dsdna", "anti-dsDNA", "circle", 1, False),)),
    ("Complement C3 / C4", (("c3", "C3", "square", 2, False), ("c4", "C4", "triangle", 3, True))),
    ("UPCR", (("upcr", "UPCR", "diamond", 4, False),)),
    ("eGFR", (("egfr", "eGFR", "circle", 5, False),)),
    ("CD19+ B cells", (("cd19_count", "CD19 count", "square", 6, False),)),
)


def full_name(history_or_patient: Any) -> str:
    p = getattr(history_or_patient, "patient", history_or_patient)
    return f"{p.given.value} {p.family.value}".strip()


def _fmt_number(x: float) -> str:
    return f"{x:.4g}"


def latest_value(history: PatientHistory, key: str) -> tuple[float, dt.date] | None:
    test = lab_by_key(key)
    values = history.observations_of(test.code)
    return (values[-1].value, values[-1].effective) if values else None


@dataclass(frozen=True, slots=True)
class Badge:
    name: str
    value: str
    state: str  # met, not-met, none, score
    icon: str
    detail: str


def badges(history: PatientHistory, today: dt.date) -> list[Badge]:
    state = disease_state(history, today)
    out = [
        Badge(
            "SLEDAI-2K",
            "not assessed" if state.sledai_2k is None else f"{state.sledai_2k:g}",
            "score" if state.sledai_2k is not None else "none",
            "#",
            "" if state.sledai_2k_date is None else f"on {state.sledai_2k_date.isoformat()}",
        )
    ]
    for name, flag in (("LLDAS", state.lldas), ("DORIS remission", state.doris)):
        if flag is None:
            out.append(Badge(name, "not assessed", "none", "–", ""))
        elif flag:
            out.append(Badge(name, "met", "met", "✓", ""))
        else:
            out.append(Badge(name, "not met", "not-met", "✗", ""))
    return out


def sort_alerts(alerts: Sequence[Alert]) -> list[Alert]:
    """Open before acknowledged; then most severe first; then newest first."""
    return sorted(
        alerts,
        key=lambda a: (
            a.status != "open",
            SEVERITY_ORDER.get(a.severity, 9),
            -a.date.toordinal(),
            a.code,
        ),
    )


@dataclass(frozen=True, slots=True)
class Timeline:
    svg: Markup
    rows: list[tuple[str, str, str, str]]  # date, what, value, unit
    start: dt.date
    end: dt.date


def timeline_window(
    history: PatientHistory, today: dt.date, *, days: int = 3 * 365
) -> tuple[dt.date, dt.date]:
    """From two weeks before the first record (at most ``days`` back) to 30 days ahead (or the
    doses of the next 90 days), and at least 120 days wide."""
    dates = [o.effective for o in history.observations]
    dates += [a.date for a in history.assessments]
    dates += [a.given_on or a.scheduled_on for a in history.administrations]
    dates = [d for d in dates if d <= today]
    start = min(dates) - dt.timedelta(days=14) if dates else today - dt.timedelta(days=180)
    start = max(start, today - dt.timedelta(days=days))
    soon = [
        a.scheduled_on
        for a in history.administrations
        if today < a.scheduled_on <= today + dt.timedelta(days=90)
    ]
    end = max([today + dt.timedelta(days=30), *soon])
    if (end - start).days < 120:
        start = end - dt.timedelta(days=120)
    return start, end


def timeline(
    history: PatientHistory,
    today: dt.date,
    exposure: Sequence[ExposureCurve] = (),
) -> Timeline:
    """The course plot: SLEDAI-2K, the key labs, drug exposure (a model estimate from the doses
    given) and the doses, with a table of the values."""
    rows: list[tuple[str, str, str, str]] = []
    sledai = []
    for a in history.assessments_of(SLEDAI_2K):
        score = assessment_score(a)
        if score is not None:
            sledai.append((a.date, score))
            rows.append((a.date.isoformat(), "SLEDAI-2K", _fmt_number(score), "points"))
    panels = [Panel("SLEDAI-2K", "points", (Series("SLEDAI-2K", tuple(sledai), "circle", 0),))]
    for title, specs in TIMELINE_LABS:
        series = []
        unit = ""
        for key, label, marker, tone, dashed in specs:
            test = lab_by_key(key)
            unit = test.unit
            pts = tuple((o.effective, o.value) for o in history.observations_of(test.code))
            series.append(Series(label, pts, marker, tone, dashed))
            rows += [(d.isoformat(), label, _fmt_number(v), test.unit) for d, v in pts]
        panels.append(Panel(title, unit, tuple(series)))
    doses = [
        DoseMark(a.given_on or a.scheduled_on, a.drug, a.status) for a in history.administrations
    ]
    rows += [(d.day.isoformat(), f"dose: {d.drug}", d.status, "") for d in doses]
    start, end = timeline_window(history, today)
    if exposure:
        panels.append(
            Panel(
                "Drug exposure, model estimate from the doses given",
                "ug/mL",
                tuple(
                    Series(f"{c.drug} (model)", c.points, "none", 7 + i, True)
                    for i, c in enumerate(exposure)
                ),
            )
        )
        rows += [
            (d.isoformat(), f"{c.drug} concentration (model estimate)", _fmt_number(v), c.unit)
            for c in exposure
            for d, v in c.points[::7]
        ]
    rows.sort()
    return Timeline(timeline_svg(panels, doses, start, end), rows, start, end)


@dataclass(frozen=True, slots=True)
class TherapyLine:
    therapy: str
    status: str
    start: dt.date
    version: int
    change: str
    reason: str
    plan_id: str


def therapies(history: PatientHistory, today: dt.date) -> list[TherapyLine]:
    return [
        TherapyLine(p.therapy, p.status, p.start, p.version, p.change, p.reason, p.plan_id)
        for p in current_plans(history)
    ]


def overdue(history: PatientHistory, today: dt.date) -> list[Any]:
    return [d for d in monitoring_due(history, today) if d.overdue]


def active_names(history: PatientHistory, today: dt.date) -> list[str]:
    return sorted({t.therapy for t in active_therapies(history, today)})


def disease_state_score(history: PatientHistory, today: dt.date) -> float | None:
    return disease_state(history, today).sledai_2k
