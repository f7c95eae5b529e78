"""ASTCT 2019 ICANS grade for adults (Lee et al., BBMT 2019;25:625, Tables 3 and 4).

The grade is the most severe of five domains: ICE score, depressed level of consciousness,
seizure, motor findings, raised intracranial pressure / cerebral oedema. Table:
``data/icans_astct2019.toml``.

>>> r = score_icans(IcansInput(5, "voice", "none", False, "none"))
>>> r.grade, r.deciding_domains
(2, ('ice_score', 'consciousness'))
>>> score_icans(IcansInput(0, "alert", "none", False, "none")).grade  # awake, global aphasia
3
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal

from lupus.clinical._check import check_bool, check_int
from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instrument import Instrument

__all__ = ["INSTRUMENT", "IcansInput", "IcansResult", "ice_grade", "parse", "score_icans"]

_TABLE = load_table("icans_astct2019")
_ICE_BANDS: Final[tuple[tuple[int, int, int], ...]] = tuple(
    (int(b["minimum"]), int(b["maximum"]), int(b["grade"])) for b in _TABLE["ice_band"]
)
ICE_UNAROUSABLE_GRADE: Final[int] = int(_TABLE["ice"]["unarousable_grade"])
CONSCIOUSNESS_GRADE: Final[dict[str, int]] = dict(_TABLE["consciousness"])
SEIZURE_GRADE: Final[dict[str, int]] = dict(_TABLE["seizure"])
MOTOR_GRADE: Final[dict[str, int]] = dict(_TABLE["motor_weakness"])
EDEMA_GRADE: Final[dict[str, int]] = dict(_TABLE["cerebral_edema"])
DOMAINS: Final[tuple[str, ...]] = (
    "ice_score",
    "consciousness",
    "seizure",
    "motor_weakness",
    "cerebral_edema",
)

Consciousness = Literal["alert", "spontaneous", "voice", "tactile", "unarousable"]
Seizure = Literal["none", "rapidly_resolving", "prolonged_or_repetitive"]
Edema = Literal["none", "focal", "diffuse"]


def ice_grade(ice_score: int, *, unarousable: bool = False) -> int:
    """ICANS grade of the ICE domain: 10 -> 0, 7-9 -> 1, 3-6 -> 2, 0-2 -> 3; 0 unarousable -> 4.

    >>> [ice_grade(s) for s in (10, 9, 7, 6, 3, 2, 0)], ice_grade(0, unarousable=True)
    ([0, 1, 1, 2, 2, 3, 3], 4)
    """
    if unarousable and ice_score == 0:
        return ICE_UNAROUSABLE_GRADE
    for low, high, grade in _ICE_BANDS:
        if low <= ice_score <= high:
            return grade
    raise InstrumentInputError("ice_score", ice_score, "an integer from 0 to 10")


@dataclass(frozen=True, slots=True)
class IcansInput:
    """ICE score (0-10) and the four other ASTCT domains."""

    ice_score: int
    consciousness: Consciousness
    seizure: Seizure
    motor_weakness: bool
    cerebral_edema: Edema

    def __post_init__(self) -> None:
        check_int("ice_score", self.ice_score, minimum=0, maximum=10)
        check_bool("motor_weakness", self.motor_weakness)
        for name, table in (
            ("consciousness", CONSCIOUSNESS_GRADE),
            ("seizure", SEIZURE_GRADE),
            ("cerebral_edema", EDEMA_GRADE),
        ):
            value = getattr(self, name)
            if value not in table:
                raise InstrumentInputError(name, value, "one of: " + ", ".join(table))
        if self.consciousness == "unarousable" and self.ice_score != 0:
            raise InstrumentInputError(
                "ice_score",
                self.ice_score,
                "0 when consciousness is unarousable (an unarousable patient cannot perform ICE)",
            )


@dataclass(frozen=True, slots=True)
class IcansResult:
    """The grade, each domain's grade and the domains that set it."""

    grade: int
    domain_grades: Mapping[str, int]
    deciding_domains: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        rule = (
            "grade 0: no domain abnormal"
            if self.grade == 0
            else f"grade {self.grade}: most severe domain ({', '.join(self.deciding_domains)})"
        )
        return {
            "grade": self.grade,
            "deciding_domain": self.deciding_domains[0] if self.deciding_domains else None,
            "deciding_domains": list(self.deciding_domains),
            "domain_grades": dict(self.domain_grades),
            "rule": rule,
            "grading": "ASTCT 2019 ICANS for adults (Lee BBMT 2019, Table 4)",
        }


def parse(data: Any) -> IcansInput:
    reader = Reader(data)
    ice = reader.integer("ice_score", minimum=0, maximum=10)
    consciousness = reader.choice("consciousness", tuple(CONSCIOUSNESS_GRADE))
    seizure = reader.choice("seizure", tuple(SEIZURE_GRADE))
    motor = reader.boolean("motor_weakness")
    edema = reader.choice("cerebral_edema", tuple(EDEMA_GRADE))
    reader.finish()
    return IcansInput(ice, consciousness, seizure, motor, edema)  # type: ignore[arg-type]


def score_icans(data: IcansInput) -> IcansResult:
    """ASTCT 2019 ICANS grade 0-4 (adults): the worst domain wins."""
    grades = {
        "ice_score": ice_grade(data.ice_score, unarousable=data.consciousness == "unarousable"),
        "consciousness": CONSCIOUSNESS_GRADE[data.consciousness],
        "seizure": SEIZURE_GRADE[data.seizure],
        "motor_weakness": MOTOR_GRADE["present" if data.motor_weakness else "absent"],
        "cerebral_edema": EDEMA_GRADE[data.cerebral_edema],
    }
    grade = max(grades.values())
    deciding = tuple(d for d in DOMAINS if grades[d] == grade) if grade > 0 else ()
    return IcansResult(grade, MappingProxyType(grades), deciding)


INSTRUMENT = Instrument(
    id="icans",
    title="ICANS grade for adults (ASTCT 2019, ICE score)",
    source=_TABLE["source"]["citation"],
    version=_TABLE["source"]["version"],
    parse=parse,
    score=score_icans,
    example={
        "ice_score": 5,
        "consciousness": "voice",
        "seizure": "none",
        "motor_weakness": False,
        "cerebral_edema": "none",
    },
    notes="Adults only (children < 12 years: CAPD). Intracranial haemorrhage is graded separately.",
)
