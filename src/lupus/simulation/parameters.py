"""The parameter table: every model parameter with its value, unit, source and status.

The table is data (``data/parameters.toml``); this module only reads it. Calibration replaces
typical values through :meth:`ModelParameters.replace` and reads them as a named vector.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from lupus.simulation.errors import ParameterError

__all__ = [
    "ModelParameters",
    "ParameterSpec",
    "default_parameters",
    "parameter_table",
]

Status = Literal["measured", "derived", "assumed"]
Transform = Literal["log", "logit", "additive"]
_STATUSES = ("measured", "derived", "assumed")
_TRANSFORMS = ("log", "logit", "additive")
# parameters that enter as a base or exponent of a power, or as a half-effect level: the model
# is undefined at 0 and below (0^0 at no immune complexes, 0/0 in the saturation terms)
_STRICTLY_POSITIVE = frozenset(
    {"organ_ic_saturation", "organ_ic_hill", "upcr_exponent", "bel_local_ec50", "organ_drive_hill"}
)


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """One row of the parameter table."""

    name: str
    value: float
    unit: str
    status: Status
    source: str
    omega2: float = 0.0
    transform: Transform = "log"
    lower: float | None = None
    upper: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.status not in _STATUSES:
            raise ParameterError(f"{self.name}.status", self.status, ", ".join(_STATUSES))
        if self.transform not in _TRANSFORMS:
            raise ParameterError(f"{self.name}.transform", self.transform, ", ".join(_TRANSFORMS))
        if not math.isfinite(self.value):
            raise ParameterError(f"{self.name}.value", self.value, "a finite number")
        if self.omega2 < 0:
            raise ParameterError(f"{self.name}.omega2", self.omega2, "a variance >= 0")
        if not self.source.strip():
            raise ParameterError(f"{self.name}.source", self.source, "a non-empty source")
        if self.transform == "log" and self.value <= 0 and self.omega2 > 0:
            raise ParameterError(f"{self.name}.value", self.value, "> 0 for a log-normal effect")
        if self.transform == "logit" and not 0 < self.value < 1:
            raise ParameterError(f"{self.name}.value", self.value, "in (0, 1) for a logit effect")


@cache
def parameter_table() -> tuple[ParameterSpec, ...]:
    """All parameter rows in table order (read once from ``data/parameters.toml``)."""
    text = (
        resources.files("lupus.simulation").joinpath("data", "parameters.toml").read_text("utf-8")
    )
    rows = tomllib.loads(text)["parameter"]
    specs = tuple(
        ParameterSpec(
            name=str(r["name"]),
            value=float(r["value"]),
            unit=str(r["unit"]),
            status=r["status"],
            source=str(r["source"]),
            omega2=float(r.get("omega2", 0.0)),
            transform=r.get("transform", "log"),
            lower=None if "lower" not in r else float(r["lower"]),
            upper=None if "upper" not in r else float(r["upper"]),
            note=str(r.get("note", "")),
        )
        for r in rows
    )
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ParameterError("parameter.name", dup, "unique names")
    return specs


@dataclass(frozen=True, slots=True)
class ModelParameters:
    """Typical (population) values of every parameter, in table order.

    ``values`` is a read-only float vector aligned with ``names``; ``specs`` carries units,
    sources and random-effect variances. Use :meth:`replace` to change values.
    """

    specs: tuple[ParameterSpec, ...]
    values: NDArray[np.float64] = field(repr=False)

    def __post_init__(self) -> None:
        vals = np.array(self.values, dtype=np.float64)
        if vals.shape != (len(self.specs),):
            raise ParameterError("values", vals.shape, f"a vector of length {len(self.specs)}")
        if not np.all(np.isfinite(vals)):
            raise ParameterError("values", "non-finite", "finite numbers")
        vals.setflags(write=False)
        object.__setattr__(self, "values", vals)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.specs)

    def index(self, name: str) -> int:
        for i, s in enumerate(self.specs):
            if s.name == name:
                return i
        raise ParameterError("parameter", name, "a name from the parameter table")

    def __getitem__(self, name: str) -> float:
        return float(self.values[self.index(name)])

    def as_dict(self) -> dict[str, float]:
        return {s.name: float(v) for s, v in zip(self.specs, self.values, strict=True)}

    def replace(self, values: Mapping[str, float] | None = None, **kw: float) -> ModelParameters:
        """A copy with some typical values changed (by name)."""
        changes = dict(values or {}) | kw
        new = self.values.copy()
        for name, value in changes.items():
            value = float(value)
            if not math.isfinite(value):
                raise ParameterError(name, value, "a finite number")
            spec = self.specs[self.index(name)]
            if spec.transform == "logit" and not 0 < value < 1:
                raise ParameterError(name, value, "a fraction in (0, 1)")
            if name in _STRICTLY_POSITIVE and value <= 0:
                raise ParameterError(name, value, "a positive number")
            new[self.index(name)] = value
        return ModelParameters(self.specs, new)

    def omega2(self) -> NDArray[np.float64]:
        return np.array([s.omega2 for s in self.specs], dtype=np.float64)


def default_parameters() -> ModelParameters:
    """The parameter set shipped in the table."""
    specs = parameter_table()
    return ModelParameters(specs, np.array([s.value for s in specs], dtype=np.float64))
