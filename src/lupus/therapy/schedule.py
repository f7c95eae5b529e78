"""The schedule: every administration, procedure and monitoring visit inside the plan window.

The window is ``[start_date, start_date + 7 x weeks)``; for CD19 CAR T ``start_date`` is day 0
(the infusion) and the window opens on the leukapheresis day, so the negative protocol days
(leukapheresis, lymphodepletion) fall inside it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Literal

from lupus.therapy._data import load_table
from lupus.therapy.errors import PlanInputError
from lupus.therapy.regimen import DoseEvent, Regimen, dose_events, select_regimen
from lupus.therapy.request import PlanRequest
from lupus.therapy.suitability import car_t_leukapheresis_day

__all__ = [
    "SETTINGS",
    "Administration",
    "Dose",
    "MonitoringVisit",
    "Procedure",
    "Schedule",
    "Setting",
    "administration_for",
    "build_schedule",
    "plan_window",
]

Setting = Literal[
    "infusion_centre", "home_self_injection", "caregiver_or_healthcare_professional", "hospital"
]
SETTINGS: tuple[Setting, ...] = (
    "infusion_centre",
    "home_self_injection",
    "caregiver_or_healthcare_professional",
    "hospital",
)


def _days(delta: int) -> _dt.timedelta:
    return _dt.timedelta(days=delta)


@dataclass(frozen=True, slots=True)
class Dose:
    """An amount with its unit (``"mg"`` or ``"cells"``) and how it was obtained."""

    value: float
    unit: Literal["mg", "cells"]
    basis: str

    def __post_init__(self) -> None:
        if not self.value > 0:
            raise PlanInputError("dose.value", self.value, "a number above 0")
        if self.unit not in ("mg", "cells"):
            raise PlanInputError("dose.unit", self.unit, '"mg" or "cells"')

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "basis": self.basis}


@dataclass(frozen=True, slots=True)
class Administration:
    """One dose on one date, with where and how it is given and what the patient should know.

    ``observation_minutes`` is set only where the label gives a number of minutes; otherwise it
    is ``None`` and ``observation`` carries the label's words (or ``None`` when it says nothing).
    ``dose_number`` counts the doses of ``drug`` from 1; ``catch_up`` marks a missed dose given
    late.
    """

    date: _dt.date
    day: int
    drug: str
    dose: Dose
    route: Literal["iv", "sc"]
    infusion_minutes: int | None
    setting: Setting
    observation_minutes: int | None
    observation: str | None
    premedication: tuple[str, ...]
    preparation: tuple[str, ...]
    instructions: tuple[str, ...]
    dose_number: int
    catch_up: bool = False

    def __post_init__(self) -> None:
        if self.setting not in SETTINGS:
            raise PlanInputError("administration.setting", self.setting, ", ".join(SETTINGS))
        if self.dose_number < 1:
            raise PlanInputError("administration.dose_number", self.dose_number, "at least 1")

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "day": self.day,
            "drug": self.drug,
            "dose": self.dose.to_json(),
            "route": self.route,
            "infusion_minutes": self.infusion_minutes,
            "setting": self.setting,
            "observation_minutes": self.observation_minutes,
            "observation": self.observation,
            "premedication": list(self.premedication),
            "preparation": list(self.preparation),
            "instructions": list(self.instructions),
            "dose_number": self.dose_number,
            "catch_up": self.catch_up,
        }


@dataclass(frozen=True, slots=True)
class Procedure:
    """A protocol step that is not a dose (leukapheresis, product manufacturing)."""

    date: _dt.date
    day: int
    name: str
    setting: Setting
    note: str
    end_date: _dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "day": self.day,
            "name": self.name,
            "setting": self.setting,
            "note": self.note,
            "end_date": self.end_date.isoformat() if self.end_date else None,
        }


@dataclass(frozen=True, slots=True)
class MonitoringVisit:
    """Assessments and labs due on one date."""

    date: _dt.date
    day: int
    tests: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "day": self.day, "tests": list(self.tests)}


@dataclass(frozen=True, slots=True)
class Schedule:
    """Everything dated in a plan, sorted by date, all inside ``[window_start, window_end)``."""

    window_start: _dt.date
    window_end: _dt.date
    regimen_id: str | None
    administrations: tuple[Administration, ...]
    procedures: tuple[Procedure, ...]
    monitoring: tuple[MonitoringVisit, ...]


def plan_window(request: PlanRequest) -> tuple[_dt.date, _dt.date]:
    """``(first day, first day after)`` of the plan; for CAR T it opens on leukapheresis."""
    start = request.start_date
    if request.therapy == "cd19-car-t":
        start = request.start_date + _days(car_t_leukapheresis_day(request))
    return start, request.end_date


def _by_jurisdiction(entry: dict[str, Any], key: str, jurisdiction: str) -> Any:
    value = entry.get(key)
    if isinstance(value, dict):
        return value.get(jurisdiction)
    return value


def administration_for(
    request: PlanRequest, event: DoseEvent, dose_number: int, *, catch_up: bool = False
) -> Administration:
    """Turn one dose event into an administration with the label's details for ``request``."""
    date = request.start_date + _days(event.day)
    dose = Dose(value=event.amount, unit=event.unit, basis=event.basis)
    j = request.jurisdiction
    common: dict[str, Any] = {
        "date": date,
        "day": event.day,
        "drug": event.drug,
        "dose": dose,
        "route": event.route,
        "infusion_minutes": event.infusion_minutes,
        "observation_minutes": None,  # no encoded label gives a number of minutes
        "dose_number": dose_number,
        "catch_up": catch_up,
    }
    note = [f"Dose: {event.note}."] if event.note else []
    if request.therapy == "belimumab" and event.route == "iv":
        entry = load_table("belimumab")["administration"]["iv"]
        observation = _by_jurisdiction(entry, "observation", j)
        first_doses = entry.get("observation_first_doses", {}).get(j)
        if first_doses is not None and dose_number > first_doses:
            observation = None
        return Administration(
            setting=entry["setting"],
            observation=observation,
            premedication=tuple(_by_jurisdiction(entry, "premedication", j)),
            preparation=tuple(entry["preparation"]),
            instructions=tuple(entry["instructions"]),
            **common,
        )
    if request.therapy == "belimumab":
        table = load_table("belimumab")
        entry = table["administration"]["sc"]
        age = request.age_years
        child = age < table["indication"]["adult_age_years"]
        caregiver = age < table["sc_child_sle"]["caregiver_below_age_years"]
        preparation = list(entry["preparation"]) + (entry["preparation_child"] if child else [])
        return Administration(
            setting=entry["setting_below_caregiver_age"] if caregiver else entry["setting"],
            observation=None,
            premedication=(),
            preparation=tuple(note + preparation),
            instructions=tuple(entry["instructions"]),
            **common,
        )
    if request.therapy == "anifrolumab":
        entry = load_table("anifrolumab")["administration"]["iv"]
        return Administration(
            setting=entry["setting"],
            observation=_by_jurisdiction(entry, "observation", j),
            premedication=tuple(_by_jurisdiction(entry, "premedication", j)),
            preparation=tuple(
                entry["preparation_common"] + _by_jurisdiction(entry, "preparation", j)
            ),
            instructions=tuple(entry["instructions"]),
            **common,
        )
    entry = load_table("cd19_car_t")["administration"]
    drug_entry = entry[event.drug]
    car_t = event.drug == "cd19-car-t"
    return Administration(
        setting=drug_entry["setting"],
        observation=drug_entry.get("observation"),
        premedication=(),
        preparation=tuple(drug_entry["preparation"]),
        instructions=tuple(
            entry["car_t_instructions"] if car_t else entry["lymphodepletion_instructions"]
        ),
        **common,
    )


def _administrations(request: PlanRequest, regimen: Regimen) -> tuple[Administration, ...]:
    window_start, window_end = plan_window(request)
    until = (window_end - request.start_date).days
    events = dose_events(
        regimen,
        weight_kg=request.patient.weight_kg,
        height_cm=request.patient.height_cm,
        until_day=until,
    )
    counts: dict[str, int] = {}
    out = []
    for event in events:
        counts[event.drug] = counts.get(event.drug, 0) + 1
        out.append(administration_for(request, event, counts[event.drug]))
    return tuple(a for a in out if window_start <= a.date < window_end)


def _procedures(request: PlanRequest) -> tuple[Procedure, ...]:
    if request.therapy != "cd19-car-t":
        return ()
    day = car_t_leukapheresis_day(request)
    first_ld = int(load_table("cd19_car_t")["schedule"]["lymphodepletion_first_day"])
    start = request.start_date + _days(day)
    days = request.patient.manufacturing_days
    return (
        Procedure(
            date=start,
            day=day,
            name="leukapheresis",
            setting="hospital",
            note="Collect autologous T cells for CAR T manufacturing; confirm CD3+ count first.",
        ),
        Procedure(
            date=start,
            day=day,
            name="product manufacturing",
            setting="hospital",
            note=(
                f"Manufacturing takes {days} days (protocol input); the product should be "
                f"released before lymphodepletion starts on day {first_ld}."
            ),
            end_date=request.start_date + _days(first_ld),
        ),
    )


def _monitoring(request: PlanRequest) -> tuple[MonitoringVisit, ...]:
    window_start, window_end = plan_window(request)
    table = load_table("screening")["monitoring"]
    due: dict[int, list[str]] = {}

    def add(day: int, tests: list[str]) -> None:
        date = request.start_date + _days(day)
        if window_start <= date < window_end:
            bucket = due.setdefault(day, [])
            bucket.extend(t for t in tests if t not in bucket)

    last_day = (window_end - request.start_date).days
    if request.therapy == "cd19-car-t":
        car_t = table["car_t"]
        for day in range(-5, -2):  # lymphodepletion days (cd19_car_t.toml)
            add(day, car_t["lymphodepletion"])
        for day in range(0, car_t["daily_until_day"] + 1):
            add(day, car_t["daily"])
        for day in car_t["follow_up_days"]:
            add(day, car_t["follow_up"])
        start = max(car_t["follow_up_days"]) + car_t["monthly_interval_days"]
        for day in range(start, last_day, car_t["monthly_interval_days"]):
            add(day, car_t["monthly"])
    else:
        extra = table.get(f"{request.therapy}_extra", [])
        panel = table["core_panel"] + table["disease_activity"] + extra
        interval = (
            table["ln_interval_days"]
            if request.indication == "lupus_nephritis"
            else table["sle_interval_days"]
        )
        for day in range(0, last_day, interval):
            add(day, panel)
        if request.therapy == "belimumab" and request.jurisdiction == "eu":
            rule = load_table("belimumab")["stopping"]["no_improvement_6_months_eu"]
            add(
                int(rule["review_day"]),
                ["6-month review of disease control: consider stopping if no improvement"],
            )
    return tuple(
        MonitoringVisit(date=request.start_date + _days(d), day=d, tests=tuple(due[d]))
        for d in sorted(due)
    )


def build_schedule(request: PlanRequest) -> Schedule:
    """Administrations, procedures and monitoring visits for ``request``.

    When the encoded label gives no dose for this patient (see
    :func:`lupus.therapy.select_regimen`) there are no administrations; the suitability
    findings say why.
    """
    window_start, window_end = plan_window(request)
    regimen = select_regimen(request)
    administrations = _administrations(request, regimen) if regimen is not None else ()
    return Schedule(
        window_start=window_start,
        window_end=window_end,
        regimen_id=regimen.id if regimen is not None else None,
        administrations=administrations,
        procedures=_procedures(request),
        monitoring=_monitoring(request),
    )
