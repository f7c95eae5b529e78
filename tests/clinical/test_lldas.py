"""LLDAS (Franklyn 2016): golden vectors, table checks, properties and bad input via the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus.clinical import get_instrument
from lupus.clinical._data import load_table
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instruments.lldas import MAJOR_ORGAN_DESCRIPTORS, UNMET_CODES, assess_lldas
from lupus.clinical.instruments.sledai2k import DESCRIPTORS, SLEDAI2K_DESCRIPTORS
from tests.conftest import CliRunnerFn, assert_usage_error

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "lldas.json").read_text("utf-8"))
CASES = GOLDEN["cases"]
KEYS = [
    "sledai_descriptors",
    "new_features",
    "hemolytic_anemia",
    "gastrointestinal_activity",
    "pga",
    "prednisone_mg_per_day",
    "standard_maintenance_tolerated",
    "investigational_drug",
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any], cli: CliRunnerFn) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    result = cli("score", "lldas", "-", input=json.dumps(case["input"]))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    for key, expected in case["expected"].items():
        assert out[key] == expected, key


def test_major_organ_systems_follow_the_sledai_systems() -> None:
    assert {"source", "version", "section"} <= set(load_table("lldas")["meta"])
    sledai_system = {"renal": "renal", "cns": "cns", "cardiopulmonary": "serosal"}
    sledai_system |= {"vasculitis": "vascular", "fever": "constitutional"}
    for system, ids in MAJOR_ORGAN_DESCRIPTORS.items():
        expected = {d.id for d in DESCRIPTORS.values() if d.system == sledai_system[system]}
        assert ids == expected, system


def test_codes_are_stable() -> None:
    assert list(UNMET_CODES) == [
        "sledai_above_4",
        "major_organ_activity",
        "hemolytic_anemia",
        "gastrointestinal_activity",
        "new_features",
        "pga_above_1",
        "prednisone_above_7_5",
        "maintenance_not_tolerated",
        "investigational_drug",
    ]


def test_python_api_validates() -> None:
    with pytest.raises(InstrumentInputError, match="pga"):
        assess_lldas([], pga=4, prednisone_mg_per_day=0)
    with pytest.raises(InstrumentInputError, match="sledai_descriptors"):
        assess_lldas(["lupus"], pga=0, prednisone_mg_per_day=0)


@given(
    st.sets(st.sampled_from(list(SLEDAI2K_DESCRIPTORS))),
    st.sampled_from(list(SLEDAI2K_DESCRIPTORS)),
    st.integers(0, 30).map(lambda x: x / 10),
    st.integers(0, 40).map(lambda x: x / 2),
)
def test_more_activity_never_creates_lldas(
    present: set[str], extra: str, pga: float, prednisone: float
) -> None:
    before = assess_lldas(present, pga=pga, prednisone_mg_per_day=prednisone)
    after = assess_lldas(present | {extra}, pga=pga, prednisone_mg_per_day=prednisone)
    assert set(before.unmet) <= set(after.unmet)
    assert before.met or not after.met
    assert before.met == (before.unmet == ())


BASE = {
    "sledai_descriptors": [],
    "new_features": False,
    "hemolytic_anemia": False,
    "gastrointestinal_activity": False,
    "pga": 0.5,
    "prednisone_mg_per_day": 5,
    "standard_maintenance_tolerated": True,
    "investigational_drug": False,
}
BAD_INPUTS = [
    pytest.param(
        {**BASE, "sledai_descriptors": ["nephritis"]},
        ["sledai_descriptors[0]", "nephritis"],
        id="unknown-id",
    ),
    pytest.param({**BASE, "pga": "low"}, ["pga", '"low"'], id="wrong-type"),
    pytest.param({**BASE, "new_features": 0}, ["new_features", "0", "true or false"], id="bool"),
    pytest.param({**BASE, "pga": 3.5}, ["pga", "3.5", "0 to 3"], id="pga-out-of-range"),
    pytest.param(
        {**BASE, "prednisone_mg_per_day": -1}, ["prednisone_mg_per_day", "-1"], id="negative"
    ),
    pytest.param({**BASE, "sledai": 4}, ["sledai", "no such key"], id="unknown-key"),
    *[
        pytest.param(
            {k: v for k, v in BASE.items() if k != key}, [key, "missing"], id=f"missing-{key}"
        )
        for key in KEYS
    ],
]


@pytest.mark.parametrize(("data", "fragments"), BAD_INPUTS)
def test_bad_input_is_a_usage_error(cli: CliRunnerFn, data: Any, fragments: list[str]) -> None:
    assert_usage_error(cli("score", "lldas", "-", input=json.dumps(data)), *fragments)


def test_example_meets_lldas() -> None:
    inst = get_instrument("lldas")
    assert inst.run(inst.example)["met"] is True
