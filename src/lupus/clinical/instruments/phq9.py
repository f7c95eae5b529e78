"""PHQ-9 (Kroenke 2001): total 0-27, severity band, and an urgent flag when item 9 is positive.

A positive item 9 (thoughts of death or self-harm, any answer above 0) sets ``urgent``: the care
layer must show crisis guidance and ask for a same-day suicide-risk assessment. Bands and the
item list live in ``data/phq9.toml``.

>>> r = score_phq9([1, 1, 1, 1, 1, 0, 0, 0, 0])
>>> r.total, r.severity, r.urgent
(5, 'mild', False)
>>> score_phq9([0, 0, 0, 0, 0, 0, 0, 0, 1]).urgent
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instrument import Instrument

__all__ = [
    "DIFFICULTY_CHOICES",
    "INSTRUMENT",
    "ITEMS",
    "SEVERITY_BANDS",
    "Phq9Input",
    "Phq9Result",
    "parse",
    "score",
    "score_phq9",
    "severity_band",
]

_TABLE: Final = load_table("phq9")
ITEMS: Final[tuple[str, ...]] = tuple(_TABLE["meta"]["items"])
"""Item topics in questionnaire order (item 9 last)."""
SEVERITY_BANDS: Final[tuple[tuple[str, int], ...]] = tuple(
    (b["name"], int(b["from"])) for b in _TABLE["band"]
)
"""(band, lowest total) from minimal to severe (Kroenke 2001: 5/10/15/20)."""
DIFFICULTY_CHOICES: Final[tuple[str, ...]] = tuple(_TABLE["difficulty"]["choices"])
_LOW: Final[int] = _TABLE["meta"]["item_minimum"]
_HIGH: Final[int] = _TABLE["meta"]["item_maximum"]
_ITEM_TEXT: Final = f"an integer from {_LOW} to {_HIGH}"


@dataclass(frozen=True, slots=True)
class Phq9Input:
    """Nine answers (0-3) in questionnaire order and the optional difficulty answer."""

    items: tuple[int, ...]
    difficulty: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.items, tuple | list):
            raise InstrumentInputError(
                "items", self.items, f"a list of {len(ITEMS)} integers from {_LOW} to {_HIGH}"
            )
        object.__setattr__(self, "items", tuple(self.items))
        if len(self.items) != len(ITEMS):
            raise InstrumentInputError(
                "items", list(self.items), f"a list of {len(ITEMS)} integers from {_LOW} to {_HIGH}"
            )
        for i, value in enumerate(self.items):
            if isinstance(value, bool) or not isinstance(value, int) or not _LOW <= value <= _HIGH:
                raise InstrumentInputError(f"items[{i}]", value, _ITEM_TEXT)
        if self.difficulty is not None and self.difficulty not in DIFFICULTY_CHOICES:
            raise InstrumentInputError(
                "difficulty",
                self.difficulty,
                "one of: " + ", ".join(f'"{c}"' for c in DIFFICULTY_CHOICES),
            )


@dataclass(frozen=True, slots=True)
class Phq9Result:
    """Total, band, and the item 9 safety flag."""

    total: int
    severity: str
    item9: int
    difficulty: str | None

    @property
    def item9_positive(self) -> bool:
        return self.item9 > int(_TABLE["item9"]["positive_above"])

    @property
    def urgent(self) -> bool:
        """True when item 9 is positive: crisis guidance and same-day risk assessment."""
        return self.item9_positive

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "total": self.total,
            "severity": self.severity,
            "item9": self.item9,
            "item9_positive": self.item9_positive,
            "urgent": self.urgent,
            "difficulty": self.difficulty,
            "version": _TABLE["meta"]["version"],
            "unverified": list(_TABLE["meta"]["unverified"]),
        }
        if self.urgent:
            out["action"] = _TABLE["item9"]["action"]
        return out


def severity_band(total: int) -> str:
    """The Kroenke 2001 band of a total 0-27.

    >>> [severity_band(t) for t in (4, 9, 14, 19, 20)]
    ['minimal', 'mild', 'moderate', 'moderately_severe', 'severe']
    """
    if isinstance(total, bool) or not isinstance(total, int) or not 0 <= total <= 27:
        raise InstrumentInputError("total", total, "an integer from 0 to 27")
    return [name for name, low in SEVERITY_BANDS if total >= low][-1]


def score(d: Phq9Input) -> Phq9Result:
    total = sum(d.items)
    return Phq9Result(total, severity_band(total), d.items[-1], d.difficulty)


def score_phq9(items: Iterable[int], *, difficulty: str | None = None) -> Phq9Result:
    """Score nine answers 0-3 in questionnaire order."""
    return score(Phq9Input(tuple(items), difficulty))


def parse(data: Any) -> Phq9Input:
    """Read ``{"items": [9 integers 0-3], "difficulty"?: "somewhat_difficult"}``."""
    r = Reader(data)
    raw = r.array("items")
    if len(raw) != len(ITEMS):
        raise InstrumentInputError(
            "items", raw, f"a list of {len(ITEMS)} integers from {_LOW} to {_HIGH}"
        )
    items = []
    for i, value in enumerate(raw):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not _LOW <= value <= _HIGH:
            raise InstrumentInputError(f"items[{i}]", value, _ITEM_TEXT)
        items.append(value)
    difficulty = None
    if r.has("difficulty"):
        difficulty = r.choice("difficulty", DIFFICULTY_CHOICES)
    r.finish()
    return Phq9Input(tuple(items), difficulty)


INSTRUMENT: Final = Instrument(
    id="phq-9",
    title="PHQ-9 depression severity",
    source=_TABLE["meta"]["source"],
    version=_TABLE["meta"]["version"],
    parse=parse,
    score=score,
    example={"items": [1, 1, 2, 1, 0, 1, 1, 0, 0], "difficulty": "somewhat_difficult"},
    notes="Item 9 above 0 sets urgent: crisis guidance and same-day suicide-risk assessment.",
)
