"""2019 EULAR/ACR classification criteria for SLE (Aringer et al., ARD 2019;78:1151).

CLASSIFICATION for research cohorts and trials, never a confirmed diagnosis. Entry: ANA >= 1:80
on HEp-2 cells (or an equivalent positive test) at least once. Only the highest-weighted criterion
in each domain counts; classified with a total >= 10 and at least one clinical criterion.
Weights and rules: ``data/eular_acr2019.toml``.

>>> r = score_eular_acr_2019(EularAcrInput(160, ("lupus_nephritis_class_iii_or_iv",)))
>>> r.score, r.classified
(10, True)
>>> r = score_eular_acr_2019(EularAcrInput(160, ("proteinuria", "lupus_nephritis_class_ii_or_v")))
>>> r.score, [(d.domain, d.counted, d.weight) for d in r.domains]
(8, [('renal', 'lupus_nephritis_class_ii_or_v', 8)])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from lupus.clinical._check import check_bool, check_int
from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader, read_id_list
from lupus.clinical.instrument import Instrument

__all__ = [
    "CRITERIA",
    "INSTRUMENT",
    "Criterion",
    "DomainScore",
    "EularAcrInput",
    "EularAcrResult",
    "parse",
    "score_eular_acr_2019",
]

_TABLE = load_table("eular_acr2019")
ANA_TITER_MIN: Final[int] = int(_TABLE["entry"]["ana_titer_min"])
SCORE_MIN: Final[int] = int(_TABLE["classification"]["score_min"])
MIN_CLINICAL: Final[int] = int(_TABLE["classification"]["min_clinical_criteria"])
MAX_TITER: Final[int] = 10_000_000  # input sanity bound, not a clinical rule
NOTE: Final[str] = (
    "Classification criteria for research cohorts and trials (2019 EULAR/ACR); not a diagnosis. "
    "Count a criterion only when nothing more likely than SLE explains it."
)


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of the table: id, domain, clinical or immunologic, weight."""

    id: str
    domain: str
    kind: str
    weight: int
    definition: str


CRITERIA: Final[dict[str, Criterion]] = {
    c["id"]: Criterion(c["id"], c["domain"], c["kind"], int(c["weight"]), c["definition"])
    for c in _TABLE["criterion"]
}
_DOMAIN_ORDER: Final[tuple[str, ...]] = tuple(dict.fromkeys(c.domain for c in CRITERIA.values()))


@dataclass(frozen=True, slots=True)
class EularAcrInput:
    """Reciprocal ANA titre on HEp-2 (0 when negative), the criteria present, equivalent test."""

    ana_titer: int
    criteria: tuple[str, ...]
    ana_equivalent_positive: bool = False

    def __post_init__(self) -> None:
        check_int("ana_titer", self.ana_titer, minimum=0, maximum=MAX_TITER)
        check_bool("ana_equivalent_positive", self.ana_equivalent_positive)
        object.__setattr__(
            self, "criteria", read_id_list(list(self.criteria), "criteria", CRITERIA)
        )


@dataclass(frozen=True, slots=True)
class DomainScore:
    """The criterion that counted in one domain and those that did not (lower or equal weight)."""

    domain: str
    kind: str
    counted: str
    weight: int
    not_counted: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "kind": self.kind,
            "counted": self.counted,
            "weight": self.weight,
            "not_counted": list(self.not_counted),
        }


@dataclass(frozen=True, slots=True)
class EularAcrResult:
    entry_criterion_met: bool
    score: int
    clinical_criterion_met: bool
    classified: bool
    domains: tuple[DomainScore, ...]
    rule: str

    def to_json(self) -> dict[str, Any]:
        return {
            "entry_criterion_met": self.entry_criterion_met,
            "score": self.score,
            "classified": self.classified,
            "clinical_criterion_met": self.clinical_criterion_met,
            "domains": [d.to_json() for d in self.domains],
            "rule": self.rule,
            "note": NOTE,
        }


def parse(data: Any) -> EularAcrInput:
    reader = Reader(data)
    titer = reader.integer("ana_titer", minimum=0, maximum=MAX_TITER)
    criteria = reader.ids("criteria", CRITERIA, what="criterion ids")
    equivalent = reader.boolean("ana_equivalent_positive", False)
    reader.finish()
    return EularAcrInput(titer, criteria, equivalent)


def score_eular_acr_2019(data: EularAcrInput) -> EularAcrResult:
    """Total of the highest weight per domain, entry criterion, and classification."""
    domains: list[DomainScore] = []
    for domain in _DOMAIN_ORDER:
        present = [CRITERIA[c] for c in data.criteria if CRITERIA[c].domain == domain]
        if not present:
            continue
        # Highest weight counts; ties (thrombocytopenia / autoimmune haemolysis, 4 each) keep
        # the one listed first in the table, which does not change the total.
        order = [c.id for c in CRITERIA.values()]
        present.sort(key=lambda c: (-c.weight, order.index(c.id)))
        top = present[0]
        domains.append(
            DomainScore(domain, top.kind, top.id, top.weight, tuple(c.id for c in present[1:]))
        )
    total = sum(d.weight for d in domains)
    entry = data.ana_titer >= ANA_TITER_MIN or data.ana_equivalent_positive
    clinical = sum(1 for c in data.criteria if CRITERIA[c].kind == "clinical") >= MIN_CLINICAL
    classified = entry and clinical and total >= SCORE_MIN
    if not entry:
        rule = (
            f"not classified: entry criterion not met (ANA titre 1:{data.ana_titer} < "
            f"1:{ANA_TITER_MIN} and no equivalent positive test); the criteria do not apply"
        )
    elif not clinical:
        rule = "not classified: no clinical criterion (at least one is required)"
    elif total < SCORE_MIN:
        rule = f"not classified: score {total} < {SCORE_MIN}"
    else:
        rule = (
            f"classified: entry criterion met, score {total} >= {SCORE_MIN}, "
            "at least one clinical criterion"
        )
    return EularAcrResult(entry, total, clinical, classified, tuple(domains), rule)


INSTRUMENT = Instrument(
    id="eular-acr-2019",
    title="2019 EULAR/ACR classification criteria for SLE",
    source=_TABLE["source"]["citation"],
    version=_TABLE["source"]["version"],
    parse=parse,
    score=score_eular_acr_2019,
    example={
        "ana_titer": 160,
        "criteria": ["joint_involvement", "low_c3_and_low_c4", "anti_dsdna_or_anti_smith"],
    },
    notes=NOTE,
)
