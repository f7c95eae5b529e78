"""SLE Responder Index SRI-k (k = 4 to 8): SLEDAI, BILAG-2004 and PGA components.

A responder has (1) a SLEDAI reduction of at least k points, (2) no new BILAG A and at most one
new BILAG B, (3) no PGA worsening (increase >= 0.3 on the 0-3 scale) and (4) no treatment
failure. Rules: ``data/sri.toml``; BILAG structure: :mod:`lupus.clinical.bilag`.

>>> base = Visit(sledai=10, pga=1.5, bilag={"mucocutaneous": "B", "musculoskeletal": "B"})
>>> week52 = Visit(sledai=4, pga=1.0, bilag={"mucocutaneous": "C", "musculoskeletal": "D"})
>>> score_sri(SriInput(4, base, week52)).responder, score_sri(SriInput(7, base, week52)).responder
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from lupus.clinical._check import check_bool, check_int
from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader
from lupus.clinical.bilag import Visit, check_followup, new_a_domains, new_b_domains, parse_visit
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instrument import Instrument

__all__ = ["INSTRUMENT", "SriInput", "SriResult", "parse", "pga_change", "score_sri"]

_TABLE = load_table("sri")
MIN_THRESHOLD: Final[int] = int(_TABLE["sledai"]["minimum_threshold"])
MAX_THRESHOLD: Final[int] = int(_TABLE["sledai"]["maximum_threshold"])
VERIFIED_MAX_THRESHOLD: Final[int] = int(_TABLE["sledai"]["verified_maximum_threshold"])
MAX_NEW_A: Final[int] = int(_TABLE["bilag"]["max_new_a"])
MAX_NEW_B: Final[int] = int(_TABLE["bilag"]["max_new_b"])
PGA_WORSENING: Final[float] = float(_TABLE["pga"]["worsening_increase"])
_DECIMALS: Final[int] = 9


def pga_change(baseline: Visit, followup: Visit) -> float:
    """Follow-up minus baseline PGA, rounded to 9 decimals (so 1.3 - 1.0 is exactly 0.3)."""
    return round(followup.pga - baseline.pga, _DECIMALS)


@dataclass(frozen=True, slots=True)
class SriInput:
    """SRI threshold k, the two visits and whether the patient met a treatment-failure rule."""

    threshold: int
    baseline: Visit
    followup: Visit
    treatment_failure: bool = False

    def __post_init__(self) -> None:
        check_int("threshold", self.threshold, minimum=MIN_THRESHOLD, maximum=MAX_THRESHOLD)
        for name in ("baseline", "followup"):
            if not isinstance(getattr(self, name), Visit):
                raise InstrumentInputError(name, getattr(self, name), "a visit object")
        check_bool("treatment_failure", self.treatment_failure)
        check_followup(self.baseline, self.followup)


@dataclass(frozen=True, slots=True)
class SriResult:
    threshold: int
    responder: bool
    sledai_reduction: int
    sledai_met: bool
    new_a: tuple[str, ...]
    new_b: tuple[str, ...]
    bilag_met: bool
    pga_change: float
    pga_met: bool
    no_treatment_failure: bool

    def to_json(self) -> dict[str, Any]:
        failed = [
            name
            for name, ok in (
                ("sledai", self.sledai_met),
                ("bilag", self.bilag_met),
                ("pga", self.pga_met),
                ("treatment_failure", self.no_treatment_failure),
            )
            if not ok
        ]
        rule = (
            f"SRI-{self.threshold} responder: all four components met"
            if self.responder
            else f"SRI-{self.threshold} non-responder: failed " + ", ".join(failed)
        )
        return {
            "responder": self.responder,
            "threshold": self.threshold,
            "components": {
                "sledai": {
                    "met": self.sledai_met,
                    "reduction": self.sledai_reduction,
                    "required_reduction": self.threshold,
                },
                "bilag": {
                    "met": self.bilag_met,
                    "new_a": list(self.new_a),
                    "new_b": list(self.new_b),
                    "allowed": "no new A and at most one new B",
                },
                "pga": {
                    "met": self.pga_met,
                    "change": self.pga_change,
                    "worsening_if_increase_at_least": PGA_WORSENING,
                },
                "no_treatment_failure": self.no_treatment_failure,
            },
            "rule": rule,
            "unverified": (
                []
                if self.threshold <= VERIFIED_MAX_THRESHOLD
                else [
                    f"SRI-{self.threshold}: the SRI-5 to SRI-8 construction (SLEDAI reduction of "
                    "at least k points, other components as SRI-4) is unverified in the project "
                    "reference (instruments.md 4.1, tag U)"
                ]
            ),
        }


def parse(data: Any) -> SriInput:
    reader = Reader(data)
    # "threshold" is required (issue contract); only "treatment_failure" is optional.
    threshold = reader.integer("threshold", minimum=MIN_THRESHOLD, maximum=MAX_THRESHOLD)
    baseline = parse_visit(reader.raw("baseline", allowed="a visit object"), "baseline")
    followup = parse_visit(reader.raw("followup", allowed="a visit object"), "followup")
    failure = reader.boolean("treatment_failure", False)
    reader.finish()
    return SriInput(threshold, baseline, followup, failure)


def score_sri(data: SriInput) -> SriResult:
    """SRI-k responder status with every component."""
    reduction = data.baseline.sledai - data.followup.sledai
    new_a = new_a_domains(data.baseline, data.followup)
    new_b = new_b_domains(data.baseline, data.followup)
    change = pga_change(data.baseline, data.followup)
    sledai_met = reduction >= data.threshold
    bilag_met = len(new_a) <= MAX_NEW_A and len(new_b) <= MAX_NEW_B
    pga_met = change < PGA_WORSENING
    no_failure = not data.treatment_failure
    return SriResult(
        threshold=data.threshold,
        responder=sledai_met and bilag_met and pga_met and no_failure,
        sledai_reduction=reduction,
        sledai_met=sledai_met,
        new_a=new_a,
        new_b=new_b,
        bilag_met=bilag_met,
        pga_change=change,
        pga_met=pga_met,
        no_treatment_failure=no_failure,
    )


INSTRUMENT = Instrument(
    id="sri",
    title="SLE Responder Index SRI-k (k = 4 to 8)",
    source=_TABLE["source"]["citation"],
    version=_TABLE["source"]["version"],
    parse=parse,
    score=score_sri,
    example={
        "threshold": 4,
        "baseline": {"sledai": 10, "pga": 1.5, "bilag": {"mucocutaneous": "B"}},
        "followup": {"sledai": 4, "pga": 1.0, "bilag": {"mucocutaneous": "C"}},
        "treatment_failure": False,
    },
    notes="Treatment-failure rules are protocol-specific; the caller supplies the outcome.",
)
