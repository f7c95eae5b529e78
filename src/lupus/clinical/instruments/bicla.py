"""BILAG-based Composite Lupus Assessment (BICLA) responder status.

All five are required (reference section 4.2, S12): (1) every baseline BILAG A improves to B, C
or D and every baseline B to C or D; (2) no new A and at most one new B; (3) no SLEDAI worsening;
(4) no PGA worsening; (5) no treatment failure. Rules: ``data/bicla.toml``.

>>> base = Visit(sledai=12, pga=2.0, bilag={"renal": "A", "mucocutaneous": "B"})
>>> later = Visit(sledai=6, pga=1.0, bilag={"renal": "B", "mucocutaneous": "C"})
>>> score_bicla(BiclaInput(base, later, treatment_failure=False)).responder
True
>>> still_b = Visit(sledai=6, pga=1.0, bilag={"renal": "C", "mucocutaneous": "B"})
>>> score_bicla(BiclaInput(base, still_b, treatment_failure=False)).not_improved
('mucocutaneous',)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from lupus.clinical._check import check_bool
from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader
from lupus.clinical.bilag import (
    DOMAINS,
    Visit,
    check_followup,
    new_a_domains,
    new_b_domains,
    parse_visit,
)
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instrument import Instrument

__all__ = ["INSTRUMENT", "PGA_RULES", "BiclaInput", "BiclaResult", "parse", "score_bicla"]

_TABLE = load_table("bicla")
IMPROVED_FROM: Final[dict[str, tuple[str, ...]]] = {
    "A": tuple(_TABLE["improvement"]["from_A"]),
    "B": tuple(_TABLE["improvement"]["from_B"]),
}
MAX_NEW_A: Final[int] = int(_TABLE["bilag"]["max_new_a"])
MAX_NEW_B: Final[int] = int(_TABLE["bilag"]["max_new_b"])
MAX_SLEDAI_INCREASE: Final[int] = int(_TABLE["sledai"]["max_increase"])
PGA_WORSENING: Final[float] = float(_TABLE["pga"]["worsening_increase"])
PGA_RULES: Final[tuple[str, ...]] = tuple(_TABLE["pga"]["rules"])
DEFAULT_PGA_RULE: Final[str] = str(_TABLE["pga"]["default_rule"])
_DECIMALS: Final[int] = 9

PgaRule = Literal["increase_below_0.3", "increase_at_most_0.3"]


@dataclass(frozen=True, slots=True)
class BiclaInput:
    """Baseline and follow-up visits, treatment failure, and the PGA boundary rule."""

    baseline: Visit
    followup: Visit
    treatment_failure: bool
    pga_rule: PgaRule = "increase_below_0.3"

    def __post_init__(self) -> None:
        if self.pga_rule not in PGA_RULES:
            raise InstrumentInputError(
                "pga_rule", self.pga_rule, "one of: " + ", ".join(f'"{r}"' for r in PGA_RULES)
            )
        for name in ("baseline", "followup"):
            if not isinstance(getattr(self, name), Visit):
                raise InstrumentInputError(name, getattr(self, name), "a visit object")
        check_bool("treatment_failure", self.treatment_failure)
        check_followup(self.baseline, self.followup)


@dataclass(frozen=True, slots=True)
class BiclaResult:
    responder: bool
    not_improved: tuple[str, ...]
    improvement_met: bool
    new_a: tuple[str, ...]
    new_b: tuple[str, ...]
    bilag_met: bool
    sledai_change: int
    sledai_met: bool
    pga_change: float
    pga_met: bool
    pga_rule: str
    no_treatment_failure: bool

    def to_json(self) -> dict[str, Any]:
        failed = [
            name
            for name, ok in (
                ("bilag_improvement", self.improvement_met),
                ("no_new_bilag_flare", self.bilag_met),
                ("sledai", self.sledai_met),
                ("pga", self.pga_met),
                ("treatment_failure", self.no_treatment_failure),
            )
            if not ok
        ]
        return {
            "responder": self.responder,
            "components": {
                "bilag_improvement": {
                    "met": self.improvement_met,
                    "not_improved": list(self.not_improved),
                    "required": "every baseline A to B/C/D and every baseline B to C/D",
                },
                "no_new_bilag_flare": {
                    "met": self.bilag_met,
                    "new_a": list(self.new_a),
                    "new_b": list(self.new_b),
                    "allowed": "no new A and at most one new B",
                },
                "sledai": {"met": self.sledai_met, "change": self.sledai_change},
                "pga": {"met": self.pga_met, "change": self.pga_change, "rule": self.pga_rule},
                "no_treatment_failure": self.no_treatment_failure,
            },
            "rule": (
                "BICLA responder: all five criteria met"
                if self.responder
                else "BICLA non-responder: failed " + ", ".join(failed)
            ),
        }


def parse(data: Any) -> BiclaInput:
    reader = Reader(data)
    baseline = parse_visit(reader.raw("baseline", allowed="a visit object"), "baseline")
    followup = parse_visit(reader.raw("followup", allowed="a visit object"), "followup")
    failure = reader.boolean("treatment_failure")
    rule = reader.choice("pga_rule", PGA_RULES, DEFAULT_PGA_RULE)
    reader.finish()
    return BiclaInput(baseline, followup, failure, rule)  # type: ignore[arg-type]


def score_bicla(data: BiclaInput) -> BiclaResult:
    """BICLA responder status with every component."""
    base, later = data.baseline, data.followup
    not_improved = tuple(
        d
        for d in DOMAINS
        if base.bilag[d] in IMPROVED_FROM and later.bilag[d] not in IMPROVED_FROM[base.bilag[d]]
    )
    new_a = new_a_domains(base, later)
    new_b = new_b_domains(base, later)
    sledai_change = later.sledai - base.sledai
    pga_change = round(later.pga - base.pga, _DECIMALS)
    if data.pga_rule == "increase_below_0.3":
        pga_met = pga_change < PGA_WORSENING
    else:
        pga_met = pga_change <= PGA_WORSENING
    improvement_met = not not_improved
    bilag_met = len(new_a) <= MAX_NEW_A and len(new_b) <= MAX_NEW_B
    sledai_met = sledai_change <= MAX_SLEDAI_INCREASE
    no_failure = not data.treatment_failure
    return BiclaResult(
        responder=improvement_met and bilag_met and sledai_met and pga_met and no_failure,
        not_improved=not_improved,
        improvement_met=improvement_met,
        new_a=new_a,
        new_b=new_b,
        bilag_met=bilag_met,
        sledai_change=sledai_change,
        sledai_met=sledai_met,
        pga_change=pga_change,
        pga_met=pga_met,
        pga_rule=data.pga_rule,
        no_treatment_failure=no_failure,
    )


INSTRUMENT = Instrument(
    id="bicla",
    title="BILAG-based Composite Lupus Assessment (BICLA)",
    source=_TABLE["source"]["citation"],
    version=_TABLE["source"]["version"],
    parse=parse,
    score=score_bicla,
    example={
        "baseline": {"sledai": 12, "pga": 2.0, "bilag": {"renal": "A", "mucocutaneous": "B"}},
        "followup": {"sledai": 6, "pga": 1.0, "bilag": {"renal": "B", "mucocutaneous": "C"}},
        "treatment_failure": False,
    },
    notes="PGA boundary: default worsening = increase >= 0.3; pga_rule "
    '"increase_at_most_0.3" lets exactly 0.3 pass.',
)
