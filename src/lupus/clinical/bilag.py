"""BILAG-2004 system grades and the visit value shared by SRI, BICLA and the simulator.

Only the structure of BILAG-2004 is encoded (nine systems, grades A-E, Yee 2010 numeric values,
Gordon 2003 flare words); the item glossary belongs to the BILAG group. A :class:`Visit` carries
the grades already assigned, with the SLEDAI total and the physician global assessment (PGA).
Tables and sources: ``data/bilag2004.toml``.

>>> v = Visit(sledai=10, pga=1.5, bilag={"renal": "A", "mucocutaneous": "B"})
>>> v.bilag["renal"], v.bilag["ophthalmic"]
('A', 'E')
>>> numeric_score(v)
20
>>> later = Visit(sledai=4, pga=1.0, bilag={"renal": "C", "mucocutaneous": "B", "ophthalmic": "A"})
>>> new_a_domains(v, later), new_b_domains(v, later)
(('ophthalmic',), ())
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from lupus.clinical._check import check_number
from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader
from lupus.clinical.errors import InstrumentInputError

__all__ = [
    "DOMAINS",
    "GRADES",
    "PGA_MAX",
    "SLEDAI_MAX",
    "Visit",
    "check_followup",
    "new_a_domains",
    "new_b_domains",
    "numeric_score",
    "parse_visit",
    "parse_visit_pair",
]

_TABLE = load_table("bilag2004")

DOMAINS: Final[tuple[str, ...]] = tuple(d["id"] for d in _TABLE["domain"])
"""The nine BILAG-2004 systems, in form order (Yee 2007)."""

GRADES: Final[tuple[str, ...]] = tuple(g["id"] for g in _TABLE["grade"])
"""Grades A (severe) to E (never involved)."""

_NUMERIC: Final[Mapping[str, int]] = MappingProxyType(
    {g["id"]: int(g["numeric"]) for g in _TABLE["grade"]}
)
_MISSING_GRADE: Final[str] = _TABLE["rules"]["missing_domain_grade"]
_NEVER: Final[str] = _TABLE["rules"]["never_involved_grade"]

SLEDAI_MAX: Final[int] = 105
"""Highest SLEDAI-2K / SELENA-SLEDAI total, the sum of all 24 weights (Gladman 2002; ref. 1.1)."""

PGA_MAX: Final[float] = 3.0
"""Physician global assessment, SELENA 0-3 visual analogue scale (reference section 1.4)."""

_GRADES_TEXT = "one of: " + ", ".join(f'"{g}"' for g in GRADES)


@dataclass(frozen=True, slots=True)
class Visit:
    """One assessment: SLEDAI total, PGA (0-3) and a BILAG-2004 grade for every system.

    ``bilag`` may omit systems (they are graded E, never involved); the stored mapping is
    complete, read-only and in form order.
    """

    sledai: int
    pga: float
    bilag: Mapping[str, str]

    def __post_init__(self) -> None:
        if isinstance(self.sledai, bool) or not isinstance(self.sledai, int):
            raise InstrumentInputError("sledai", self.sledai, f"an integer from 0 to {SLEDAI_MAX}")
        if not 0 <= self.sledai <= SLEDAI_MAX:
            raise InstrumentInputError("sledai", self.sledai, f"an integer from 0 to {SLEDAI_MAX}")
        check_number("pga", self.pga, minimum=0, maximum=PGA_MAX)
        if not isinstance(self.bilag, Mapping):
            raise InstrumentInputError("bilag", self.bilag, "an object of system: grade")
        for domain, grade in self.bilag.items():
            if domain not in DOMAINS:
                raise InstrumentInputError("bilag", domain, "one of: " + ", ".join(DOMAINS))
            if grade not in GRADES:
                raise InstrumentInputError(f"bilag.{domain}", grade, _GRADES_TEXT)
        full = {d: self.bilag.get(d, _MISSING_GRADE) for d in DOMAINS}
        object.__setattr__(self, "pga", float(self.pga))
        object.__setattr__(self, "bilag", MappingProxyType(full))

    def to_json(self) -> dict[str, Any]:
        return {"sledai": self.sledai, "pga": self.pga, "bilag": dict(self.bilag)}


def parse_visit(data: Any, path: str = "visit") -> Visit:
    """Read ``{"sledai": int, "pga": number, "bilag": {SYSTEM: GRADE}}``; ``path`` prefixes errors.

    >>> parse_visit({"sledai": 6, "pga": 1, "bilag": {"renal": "B"}}).bilag["renal"]
    'B'
    """
    reader = Reader(data, path)
    sledai = reader.integer("sledai", minimum=0, maximum=SLEDAI_MAX)
    pga = reader.number("pga", minimum=0, maximum=PGA_MAX)
    grades_reader = reader.obj("bilag")
    grades: dict[str, str] = {}
    for domain in DOMAINS:
        if grades_reader.has(domain):
            grades[domain] = grades_reader.choice(domain, GRADES)
    grades_reader.finish()
    reader.finish()
    return Visit(sledai=sledai, pga=pga, bilag=grades)


def check_followup(baseline: Visit, followup: Visit, path: str = "followup") -> None:
    """Raise when a system graded A-D at baseline is E ("never involved") at follow-up.

    >>> try:
    ...     check_followup(Visit(4, 1, {"renal": "C"}), Visit(2, 1, {}))
    ... except InstrumentInputError as exc:
    ...     print(exc.field, exc.value)
    followup.bilag.renal E
    """
    for domain in DOMAINS:
        before = baseline.bilag[domain]
        if before != _NEVER and followup.bilag[domain] == _NEVER:
            raise InstrumentInputError(
                f"{path}.bilag.{domain}",
                _NEVER,
                f"A, B, C or D (graded {before} at baseline; E means never involved, "
                "so a system once involved is D or worse)",
            )


def parse_visit_pair(baseline: Any, followup: Any) -> tuple[Visit, Visit]:
    """Parse a baseline and a follow-up visit and check they are consistent."""
    first = parse_visit(baseline, "baseline")
    second = parse_visit(followup, "followup")
    check_followup(first, second)
    return first, second


def new_a_domains(baseline: Visit, followup: Visit) -> tuple[str, ...]:
    """Systems graded A at follow-up and not A at baseline (severe flare, Gordon 2003)."""
    return tuple(d for d in DOMAINS if followup.bilag[d] == "A" and baseline.bilag[d] != "A")


def new_b_domains(baseline: Visit, followup: Visit) -> tuple[str, ...]:
    """Systems graded B at follow-up after C, D or E at baseline (moderate flare, Gordon 2003)."""
    return tuple(
        d for d in DOMAINS if followup.bilag[d] == "B" and baseline.bilag[d] in ("C", "D", "E")
    )


def numeric_score(visit: Visit) -> int:
    """Global BILAG-2004 score: sum of A=12, B=8, C=1, D=0, E=0 over systems (Yee 2010)."""
    return sum(_NUMERIC[g] for g in visit.bilag.values())
