"""SLICC/ACR Damage Index (SDI, Gladman 1996): damage items summed per organ domain.

Items, domains and points live in ``data/sdi.toml``. An item scores its points once; items
marked "2 if more than 1" score 2 when ``count`` (events or sites) is above 1. End-stage renal
disease (3) replaces the other renal items. Three weights are unverified against Gladman 1996
Table 1 (pancreatic insufficiency, ruptured tendon, ESRD = 3); every result names the unverified
weights it used.

>>> r = score_sdi({"cataract": 1, "cerebrovascular_accident": 2})
>>> r.score, r.domains["neuropsychiatric"]
(3, 2)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instrument import Instrument

__all__ = [
    "DOMAINS",
    "INSTRUMENT",
    "SDI_ITEMS",
    "SdiInput",
    "SdiItem",
    "SdiResult",
    "parse",
    "score",
    "score_sdi",
]

_TABLE: Final = load_table("sdi")


@dataclass(frozen=True, slots=True)
class SdiItem:
    """One damage item: its domain, points, points when more than one, and source status."""

    id: str
    domain: str
    points: int
    points_if_more_than_one: int | None
    status: str
    text: str

    @property
    def max_points(self) -> int:
        return self.points_if_more_than_one or self.points


SDI_ITEMS: Final[Mapping[str, SdiItem]] = MappingProxyType(
    {
        row["id"]: SdiItem(
            id=row["id"],
            domain=row["domain"],
            points=int(row["points"]),
            points_if_more_than_one=row.get("points_if_more_than_one"),
            status=row["status"],
            text=row["text"],
        )
        for row in _TABLE["item"]
    }
)
"""Item id -> item, in form order (Gladman 1996; reference §2.2)."""

DOMAINS: Final[tuple[str, ...]] = tuple(_TABLE["meta"]["domains"])
_RENAL_CAP: Final[str] = _TABLE["renal_cap"]["item"]
_REPLACED: Final[frozenset[str]] = frozenset(_TABLE["renal_cap"]["replaces"])


@dataclass(frozen=True, slots=True)
class SdiInput:
    """Item id -> count (events or sites, at least 1; only repeatable items take more than 1)."""

    items: Mapping[str, int]

    def __post_init__(self) -> None:
        if not isinstance(self.items, Mapping):
            raise InstrumentInputError("items", self.items, "a mapping of item id to count")
        for i, (item_id, count) in enumerate(self.items.items()):
            if item_id not in SDI_ITEMS:
                raise InstrumentInputError(
                    f"items[{i}].id", item_id, "one of: " + ", ".join(sorted(SDI_ITEMS))
                )
            item = SDI_ITEMS[item_id]
            top = None if item.points_if_more_than_one else 1
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise InstrumentInputError(f"items[{i}].count", count, _count_text(item, top))
            if top is not None and count > top:
                raise InstrumentInputError(f"items[{i}].count", count, _count_text(item, top))
        object.__setattr__(self, "items", MappingProxyType(dict(self.items)))


def _count_text(item: SdiItem, top: int | None) -> str:
    if top is None:
        return f"an integer of at least 1 (events or sites of {item.id})"
    return f"1 ({item.id} scores once)"


@dataclass(frozen=True, slots=True)
class SdiResult:
    """Total, per-domain points and per-item points (items in form order)."""

    score: int
    domains: Mapping[str, int]
    items: tuple[tuple[str, int, int, str], ...]  # id, count, points, note
    unverified_weights: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "domains": dict(self.domains),
            "items": [
                {"id": i, "domain": SDI_ITEMS[i].domain, "count": c, "points": p, "note": n}
                for i, c, p, n in self.items
            ],
            "unverified_weights": list(self.unverified_weights),
            "version": _TABLE["meta"]["version"],
        }


def parse(data: Any) -> SdiInput:
    """Read ``{"items": [{"id": "cataract"}, {"id": "malignancy", "count": 2}, ...]}``."""
    r = Reader(data)
    raw_items = r.array("items")
    r.finish()
    items: dict[str, int] = {}
    for i, raw in enumerate(raw_items):
        entry = Reader(raw, f"items[{i}]")
        item_id = entry.choice("id", tuple(SDI_ITEMS))
        count = entry.integer("count", 1, minimum=1)
        entry.finish()
        if item_id in items:
            raise InstrumentInputError(f"items[{i}].id", item_id, "each item id at most once")
        items[item_id] = count
    return SdiInput(items)


def score(data: SdiInput) -> SdiResult:
    """Sum item points per domain; ESRD replaces the other renal items."""
    domains = dict.fromkeys(DOMAINS, 0)
    rows: list[tuple[str, int, int, str]] = []
    unverified: list[str] = []
    for item in SDI_ITEMS.values():
        if item.id not in data.items:
            continue
        count = data.items[item.id]
        points = item.points
        note = item.text
        if item.points_if_more_than_one is not None and count > 1:
            points = item.points_if_more_than_one
            note += f" [{_TABLE['repeat_rule']['note']}]"
        if item.id in _REPLACED and _RENAL_CAP in data.items:
            points = 0
            note = f"replaced by {_RENAL_CAP} (renal scores at most 3)"
        elif item.status == "U":
            unverified.append(item.id)
            note += " [weight unverified against Gladman 1996 Table 1]"
        domains[item.domain] += points
        rows.append((item.id, count, points, note))
    return SdiResult(
        score=sum(domains.values()),
        domains=MappingProxyType(domains),
        items=tuple(rows),
        unverified_weights=tuple(unverified),
    )


def score_sdi(items: Mapping[str, int]) -> SdiResult:
    """Score ``{item_id: count}`` (count 1 for single items).

    >>> score_sdi({"end_stage_renal_disease": 1, "gfr_below_50_percent": 1}).score
    3
    """
    return score(SdiInput(items))


INSTRUMENT: Final = Instrument(
    id="sdi",
    title="SLICC/ACR Damage Index",
    source=_TABLE["meta"]["source"],
    version=_TABLE["meta"]["version"],
    parse=parse,
    score=score,
    example={
        "items": [
            {"id": "cataract"},
            {"id": "avascular_necrosis", "count": 2},
            {"id": "gfr_below_50_percent"},
        ]
    },
    notes="Damage present at least 6 months unless the item says otherwise; maximum 47.",
)
