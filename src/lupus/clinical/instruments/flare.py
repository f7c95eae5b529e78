"""SELENA-SLEDAI Flare Index (classic SFI): none, mild/moderate or severe flare.

Each criterion (SLEDAI change, new or worse manifestations, prednisone change, new drugs,
hospitalisation, PGA change) gives a category; the flare is the most severe one met (reference
§1.5). Thresholds and lists live in ``data/flare.toml``. Criteria whose data are absent (PGA,
prednisone) are reported as ``not_assessed`` rather than guessed.

>>> assess_flare(sledai_baseline=2, sledai_current=6).flare
'mild_moderate'
>>> assess_flare(sledai_baseline=2, sledai_current=4, new_drugs=["cyclophosphamide"]).flare
'severe'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader, read_id_list
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instrument import Instrument
from lupus.clinical.instruments.sledai2k import DESCRIPTORS as _SLEDAI_DESCRIPTORS

__all__ = [
    "DRUGS",
    "FEATURES",
    "FLARE_CATEGORIES",
    "INSTRUMENT",
    "PGA_RULES",
    "FlareInput",
    "FlareReason",
    "FlareResult",
    "assess_flare",
    "parse",
    "score",
    "score_flare",
]

_TABLE: Final = load_table("flare")
FLARE_CATEGORIES: Final[tuple[str, ...]] = ("none", "mild_moderate", "severe")
"""Categories from least to most severe."""

FEATURES: Final = MappingProxyType({row["id"]: row for row in _TABLE["feature"]})
"""New or worse manifestation id -> row (``severity``, ``text``)."""
DRUGS: Final = MappingProxyType({row["id"]: row for row in _TABLE["drug"]})
"""Drug started for SLE activity id -> row (``severity``, ``text``)."""
PGA_RULES: Final[tuple[str, ...]] = tuple(_TABLE["pga"]["rules"])
_DEFAULT_PGA_RULE: Final[str] = _TABLE["pga"]["default_rule"]
_SLEDAI_MAX: Final = sum(d.weight for d in _SLEDAI_DESCRIPTORS.values())
_PGA_MAX: Final = 3.0  # SELENA PGA 0-3 (reference §1.4, V)


@dataclass(frozen=True, slots=True)
class FlareInput:
    """Two visits compared: SLEDAI (required), PGA and prednisone (optional), and events."""

    sledai_baseline: int
    sledai_current: int
    pga_baseline: float | None = None
    pga_current: float | None = None
    prednisone_baseline_mg_per_day: float | None = None
    prednisone_current_mg_per_day: float | None = None
    weight_kg: float | None = None
    new_or_worse_features: tuple[str, ...] = ()
    new_drugs: tuple[str, ...] = ()
    hospitalised_for_sle: bool = False
    pga_rule: str = _DEFAULT_PGA_RULE

    def __post_init__(self) -> None:
        for name in ("sledai_baseline", "sledai_current"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not 0 <= value <= _SLEDAI_MAX
            ):
                raise InstrumentInputError(
                    name.replace("_", ".", 1), value, f"an integer from 0 to {_SLEDAI_MAX}"
                )
        if self.pga_rule not in PGA_RULES:
            raise InstrumentInputError("pga_rule", self.pga_rule, _one_of(PGA_RULES))
        _check_range("pga.baseline", self.pga_baseline, 0.0, _PGA_MAX)
        _check_range("pga.current", self.pga_current, 0.0, _PGA_MAX)
        if self.pga_current is not None and self.pga_baseline is None:
            if self.pga_rule == "increase":
                raise InstrumentInputError(
                    "pga.baseline",
                    None,
                    "a number from 0 to 3 (needed by pga_rule 'increase'; 'absolute' does without)",
                    missing=True,
                )
        if self.pga_baseline is not None and self.pga_current is None:
            raise InstrumentInputError("pga.current", None, "a number from 0 to 3", missing=True)
        pred = (self.prednisone_baseline_mg_per_day, self.prednisone_current_mg_per_day)
        _check_range("prednisone_mg_per_day.baseline", pred[0], 0.0, None)
        _check_range("prednisone_mg_per_day.current", pred[1], 0.0, None)
        if (pred[0] is None) != (pred[1] is None):
            which = "baseline" if pred[0] is None else "current"
            raise InstrumentInputError(
                f"prednisone_mg_per_day.{which}", None, "a number in mg/day", missing=True
            )
        if self.weight_kg is not None and (
            isinstance(self.weight_kg, bool)
            or not isinstance(self.weight_kg, int | float)
            or not (math.isfinite(self.weight_kg) and self.weight_kg > 0)
        ):
            raise InstrumentInputError("weight_kg", self.weight_kg, "a number in kg above 0")
        if pred[0] is not None and pred[1] is not None and pred[1] > pred[0]:
            if self.weight_kg is None:
                raise InstrumentInputError(
                    "weight_kg",
                    None,
                    "a number in kg above 0 (needed: prednisone increased; the severe "
                    "threshold is 0.5 mg/kg/day)",
                    missing=True,
                )
        read_id_list(list(self.new_or_worse_features), "new_or_worse_features", FEATURES)
        read_id_list(list(self.new_drugs), "new_drugs", DRUGS)
        if not isinstance(self.hospitalised_for_sle, bool):
            raise InstrumentInputError(
                "hospitalised_for_sle", self.hospitalised_for_sle, "true or false"
            )


@dataclass(frozen=True, slots=True)
class FlareReason:
    """One criterion met: a stable code, its category and a readable detail."""

    code: str
    severity: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class FlareResult:
    """The flare category and every criterion that was met."""

    flare: str
    reasons: tuple[FlareReason, ...]
    not_assessed: tuple[str, ...]
    pga_rule: str

    def to_json(self) -> dict[str, Any]:
        return {
            "flare": self.flare,
            "reasons": [r.to_json() for r in self.reasons],
            "not_assessed": list(self.not_assessed),
            "pga_rule": self.pga_rule,
            "version": _TABLE["meta"]["version"],
        }


def _one_of(names: Iterable[str]) -> str:
    return "one of: " + ", ".join(f'"{n}"' for n in names)


def _check_range(field: str, value: float | None, low: float, high: float | None) -> None:
    if value is None:
        return
    allowed = f"a number from {low:g} to {high:g}" if high is not None else f"a number >= {low:g}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InstrumentInputError(field, value, allowed)
    if not math.isfinite(value) or not low <= value or (high is not None and value > high):
        raise InstrumentInputError(field, value, allowed)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _sledai_reasons(d: FlareInput) -> list[FlareReason]:
    rules = _TABLE["sledai"]
    change = d.sledai_current - d.sledai_baseline
    detail = f"SELENA-SLEDAI {d.sledai_baseline} -> {d.sledai_current}"
    if change > 0 and d.sledai_current > rules["severe_above"]:
        return [FlareReason("sledai_increase_to_above_12", "severe", detail)]
    if change >= rules["mild_moderate_increase_at_least"]:
        return [FlareReason("sledai_increase_at_least_3", "mild_moderate", detail)]
    return []


def _pga_reasons(d: FlareInput) -> list[FlareReason]:
    if d.pga_current is None:
        return []
    pga = _TABLE["pga"]
    current, baseline = d.pga_current, d.pga_baseline
    increased = baseline is None or current > baseline
    detail = f"PGA {'?' if baseline is None else _fmt(baseline)} -> {_fmt(current)}"
    if increased and current > pga["severe_above"]:
        return [FlareReason("pga_increase_to_above_2_5", "severe", detail)]
    if d.pga_rule == "increase":
        assert baseline is not None  # checked at construction
        step = pga["rules"]["increase"]["mild_moderate_increase_at_least"]
        if round(current - baseline, 9) >= step:
            return [FlareReason("pga_increase_at_least_1", "mild_moderate", detail)]
    elif current >= pga["rules"]["absolute"]["mild_moderate_from"]:
        return [FlareReason("pga_from_1_to_2_5", "mild_moderate", detail)]
    return []


def _prednisone_reasons(d: FlareInput) -> list[FlareReason]:
    base, cur = d.prednisone_baseline_mg_per_day, d.prednisone_current_mg_per_day
    if base is None or cur is None or cur <= base:
        return []
    assert d.weight_kg is not None  # checked at construction
    per_kg = round(cur / d.weight_kg, 9)
    limit = _TABLE["prednisone"]["severe_above_mg_per_kg_per_day"]
    detail = f"prednisone {_fmt(base)} -> {_fmt(cur)} mg/day ({per_kg:.3g} mg/kg/day)"
    if per_kg > limit:
        return [FlareReason("prednisone_increase_to_above_0_5_mg_per_kg", "severe", detail)]
    return [FlareReason("prednisone_increase", "mild_moderate", detail)]


def score(d: FlareInput) -> FlareResult:
    """Classify: the most severe category met by any single criterion (reference §1.5)."""
    reasons = _sledai_reasons(d)
    reasons += [
        FlareReason(f"feature.{f}", FEATURES[f]["severity"], FEATURES[f]["text"])
        for f in d.new_or_worse_features
    ]
    reasons += _prednisone_reasons(d)
    reasons += [
        FlareReason(f"drug.{x}", DRUGS[x]["severity"], DRUGS[x]["text"]) for x in d.new_drugs
    ]
    if d.hospitalised_for_sle:
        hosp = _TABLE["hospitalisation"]
        reasons.append(FlareReason("hospitalisation_for_sle", hosp["severity"], hosp["source"]))
    reasons += _pga_reasons(d)
    rank = max((FLARE_CATEGORIES.index(r.severity) for r in reasons), default=0)
    not_assessed = []
    if d.pga_current is None:
        not_assessed.append("pga")
    if d.prednisone_current_mg_per_day is None:
        not_assessed.append("prednisone")
    return FlareResult(FLARE_CATEGORIES[rank], tuple(reasons), tuple(not_assessed), d.pga_rule)


score_flare = score


def assess_flare(
    *,
    sledai_baseline: int,
    sledai_current: int,
    pga_baseline: float | None = None,
    pga_current: float | None = None,
    prednisone_baseline_mg_per_day: float | None = None,
    prednisone_current_mg_per_day: float | None = None,
    weight_kg: float | None = None,
    new_or_worse_features: Iterable[str] = (),
    new_drugs: Iterable[str] = (),
    hospitalised_for_sle: bool = False,
    pga_rule: str = _DEFAULT_PGA_RULE,
) -> FlareResult:
    """Classify a flare from keyword arguments (validated like the JSON input)."""
    return score(
        FlareInput(
            sledai_baseline=sledai_baseline,
            sledai_current=sledai_current,
            pga_baseline=pga_baseline,
            pga_current=pga_current,
            prednisone_baseline_mg_per_day=prednisone_baseline_mg_per_day,
            prednisone_current_mg_per_day=prednisone_current_mg_per_day,
            weight_kg=weight_kg,
            new_or_worse_features=tuple(new_or_worse_features),
            new_drugs=tuple(new_drugs),
            hospitalised_for_sle=hospitalised_for_sle,
            pga_rule=pga_rule,
        )
    )


def _pair(
    r: Reader, key: str, *, maximum: float | None, integer: bool = False, required: bool = False
) -> tuple[Any, Any]:
    if not r.has(key) and not required:
        r.raw(key, None)
        return None, None
    pair = r.obj(key)
    values: tuple[Any, ...]
    if integer:
        values = tuple(
            pair.integer(k, minimum=0, maximum=int(maximum or 0)) for k in ("baseline", "current")
        )
    elif key == "pga":  # baseline optional under pga_rule "absolute"; checked by FlareInput
        baseline = pair.optional_number("baseline", minimum=0, maximum=maximum)
        values = (baseline, pair.number("current", minimum=0, maximum=maximum))
    else:
        unit = "mg/day" if key.startswith("prednisone") else None
        values = tuple(
            pair.number(k, minimum=0, maximum=maximum, unit=unit) for k in ("baseline", "current")
        )
    pair.finish()
    return values[0], values[1]


def parse(data: Any) -> FlareInput:
    """Read the JSON input (see ``docs/instruments.md``)."""
    r = Reader(data)
    sledai = _pair(r, "sledai", maximum=_SLEDAI_MAX, integer=True, required=True)
    pga = _pair(r, "pga", maximum=_PGA_MAX)
    pred = _pair(r, "prednisone_mg_per_day", maximum=None)
    weight = r.optional_number("weight_kg", minimum=0, exclusive_minimum=True, unit="kg")
    features = r.ids("new_or_worse_features", FEATURES, (), what="manifestation ids")
    drugs = r.ids("new_drugs", DRUGS, (), what="drug ids")
    hospitalised = r.boolean("hospitalised_for_sle", False)
    rule = r.choice("pga_rule", PGA_RULES, _DEFAULT_PGA_RULE)
    r.finish()
    return FlareInput(
        sledai_baseline=sledai[0],
        sledai_current=sledai[1],
        pga_baseline=pga[0],
        pga_current=pga[1],
        prednisone_baseline_mg_per_day=pred[0],
        prednisone_current_mg_per_day=pred[1],
        weight_kg=weight,
        new_or_worse_features=features,
        new_drugs=drugs,
        hospitalised_for_sle=hospitalised,
        pga_rule=rule,
    )


INSTRUMENT: Final = Instrument(
    id="flare-index",
    title="SELENA-SLEDAI Flare Index",
    source=_TABLE["meta"]["source"],
    version=_TABLE["meta"]["version"],
    parse=parse,
    score=score,
    example={
        "sledai": {"baseline": 4, "current": 8},
        "pga": {"baseline": 0.5, "current": 1.5},
        "prednisone_mg_per_day": {"baseline": 5, "current": 15},
        "weight_kg": 60,
        "new_or_worse_features": ["arthritis"],
        "new_drugs": [],
        "hospitalised_for_sle": False,
    },
    notes="Most severe category met by any single criterion.",
)
