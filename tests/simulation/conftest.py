"""Shared helpers for the simulator tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lupus.simulation import Regimen, build_schedule, simulate, typical_population

GOLDEN = Path(__file__).with_name("golden_targets.json")


def target(name: str) -> dict[str, Any]:
    for row in json.loads(GOLDEN.read_text())["targets"]:
        if row["id"] == name:
            return dict(row)
    raise KeyError(name)


@pytest.fixture(scope="session")
def typical_runs() -> dict[str, Any]:
    """Daily trajectories of the typical patient for each therapy over 400 days."""
    pop = typical_population(1)
    t = np.arange(0.0, 401.0, 1.0)
    runs = {}
    for key, reg in {
        "placebo": Regimen("placebo"),
        "bel_iv": Regimen("belimumab", "iv"),
        "bel_sc": Regimen("belimumab", "sc"),
        "ani": Regimen("anifrolumab"),
        "car": Regimen("cd19-car-t"),
    }.items():
        runs[key] = simulate(pop, build_schedule(reg, pop, 400.0), t)
    return runs
