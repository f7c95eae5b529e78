"""Errors of the clinical layer.

::

    ClinicalError
    └─ InstrumentInputError(FieldValueError)   bad input to an instrument

    FieldValueError(ValueError)   names field, value and what is allowed (shared by every layer)

Every message names the offending field (a dotted path such as ``baseline.bilag.renal``), the
value that was given and what is allowed, so a command line or an API can show it unchanged.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["ClinicalError", "FieldValueError", "InstrumentInputError", "describe_value"]


class ClinicalError(Exception):
    """Base class of every error raised by :mod:`lupus.clinical`."""


def describe_value(value: Any) -> str:
    """Render a received value for an error message (JSON where possible, bounded length)."""
    try:
        text = json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class FieldValueError(ValueError):
    """Bad input naming the field, the value given and what is allowed.

    The base of every layer's input error (``InstrumentInputError``, ``PlanInputError``, ...),
    so that every boundary renders them alike.

    >>> str(FieldValueError("pga", 4.2, "a number from 0 to 3"))
    "field 'pga': got 4.2; allowed: a number from 0 to 3"
    """

    def __init__(self, field: str, value: Any, allowed: str, *, missing: bool = False) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.missing = missing
        if missing:
            message = f"field '{field}': missing; allowed: {allowed}"
        else:
            message = f"field '{field}': got {describe_value(value)}; allowed: {allowed}"
        super().__init__(message)


class InstrumentInputError(ClinicalError, FieldValueError):
    """An instrument input that is missing, of the wrong type, out of range or unknown.

    >>> str(InstrumentInputError("pga", 4.2, "a number from 0 to 3"))
    "field 'pga': got 4.2; allowed: a number from 0 to 3"
    """
