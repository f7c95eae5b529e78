"""Lupus Low Disease Activity State (LLDAS, Franklyn 2016): all five criteria, reasons if unmet.

SLEDAI-2K is scored by :mod:`lupus.clinical.instruments.sledai2k`; thresholds, the major-organ
descriptors and the reason codes live in ``data/lldas.toml``.

>>> r = assess_lldas(["low_complement", "increased_dna_binding"], pga=0.5, prednisone_mg_per_day=5)
>>> r.met, r.sledai_2k
(True, 4)
>>> assess_lldas(["fever"], pga=0.5, prednisone_mg_per_day=10).unmet
('major_organ_activity', 'prednisone_above_7_5')
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
from lupus.clinical.instruments.sledai2k import DESCRIPTORS, score_sledai2k

__all__ = [
    "INSTRUMENT",
    "MAJOR_ORGAN_DESCRIPTORS",
    "UNMET_CODES",
    "LldasInput",
    "LldasResult",
    "assess_lldas",
    "parse",
    "score",
]

_TABLE: Final = load_table("lldas")
_LIMITS: Final = _TABLE["thresholds"]
PGA_MAX: Final = 3.0  # SELENA PGA 0-3 (reference §1.4, V)

MAJOR_ORGAN_DESCRIPTORS: Final = MappingProxyType(
    {system: frozenset(ids) for system, ids in _TABLE["major_organ_descriptors"].items()}
)
"""Major organ system -> SLEDAI-2K descriptor ids (criterion 1)."""

UNMET_CODES: Final = MappingProxyType(dict(_TABLE["unmet"]))
"""Stable reason code -> meaning, in criterion order."""

_MAJOR: Final = frozenset().union(*MAJOR_ORGAN_DESCRIPTORS.values())


@dataclass(frozen=True, slots=True)
class LldasInput:
    """One assessment, as Franklyn 2016 Table 1 asks for it."""

    sledai_descriptors: tuple[str, ...]
    new_features: bool
    hemolytic_anemia: bool
    gastrointestinal_activity: bool
    pga: float
    prednisone_mg_per_day: float
    standard_maintenance_tolerated: bool
    investigational_drug: bool

    def __post_init__(self) -> None:
        read_id_list(list(self.sledai_descriptors), "sledai_descriptors", DESCRIPTORS)
        for name in (
            "new_features",
            "hemolytic_anemia",
            "gastrointestinal_activity",
            "standard_maintenance_tolerated",
            "investigational_drug",
        ):
            if not isinstance(getattr(self, name), bool):
                raise InstrumentInputError(name, getattr(self, name), "true or false")
        _number("pga", self.pga, PGA_MAX, "a number from 0 to 3")
        _number(
            "prednisone_mg_per_day", self.prednisone_mg_per_day, None, "a number in mg/day >= 0"
        )


def _number(field: str, value: Any, high: float | None, allowed: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InstrumentInputError(field, value, allowed)
    if not math.isfinite(value) or not 0 <= value or (high is not None and value > high):
        raise InstrumentInputError(field, value, allowed)


@dataclass(frozen=True, slots=True)
class LldasResult:
    """Whether LLDAS is met; unmet reason codes in criterion order; the SLEDAI-2K used."""

    met: bool
    unmet: tuple[str, ...]
    sledai_2k: int
    major_organ_descriptors: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "met": self.met,
            "unmet": list(self.unmet),
            "reasons": [UNMET_CODES[c] for c in self.unmet],
            "sledai_2k": self.sledai_2k,
            "major_organ_descriptors": list(self.major_organ_descriptors),
            "version": _TABLE["meta"]["version"],
        }


def score(d: LldasInput) -> LldasResult:
    """Check the five criteria of Franklyn 2016 Table 1."""
    sledai = score_sledai2k(d.sledai_descriptors)
    major = tuple(i for i in DESCRIPTORS if i in _MAJOR and i in sledai.ids)
    checks = {
        "sledai_above_4": sledai.score > _LIMITS["sledai_2k_at_most"],
        "major_organ_activity": bool(major),
        "hemolytic_anemia": d.hemolytic_anemia,
        "gastrointestinal_activity": d.gastrointestinal_activity,
        "new_features": d.new_features,
        "pga_above_1": d.pga > _LIMITS["pga_at_most"],
        "prednisone_above_7_5": d.prednisone_mg_per_day > _LIMITS["prednisone_at_most_mg_per_day"],
        "maintenance_not_tolerated": not d.standard_maintenance_tolerated,
        "investigational_drug": d.investigational_drug,
    }
    unmet = tuple(code for code in UNMET_CODES if checks[code])
    return LldasResult(not unmet, unmet, sledai.score, major)


def assess_lldas(
    sledai_descriptors: Iterable[str],
    *,
    pga: float,
    prednisone_mg_per_day: float,
    new_features: bool = False,
    hemolytic_anemia: bool = False,
    gastrointestinal_activity: bool = False,
    standard_maintenance_tolerated: bool = True,
    investigational_drug: bool = False,
) -> LldasResult:
    """LLDAS from descriptor ids and keyword facts (defaults: nothing else against LLDAS)."""
    return score(
        LldasInput(
            sledai_descriptors=tuple(sledai_descriptors),
            new_features=new_features,
            hemolytic_anemia=hemolytic_anemia,
            gastrointestinal_activity=gastrointestinal_activity,
            pga=pga,
            prednisone_mg_per_day=prednisone_mg_per_day,
            standard_maintenance_tolerated=standard_maintenance_tolerated,
            investigational_drug=investigational_drug,
        )
    )


def parse(data: Any) -> LldasInput:
    """Read the JSON input; every key is required."""
    r = Reader(data)
    result = LldasInput(
        sledai_descriptors=r.ids(
            "sledai_descriptors", DESCRIPTORS, what="SLEDAI-2K descriptor ids"
        ),
        new_features=r.boolean("new_features"),
        hemolytic_anemia=r.boolean("hemolytic_anemia"),
        gastrointestinal_activity=r.boolean("gastrointestinal_activity"),
        pga=r.number("pga", minimum=0, maximum=PGA_MAX),
        prednisone_mg_per_day=r.number("prednisone_mg_per_day", minimum=0, unit="mg/day"),
        standard_maintenance_tolerated=r.boolean("standard_maintenance_tolerated"),
        investigational_drug=r.boolean("investigational_drug"),
    )
    r.finish()
    return result


INSTRUMENT: Final = Instrument(
    id="lldas",
    title="Lupus Low Disease Activity State",
    source=_TABLE["meta"]["source"],
    version=_TABLE["meta"]["version"],
    parse=parse,
    score=score,
    example={
        "sledai_descriptors": ["low_complement", "increased_dna_binding"],
        "new_features": False,
        "hemolytic_anemia": False,
        "gastrointestinal_activity": False,
        "pga": 0.5,
        "prednisone_mg_per_day": 5,
        "standard_maintenance_tolerated": True,
        "investigational_drug": False,
    },
    notes="All five criteria of Franklyn 2016 Table 1; SLEDAI-2K scored by sledai-2k.",
)
