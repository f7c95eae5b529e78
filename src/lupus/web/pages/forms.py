"""Reading posted HTML forms into the JSON the care service validates.

A browser sends every field as text; these helpers turn text into numbers, dates and flags,
or raise :class:`FormError` (a ``ValueError`` naming the field, the value and what is allowed,
like every other layer's bad-input error). The care service then validates the record itself.
"""

from __future__ import annotations

import datetime as dt
import math

from fastapi.datastructures import FormData

from lupus.web.pages.errors import FormError

__all__ = ["FormError", "choice", "date", "flag", "number", "optional_number", "text"]


def text(form: FormData, name: str, *, max_length: int = 5000, required: bool = False) -> str:
    value = form.get(name)
    if value is None or not isinstance(value, str):
        value = ""
    value = value.strip()
    if required and not value:
        raise FormError(name, value, "a non-empty value")
    if len(value) > max_length:
        raise FormError(name, value[:40] + "...", f"at most {max_length} characters")
    return value


def optional_number(
    form: FormData, name: str, *, minimum: float | None = None, maximum: float | None = None
) -> float | None:
    raw = text(form, name, max_length=40)
    if raw == "":
        return None
    allowed = "a number" + (
        f" from {minimum:g} to {maximum:g}" if minimum is not None and maximum is not None else ""
    )
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise FormError(name, raw, allowed) from None
    if not math.isfinite(value):
        raise FormError(name, raw, allowed)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise FormError(name, raw, allowed)
    return value


def number(
    form: FormData, name: str, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    value = optional_number(form, name, minimum=minimum, maximum=maximum)
    if value is None:
        raise FormError(
            name,
            "",
            "a number"
            + (
                f" from {minimum:g} to {maximum:g}"
                if minimum is not None and maximum is not None
                else ""
            ),
        )
    return value


def optional_date(form: FormData, name: str) -> dt.date | None:
    raw = text(form, name, max_length=20)
    if raw == "":
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FormError(name, raw, "a calendar date as YYYY-MM-DD") from None


def date(form: FormData, name: str) -> dt.date:
    value = optional_date(form, name)
    if value is None:
        raise FormError(name, "", "a calendar date as YYYY-MM-DD")
    return value


def flag(form: FormData, name: str) -> bool:
    """A checkbox: present (any value but ``""``/``"false"``) means true."""
    value = form.get(name)
    return isinstance(value, str) and value not in ("", "false", "0")


def choice(form: FormData, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
    raw = text(form, name, max_length=100)
    if raw == "" and default is not None:
        return default
    if raw not in choices:
        raise FormError(name, raw, "one of: " + ", ".join(choices))
    return raw


def many(form: FormData, name: str, choices: tuple[str, ...]) -> list[str]:
    """Every ticked value of a checkbox group, each one of ``choices``, in ``choices`` order."""
    ticked = {v for v in form.getlist(name) if isinstance(v, str)}
    unknown = ticked - set(choices)
    if unknown:
        raise FormError(name, sorted(unknown)[0], "one of: " + ", ".join(choices))
    return [c for c in choices if c in ticked]
