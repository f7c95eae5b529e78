"""The simulator's own minimal dose builder for the therapies of ``lupus simulate``.

Label rules live in :mod:`lupus.therapy`; this module only turns a requested regimen into dose
records and will be swapped for the therapy layer's schedules. Standard regimens:

* belimumab IV 10 mg/kg over 1 hour on days 0, 14 and 28, then every 28 days
  (BENLYSTA US prescribing information section 2.1);
* belimumab SC 200 mg once weekly (BENLYSTA US prescribing information section 2.2);
* anifrolumab 300 mg IV over 30 minutes every 4 weeks (SAPHNELO US prescribing information
  section 2.1);
* CD19 CAR T 1e6 CAR T cells/kg on day 0 after fludarabine 25 mg/m2/day on days -5 to -3 and
  cyclophosphamide 1000 mg/m2 on day -3 (Mackensen 2022, Nat Med 28:2124; the Flu/Cy doses are
  the Erlangen regimen as commonly reported, [M] in pkpd.md 3.4).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from lupus.simulation.errors import ScheduleError
from lupus.simulation.events import Schedule, compartment_index
from lupus.simulation.population import Population

__all__ = ["THERAPIES", "Regimen", "build_schedule", "parse_dose"]

THERAPIES = ("placebo", "belimumab", "anifrolumab", "cd19-car-t")

# therapy, route -> (dose unit, standard dose, standard interval days, infusion hours, label)
_STANDARD: dict[tuple[str, str], tuple[str, float, float, float, str]] = {
    ("belimumab", "iv"): ("mg/kg", 10.0, 28.0, 1.0, "BENLYSTA US PI 2.1"),
    ("belimumab", "sc"): ("mg", 200.0, 7.0, 0.0, "BENLYSTA US PI 2.2"),
    ("anifrolumab", "iv"): ("mg", 300.0, 28.0, 0.5, "SAPHNELO US PI 2.1"),
    ("cd19-car-t", "iv"): ("cells/kg", 1e6, 0.0, 0.0, "Mackensen 2022"),
    ("placebo", "iv"): ("", 0.0, 28.0, 0.0, "no drug"),
}
FLU_MG_M2_DAY = 25.0  # Mackensen 2022 / Erlangen regimen ([M], pkpd.md 3.4)
CY_MG_M2 = 1000.0  # Mackensen 2022 / Erlangen regimen ([M], pkpd.md 3.4)
BEL_IV_LOADING_DAYS = (0.0, 14.0, 28.0)  # BENLYSTA US PI 2.1

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
    def dose_value(self) -> float:
        return self.dose if self.dose is not None else _STANDARD[(self.therapy, self.route)][1]

    @property
    def interval(self) -> float:
        std = _STANDARD[(self.therapy, self.route)][2]
        return self.interval_days if self.interval_days is not None else std

    @property
    def label_source(self) -> str:
        return _STANDARD[(self.therapy, self.route)][4]


def _times(start: tuple[float, ...], interval: float, end_day: float) -> list[float]:
    times = [t for t in start if t < end_day]
    t = start[-1] + interval
    while t < end_day - 1e-9:
        times.append(t)
        t += interval
    return times


def build_schedule(regimen: Regimen, population: Population, end_day: float) -> Schedule:
    """Dose records for every patient of ``population`` with doses before ``end_day``."""
    n = population.size
    if not math.isfinite(end_day) or end_day < 0:
        raise ScheduleError("weeks", end_day / 7.0, "a number of weeks >= 0")
    weight = population.covariate("WT_KG")
    height = population.covariate("HEIGHT_CM")
    bsa = np.sqrt(weight * height / 3600.0)  # Mosteller 1987
    hours = _STANDARD[(regimen.therapy, regimen.route)][3]
    if regimen.therapy == "placebo":
        return Schedule.empty(n)
    if regimen.therapy == "belimumab" and regimen.route == "iv":
        times = _times(BEL_IV_LOADING_DAYS, regimen.interval, end_day)
        return Schedule.from_doses(
            n, "bel_central", times, regimen.dose_value * weight, duration=hours / 24.0
        )
    if regimen.therapy == "belimumab":
        times = _times((0.0,), regimen.interval, end_day)
        return Schedule.from_doses(n, "bel_depot", times, regimen.dose_value)
    if regimen.therapy == "anifrolumab":
        times = _times((0.0,), regimen.interval, end_day)
        return Schedule.from_doses(
            n, "ani_central", times, regimen.dose_value, duration=hours / 24.0
        )
    # CD19 CAR T with fludarabine/cyclophosphamide lymphodepletion
    cells = Schedule.from_doses(n, "car_effector", [0.0], regimen.dose_value * weight)
    flu = Schedule.from_doses(
        n, "fludarabine", [-5.0, -4.0, -3.0], FLU_MG_M2_DAY * bsa, duration=0.5 / 24
    )
    cy = Schedule.from_doses(n, "cyclophosphamide", [-3.0], CY_MG_M2 * bsa, duration=1.0 / 24)
    assert compartment_index("car_effector") >= 0
    return cells.merge(flu).merge(cy)
