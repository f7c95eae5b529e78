"""Checks for frozen values built directly in Python (not through the JSON :class:`Reader`).

A value constructed in code must be refused exactly where the JSON reader would refuse it, with
the same kind of message: ``field 'X': got V; allowed: A``. Booleans are never numbers.

>>> check_number("pga", 1.5, minimum=0, maximum=3)
>>> try:
...     check_int("ice_score", 9.5, minimum=0, maximum=10)
... except InstrumentInputError as exc:
...     print(exc)
field 'ice_score': got 9.5; allowed: an integer from 0 to 10
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

from lupus.clinical._parse import _range_text
from lupus.clinical.errors import InstrumentInputError

__all__ = ["check_bool", "check_choice", "check_int", "check_number"]


def check_bool(field: str, value: Any) -> None:
    """Raise unless ``value`` is ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise InstrumentInputError(field, value, "true or false")


def check_int(
    field: str, value: Any, *, minimum: int | None = None, maximum: int | None = None
) -> None:
    """Raise unless ``value`` is an ``int`` (not a bool) within the bounds."""
    allowed = _range_text("an integer", minimum, maximum)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstrumentInputError(field, value, allowed)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise InstrumentInputError(field, value, allowed)


def check_number(
    field: str,
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    unit: str | None = None,
) -> None:
    """Raise unless ``value`` is a finite ``int`` or ``float`` (not a bool) within the bounds."""
    kind = "a number" if unit is None else f"a number in {unit}"
    allowed = _range_text(kind, minimum, maximum, exclusive_minimum=exclusive_minimum)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InstrumentInputError(field, value, allowed)
    number = float(value)
    if not math.isfinite(number):
        raise InstrumentInputError(field, value, allowed)
    too_low = minimum is not None and (number <= minimum if exclusive_minimum else number < minimum)
    if too_low or (maximum is not None and number > maximum):
        raise InstrumentInputError(field, value, allowed)


def check_choice(field: str, value: Any, choices: Collection[str]) -> None:
    """Raise unless ``value`` is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise InstrumentInputError(field, value, "one of: " + ", ".join(f'"{c}"' for c in choices))
