"""2012 SLICC classification criteria for SLE (Petri et al., Arthritis Rheum 2012;64:2677).

CLASSIFICATION, never a confirmed diagnosis. Classified with >= 4 of 17 criteria including >= 1
clinical and >= 1 immunologic, or with biopsy-proven lupus nephritis plus ANA or anti-dsDNA. A
direct Coombs test counts only in the absence of haemolytic anaemia. Table: ``data/slicc2012.toml``.

>>> r = score_slicc_2012(SliccInput(("hemolytic_anemia", "direct_coombs", "ana", "synovitis")))
>>> r.clinical_count, r.immunologic_count, r.classified
(2, 1, False)
>>> score_slicc_2012(SliccInput(("ana",), biopsy_proven_lupus_nephritis=True)).rule
'classified: biopsy-proven lupus nephritis with ana'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from lupus.clinical._check import check_bool
from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader, read_id_list
from lupus.clinical.instrument import Instrument

__all__ = ["CRITERIA", "INSTRUMENT", "SliccInput", "SliccResult", "parse", "score_slicc_2012"]

_TABLE = load_table("slicc2012")
CRITERIA: Final[dict[str, str]] = {c["id"]: c["kind"] for c in _TABLE["criterion"]}
NUMBERS: Final[dict[str, str]] = {c["id"]: c["number"] for c in _TABLE["criterion"]}
MIN_CRITERIA: Final[int] = int(_TABLE["classification"]["min_criteria"])
MIN_CLINICAL: Final[int] = int(_TABLE["classification"]["min_clinical"])
MIN_IMMUNOLOGIC: Final[int] = int(_TABLE["classification"]["min_immunologic"])
NEPHRITIS_ANTIBODIES: Final[tuple[str, ...]] = tuple(
    _TABLE["classification"]["nephritis_antibodies"]
)
COOMBS: Final[str] = _TABLE["rules"]["coombs"]
COOMBS_EXCLUDED_BY: Final[str] = _TABLE["rules"]["coombs_excluded_by"]
NOTE: Final[str] = (
    "Classification criteria for research cohorts and trials (SLICC 2012); not a diagnosis. "
    "Count a criterion only in the absence of another cause."
)


@dataclass(frozen=True, slots=True)
class SliccInput:
    """Criteria ever present (cumulative) and whether lupus nephritis is biopsy-proven."""

    criteria: tuple[str, ...]
    biopsy_proven_lupus_nephritis: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "criteria", read_id_list(list(self.criteria), "criteria", CRITERIA)
        )
        check_bool("biopsy_proven_lupus_nephritis", self.biopsy_proven_lupus_nephritis)


@dataclass(frozen=True, slots=True)
class SliccResult:
    classified: bool
    clinical: tuple[str, ...]
    immunologic: tuple[str, ...]
    not_counted: tuple[tuple[str, str], ...]
    rule: str

    @property
    def clinical_count(self) -> int:
        return len(self.clinical)

    @property
    def immunologic_count(self) -> int:
        return len(self.immunologic)

    def to_json(self) -> dict[str, Any]:
        return {
            "classified": self.classified,
            "clinical_count": self.clinical_count,
            "immunologic_count": self.immunologic_count,
            "total_count": self.clinical_count + self.immunologic_count,
            "counted": {
                "clinical": [{"id": c, "number": NUMBERS[c]} for c in self.clinical],
                "immunologic": [{"id": c, "number": NUMBERS[c]} for c in self.immunologic],
            },
            "not_counted": [{"id": c, "reason": why} for c, why in self.not_counted],
            "rule": self.rule,
            "note": NOTE,
        }


def parse(data: Any) -> SliccInput:
    reader = Reader(data)
    criteria = reader.ids("criteria", CRITERIA, what="criterion ids")
    biopsy = reader.boolean("biopsy_proven_lupus_nephritis")  # required (issue contract)
    reader.finish()
    return SliccInput(criteria, biopsy)


def score_slicc_2012(data: SliccInput) -> SliccResult:
    """Count clinical and immunologic criteria and apply both classification routes."""
    present = set(data.criteria)
    not_counted: list[tuple[str, str]] = []
    if COOMBS in present and COOMBS_EXCLUDED_BY in present:
        present.discard(COOMBS)
        not_counted.append(
            (COOMBS, f"counts only in the absence of {COOMBS_EXCLUDED_BY} (Petri 2012 Table 3)")
        )
    clinical = tuple(c for c in CRITERIA if c in present and CRITERIA[c] == "clinical")
    immunologic = tuple(c for c in CRITERIA if c in present and CRITERIA[c] == "immunologic")
    total = len(clinical) + len(immunologic)
    by_count = (
        total >= MIN_CRITERIA
        and len(clinical) >= MIN_CLINICAL
        and len(immunologic) >= MIN_IMMUNOLOGIC
    )
    antibodies = [a for a in NEPHRITIS_ANTIBODIES if a in present]
    by_biopsy = data.biopsy_proven_lupus_nephritis and bool(antibodies)
    if by_count:
        rule = (
            f"classified: {total} criteria (>= {MIN_CRITERIA}) with {len(clinical)} clinical "
            f"and {len(immunologic)} immunologic"
        )
    elif by_biopsy:
        rule = "classified: biopsy-proven lupus nephritis with " + " and ".join(antibodies)
    else:
        reasons = []
        if total < MIN_CRITERIA:
            reasons.append(f"{total} criteria < {MIN_CRITERIA}")
        if len(clinical) < MIN_CLINICAL:
            reasons.append("no clinical criterion")
        if len(immunologic) < MIN_IMMUNOLOGIC:
            reasons.append("no immunologic criterion")
        if data.biopsy_proven_lupus_nephritis:
            reasons.append("biopsy-proven lupus nephritis but neither ANA nor anti-dsDNA")
        rule = "not classified: " + "; ".join(reasons)
    return SliccResult(by_count or by_biopsy, clinical, immunologic, tuple(not_counted), rule)


INSTRUMENT = Instrument(
    id="slicc-2012",
    title="2012 SLICC classification criteria for SLE",
    source=_TABLE["source"]["citation"],
    version=_TABLE["source"]["version"],
    parse=parse,
    score=score_slicc_2012,
    example={
        "criteria": ["acute_cutaneous_lupus", "synovitis", "ana", "anti_dsdna"],
        "biopsy_proven_lupus_nephritis": False,
    },
    notes=NOTE,
)
