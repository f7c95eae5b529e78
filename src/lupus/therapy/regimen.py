"""Dosing regimens read from the label and protocol tables, and the dose events they give.

A :class:`Regimen` is the label's dosing rule as data (runs of doses, see :class:`DoseStep`);
:func:`dose_events` turns it into concrete ``(day, amount, unit, route, infusion_minutes)``
events for one body size, which is what the simulator and virtual trials consume.
:func:`select_regimen` picks the regimen a plan request falls under (or ``None`` when the
encoded label gives no dose for this patient; :func:`lupus.therapy.assess_suitability` then
says why).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any, Literal, cast

from lupus.therapy._data import load_table, section_source
from lupus.therapy.bsa import body_surface_area_mosteller
from lupus.therapy.errors import PlanInputError, TherapyDataError
from lupus.therapy.request import PlanRequest

__all__ = [
    "DoseEvent",
    "DoseStep",
    "Regimen",
    "dose_events",
    "get_regimen",
    "regimen_ids",
    "regimens",
    "select_regimen",
]

Per = Literal["dose", "kg", "m2"]
Unit = Literal["mg", "cells"]
_REGIMEN_TABLES = ("belimumab", "anifrolumab", "cd19_car_t")


@dataclass(frozen=True, slots=True)
class DoseStep:
    """A run of doses: ``count`` doses (``None``: until the end) from ``first_day``.

    ``amount`` is per dose, per kg of body weight or per m2 of body-surface area (``per``).
    """

    drug: str
    amount: float
    unit: Unit
    per: Per
    first_day: int
    interval_days: int
    count: int | None
    note: str | None = None

    def __post_init__(self) -> None:
        if not self.amount > 0:
            raise TherapyDataError(f"dose step amount must be > 0; got {self.amount}")
        if self.count is None and self.interval_days <= 0:
            raise TherapyDataError("an open-ended dose step needs interval_days > 0")
        if self.count is not None and (
            self.count < 1 or (self.count > 1 and self.interval_days < 1)
        ):
            raise TherapyDataError(f"bad count/interval: {self.count}/{self.interval_days}")

    @property
    def dose_label(self) -> str:
        """``"10 mg/kg"``, ``"200 mg"``, ``"25 mg/m2"``, ``"1e+06 cells/kg"``."""
        amount = f"{self.amount:g}"
        return f"{amount} {self.unit}" if self.per == "dose" else f"{amount} {self.unit}/{self.per}"

    def days(self, until_day: int) -> list[int]:
        """The dose days of this step before ``until_day`` (exclusive)."""
        out: list[int] = []
        n = 0
        while self.count is None or n < self.count:
            day = self.first_day + n * self.interval_days
            if day >= until_day:
                break
            out.append(day)
            n += 1
        return out


@dataclass(frozen=True, slots=True)
class Regimen:
    """A label (or protocol) dosing rule: its steps, route and the shortest allowed interval."""

    id: str
    title: str
    drug: str
    route: Literal["iv", "sc"]
    steps: tuple[DoseStep, ...]
    infusion_minutes: int | None
    min_interval_days: int
    sources: Mapping[str, str]  # jurisdiction ("us", "eu" or "protocol") -> citation

    def source(self, jurisdiction: str) -> str:
        """The citation under ``jurisdiction`` (a protocol citation applies everywhere)."""
        if "protocol" in self.sources:
            return self.sources["protocol"]
        if jurisdiction in self.sources:
            return self.sources[jurisdiction]
        return "; ".join(self.sources.values())


@dataclass(frozen=True, slots=True)
class DoseEvent:
    """One dose: day relative to the regimen start (day 0), amount in ``unit`` (mg or cells)."""

    day: int
    drug: str
    amount: float
    unit: Unit
    route: Literal["iv", "sc"]
    infusion_minutes: int | None
    basis: str  # how the amount was obtained, e.g. "10 mg/kg x 70 kg"
    note: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.day, bool) or not isinstance(self.day, int):
            raise PlanInputError("dose_event.day", self.day, "an integer day")
        amount = self.amount
        if (
            isinstance(amount, bool)
            or not isinstance(amount, int | float)
            or not (math.isfinite(amount) and amount > 0)
        ):
            raise PlanInputError("dose_event.amount", amount, "a number above 0")
        if self.unit not in ("mg", "cells"):
            raise PlanInputError("dose_event.unit", self.unit, '"mg" or "cells"')
        if self.route not in ("iv", "sc"):
            raise PlanInputError("dose_event.route", self.route, '"iv" or "sc"')


def _regimen(table: dict[str, Any], rid: str, entry: dict[str, Any]) -> Regimen:
    sources = {}
    for jurisdiction in ("us", "eu", "protocol"):
        if jurisdiction in entry.get("section", {}):
            citation = section_source(table, entry, jurisdiction)
            if citation is not None:
                sources[jurisdiction] = citation
    steps = tuple(
        DoseStep(
            drug=str(step.get("drug", entry["drug"])),
            amount=float(step["amount"]),
            unit=cast(Unit, step["unit"]),
            per=cast(Per, step["per"]),
            first_day=int(step["first_day"]),
            interval_days=int(step["interval_days"]),
            count=int(step["count"]) if "count" in step else None,
            note=step.get("note"),
        )
        for step in entry["steps"]
    )
    return Regimen(
        id=rid,
        title=str(entry["title"]),
        drug=str(entry["drug"]),
        route=cast(Literal["iv", "sc"], entry["route"]),
        steps=steps,
        infusion_minutes=entry.get("infusion_minutes"),
        min_interval_days=int(entry["min_interval_days"]),
        sources=MappingProxyType(sources),
    )


@cache
def regimens() -> Mapping[str, Regimen]:
    """Every encoded regimen by id (belimumab, anifrolumab, CD19 CAR T)."""
    found: dict[str, Regimen] = {}
    for name in _REGIMEN_TABLES:
        table = load_table(name)
        for rid, entry in table["regimens"].items():
            found[rid] = _regimen(table, rid, entry)
    return MappingProxyType(dict(sorted(found.items())))


def regimen_ids() -> tuple[str, ...]:
    """The ids of every encoded regimen, sorted."""
    return tuple(regimens())


def get_regimen(regimen_id: str) -> Regimen:
    """The regimen called ``regimen_id``; :class:`PlanInputError` if unknown."""
    try:
        return regimens()[regimen_id]
    except KeyError:
        raise PlanInputError("regimen", regimen_id, "one of: " + ", ".join(regimen_ids())) from None


def dose_events(
    regimen: Regimen,
    *,
    weight_kg: float | None = None,
    height_cm: float | None = None,
    until_day: int,
) -> tuple[DoseEvent, ...]:
    """The doses of ``regimen`` on days before ``until_day``, sorted by day.

    ``weight_kg`` is needed for per-kg doses, ``height_cm`` and ``weight_kg`` for per-m2 doses
    (body-surface area by Mosteller). Amounts are not rounded: rounding to vials is a pharmacy
    step that the labels leave to local practice.
    """
    if isinstance(until_day, bool) or not isinstance(until_day, int):
        raise PlanInputError("until_day", until_day, "an integer day (exclusive)")
    for field, value in (("weight_kg", weight_kg), ("height_cm", height_cm)):
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (math.isfinite(value) and value > 0)
        ):
            raise PlanInputError(field, value, "a number above 0, or None")
    events: list[DoseEvent] = []
    for step in regimen.steps:
        amount, basis = _amount(step, weight_kg, height_cm)
        for day in step.days(until_day):
            infusion = regimen.infusion_minutes if step.drug == regimen.drug else None
            events.append(
                DoseEvent(
                    day=day,
                    drug=step.drug,
                    amount=amount,
                    unit=step.unit,
                    route=regimen.route,
                    infusion_minutes=infusion,
                    basis=basis,
                    note=step.note,
                )
            )
    events.sort(key=lambda e: e.day)
    return tuple(events)


def _amount(step: DoseStep, weight_kg: float | None, height_cm: float | None) -> tuple[float, str]:
    if step.per == "dose":
        return step.amount, f"{step.dose_label} per dose"
    if weight_kg is None:
        raise PlanInputError(
            "weight_kg", None, f"a weight in kg for {step.dose_label}", missing=True
        )
    if step.per == "kg":
        return step.amount * weight_kg, f"{step.dose_label} x {weight_kg:g} kg"
    if height_cm is None:
        raise PlanInputError(
            "height_cm", None, f"a height in cm for {step.dose_label}", missing=True
        )
    bsa = body_surface_area_mosteller(height_cm, weight_kg)
    return step.amount * bsa, f"{step.dose_label} x {bsa:.4f} m2 (Mosteller)"


def select_regimen(request: PlanRequest) -> Regimen | None:
    """The regimen the request falls under, or ``None`` when the label gives no dose for it.

    ``None`` cases (each has a blocker in the suitability findings): belimumab under 5 years;
    belimumab SC in children weighing under 15 kg, in children with lupus nephritis, or in
    children under EU rules; anifrolumab under 18 years.
    """
    age = request.age_years
    patient = request.patient
    if request.therapy == "cd19-car-t":
        return get_regimen("cd19-car-t")
    if request.therapy == "anifrolumab":
        adult = load_table("anifrolumab")["indication"]["min_age_years"]
        return get_regimen("anifrolumab-iv") if age >= adult else None
    table = load_table("belimumab")
    if age < table["indication"]["min_age_years"]:
        return None
    if request.route == "iv":
        return get_regimen("belimumab-iv")
    if age >= table["indication"]["adult_age_years"]:
        if request.indication == "lupus_nephritis":
            switching = patient.last_iv_dose_date is not None
            return get_regimen("belimumab-sc-ln-after-iv" if switching else "belimumab-sc-ln")
        return get_regimen("belimumab-sc-weekly")
    if request.jurisdiction == "eu" or request.indication == "lupus_nephritis":
        return None
    bands = table["sc_child_sle"]
    if patient.weight_kg < bands["min_weight_kg"]:
        return None
    if patient.weight_kg < bands["weekly_from_kg"]:
        return get_regimen(bands["below_weekly"])
    return get_regimen(bands["from_weekly"])


def plan_day(request: PlanRequest, day: int) -> _dt.date:
    """The calendar date of regimen day ``day`` (day 0 is ``start_date``)."""
    return request.start_date + _dt.timedelta(days=day)
