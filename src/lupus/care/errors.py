"""Errors of the care layer.

::

    CareError
    ├─ RecordError(ValueError)          a record field is missing, malformed or out of range
    │  ├─ UnknownCodeError              a LOINC (or other) code that the catalogue does not know
    │  └─ UnitError                     a unit that is not UCUM-compatible with the test's unit
    ├─ TransitionError(ValueError)      an alert or plan life-cycle step that is not allowed
    └─ NotFoundError(LookupError)       a patient or record id that does not exist

Messages follow the project form ``field 'X': got V; allowed: A`` so that the command line and
the API show them unchanged. The service maps ``RecordError``/``TransitionError`` to 422 and
``NotFoundError`` to 404 in one place (``lupus.web.errors``).
"""

from __future__ import annotations

from typing import Any

from lupus.clinical.errors import describe_value

__all__ = [
    "CareError",
    "NotFoundError",
    "RecordError",
    "TransitionError",
    "UnitError",
    "UnknownCodeError",
]


class CareError(Exception):
    """Base class of every error raised by :mod:`lupus.care`."""


class RecordError(CareError, ValueError):
    """A record input that is missing, of the wrong type, out of range or unknown."""

    def __init__(self, field: str, value: Any, allowed: str, *, missing: bool = False) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        if missing:
            message = f"field '{field}': missing; allowed: {allowed}"
        else:
            message = f"field '{field}': got {describe_value(value)}; allowed: {allowed}"
        super().__init__(message)


class UnknownCodeError(RecordError):
    """A code that the catalogue does not list."""


class UnitError(RecordError):
    """A unit that cannot be converted to the test's canonical UCUM unit."""


class TransitionError(CareError, ValueError):
    """A life-cycle step that the current state does not allow (e.g. resolving twice)."""


class NotFoundError(CareError, LookupError):
    """No record with this id (the message names the kind and the id)."""

    def __init__(self, kind: str, ident: str) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(f"{kind} '{ident}': not found")
