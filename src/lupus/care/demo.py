"""A synthetic demo clinic: virtual patients from ``lupus.simulation`` with a year of history.

Every patient is marked synthetic. Labs (anti-dsDNA, C3, C4, IgG, UPCR, CD19 count) are the
simulator's outputs at each visit; SLEDAI-2K is scored by the ``sledai-2k`` instrument from
those labs and from clinical descriptors mapped from the simulator's organ indices
(``data/demo.toml``: demo mappings, status "derived"); the treatment plan and its doses come
from ``lupus.therapy.make_plan``; what happened to past doses is drawn with a seeded random
generator. Same seed, same clinic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lupus.care._data import load_table
from lupus.care.plans import plan_from_request, scheduled_doses
from lupus.care.records import (
    Administration,
    Assessment,
    Observation,
    Patient,
    Phi,
    PlanVersion,
    QuestionnaireResponse,
    SymptomReport,
)
from lupus.care.scoring import assess, score_questionnaire
from lupus.simulation import Regimen, build_schedule, sample_population, simulate

__all__ = ["DemoPatient", "demo_patients"]

# simulator output -> (LOINC, unit as entered)
_LABS = (
    ("anti_dsdna", "5130-0", "[IU]/mL"),
    ("c3", "4485-9", "g/L"),
    ("c4", "4498-2", "g/L"),
    ("igg", "2465-3", "g/L"),
    ("upcr", "2890-2", "g/g"),
)
_CD19 = ("cd19_b_cells", "8116-6", "/uL")


@dataclass
class DemoPatient:
    """One synthetic patient and all their records (ready for ``Repository.add_many``)."""

    patient: Patient
    plan: PlanVersion
    records: dict[str, list[Any]] = field(default_factory=dict)


def _request(
    patient: Patient,
    group: dict[str, Any],
    weight: float,
    height: float,
    sledai: int,
    start: dt.date,
) -> dict[str, Any]:
    car_t = group["therapy"] == "cd19-car-t"
    request: dict[str, Any] = {
        "patient": {
            "birth_date": patient.birth_date.isoformat(),
            "sex": patient.sex if patient.sex in ("female", "male") else "female",
            "weight_kg": round(weight, 1),
            "height_cm": round(height),
            "autoantibody_positive": True,
            "sledai_2k": sledai,
            "active_severe_cns_lupus": False,
            "active_severe_lupus_nephritis": car_t,
            "prior_therapies": ["prednisone", "hydroxychloroquine", "mycophenolate"]
            + (["cyclophosphamide", "belimumab"] if car_t else []),
            "current_therapies": ["prednisone", "hydroxychloroquine"],
            "active_infection": False,
            "hbv": "negative",
            "hcv": "negative",
            "hiv": "negative",
            "tb": "negative",
            "anaphylaxis_to": [],
            "vaccinations": [],
            "pregnant": False,
            "cd3_per_ul": 650 if car_t else None,
        },
        "therapy": group["therapy"],
        "indication": "lupus_nephritis" if car_t else "sle",
        "start_date": start.isoformat(),
        "weeks": 52,
    }
    if car_t:
        request["patient"]["creatinine_clearance_ml_min"] = 85
        request["patient"]["manufacturing_days"] = 14
    else:
        request["route"] = group["route"]
    return request


def demo_patients(
    per_group: int, *, seed: int, today: dt.date, new_id: Callable[[], str]
) -> list[DemoPatient]:
    """``per_group`` synthetic patients for each demo group (belimumab IV, belimumab SC,
    anifrolumab, CD19 CAR T), each with one year of history ending ``today``."""
    table = load_table("demo")
    limits = table["laboratory_limits"]
    out: list[DemoPatient] = []
    for g, (name, group) in enumerate(sorted(table["groups"].items())):
        rng = random.Random(seed * 1000 + g)
        pop = sample_population(per_group, seed=seed * 1000 + g)
        start_offsets = [rng.randint(330, 380) for _ in range(per_group)]
        visit_days = int(group["visit_days"])
        t_eval = np.arange(0.0, 400.0, float(visit_days))
        schedule = build_schedule(Regimen(group["therapy"], group["route"]), pop, end_day=400.0)
        traj = simulate(pop, schedule, t_eval)
        weights = pop.covariate("WT_KG")
        heights = pop.covariate("HEIGHT_CM")
        prednisone = pop.covariate("GC_MG_DAY")
        for i in range(per_group):
            if traj.status[i] != 0:
                continue
            start = today - dt.timedelta(days=start_offsets[i])
            patient = Patient(
                id=new_id(),
                family=Phi("Synthetic"),
                given=Phi(f"{name} {i + 1:02d}"),
                birth_date=dt.date(rng.randint(1960, 2003), rng.randint(1, 12), rng.randint(1, 28)),
                sex="female" if rng.random() < 0.9 else "male",
                synthetic=True,
                identifier=Phi(f"DEMO-{g}{i + 1:03d}"),
            )
            visits: list[tuple[dt.date, dict[str, float]]] = []
            for k, day in enumerate(t_eval):
                when = start + dt.timedelta(days=int(day))
                if when > today:
                    break
                values = {s: float(traj[s][i, k]) for s, _, _ in (*_LABS, _CD19)}
                for key in (
                    "organ_musculoskeletal",
                    "organ_mucocutaneous",
                    "organ_serosal",
                    "organ_activity",
                ):
                    values[key] = float(traj[key][i, k])
                visits.append((when, values))
            records: dict[str, list[Any]] = {
                "observations": [],
                "assessments": [],
                "administrations": [],
                "symptoms": [],
                "questionnaires": [],
            }
            first_sledai = 0
            previous_score = 0
            for v, (when, values) in enumerate(visits):
                labs = list(_LABS) + ([_CD19] if group["therapy"] == "cd19-car-t" else [])
                for series, code, unit in labs:
                    records["observations"].append(
                        Observation.from_json(
                            {
                                "code": code,
                                "value": round(values[series], 3),
                                "unit": unit,
                                "effective": when.isoformat(),
                            },
                            id=new_id(),
                            patient_id=patient.id,
                        )
                    )
                descriptors = [
                    d
                    for d, rule in table["clinical_descriptors"].items()
                    if values[rule["output"]] >= float(rule["at_least"])
                ]
                inputs = {
                    "descriptors": descriptors,
                    "labs": {
                        "c3_mg_dl": round(values["c3"] * 100, 1),
                        "c3_lower_limit_mg_dl": limits["c3_lower_limit_mg_dl"],
                        "c4_mg_dl": round(values["c4"] * 100, 1),
                        "c4_lower_limit_mg_dl": limits["c4_lower_limit_mg_dl"],
                        "anti_dsdna_iu_ml": round(values["anti_dsdna"], 1),
                        "anti_dsdna_upper_limit_iu_ml": limits["anti_dsdna_upper_limit_iu_ml"],
                        "proteinuria_g_24h": {
                            "value": round(values["upcr"], 3),
                            "attributable_to_sle": True,
                        },
                    },
                }
                a: Assessment = assess(
                    "sledai-2k", inputs, on=when, id=new_id(), patient_id=patient.id
                )
                records["assessments"].append(a)
                score = int(a.result.get("score", 0))
                if v == 0:
                    first_sledai = score
                counted = [str(d["id"]) for d in a.result.get("descriptors", ())]
                pga = round(min(3.0, float(table["pga"]["scale"]) * values["organ_activity"]), 1)
                state_inputs = {
                    "sledai_descriptors": counted,
                    "pga": pga,
                    "prednisone_mg_per_day": round(float(prednisone[i]), 1),
                }
                records["assessments"].append(
                    assess("doris", state_inputs, on=when, id=new_id(), patient_id=patient.id)
                )
                lldas_inputs = state_inputs | {
                    "new_features": v > 0 and score > previous_score,
                    "hemolytic_anemia": False,
                    "gastrointestinal_activity": False,
                    "standard_maintenance_tolerated": True,
                    "investigational_drug": group["therapy"] == "cd19-car-t",
                }
                records["assessments"].append(
                    assess("lldas", lldas_inputs, on=when, id=new_id(), patient_id=patient.id)
                )
                previous_score = score
                severity = max(0, min(10, round(10 * values["organ_activity"])))
                records["symptoms"].append(
                    SymptomReport(new_id(), patient.id, "fatigue", severity, when, reviewed=True)
                )
                if group["therapy"] == "belimumab":
                    answers = tuple(rng.choice((0, 0, 1)) for _ in range(8)) + (0,)
                    records["questionnaires"].append(
                        score_questionnaire(
                            QuestionnaireResponse(new_id(), patient.id, "phq-9", when, answers, {})
                        )
                    )
            request = _request(
                patient, group, float(weights[i]), float(heights[i]), first_sledai, start
            )
            plan, therapy_plan = plan_from_request(
                request,
                plan_id=new_id(),
                patient_id=patient.id,
                author="demo-seed",
                reason="demo plan (synthetic patient)",
                at=dt.datetime.now(dt.UTC),
            )
            doses = scheduled_doses(
                therapy_plan, plan_id=plan.plan_id, patient_id=patient.id, new_id=new_id
            )
            records["administrations"] = [_outcome(d, rng, today, table["doses"]) for d in doses]
            out.append(DemoPatient(patient, plan, records))
    return out


def _outcome(
    dose: Administration, rng: random.Random, today: dt.date, shares: dict[str, float]
) -> Administration:
    if dose.scheduled_on >= today - dt.timedelta(days=1):
        return dose
    draw = rng.random()
    data = dose.to_json()
    if draw < shares["on_time"]:
        data |= {"status": "given", "given_on": dose.scheduled_on.isoformat()}
    elif draw < shares["on_time"] + shares["late"]:
        late = min(dose.scheduled_on + dt.timedelta(days=rng.randint(3, 10)), today)
        data |= {"status": "delayed", "given_on": late.isoformat()}
    else:
        data |= {"status": "missed", "given_on": None}
    return Administration.from_json(data, id=dose.id, patient_id=dose.patient_id)
