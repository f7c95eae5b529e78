"""Treatment plans from ``lupus.therapy``: a plan request becomes a stored plan document and
its dated doses become scheduled administrations (what adherence and missed-dose alerts
compare against). Doses come only from the therapy layer's label rules; nothing is invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from lupus.care.codes import drugs
from lupus.care.records import Administration, PlanVersion, freeze, thaw
from lupus.therapy import TreatmentPlan, make_plan, read_plan_request

__all__ = ["DEFAULT_INTERVAL_DAYS", "plan_from_request", "scheduled_doses"]

# Interval used for the adherence window of a single dose (a CAR T infusion): the +/- 7-day
# window of a 4-weekly infusion (product choice, data/alerts.toml [adherence]).
DEFAULT_INTERVAL_DAYS = 28


def plan_from_request(
    request: Mapping[str, Any],
    *,
    plan_id: str,
    patient_id: str,
    author: str,
    reason: str,
    at: dt.datetime,
) -> tuple[PlanVersion, TreatmentPlan]:
    """Make the plan with ``lupus.therapy.make_plan`` and wrap it as version 1."""
    plan = make_plan(read_plan_request(thaw(request)))
    version = PlanVersion(
        plan_id=plan_id,
        version=1,
        patient_id=patient_id,
        therapy=plan.request.therapy,
        start=plan.request.start_date,
        status="active",
        change="create",
        reason=reason,
        author=author,
        recorded_at=at,
        document=freeze(plan.to_json()),
    )
    return version, plan


def scheduled_doses(
    plan: TreatmentPlan, *, plan_id: str, patient_id: str, new_id: Callable[[], str]
) -> list[Administration]:
    """One scheduled administration per dose of the plan (drugs the care layer codes)."""
    by_drug: dict[str, list[Any]] = {}
    for a in plan.administrations:
        if a.drug in drugs():
            by_drug.setdefault(a.drug, []).append(a)
    out: list[Administration] = []
    for drug_key, doses in by_drug.items():
        dates = [d.date for d in doses]
        gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
        for i, dose in enumerate(doses):
            interval = gaps[i] if i < len(gaps) else (gaps[-1] if gaps else DEFAULT_INTERVAL_DAYS)
            out.append(
                Administration(
                    id=new_id(),
                    patient_id=patient_id,
                    plan_id=plan_id,
                    drug=drug_key,
                    scheduled_on=dose.date,
                    status="scheduled",
                    interval_days=max(1, interval),
                    dose=f"{dose.dose.value:g} {dose.dose.unit} {dose.route.upper()}",
                    self_administered=dose.route == "sc",
                )
            )
    return sorted(out, key=lambda d: (d.scheduled_on, d.drug))
