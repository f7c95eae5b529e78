"""DORIS 2021 remission (van Vollenhoven 2021): clinical SLEDAI 0, PGA < 0.5, low-dose GC.

Clinical SLEDAI is scored by :mod:`lupus.clinical.instruments.sledai2k` (serology ignored). The
prednisolone comparator is configurable because the sources disagree (``data/doris.toml``).

>>> assess_doris(["low_complement"], pga=0.2, prednisone_mg_per_day=5).met
True
>>> assess_doris([], pga=0.2, prednisone_mg_per_day=5, prednisone_rule="below_5").unmet
('prednisone_above_limit',)
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
    "PREDNISONE_RULES",
    "UNMET_CODES",
    "DorisInput",
    "DorisResult",
    "assess_doris",
    "parse",
    "score",
]

_TABLE: Final = load_table("doris")
_LIMITS: Final = _TABLE["thresholds"]
PGA_MAX: Final = 3.0  # SELENA PGA 0-3 (reference §1.4, V)
PREDNISONE_RULES: Final = MappingProxyType(dict(_TABLE["prednisone"]["rules"]))
"""Rule name -> {limit_mg_per_day, inclusive, source}: ``at_most_5`` (default), ``below_5``."""
_DEFAULT_RULE: Final[str] = _TABLE["prednisone"]["default_rule"]
UNMET_CODES: Final = MappingProxyType(dict(_TABLE["unmet"]))
"""Stable reason code -> meaning."""


@dataclass(frozen=True, slots=True)
class DorisInput:
    """One visit: SLEDAI descriptors, PGA, prednisolone dose and the comparator to apply."""

    sledai_descriptors: tuple[str, ...]
    pga: float
    prednisone_mg_per_day: float
    prednisone_rule: str = _DEFAULT_RULE
    immunosuppressants_stable: bool = True

    def __post_init__(self) -> None:
        read_id_list(list(self.sledai_descriptors), "sledai_descriptors", DESCRIPTORS)
        for field, value, high in (
            ("pga", self.pga, PGA_MAX),
            ("prednisone_mg_per_day", self.prednisone_mg_per_day, None),
        ):
            allowed = "a number from 0 to 3" if high else "a number in mg/day >= 0"
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InstrumentInputError(field, value, allowed)
            if not math.isfinite(value) or not 0 <= value or (high is not None and value > high):
                raise InstrumentInputError(field, value, allowed)
        if self.prednisone_rule not in PREDNISONE_RULES:
            raise InstrumentInputError(
                "prednisone_rule",
                self.prednisone_rule,
                "one of: " + ", ".join(f'"{n}"' for n in PREDNISONE_RULES),
            )
        if not isinstance(self.immunosuppressants_stable, bool):
            raise InstrumentInputError(
                "immunosuppressants_stable", self.immunosuppressants_stable, "true or false"
            )


@dataclass(frozen=True, slots=True)
class DorisResult:
    """Whether DORIS remission is met; unmet reason codes; the clinical SLEDAI used."""

    met: bool
    unmet: tuple[str, ...]
    clinical_sledai: int
    prednisone_rule: str

    def to_json(self) -> dict[str, Any]:
        return {
            "met": self.met,
            "unmet": list(self.unmet),
            "reasons": [UNMET_CODES[c] for c in self.unmet],
            "clinical_sledai": self.clinical_sledai,
            "prednisone_rule": self.prednisone_rule,
            "version": _TABLE["meta"]["version"],
        }


def score(d: DorisInput) -> DorisResult:
    """Check the DORIS 2021 elements (reference §4.4)."""
    clinical = score_sledai2k(d.sledai_descriptors).clinical_score
    rule = PREDNISONE_RULES[d.prednisone_rule]
    limit = float(rule["limit_mg_per_day"])
    dose = d.prednisone_mg_per_day
    steroid_ok = dose <= limit if rule["inclusive"] else dose < limit
    checks = {
        "clinical_sledai_not_0": clinical != _LIMITS["clinical_sledai_equals"],
        "pga_not_below_0_5": not d.pga < _LIMITS["pga_below"],
        "prednisone_above_limit": not steroid_ok,
        "immunosuppressants_not_stable": not d.immunosuppressants_stable,
    }
    unmet = tuple(code for code in UNMET_CODES if checks[code])
    return DorisResult(not unmet, unmet, clinical, d.prednisone_rule)


def assess_doris(
    sledai_descriptors: Iterable[str],
    *,
    pga: float,
    prednisone_mg_per_day: float,
    prednisone_rule: str = _DEFAULT_RULE,
    immunosuppressants_stable: bool = True,
) -> DorisResult:
    """DORIS 2021 remission from descriptor ids, PGA (0-3) and prednisolone mg/day."""
    return score(
        DorisInput(
            tuple(sledai_descriptors),
            pga,
            prednisone_mg_per_day,
            prednisone_rule,
            immunosuppressants_stable,
        )
    )


def parse(data: Any) -> DorisInput:
    """Read ``{"sledai_descriptors", "pga", "prednisone_mg_per_day"}`` plus optional keys."""
    r = Reader(data)
    result = DorisInput(
        sledai_descriptors=r.ids(
            "sledai_descriptors", DESCRIPTORS, what="SLEDAI-2K descriptor ids"
        ),
        pga=r.number("pga", minimum=0, maximum=PGA_MAX),
        prednisone_mg_per_day=r.number("prednisone_mg_per_day", minimum=0, unit="mg/day"),
        prednisone_rule=r.choice("prednisone_rule", tuple(PREDNISONE_RULES), _DEFAULT_RULE),
        immunosuppressants_stable=r.boolean("immunosuppressants_stable", True),
    )
    r.finish()
    return result


INSTRUMENT: Final = Instrument(
    id="doris",
    title="DORIS 2021 remission",
    source=_TABLE["meta"]["source"],
    version=_TABLE["meta"]["version"],
    parse=parse,
    score=score,
    example={
        "sledai_descriptors": ["low_complement", "increased_dna_binding"],
        "pga": 0.3,
        "prednisone_mg_per_day": 5,
    },
    notes="Clinical SLEDAI 0, PGA < 0.5, prednisolone <= 5 mg/day (or < 5, option).",
)
