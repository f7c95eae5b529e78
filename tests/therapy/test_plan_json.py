"""TreatmentPlan.to_json / from_json round trip, and strict reading of stored plans."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from lupus.therapy import (
    PlanInputError,
    TreatmentPlan,
    make_plan,
    read_plan_request,
    replan_missed_dose,
)
from tests.therapy._factory import make_request

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "plans").glob("*.json"))


def _plans() -> list[TreatmentPlan]:
    plans = [make_plan(read_plan_request(json.loads(p.read_text("utf-8")))) for p in EXAMPLES]
    sc = make_plan(make_request("belimumab", route="sc", weeks=8))
    plans.append(replan_missed_dose(sc, dt.date(2026, 1, 15)))
    plans.append(make_plan(make_request("anifrolumab", {"birth_date": "2012-01-01"})))
    return plans


@pytest.mark.parametrize("plan", _plans())
def test_round_trip(plan: TreatmentPlan) -> None:
    data = plan.to_json()
    text = json.dumps(data)
    again = TreatmentPlan.from_json(json.loads(text))
    assert again == plan
    assert again.to_json() == data


def test_output_has_the_documented_keys() -> None:
    data = make_plan(make_request("belimumab")).to_json()
    for key in ("eligible", "blockers", "cautions", "actions", "checklist"):
        assert key in data
    a = data["administrations"][0]
    for key in (
        "date",
        "drug",
        "dose",
        "route",
        "infusion_minutes",
        "setting",
        "observation_minutes",
        "premedication",
    ):
        assert key in a
    assert set(a["dose"]) >= {"value", "unit"}
    assert set(data["monitoring"][0]) >= {"date", "tests"}
    assert set(data["blockers"] and data["blockers"][0] or {"code", "message", "source"}) == {
        "code",
        "message",
        "source",
    }


def _stored() -> dict[str, Any]:
    return make_plan(make_request("belimumab", route="sc", weeks=2)).to_json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(extra=1), "extra"),
        (lambda d: d.update(eligible=False), "eligible"),
        (lambda d: d.update(therapy="anifrolumab"), "therapy"),
        (lambda d: d["administrations"][0].update(setting="garden"), "administrations[0].setting"),
        (
            lambda d: d["administrations"][0]["dose"].update(unit="g"),
            "administrations[0].dose.unit",
        ),
        (lambda d: d["checklist"][0].update(status="maybe"), "checklist[0].status"),
        (lambda d: d["monitoring"][0].update(tests="CBC"), "monitoring[0].tests"),
        (lambda d: d.update(missed=["soon"]), "missed[0]"),
        (lambda d: d["regimen"].update(id="nope"), "regimen"),
        (lambda d: d["request"].pop("weeks"), "weeks"),
    ],
)
def test_from_json_rejects_bad_stored_plans(change: Any, field: str) -> None:
    data = _stored()
    change(data)
    with pytest.raises(PlanInputError, match=re.escape(f"field '{field}")):
        TreatmentPlan.from_json(data)
