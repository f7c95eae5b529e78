"""Errors of the simulation layer.

::

    SimulationError
    ├─ ParameterError(ValueError)     unknown parameter name or invalid value
    ├─ EventTableError(ValueError)    an unusable dosing record (names row and column)
    └─ ScheduleError(ValueError)      a regimen request outside what the dose builder allows

Every message names the offending field, the value given and what is allowed.
"""

from __future__ import annotations

from typing import Any

__all__ = ["EventTableError", "ParameterError", "ScheduleError", "SimulationError"]


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class SimulationError(Exception):
    """Base class of every error raised by :mod:`lupus.simulation`."""


class _FieldError(SimulationError, ValueError):
    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"field '{field}': got {_show(value)}; allowed: {allowed}")


class ParameterError(_FieldError):
    """A parameter name that does not exist, or a value outside its domain."""


class EventTableError(_FieldError):
    """A record of a NONMEM-style event table that cannot be used."""


class ScheduleError(_FieldError):
    """A regimen request (therapy, route, dose, interval) the dose builder cannot build."""
