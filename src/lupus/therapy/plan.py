"""The treatment plan: suitability, checklist, schedule and stopping rules in one value.

:func:`make_plan` builds it; ``TreatmentPlan.to_json`` / ``TreatmentPlan.from_json`` round-trip
it exactly (the care service stores plans and their versions as this JSON).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, cast

from lupus import DISCLAIMER
from lupus.clinical._parse import Reader
from lupus.therapy._data import load_table, section_source
from lupus.therapy.checklist import (
    CHECKLIST_KINDS,
    CHECKLIST_STATUSES,
    ChecklistItem,
    ChecklistKind,
    ChecklistStatus,
    build_checklist,
)
from lupus.therapy.errors import PlanInputError
from lupus.therapy.regimen import get_regimen
from lupus.therapy.request import PlanRequest, _as_plan_errors, read_plan_request
from lupus.therapy.schedule import (
    SETTINGS,
    Administration,
    Dose,
    MonitoringVisit,
    Procedure,
    Schedule,
    Setting,
    build_schedule,
)
from lupus.therapy.suitability import (
    Finding,
    FindingKind,
    Suitability,
    assess_suitability,
)

__all__ = ["StoppingRule", "TreatmentPlan", "make_plan", "stopping_rules"]

_TABLE_OF = {"belimumab": "belimumab", "anifrolumab": "anifrolumab", "cd19-car-t": "cd19_car_t"}


@dataclass(frozen=True, slots=True)
class StoppingRule:
    """A rule for interrupting or stopping treatment, with its source."""

    code: str
    message: str
    source: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "source": self.source}


def stopping_rules(request: PlanRequest) -> tuple[StoppingRule, ...]:
    """Interruption and stopping rules that apply to ``request`` under its jurisdiction."""
    table = load_table(_TABLE_OF[request.therapy])
    out = []
    for key, rule in table["stopping"].items():
        source = section_source(table, rule, request.jurisdiction)
        if source is not None:
            out.append(StoppingRule(f"{request.therapy}.{key}", rule["message"], source))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class TreatmentPlan:
    """A complete plan. ``missed`` lists the missed-dose dates applied, in order."""

    request: PlanRequest
    suitability: Suitability
    checklist: tuple[ChecklistItem, ...]
    schedule: Schedule
    stopping_rules: tuple[StoppingRule, ...]
    missed: tuple[_dt.date, ...] = ()

    @property
    def eligible(self) -> bool:
        return self.suitability.eligible

    @property
    def administrations(self) -> tuple[Administration, ...]:
        return self.schedule.administrations

    @property
    def monitoring(self) -> tuple[MonitoringVisit, ...]:
        return self.schedule.monitoring

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON-ready data (the ``lupus plan`` output)."""
        req = self.request
        regimen = get_regimen(self.schedule.regimen_id) if self.schedule.regimen_id else None
        return {
            "disclaimer": DISCLAIMER,
            "therapy": req.therapy,
            "route": req.route,
            "indication": req.indication,
            "jurisdiction": req.jurisdiction,
            "start_date": req.start_date.isoformat(),
            "weeks": req.weeks,
            "window_start": self.schedule.window_start.isoformat(),
            "window_end": self.schedule.window_end.isoformat(),
            "regimen": None
            if regimen is None
            else {
                "id": regimen.id,
                "title": regimen.title,
                "source": regimen.source(req.jurisdiction),
            },
            "eligible": self.eligible,
            "blockers": [f.to_json() for f in self.suitability.blockers],
            "cautions": [f.to_json() for f in self.suitability.cautions],
            "actions": [f.to_json() for f in self.suitability.actions],
            "checklist": [c.to_json() for c in self.checklist],
            "administrations": [a.to_json() for a in self.schedule.administrations],
            "procedures": [p.to_json() for p in self.schedule.procedures],
            "monitoring": [m.to_json() for m in self.schedule.monitoring],
            "stopping_rules": [s.to_json() for s in self.stopping_rules],
            "missed": [d.isoformat() for d in self.missed],
            "request": req.to_json(),
        }

    @classmethod
    def from_json(cls, data: Any) -> TreatmentPlan:
        """Rebuild a plan written by :meth:`to_json` (strict: unknown keys are errors)."""
        with _as_plan_errors():
            return _read_plan(data)


def make_plan(request: PlanRequest) -> TreatmentPlan:
    """Suitability, checklist, schedule and stopping rules for ``request``.

    A plan is made even when there are blockers (``eligible`` is then false), so the clinician
    sees why; where the label gives no dose for this patient there are no administrations.
    """
    return TreatmentPlan(
        request=request,
        suitability=assess_suitability(request),
        checklist=build_checklist(request),
        schedule=build_schedule(request),
        stopping_rules=stopping_rules(request),
    )


# ------------------------------------------------------------------------- reading it back


def _findings(r: Reader, key: str, kind: FindingKind) -> tuple[Finding, ...]:
    out = []
    for i, item in enumerate(r.array(key)):
        f = Reader(item, f"{key}[{i}]")
        out.append(Finding(kind, f.text("code"), f.text("message"), f.text("source")))
        f.finish()
    return tuple(out)


def _optional_text(r: Reader, key: str) -> str | None:
    value = r.raw(key)
    if value is None:
        return None
    return r.text(key)


def _optional_int(r: Reader, key: str) -> int | None:
    value = r.raw(key)
    if value is None:
        return None
    return r.integer(key)


def _texts(r: Reader, key: str) -> tuple[str, ...]:
    items = r.array(key)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise PlanInputError(f"{r.field(key)}[{i}]", item, "a string")
    return tuple(items)


def _read_administration(data: Any, path: str) -> Administration:
    a = Reader(data, path)
    d = a.obj("dose")
    dose = Dose(
        value=d.number("value", minimum=0, exclusive_minimum=True),
        unit=cast(Any, d.choice("unit", ("mg", "cells"))),
        basis=d.text("basis"),
    )
    d.finish()
    out = Administration(
        date=a.date("date"),
        day=a.integer("day"),
        drug=a.text("drug"),
        dose=dose,
        route=cast(Any, a.choice("route", ("iv", "sc"))),
        infusion_minutes=_optional_int(a, "infusion_minutes"),
        setting=cast(Setting, a.choice("setting", SETTINGS)),
        observation_minutes=_optional_int(a, "observation_minutes"),
        observation=_optional_text(a, "observation"),
        premedication=_texts(a, "premedication"),
        preparation=_texts(a, "preparation"),
        instructions=_texts(a, "instructions"),
        dose_number=a.integer("dose_number", minimum=1),
        catch_up=a.boolean("catch_up"),
    )
    a.finish()
    return out


def _read_procedure(data: Any, path: str) -> Procedure:
    p = Reader(data, path)
    end = p.raw("end_date")
    out = Procedure(
        date=p.date("date"),
        day=p.integer("day"),
        name=p.text("name"),
        setting=cast(Setting, p.choice("setting", SETTINGS)),
        note=p.text("note"),
        end_date=None if end is None else p.date("end_date"),
    )
    p.finish()
    return out


def _read_visit(data: Any, path: str) -> MonitoringVisit:
    m = Reader(data, path)
    out = MonitoringVisit(date=m.date("date"), day=m.integer("day"), tests=_texts(m, "tests"))
    m.finish()
    return out


def _read_checklist(data: Any, path: str) -> ChecklistItem:
    c = Reader(data, path)
    out = ChecklistItem(
        code=c.text("code"),
        kind=cast(ChecklistKind, c.choice("kind", CHECKLIST_KINDS)),
        item=c.text("item"),
        status=cast(ChecklistStatus, c.choice("status", CHECKLIST_STATUSES)),
        note=_optional_text(c, "note"),
        source=c.text("source"),
    )
    c.finish()
    return out


def _read_plan(data: Any) -> TreatmentPlan:
    r = Reader(data)
    request = read_plan_request(r.raw("request"))
    echo = request.to_json()
    for key in ("therapy", "route", "indication", "jurisdiction", "start_date", "weeks"):
        if r.raw(key) != echo[key]:
            raise PlanInputError(key, r.raw(key), f"the request's value {echo[key]!r}")
    r.text("disclaimer")
    regimen = r.raw("regimen")
    regimen_id = None
    if regimen is not None:
        g = r.obj("regimen")
        regimen_id = get_regimen(g.text("id")).id
        g.text("title")
        g.text("source")
        g.finish()
    blockers = _findings(r, "blockers", "blocker")
    suitability = Suitability(
        blockers=blockers,
        cautions=_findings(r, "cautions", "caution"),
        actions=_findings(r, "actions", "action"),
    )
    if r.boolean("eligible") != suitability.eligible:
        raise PlanInputError("eligible", r.raw("eligible"), "true exactly when blockers is empty")
    schedule = Schedule(
        window_start=r.date("window_start"),
        window_end=r.date("window_end"),
        regimen_id=regimen_id,
        administrations=tuple(
            _read_administration(a, f"administrations[{i}]")
            for i, a in enumerate(r.array("administrations"))
        ),
        procedures=tuple(
            _read_procedure(p, f"procedures[{i}]") for i, p in enumerate(r.array("procedures"))
        ),
        monitoring=tuple(
            _read_visit(m, f"monitoring[{i}]") for i, m in enumerate(r.array("monitoring"))
        ),
    )
    rules = []
    for i, item in enumerate(r.array("stopping_rules")):
        s = Reader(item, f"stopping_rules[{i}]")
        rules.append(StoppingRule(s.text("code"), s.text("message"), s.text("source")))
        s.finish()
    missed = []
    for i, value in enumerate(r.array("missed")):
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError(value)
            missed.append(_dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            raise PlanInputError(f"missed[{i}]", value, "a date as YYYY-MM-DD") from None
    checklist = tuple(
        _read_checklist(c, f"checklist[{i}]") for i, c in enumerate(r.array("checklist"))
    )
    r.finish()
    return TreatmentPlan(
        request=request,
        suitability=suitability,
        checklist=checklist,
        schedule=schedule,
        stopping_rules=tuple(rules),
        missed=tuple(missed),
    )
