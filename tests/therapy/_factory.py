"""Build plan-request JSON for tests: a suitable adult by default, overridden per case."""

from __future__ import annotations

import copy
from typing import Any

from lupus.therapy import PlanRequest, read_plan_request

BASE_PATIENT: dict[str, Any] = {
    "birth_date": "1990-05-15",
    "sex": "female",
    "weight_kg": 70.0,
    "height_cm": 168.0,
    "autoantibody_positive": True,
    "sledai_2k": 10,
    "active_severe_cns_lupus": False,
    "active_severe_lupus_nephritis": False,
    "prior_therapies": ["prednisone", "hydroxychloroquine", "azathioprine", "mycophenolate"],
    "current_therapies": ["prednisone", "hydroxychloroquine"],
    "active_infection": False,
    "hbv": "negative",
    "hcv": "negative",
    "hiv": "negative",
    "tb": "negative",
    "anaphylaxis_to": [],
    "vaccinations": [],
    "pregnant": False,
    "cd3_per_ul": 500.0,
}

THERAPY_DEFAULTS: dict[str, dict[str, Any]] = {
    "belimumab": {"route": "iv"},
    "anifrolumab": {},
    "cd19-car-t": {},
}


def request_json(
    therapy: str = "belimumab", patient: dict[str, Any] | None = None, **top: Any
) -> dict[str, Any]:
    """A plan request as JSON: ``patient`` overrides patient keys, ``top`` top-level keys.

    A value of ``None`` in ``patient`` removes the key (to test missing fields) unless the key
    is ``cd3_per_ul``, where null is meaningful.
    """
    p = copy.deepcopy(BASE_PATIENT)
    if therapy == "cd19-car-t":
        p["manufacturing_days"] = 14
    for key, value in (patient or {}).items():
        if value is None and key != "cd3_per_ul":
            p.pop(key, None)
        else:
            p[key] = value
    data: dict[str, Any] = {
        "patient": p,
        "therapy": therapy,
        "indication": "sle",
        "start_date": "2026-01-05",
        "weeks": 52,
        **THERAPY_DEFAULTS[therapy],
    }
    for key, value in top.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def make_request(
    therapy: str = "belimumab", patient: dict[str, Any] | None = None, **top: Any
) -> PlanRequest:
    return read_plan_request(request_json(therapy, patient, **top))
