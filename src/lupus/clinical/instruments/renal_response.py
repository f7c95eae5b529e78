"""Lupus nephritis renal response, PERR and CRR as defined in BLISS-LN (Furie NEJM 2020).

* PERR: uPCR <= 0.7 g/g, eGFR >= 60 or no more than 20% below pre-flare, no treatment failure.
* CRR: uPCR < 0.5 g/g, eGFR >= 90 or no more than 10% below pre-flare, no treatment failure.

Thresholds: ``data/renal_response_bliss_ln.toml``.

>>> r = score_renal_response(RenalInput(0.6, 55.0, 65.0, False))
>>> r.perr, r.crr, round(r.egfr_percent_below_preflare, 2)
(True, False, 15.38)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from lupus.clinical._check import check_bool, check_number
from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader
from lupus.clinical.instrument import Instrument

__all__ = [
    "INSTRUMENT",
    "RenalInput",
    "RenalResponseResult",
    "RenalRule",
    "ResponseCheck",
    "parse",
    "score_renal_response",
]

_TABLE = load_table("renal_response_bliss_ln")
MAX_UPCR: Final[float] = 50.0  # input sanity bounds (g/g, mL/min/1.73 m2), not clinical rules
MAX_EGFR: Final[float] = 250.0
_DECIMALS: Final[int] = 9  # percentages are compared after rounding, so 20.000000000000004 is 20


@dataclass(frozen=True, slots=True)
class RenalRule:
    """One response definition: the uPCR limit and the two alternative eGFR conditions."""

    name: str
    upcr_max_g_per_g: float
    upcr_inclusive: bool
    egfr_floor: float
    max_percent_below_preflare: float


PERR: Final[RenalRule] = RenalRule("perr", **_TABLE["perr"])
CRR: Final[RenalRule] = RenalRule("crr", **_TABLE["crr"])


@dataclass(frozen=True, slots=True)
class RenalInput:
    """uPCR (g/g), current and pre-flare eGFR (mL/min/1.73 m2), treatment failure."""

    upcr_g_per_g: float
    egfr: float
    egfr_preflare: float
    treatment_failure: bool

    def __post_init__(self) -> None:
        check_number("upcr_g_per_g", self.upcr_g_per_g, minimum=0, maximum=MAX_UPCR, unit="g/g")
        unit = "mL/min/1.73 m2"
        check_number("egfr", self.egfr, minimum=0, maximum=MAX_EGFR, unit=unit)
        check_number(
            "egfr_preflare",
            self.egfr_preflare,
            minimum=0,
            exclusive_minimum=True,
            maximum=MAX_EGFR,
            unit=unit,
        )
        check_bool("treatment_failure", self.treatment_failure)


@dataclass(frozen=True, slots=True)
class ResponseCheck:
    """How one definition (PERR or CRR) came out, component by component."""

    met: bool
    upcr_met: bool
    egfr_met: bool
    egfr_basis: str
    no_treatment_failure: bool
    rule: str

    def to_json(self) -> dict[str, Any]:
        return {
            "met": self.met,
            "upcr": self.upcr_met,
            "egfr": self.egfr_met,
            "egfr_basis": self.egfr_basis,
            "no_treatment_failure": self.no_treatment_failure,
            "rule": self.rule,
        }


@dataclass(frozen=True, slots=True)
class RenalResponseResult:
    perr: bool
    crr: bool
    egfr_percent_below_preflare: float
    perr_check: ResponseCheck
    crr_check: ResponseCheck

    def to_json(self) -> dict[str, Any]:
        return {
            "perr": self.perr,
            "crr": self.crr,
            "egfr_percent_below_preflare": self.egfr_percent_below_preflare,
            "components": {"perr": self.perr_check.to_json(), "crr": self.crr_check.to_json()},
            "definition": "BLISS-LN (Furie NEJM 2020) PERR and CRR",
        }


def _check(rule: RenalRule, data: RenalInput, percent_below: float) -> ResponseCheck:
    limit = rule.upcr_max_g_per_g
    if rule.upcr_inclusive:
        upcr_met = data.upcr_g_per_g <= limit
        upcr_text = f"uPCR {data.upcr_g_per_g:g} {'<=' if upcr_met else '>'} {limit:g} g/g"
    else:
        upcr_met = data.upcr_g_per_g < limit
        upcr_text = f"uPCR {data.upcr_g_per_g:g} {'<' if upcr_met else '>='} {limit:g} g/g"
    above_floor = data.egfr >= rule.egfr_floor
    near_preflare = round(percent_below, _DECIMALS) <= rule.max_percent_below_preflare
    if above_floor:
        basis = f"eGFR {data.egfr:g} >= {rule.egfr_floor:g}"
    elif near_preflare:
        basis = (
            f"eGFR {percent_below:.4g}% below pre-flare (<= {rule.max_percent_below_preflare:g}%)"
        )
    else:
        basis = (
            f"eGFR {data.egfr:g} < {rule.egfr_floor:g} and {percent_below:.4g}% below "
            f"pre-flare (> {rule.max_percent_below_preflare:g}%)"
        )
    egfr_met = above_floor or near_preflare
    no_failure = not data.treatment_failure
    met = upcr_met and egfr_met and no_failure
    failed = [
        text
        for ok, text in (
            (upcr_met, upcr_text),
            (egfr_met, basis),
            (no_failure, "treatment failure"),
        )
        if not ok
    ]
    rule_text = (
        f"{rule.name.upper()} met: {upcr_text}; {basis}; no treatment failure"
        if met
        else f"{rule.name.upper()} not met: " + "; ".join(failed)
    )
    return ResponseCheck(met, upcr_met, egfr_met, basis, no_failure, rule_text)


def parse(data: Any) -> RenalInput:
    reader = Reader(data)
    upcr = reader.number("upcr_g_per_g", minimum=0, maximum=MAX_UPCR, unit="g/g")
    egfr = reader.number("egfr", minimum=0, maximum=MAX_EGFR, unit="mL/min/1.73 m2")
    preflare = reader.number(
        "egfr_preflare", minimum=0, exclusive_minimum=True, maximum=MAX_EGFR, unit="mL/min/1.73 m2"
    )
    failure = reader.boolean("treatment_failure")
    reader.finish()
    return RenalInput(upcr, egfr, preflare, failure)


def score_renal_response(data: RenalInput) -> RenalResponseResult:
    """PERR and CRR (BLISS-LN) for one assessment."""
    percent_below = (data.egfr_preflare - data.egfr) / data.egfr_preflare * 100.0
    perr = _check(PERR, data, percent_below)
    crr = _check(CRR, data, percent_below)
    return RenalResponseResult(perr.met, crr.met, percent_below, perr, crr)


INSTRUMENT = Instrument(
    id="renal-response",
    title="Lupus nephritis renal response: PERR and CRR (BLISS-LN)",
    source=_TABLE["source"]["citation"],
    version=_TABLE["source"]["version"],
    parse=parse,
    score=score_renal_response,
    example={"upcr_g_per_g": 0.4, "egfr": 95.0, "egfr_preflare": 100.0, "treatment_failure": False},
    notes="Treatment failure (rescue/prohibited drugs, prednisone > 10 mg/day from week 24 in "
    "BLISS-LN) is supplied by the caller.",
)
