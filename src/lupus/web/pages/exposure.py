"""Drug exposure for the patient timeline: a model estimate of serum concentration from the
doses actually given, for a typical patient of this weight (``lupus.simulation``).

Only doses marked given or delayed, with a date and a dose in mg (or mg/kg with a recorded
weight), are used. The route comes from the plan document (IV or SC); infusion lengths are the
simulator's label values (belimumab 1 h, anifrolumab 30 min; ``lupus.simulation.regimens``).
It is labelled as a model estimate on the page, never as a measured level.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from lupus.care import PatientHistory, current_plans
from lupus.simulation import Schedule, simulate, typical_population

__all__ = ["ExposureCurve", "exposure_curves"]

_MG = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(mg|mg/kg)\s*$")
# drug -> (series, compartment by route, infusion days by route); infusion lengths as in
# lupus.simulation.regimens (BENLYSTA US PI 2.1: 1 hour; SAPHNELO US PI 2.1: 30 minutes).
_DRUGS: dict[str, tuple[str, dict[str, str], dict[str, float]]] = {
    "belimumab": (
        "bel_conc",
        {"iv": "bel_central", "sc": "bel_depot"},
        {"iv": 1.0 / 24.0, "sc": 0.0},
    ),
    "anifrolumab": ("ani_conc", {"iv": "ani_central"}, {"iv": 0.5 / 24.0}),
}


@dataclass(frozen=True, slots=True)
class ExposureCurve:
    drug: str
    unit: str
    points: tuple[tuple[dt.date, float], ...]
    doses_used: int


def _routes(h: PatientHistory) -> dict[str, str]:
    routes = {}
    for plan in current_plans(h):
        route = plan.document.get("route")
        if isinstance(route, str):
            routes[plan.plan_id] = route
    return routes


def _amount_mg(text: str, weight: float | None) -> float | None:
    found = _MG.match(text)
    if not found:
        return None
    value = float(found.group(1))
    if found.group(2) == "mg/kg":
        return None if weight is None else value * weight
    return value


def exposure_curves(
    h: PatientHistory, start: dt.date, end: dt.date, weight_kg: float | None
) -> list[ExposureCurve]:
    """One model concentration curve per drug with usable given doses, sampled daily."""
    routes = _routes(h)
    curves = []
    for drug, (series, compartments, durations) in _DRUGS.items():
        doses = []
        for a in h.administrations:
            if a.drug != drug or a.status not in ("given", "delayed") or a.given_on is None:
                continue
            route = "sc" if a.self_administered else routes.get(a.plan_id, "iv")
            amount = _amount_mg(a.dose, weight_kg)
            if amount is None or route not in compartments:
                continue
            doses.append((a.given_on, amount, route))
        if not doses:
            continue
        first = min(d for d, _, _ in doses)
        day0 = min(first, start)
        pop = typical_population(1, covariates=None if weight_kg is None else {"WT_KG": weight_kg})
        schedule = Schedule.empty(1)
        for day, amount, route in doses:
            schedule = schedule.merge(
                Schedule.from_doses(
                    1,
                    compartments[route],
                    [float((day - day0).days)],
                    amount,
                    duration=durations[route],
                )
            )
        t = np.arange(float((first - day0).days), float((end - day0).days) + 1.0, 1.0)
        traj = simulate(pop, schedule, t)
        values = traj[series][0]
        points = tuple(
            (day0 + dt.timedelta(days=int(x)), float(v))
            for x, v in zip(t, values, strict=True)
            if np.isfinite(v) and day0 + dt.timedelta(days=int(x)) >= start
        )
        curves.append(ExposureCurve(drug, "ug/mL", points, len(doses)))
    return curves
