"""Alert rules: pure functions over a patient's record, each described by a data-table row.

Each rule in ``data/alerts.toml`` (code, severity, message template, source, thresholds) has a
function of the same code here that returns :class:`Finding` values. :func:`evaluate` runs them
all. A finding has a ``key`` naming what it is about (the observation, dose or report), so that
re-running the rules never raises the same alert twice; :class:`Alert` adds the life cycle
(open -> acknowledged -> resolved, each step with who and when).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from lupus.care._data import load_table
from lupus.care.adherence import adherence, days_late, is_missed, tolerance_days
from lupus.care.disease_state import SFI, SLEDAI_2K, assessment_score, is_severe_flare
from lupus.care.errors import TransitionError
from lupus.care.history import PatientHistory, active_therapies
from lupus.care.monitoring import monitoring_due, schedule_for

__all__ = [
    "ALERT_STATUSES",
    "SEVERITIES",
    "Alert",
    "AlertRule",
    "Finding",
    "acknowledge",
    "alert_rule",
    "alert_rules",
    "evaluate",
    "open_alert",
    "resolve",
]

SEVERITIES = ("info", "warning", "high", "urgent")
ALERT_STATUSES = ("open", "acknowledged", "resolved")


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One row of the rule table; ``params`` holds the rule's thresholds."""

    code: str
    severity: str
    message: str
    source: str
    auto_resolve: bool
    params: Mapping[str, Any]

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"alert rule {self.code}: severity {self.severity!r} unknown")


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found: an alert to raise unless one with the same key exists."""

    code: str
    severity: str
    message: str
    source: str
    key: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class Alert:
    """A raised alert and where it is in its life cycle."""

    id: str
    patient_id: str
    code: str
    severity: str
    message: str
    source: str
    key: str
    date: dt.date
    raised_at: dt.datetime
    status: str = "open"
    acknowledged_by: str | None = None
    acknowledged_at: dt.datetime | None = None
    resolved_by: str | None = None
    resolved_at: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        def iso(x: dt.datetime | None) -> str | None:
            return None if x is None else x.isoformat()

        return {
            "id": self.id,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "source": self.source,
            "status": self.status,
            "date": self.date.isoformat(),
            "raised_at": self.raised_at.isoformat(),
            "acknowledged_by": self.acknowledged_by,
            "acknowledged_at": iso(self.acknowledged_at),
            "resolved_by": self.resolved_by,
            "resolved_at": iso(self.resolved_at),
        }


def open_alert(finding: Finding, *, id: str, patient_id: str, at: dt.datetime) -> Alert:
    return Alert(
        id=id,
        patient_id=patient_id,
        code=finding.code,
        severity=finding.severity,
        message=finding.message,
        source=finding.source,
        key=finding.key,
        date=finding.date,
        raised_at=at,
    )


def acknowledge(alert: Alert, *, by: str, at: dt.datetime) -> Alert:
    """Open -> acknowledged (by whom, when)."""
    if alert.status != "open":
        raise TransitionError(
            f"alert '{alert.id}': is {alert.status}; only an open alert can be acknowledged"
        )
    return replace(alert, status="acknowledged", acknowledged_by=by, acknowledged_at=at)


def resolve(alert: Alert, *, by: str, at: dt.datetime) -> Alert:
    """Open or acknowledged -> resolved (by whom, when)."""
    if alert.status == "resolved":
        raise TransitionError(f"alert '{alert.id}': is already resolved")
    return replace(alert, status="resolved", resolved_by=by, resolved_at=at)


@cache
def alert_rules() -> dict[str, AlertRule]:
    """Every rule of the table by code."""
    reserved = {"code", "severity", "message", "source", "auto_resolve"}
    rules: dict[str, AlertRule] = {}
    for row in load_table("alerts")["rule"]:
        params = {k: v for k, v in row.items() if k not in reserved}
        rules[row["code"]] = AlertRule(
            row["code"], row["severity"], row["message"], row["source"], row["auto_resolve"], params
        )
    missing = set(rules) ^ set(_RULES)
    if missing:
        raise RuntimeError(f"alert rules without both a table row and a function: {missing}")
    return rules


def alert_rule(code: str) -> AlertRule:
    return alert_rules()[code]


def _finding(rule: AlertRule, key: str, date: dt.date, **fields: Any) -> Finding:
    message = rule.message.format(date=date.isoformat(), **fields)
    return Finding(rule.code, rule.severity, message, rule.source, f"{rule.code}:{key}", date)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _recent(day: dt.date, today: dt.date) -> bool:
    window = int(load_table("alerts")["windows"]["recent_days"])
    return today - dt.timedelta(days=window) <= day <= today


# --- the rules: (history, today, rule) -> findings --------------------------------------------

RuleFn = Callable[[PatientHistory, dt.date, AlertRule], list[Finding]]


def _monitoring_overdue(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    found = []
    for item in monitoring_due(h, today):
        if item.overdue:
            grace = next(i.grace_days for i in schedule_for(item.therapy) if i.key == item.key)
            found.append(
                _finding(
                    rule,
                    f"{item.therapy}:{item.key}:{item.due.isoformat()}",
                    item.due,
                    display=item.display,
                    therapy=item.therapy,
                    due=item.due.isoformat(),
                    grace=grace,
                )
            )
    return found


def _lab_below(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    values = [o for o in h.observations_of(str(rule.params["loinc"])) if o.effective <= today]
    if not values:
        return []
    latest = values[-1]
    threshold = float(rule.params["below"])
    if latest.value >= threshold:
        return []
    return [
        _finding(
            rule, latest.id, latest.effective, value=_fmt(latest.value), threshold=_fmt(threshold)
        )
    ]


def _egfr_decline(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    values = [o for o in h.observations_of("98979-8") if o.effective <= today]
    therapies = active_therapies(h, today)
    if not values or not therapies:
        return []
    current = max(therapies, key=lambda t: t.start)
    before = [o for o in values if o.effective < current.start]
    after = [o for o in values if o.effective >= current.start]
    if not before or not after:
        return []
    baseline, latest = before[-1], after[-1]
    fraction = float(rule.params["fraction"])
    if latest.value > baseline.value * (1 - fraction):
        return []
    drop = 100 * (1 - latest.value / baseline.value)
    return [
        _finding(
            rule,
            latest.id,
            latest.effective,
            value=_fmt(latest.value),
            drop=drop,
            baseline=_fmt(baseline.value),
            baseline_date=baseline.effective.isoformat(),
            therapy=current.therapy,
        )
    ]


def _upcr_doubled(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    values = [o for o in h.observations_of("2890-2") if o.effective <= today]
    if len(values) < 2:
        return []
    latest = values[-1]
    since = latest.effective - dt.timedelta(days=int(rule.params["lookback_days"]))
    earlier = [o for o in values[:-1] if since <= o.effective]
    if not earlier:
        return []
    lowest = min(earlier, key=lambda o: o.value)
    if lowest.value <= 0 or latest.value < 2 * lowest.value:
        return []
    return [
        _finding(
            rule,
            latest.id,
            latest.effective,
            value=_fmt(latest.value),
            lowest=_fmt(lowest.value),
            lowest_date=lowest.effective.isoformat(),
        )
    ]


def _upcr_above(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    values = [o for o in h.observations_of("2890-2") if o.effective <= today]
    if len(values) < 2:
        return []
    previous, latest = values[-2], values[-1]
    threshold = float(rule.params["threshold"])
    if not (previous.value < threshold < latest.value):
        return []
    return [
        _finding(
            rule,
            latest.id,
            latest.effective,
            value=_fmt(latest.value),
            previous=_fmt(previous.value),
            previous_date=previous.effective.isoformat(),
            threshold=_fmt(threshold),
        )
    ]


def _flare_sledai(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    scored = [
        (a, s)
        for a in h.assessments_of(SLEDAI_2K)
        if a.date <= today and (s := assessment_score(a)) is not None
    ]
    if len(scored) < 2:
        return []
    (prev, prev_score), (last, score) = scored[-2], scored[-1]
    if score - prev_score <= float(rule.params["rise_above"]):
        return []
    return [
        _finding(
            rule,
            last.id,
            last.date,
            previous=_fmt(prev_score),
            previous_date=prev.date.isoformat(),
            score=_fmt(score),
        )
    ]


def _flare_severe(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    flares = [a for a in h.assessments_of(SFI) if a.date <= today]
    if not flares or not is_severe_flare(flares[-1]):
        return []
    return [_finding(rule, flares[-1].id, flares[-1].date)]


def _infection_fever(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    limit = float(rule.params["fever_celsius"])
    found = []
    for o in h.observations_of("8310-5"):
        if _recent(o.effective, today) and o.value >= limit:
            found.append(_finding(rule, o.id, o.effective, detail=f"{_fmt(o.value)} Cel measured"))
    for s in h.symptoms:
        if s.symptom == "fever" and _recent(s.reported_on, today):
            found.append(_finding(rule, s.id, s.reported_on, detail="reported by the patient"))
    return found


def _infection_symptoms(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    names = set(rule.params["symptoms"])
    return [
        _finding(rule, s.id, s.reported_on, detail=s.symptom)
        for s in h.symptoms
        if s.symptom in names and _recent(s.reported_on, today)
    ]


def _infection_event(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    return [
        _finding(rule, e.id, e.onset, term=e.term, grade=e.grade)
        for e in h.adverse_events
        if e.category == "infection" and e.resolved is None and e.onset <= today
    ]


def _herpes_zoster(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    if not any(t.therapy == "anifrolumab" for t in active_therapies(h, today)):
        return []
    found = [
        _finding(rule, e.id, e.onset, detail=e.term)
        for e in h.adverse_events
        if "zoster" in e.term.lower() or "shingles" in e.term.lower()
    ]
    found += [
        _finding(rule, s.id, s.reported_on, detail="blistering rash reported")
        for s in h.symptoms
        if s.symptom == "blistering-rash" and _recent(s.reported_on, today)
    ]
    return found


def _graded_event(category: str) -> RuleFn:
    def rule_fn(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
        least = int(rule.params["min_grade"])
        return [
            _finding(rule, e.id, e.onset, grade=e.grade, term=e.term)
            for e in h.adverse_events
            if e.category in category.split(",") and e.grade >= least and e.onset <= today
        ]

    return rule_fn


def _infusion_reaction(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    least = int(rule.params["min_grade"])
    return [
        _finding(
            rule,
            d.id,
            d.given_on or d.scheduled_on,
            grade=d.reaction_grade,
            drug=d.drug,
            detail=d.reaction or "no description",
        )
        for d in h.administrations
        if d.reaction_grade is not None and d.reaction_grade >= least
    ]


def _dose_missed(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    return [
        _finding(rule, d.id, d.scheduled_on, drug=d.drug)
        for d in h.administrations
        if is_missed(d, today)
    ]


def _dose_late(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    found = []
    for d in h.administrations:
        late = days_late(d)
        tolerance = tolerance_days(d.interval_days)
        if late is not None and late > tolerance:
            found.append(
                _finding(rule, d.id, d.scheduled_on, drug=d.drug, days=late, tolerance=tolerance)
            )
    return found


def _adherence_low(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    result = adherence(h.administrations, today)
    threshold = float(load_table("alerts")["adherence"]["low_threshold"])
    if result.fraction is None or result.fraction >= threshold:
        return []
    return [
        _finding(
            rule,
            "current",
            today,
            percent=100 * result.fraction,
            given=result.given_on_time,
            due=result.due,
            threshold=100 * threshold,
        )
    ]


def _followup_overdue(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    return [
        _finding(rule, a.id, a.start.date(), kind=a.kind, place=a.place, status=a.status)
        for a in h.appointments
        if a.kind in ("visit", "follow-up", "car-t-monitoring")
        and (a.status == "noshow" or (a.status == "booked" and a.end.date() < today))
    ]


def _symptom_review(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    return [
        _finding(rule, s.id, s.reported_on, symptom=s.symptom, severity=s.severity)
        for s in h.symptoms
        if not s.reviewed
    ]


def _phq9_item9(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    return [
        _finding(rule, q.id, q.date, answer=q.answers[8])
        for q in h.questionnaires
        if q.questionnaire == "phq-9" and q.answers[8] > 0
    ]


def _belimumab_no_improvement(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    plans = [t for t in active_therapies(h, today) if t.therapy == "belimumab"]
    if not plans:
        return []
    start = min(t.start for t in plans)
    days = (today - start).days
    if days < int(rule.params["after_days"]):
        return []
    scored = [(a, s) for a in h.assessments_of(SLEDAI_2K) if (s := assessment_score(a)) is not None]
    baseline = [(a, s) for a, s in scored if a.date <= start]
    latest = [(a, s) for a, s in scored if a.date > start and a.date <= today]
    if not baseline or not latest:
        return []
    (base, base_score), (last, score) = baseline[-1], latest[-1]
    if base_score - score >= float(rule.params["min_improvement"]):
        return []
    return [
        _finding(
            rule,
            last.id,
            last.date,
            days=days,
            baseline=_fmt(base_score),
            baseline_date=base.date.isoformat(),
            score=_fmt(score),
        )
    ]


def _hcq_dose(h: PatientHistory, today: dt.date, rule: AlertRule) -> list[Finding]:
    weights = [o for o in h.observations_of("29463-7") if o.effective <= today]
    if not weights:
        return []
    weight = weights[-1]
    limit = float(rule.params["max_mg_per_kg"])
    found = []
    for med in h.medications:
        if med.drug != "hydroxychloroquine" or not med.active_on(today) or not med.dose_mg_per_day:
            continue
        per_kg = med.dose_mg_per_day / weight.value
        if per_kg > limit:
            found.append(
                _finding(
                    rule,
                    f"{med.id}:{weight.id}",
                    weight.effective,
                    dose=_fmt(med.dose_mg_per_day),
                    per_kg=per_kg,
                    weight=_fmt(weight.value),
                    weight_date=weight.effective.isoformat(),
                    limit=_fmt(limit),
                )
            )
    return found


_RULES: dict[str, RuleFn] = {
    "monitoring.overdue": _monitoring_overdue,
    "lab.neutrophils.low": _lab_below,
    "lab.platelets.low": _lab_below,
    "lab.lymphocytes.low": _lab_below,
    "lab.hemoglobin.low": _lab_below,
    "lab.igg.low": _lab_below,
    "lab.egfr.decline": _egfr_decline,
    "lab.upcr.doubled": _upcr_doubled,
    "lab.upcr.above_threshold": _upcr_above,
    "flare.sledai": _flare_sledai,
    "flare.severe": _flare_severe,
    "infection.fever": _infection_fever,
    "infection.symptoms": _infection_symptoms,
    "infection.event": _infection_event,
    "infection.herpes_zoster": _herpes_zoster,
    "car_t.crs": _graded_event("crs"),
    "car_t.icans": _graded_event("icans"),
    "adverse_event.severe": _graded_event("ctcae,infusion-reaction"),
    "dose.infusion_reaction": _infusion_reaction,
    "dose.missed": _dose_missed,
    "dose.late": _dose_late,
    "adherence.low": _adherence_low,
    "followup.overdue": _followup_overdue,
    "symptom.review": _symptom_review,
    "phq9.item9": _phq9_item9,
    "belimumab.no_improvement": _belimumab_no_improvement,
    "hydroxychloroquine.dose": _hcq_dose,
}


def evaluate(history: PatientHistory, today: dt.date) -> tuple[Finding, ...]:
    """Run every rule; findings in rule-table order, each with a unique key."""
    found: dict[str, Finding] = {}
    for code, rule in alert_rules().items():
        for finding in _RULES[code](history, today, rule):
            found.setdefault(finding.key, finding)
    return tuple(found.values())
