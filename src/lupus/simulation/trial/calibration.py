"""The committed calibration: population-level values fitted by ``calibration/fit_trials.py``.

``data/calibrated.toml`` holds two tables written by the fit: ``[parameters]`` (typical values of
the simulator's assumed parameters, applied with :meth:`ModelParameters.replace`) and
``[observation]`` (the ``[calibrated]`` entries of the observation model). No per-trial values
exist: every protocol runs on the same model.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from lupus.simulation import ModelParameters, default_parameters

__all__ = ["calibrated_parameters", "calibration_table"]


@cache
def calibration_table() -> dict[str, Any]:
    """The committed calibration (empty tables when none has been committed)."""
    path = resources.files("lupus.simulation.trial").joinpath("data", "calibrated.toml")
    if not path.is_file():
        return {"parameters": {}, "observation": {}}
    table = tomllib.loads(path.read_text("utf-8"))
    table.setdefault("parameters", {})
    table.setdefault("observation", {})
    return table


def calibrated_parameters(extra: dict[str, float] | None = None) -> ModelParameters:
    """The simulator's parameter table with the calibrated values (and ``extra``) applied."""
    values = dict(calibration_table()["parameters"]) | dict(extra or {})
    return default_parameters().replace(values) if values else default_parameters()
