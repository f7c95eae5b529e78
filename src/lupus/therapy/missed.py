"""Re-plan after a missed dose, following each label's missed-dose rule.

``replan_missed_dose(plan, DATE)`` means: the scheduled dose before ``DATE`` was not given and
is given on ``DATE``; earlier doses stay.

* Belimumab SC (US PI §2, S15d/S15g [V]): the catch-up on ``DATE``, then the usual weekday
  grid; never two doses on the same day (a regular dose falling on ``DATE`` *is* the
  catch-up). Dose amounts keep their order (a missed 400 mg loading dose stays a 400 mg dose).
* Anifrolumab (US PI §2 / EU SmPC §4.2 [V]): the catch-up on ``DATE``; the next dose on its
  original date if that is at least 14 days later, otherwise 14 days after the catch-up; then
  the original 28-day grid.
* Belimumab IV and CD19 CAR T: the label (protocol) has no rule, so
  :class:`NoLabelRuleError` is raised rather than inventing one.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt

from lupus.therapy._data import load_table
from lupus.therapy.errors import NoLabelRuleError, PlanInputError
from lupus.therapy.plan import TreatmentPlan, make_plan
from lupus.therapy.request import PlanRequest
from lupus.therapy.schedule import Administration

__all__ = ["replan_missed_dose"]


def _moved(
    request: PlanRequest, a: Administration, date: _dt.date, **changes: object
) -> Administration:
    day = (date - request.start_date).days
    return dataclasses.replace(a, date=date, day=day, **changes)  # type: ignore[arg-type]


def replan_missed_dose(plan: TreatmentPlan | PlanRequest, missed: _dt.date) -> TreatmentPlan:
    """A new plan in which the dose scheduled before ``missed`` is given on ``missed``.

    Raises :class:`NoLabelRuleError` for belimumab IV and CD19 CAR T (no label rule) and
    :class:`PlanInputError` when ``missed`` has no scheduled dose before it or lies outside
    the plan.
    """
    if isinstance(plan, PlanRequest):
        plan = make_plan(plan)
    request = plan.request
    given = f"field 'missed': got \"{missed.isoformat()}\"; "
    allowed = "allowed: a belimumab subcutaneous or anifrolumab plan"
    if request.therapy == "cd19-car-t":
        raise NoLabelRuleError(
            given + "the CD19 CAR T protocol is a single infusion and has no missed-dose rule "
            "(re-plan with a new start_date instead); " + allowed
        )
    if request.therapy == "belimumab" and request.route == "iv":
        raise NoLabelRuleError(
            given + "the belimumab label gives no rule for a missed intravenous dose, so none "
            "is invented (discuss the timing with the prescriber); " + allowed
        )
    administrations = plan.schedule.administrations
    end = plan.schedule.window_end
    if not administrations:
        raise PlanInputError("missed", missed.isoformat(), "a plan with scheduled doses")
    first = administrations[0].date
    if not first < missed < end:
        raise PlanInputError(
            "missed",
            missed.isoformat(),
            f"a date after the first dose ({first.isoformat()}) and before the plan ends "
            f"({end.isoformat()})",
        )
    index = max(i for i, a in enumerate(administrations) if a.date < missed)
    before = administrations[:index]
    catch_up = _moved(request, administrations[index], missed, catch_up=True)
    later = administrations[index + 1 :]
    if request.therapy == "belimumab":
        dates = [a.date for a in later if a.date > missed]
        rest = [_moved(request, a, d) for a, d in zip(later, dates, strict=False)]
    else:
        rest = _anifrolumab_rest(request, later, missed)
    new = tuple(a for a in (*before, catch_up, *rest) if a.date < end)
    schedule = dataclasses.replace(plan.schedule, administrations=new)
    return dataclasses.replace(plan, schedule=schedule, missed=(*plan.missed, missed))


def _anifrolumab_rest(
    request: PlanRequest, later: tuple[Administration, ...], missed: _dt.date
) -> list[Administration]:
    regimen = load_table("anifrolumab")["regimens"]["anifrolumab-iv"]
    gap = _dt.timedelta(days=int(regimen["missed_min_interval_days"]))
    interval = int(regimen["steps"][0]["interval_days"])
    # The original grid (start_date + 28 k) on or after the catch-up date.
    offset = (missed - request.start_date).days
    k = -(-offset // interval)
    grid = request.start_date + _dt.timedelta(days=k * interval)
    out: list[Administration] = []
    for i, a in enumerate(later):
        date = grid + _dt.timedelta(days=i * interval)
        if i == 0 and date - missed < gap:
            date = missed + gap
        out.append(_moved(request, a, date))
    return out
