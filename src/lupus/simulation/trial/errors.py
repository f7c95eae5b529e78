"""Errors of the virtual-trial engine.

::

    TrialError
    ├─ ProtocolError(ValueError)      a protocol key that is unknown, missing or has a bad value
    ├─ ProtocolFileError(ValueError)  a protocol file that cannot be read or is not valid TOML
    └─ TrialRunError(ValueError)      a run option or population that cannot be honoured

Messages name the key (a dotted path such as ``population.low_c3`` or ``arms[1].dose``), the value
given and what is allowed, so the command line can show them unchanged (exit code 2).
"""

from __future__ import annotations

from typing import Any

from lupus.clinical.errors import describe_value

__all__ = ["ProtocolError", "ProtocolFileError", "TrialError", "TrialRunError"]


class TrialError(Exception):
    """Base class of every error raised by :mod:`lupus.simulation.trial`."""


class ProtocolError(TrialError, ValueError):
    """A protocol key that is unknown, missing, of the wrong type or out of range."""

    def __init__(self, key: str, value: Any, allowed: str, *, missing: bool = False) -> None:
        self.key = key
        self.value = value
        self.allowed = allowed
        if missing:
            message = f"protocol key '{key}': missing; allowed: {allowed}"
        else:
            message = f"protocol key '{key}': got {describe_value(value)}; allowed: {allowed}"
        super().__init__(message)
        self._missing = missing

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across worker processes (Dask)
        return (_protocol_error, (self.key, self.value, self.allowed, self._missing))


def _protocol_error(key: str, value: Any, allowed: str, missing: bool) -> ProtocolError:
    return ProtocolError(key, value, allowed, missing=missing)


class ProtocolFileError(TrialError, ValueError):
    """A protocol file that cannot be read, is not UTF-8 or is not valid TOML."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"protocol file '{path}': {problem}; allowed: a readable UTF-8 TOML file")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.problem))


class TrialRunError(TrialError, ValueError):
    """A run option that cannot be honoured (names the option, the value and what is allowed)."""

    def __init__(self, option: str, value: Any, allowed: str) -> None:
        self.option = option
        self.value = value
        self.allowed = allowed
        super().__init__(f"option '{option}': got {describe_value(value)}; allowed: {allowed}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.option, self.value, self.allowed))
