"""Errors of the clinical layer.

::

    ClinicalError
    └─ InstrumentInputError(ValueError)   bad input to an instrument: names field, value, allowed

Every message names the offending field (a dotted path such as ``baseline.bilag.renal``), the
value that was given and what is allowed, so a command line or an API can show it unchanged.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["ClinicalError", "InstrumentInputError", "describe_value"]


class ClinicalError(Exception):
    """Base class of every error raised by :mod:`lupus.clinical`."""


def describe_value(value: Any) -> str:
    """Render a received value for an error message (JSON where possible, bounded length)."""
    try:
        text = json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class InstrumentInputError(ClinicalError, ValueError):
    """An instrument input that is missing, of the wrong type, out of range or unknown.

    >>> str(InstrumentInputError("pga", 4.2, "a number from 0 to 3"))
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
