"""Dose records for the therapies of ``lupus simulate``, from the therapy layer's regimens.

The label regimens (dose days, amounts per kg or per m2, infusion times) are read from
:mod:`lupus.therapy` (``get_regimen``), the single source of the label rules; this module only
turns one into per-patient dose records for the solver, with an optional non-label dose or
maintenance interval (for what-if and trial arms). Regimens used:

* ``belimumab-iv``: 10 mg/kg over 1 hour on days 0, 14 and 28, then every 28 days
  (BENLYSTA US prescribing information section 2.1);
* ``belimumab-sc-weekly``: 200 mg once weekly (BENLYSTA US prescribing information section 2.2);
* ``anifrolumab-iv``: 300 mg IV over 30 minutes every 4 weeks (SAPHNELO US prescribing
  information section 2.1);
* ``cd19-car-t``: 1e6 CAR T cells/kg on day 0 after fludarabine 25 mg/m2/day on days -5 to -3 and
  cyclophosphamide 1000 mg/m2 on day -3 (Mackensen 2022, Nat Med 28:2124; protocol data of
  :mod:`lupus.therapy`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np

from lupus.simulation.errors import ScheduleError
from lupus.simulation.events import Schedule, compartment_index
from lupus.simulation.population import Population
from lupus.therapy import get_regimen
from lupus.therapy.regimen import DoseStep

__all__ = ["THERAPIES", "Regimen", "build_schedule", "parse_dose"]

THERAPIES = ("placebo", "belimumab", "anifrolumab", "cd19-car-t")

# therapy, route -> (dose unit, lupus.therapy regimen id, source of the regimen)
_STANDARD: dict[tuple[str, str], tuple[str, str, str]] = {
    ("belimumab", "iv"): ("mg/kg", "belimumab-iv", "BENLYSTA US PI 2.1"),
    ("belimumab", "sc"): ("mg", "belimumab-sc-weekly", "BENLYSTA US PI 2.2"),
    ("anifrolumab", "iv"): ("mg", "anifrolumab-iv", "SAPHNELO US PI 2.1"),
    ("cd19-car-t", "iv"): ("cells/kg", "cd19-car-t", "Mackensen 2022"),
    ("placebo", "iv"): ("", "", "no drug"),
}
# drug of a regimen step -> (compartment, route) of the model
_COMPARTMENT: dict[str, str] = {
    "cd19-car-t": "car_effector",
    "fludarabine": "fludarabine",
    "cyclophosphamide": "cyclophosphamide",
}
# Infusion times of the lymphodepleting drugs, which the protocol data do not give [A]:
# fludarabine over 30 minutes and cyclophosphamide over 1 hour (usual practice).
_LYMPHODEPLETION_HOURS: dict[str, float] = {"fludarabine": 0.5, "cyclophosphamide": 1.0}

_DOSE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*(mg/kg|mg|cells/kg)\s*$")


def parse_dose(text: str) -> tuple[float, str]:
    """``"10 mg/kg"`` -> (10.0, "mg/kg"); units mg, mg/kg or cells/kg."""
    m = _DOSE.match(text)
    if not m:
        raise ScheduleError(
            "dose", text, 'a number and a unit: "10 mg/kg", "200 mg", "1e6 cells/kg"'
        )
    value = float(m.group(1))
    if not math.isfinite(value) or value <= 0:
        raise ScheduleError("dose", text, "a positive amount")
    return value, m.group(2)


@dataclass(frozen=True, slots=True)
class Regimen:
    """A therapy request; ``dose``/``interval_days`` default to the label regimen."""

    therapy: str
    route: str = "iv"
    dose: float | None = None
    dose_unit: str | None = None
    interval_days: float | None = None

    def __post_init__(self) -> None:
        if self.therapy not in THERAPIES:
            raise ScheduleError("therapy", self.therapy, ", ".join(THERAPIES))
        routes = sorted(r for (t, r) in _STANDARD if t == self.therapy)
        if self.route not in routes:
            raise ScheduleError("route", self.route, f"{' or '.join(routes)} for {self.therapy}")
        unit = _STANDARD[(self.therapy, self.route)][0]
        if self.therapy == "placebo" and self.dose is not None:
            raise ScheduleError("dose", self.dose, "no dose for placebo")
        if self.dose is not None:
            if self.dose_unit != unit:
                raise ScheduleError(
                    "dose",
                    f"{self.dose:g} {self.dose_unit}",
                    f"a dose in {unit} for {self.therapy} {self.route.upper()}",
                )
            if not math.isfinite(self.dose) or self.dose <= 0:
                raise ScheduleError("dose", self.dose, "a positive amount")
        if self.interval_days is not None:
            if self.therapy == "cd19-car-t":
                raise ScheduleError(
                    "interval-days", self.interval_days, "none for a single CAR T infusion"
                )
            if not math.isfinite(self.interval_days) or self.interval_days <= 0:
                raise ScheduleError("interval-days", self.interval_days, "a number of days > 0")

    @property
    def regimen_id(self) -> str:
        """The :mod:`lupus.therapy` regimen this request starts from."""
        return _STANDARD[(self.therapy, self.route)][1]

    @property
    def label_source(self) -> str:
        return _STANDARD[(self.therapy, self.route)][2]

    def steps(self) -> tuple[DoseStep, ...]:
        """The therapy layer's dose steps with this request's dose and maintenance interval."""
        if self.therapy == "placebo":
            return ()
        steps = get_regimen(self.regimen_id).steps
        main = [i for i, st in enumerate(steps) if st.drug == steps[-1].drug]
        out = list(steps)
        if self.dose is not None:
            for i in main:
                out[i] = replace(out[i], amount=self.dose)
        if self.interval_days is not None:
            interval = self.interval_days
            if interval != int(interval):
                raise ScheduleError("interval-days", interval, "a whole number of days > 0")
            last = out[-1]
            first = last.first_day
            if len(main) > 1:
                # loading doses kept; maintenance from one interval after the last loading dose
                load = out[main[-2]]
                assert load.count is not None
                first = load.first_day + (load.count - 1) * load.interval_days + int(interval)
            out[-1] = replace(last, first_day=first, interval_days=int(interval))
        return tuple(out)


def build_schedule(regimen: Regimen, population: Population, end_day: float) -> Schedule:
    """Dose records for every patient of ``population`` with doses before ``end_day``."""
    n = population.size
    if not math.isfinite(end_day) or end_day < 0:
        raise ScheduleError("weeks", end_day / 7.0, "a number of weeks >= 0")
    weight = population.covariate("WT_KG")
    height = population.covariate("HEIGHT_CM")
    bsa = np.sqrt(weight * height / 3600.0)  # Mosteller 1987
    schedule = Schedule.empty(n)
    if regimen.therapy == "placebo":
        return schedule
    therapy_regimen = get_regimen(regimen.regimen_id)
    until = math.ceil(end_day - 1e-9)
    for step in regimen.steps():
        times = [float(d) for d in step.days(until) if d < end_day - 1e-9]
        if not times:
            continue
        per = {"kg": weight, "m2": bsa, "dose": np.ones(n)}[step.per]
        amount = step.amount * per
        if step.drug in _COMPARTMENT:
            cmt = _COMPARTMENT[step.drug]
            hours = _LYMPHODEPLETION_HOURS.get(step.drug, 0.0)
        elif regimen.route == "sc":
            cmt, hours = "bel_depot", 0.0
        else:
            cmt = "bel_central" if step.drug == "belimumab" else "ani_central"
            hours = (therapy_regimen.infusion_minutes or 0) / 60.0
        schedule = schedule.merge(Schedule.from_doses(n, cmt, times, amount, duration=hours / 24.0))
    assert compartment_index("car_effector") >= 0
    return schedule
