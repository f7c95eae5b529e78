"""Strict readers that turn loose JSON-like input into validated Python values.

Every instrument and every command that accepts JSON reads it through :class:`Reader`, so the
error messages look alike everywhere: ``field 'X': got V; allowed: A``. Unknown keys are errors,
never ignored, and JSON booleans are never accepted where a number is expected.

>>> r = Reader({"pga": 1.5, "sex": "female"})
>>> r.number("pga", minimum=0, maximum=3)
1.5
>>> r.choice("sex", ("female", "male"))
'female'
>>> r.finish()
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Collection, Sequence
from typing import Any, Final

from lupus.clinical.errors import InstrumentInputError

__all__ = ["MISSING", "Reader", "read_id_list"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final[Any] = _Missing()


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def read_id_list(
    value: Any, field: str, allowed: Collection[str], *, what: str = "ids"
) -> tuple[str, ...]:
    """Validate a JSON list of unique ids drawn from ``allowed``; keep the given order."""
    allowed_text = f"a list of {what} from: {', '.join(sorted(allowed))}"
    if not isinstance(value, list):
        raise InstrumentInputError(field, value, allowed_text)
    seen: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise InstrumentInputError(f"{field}[{i}]", item, allowed_text)
        if item not in allowed:
            raise InstrumentInputError(
                f"{field}[{i}]", item, f"one of: {', '.join(sorted(allowed))}"
            )
        if item in seen:
            raise InstrumentInputError(f"{field}[{i}]", item, "each id at most once")
        seen.append(item)
    return tuple(seen)


class Reader:
    """Reads the keys of one JSON object, remembering which were used.

    Call :meth:`finish` after the last key: it raises for any key that was not read.
    ``path`` prefixes field names in messages (``baseline.bilag``).
    """

    def __init__(self, data: Any, path: str = "") -> None:
        if not isinstance(data, dict):
            raise InstrumentInputError(path or "input", data, "a JSON object")
        for key in data:
            if not isinstance(key, str):
                raise InstrumentInputError(path or "input", key, "string keys")
        self._data: dict[str, Any] = data
        self._path = path
        self._used: set[str] = set()

    @property
    def path(self) -> str:
        return self._path

    def field(self, key: str) -> str:
        """The dotted name of ``key`` for messages."""
        return _join(self._path, key)

    def has(self, key: str) -> bool:
        return key in self._data

    def keys(self) -> list[str]:
        return list(self._data)

    def _get(self, key: str, default: Any, allowed: str) -> Any:
        self._used.add(key)
        if key not in self._data:
            if default is MISSING:
                raise InstrumentInputError(self.field(key), None, allowed, missing=True)
            return MISSING
        return self._data[key]

    def raw(self, key: str, default: Any = MISSING, *, allowed: str = "a value") -> Any:
        """The value as given (no type check); ``default`` when absent."""
        value = self._get(key, default, allowed)
        return default if value is MISSING else value

    def boolean(self, key: str, default: Any = MISSING) -> bool:
        allowed = "true or false"
        value = self._get(key, default, allowed)
        if value is MISSING:
            return bool(default)
        if not isinstance(value, bool):
            raise InstrumentInputError(self.field(key), value, allowed)
        return value

    def integer(
        self,
        key: str,
        default: Any = MISSING,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        allowed = _range_text("an integer", minimum, maximum)
        value = self._get(key, default, allowed)
        if value is MISSING:
            return int(default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InstrumentInputError(self.field(key), value, allowed)
        if isinstance(value, float):
            if not value.is_integer():
                raise InstrumentInputError(self.field(key), value, allowed)
            value = int(value)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise InstrumentInputError(self.field(key), value, allowed)
        return int(value)

    def number(
        self,
        key: str,
        default: Any = MISSING,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        exclusive_minimum: bool = False,
        unit: str | None = None,
    ) -> float:
        kind = "a number" if unit is None else f"a number in {unit}"
        allowed = _range_text(kind, minimum, maximum, exclusive_minimum=exclusive_minimum)
        value = self._get(key, default, allowed)
        if value is MISSING:
            return float(default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InstrumentInputError(self.field(key), value, allowed)
        number = float(value)
        if not math.isfinite(number):
            raise InstrumentInputError(self.field(key), value, allowed)
        too_low = minimum is not None and (
            number <= minimum if exclusive_minimum else number < minimum
        )
        if too_low or (maximum is not None and number > maximum):
            raise InstrumentInputError(self.field(key), value, allowed)
        return number

    def optional_number(
        self,
        key: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        exclusive_minimum: bool = False,
        unit: str | None = None,
    ) -> float | None:
        """A number, or ``None`` when the key is absent or JSON null."""
        if key not in self._data or self._data[key] is None:
            self._used.add(key)
            return None
        return self.number(
            key, minimum=minimum, maximum=maximum, exclusive_minimum=exclusive_minimum, unit=unit
        )

    def text(self, key: str, default: Any = MISSING, *, max_length: int = 10_000) -> str:
        allowed = f"a string of at most {max_length} characters"
        value = self._get(key, default, allowed)
        if value is MISSING:
            return str(default)
        if not isinstance(value, str) or len(value) > max_length:
            raise InstrumentInputError(self.field(key), value, allowed)
        return value

    def choice(self, key: str, choices: Sequence[str], default: Any = MISSING) -> str:
        allowed = "one of: " + ", ".join(f'"{c}"' for c in choices)
        value = self._get(key, default, allowed)
        if value is MISSING:
            return str(default)
        if not isinstance(value, str) or value not in choices:
            raise InstrumentInputError(self.field(key), value, allowed)
        return value

    def date(self, key: str, default: Any = MISSING) -> _dt.date:
        allowed = "a calendar date as YYYY-MM-DD"
        value = self._get(key, default, allowed)
        if value is MISSING:
            return default  # type: ignore[no-any-return]
        if not isinstance(value, str) or len(value) != 10:
            raise InstrumentInputError(self.field(key), value, allowed)
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            raise InstrumentInputError(self.field(key), value, allowed) from None

    def ids(
        self,
        key: str,
        allowed: Collection[str],
        default: Any = MISSING,
        *,
        what: str = "ids",
    ) -> tuple[str, ...]:
        value = self._get(key, default, f"a list of {what}")
        if value is MISSING:
            return tuple(default)
        return read_id_list(value, self.field(key), allowed, what=what)

    def array(self, key: str, default: Any = MISSING) -> list[Any]:
        allowed = "a JSON list"
        value = self._get(key, default, allowed)
        if value is MISSING:
            return list(default)
        if not isinstance(value, list):
            raise InstrumentInputError(self.field(key), value, allowed)
        return value

    def obj(self, key: str, default: Any = MISSING) -> Reader:
        """A nested reader; ``default`` (a dict) when absent."""
        value = self._get(key, default, "a JSON object")
        if value is MISSING:
            value = dict(default)
        return Reader(value, self.field(key))

    def finish(self) -> None:
        """Raise for the first key that no accessor read."""
        for key in self._data:
            if key not in self._used:
                raise InstrumentInputError(self.field(key), self._data[key], "no such key here")


def _range_text(
    kind: str, minimum: float | None, maximum: float | None, *, exclusive_minimum: bool = False
) -> str:
    if minimum is not None and maximum is not None:
        low = "above" if exclusive_minimum else "from"
        return f"{kind} {low} {_fmt(minimum)} to {_fmt(maximum)}"
    if minimum is not None:
        return f"{kind} {'above' if exclusive_minimum else 'of at least'} {_fmt(minimum)}"
    if maximum is not None:
        return f"{kind} of at most {_fmt(maximum)}"
    return kind


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
