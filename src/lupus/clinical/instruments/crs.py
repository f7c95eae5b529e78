"""ASTCT 2019 cytokine release syndrome (CRS) grade (Lee et al., BBMT 2019;25:625, Table 1).

Grade = the more severe of the hypotension and hypoxia grades, once fever (>= 38.0 C, or fever
masked by antipyretic or anti-cytokine therapy) is present. Table: ``data/crs_astct2019.toml``.

Published example (Lee 2019; reference section 8.2): febrile, one vasopressor and low-flow
oxygen is grade 3.

>>> r = score_crs(CrsInput(38.6, False, "one_vasopressor", "low_flow"))
>>> r.grade, r.deciding
(3, ('hypotension',))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from lupus.clinical._check import check_bool, check_number
from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instrument import Instrument

__all__ = ["INSTRUMENT", "CrsInput", "CrsResult", "parse", "score_crs"]

_TABLE = load_table("crs_astct2019")
FEVER_C: Final[float] = float(_TABLE["fever"]["minimum_temperature_c"])
FEVER_ALONE_GRADE: Final[int] = int(_TABLE["fever"]["grade_with_fever_alone"])
HYPOTENSION_GRADE: Final[dict[str, int]] = dict(_TABLE["hypotension"])
OXYGEN_GRADE: Final[dict[str, int]] = dict(_TABLE["oxygen"])
HYPOTENSION_LEVELS: Final[tuple[str, ...]] = tuple(HYPOTENSION_GRADE)
OXYGEN_LEVELS: Final[tuple[str, ...]] = tuple(OXYGEN_GRADE)
MIN_TEMPERATURE_C: Final[float] = 25.0  # input sanity bounds, not clinical rules
MAX_TEMPERATURE_C: Final[float] = 45.0

Hypotension = Literal["none", "no_vasopressor", "one_vasopressor", "multiple_vasopressors"]
Oxygen = Literal["none", "low_flow", "high_flow", "positive_pressure"]


@dataclass(frozen=True, slots=True)
class CrsInput:
    """Highest temperature (C), whether fever is masked by treatment, hypotension and O2 support."""

    temperature_c: float
    fever_masked_by_treatment: bool
    hypotension: Hypotension
    oxygen: Oxygen

    def __post_init__(self) -> None:
        check_number(
            "temperature_c",
            self.temperature_c,
            minimum=MIN_TEMPERATURE_C,
            maximum=MAX_TEMPERATURE_C,
            unit="Cel",
        )
        check_bool("fever_masked_by_treatment", self.fever_masked_by_treatment)
        if self.hypotension not in HYPOTENSION_GRADE:
            raise InstrumentInputError(
                "hypotension", self.hypotension, "one of: " + ", ".join(HYPOTENSION_LEVELS)
            )
        if self.oxygen not in OXYGEN_GRADE:
            raise InstrumentInputError("oxygen", self.oxygen, "one of: " + ", ".join(OXYGEN_LEVELS))


@dataclass(frozen=True, slots=True)
class CrsResult:
    """The grade, the component grades and the rule that decided."""

    grade: int
    fever: bool
    fever_basis: str
    hypotension_grade: int
    hypoxia_grade: int
    deciding: tuple[str, ...]
    rule: str

    def to_json(self) -> dict[str, Any]:
        return {
            "grade": self.grade,
            "fever": self.fever,
            "fever_basis": self.fever_basis,
            "components": {"hypotension": self.hypotension_grade, "hypoxia": self.hypoxia_grade},
            "deciding": list(self.deciding),
            "rule": self.rule,
            "grading": "ASTCT 2019 (Lee BBMT 2019, Table 1); grade 5 (death) not scored",
        }


def parse(data: Any) -> CrsInput:
    reader = Reader(data)
    temperature = reader.number(
        "temperature_c", minimum=MIN_TEMPERATURE_C, maximum=MAX_TEMPERATURE_C, unit="Cel"
    )
    masked = reader.boolean("fever_masked_by_treatment")
    hypotension = reader.choice("hypotension", HYPOTENSION_LEVELS)
    oxygen = reader.choice("oxygen", OXYGEN_LEVELS)
    reader.finish()
    return CrsInput(temperature, masked, hypotension, oxygen)  # type: ignore[arg-type]


def score_crs(data: CrsInput) -> CrsResult:
    """ASTCT 2019 CRS grade 0-4."""
    hypotension = HYPOTENSION_GRADE[data.hypotension]
    hypoxia = OXYGEN_GRADE[data.oxygen]
    if data.temperature_c >= FEVER_C:
        basis = f"temperature {data.temperature_c:g} C >= {FEVER_C:g} C"
    elif data.fever_masked_by_treatment:
        basis = "fever masked by antipyretic or anti-cytokine therapy (no longer required)"
    else:
        return CrsResult(
            grade=0,
            fever=False,
            fever_basis=f"temperature {data.temperature_c:g} C < {FEVER_C:g} C and not masked",
            hypotension_grade=hypotension,
            hypoxia_grade=hypoxia,
            deciding=("no_fever",),
            rule=(
                "no CRS by ASTCT 2019: fever >= 38.0 C is required unless masked by treatment; "
                "hypotension or hypoxia without fever needs another explanation"
            ),
        )
    grade = max(FEVER_ALONE_GRADE, hypotension, hypoxia)
    if grade == FEVER_ALONE_GRADE:
        deciding: tuple[str, ...] = ("fever",)
        rule = f"grade {grade}: fever without hypotension or hypoxia"
    else:
        deciding = tuple(
            name
            for name, value in (("hypotension", hypotension), ("hypoxia", hypoxia))
            if value == grade
        )
        rule = (
            f"grade {grade}: the more severe of hypotension ({data.hypotension}, grade "
            f"{hypotension}) and hypoxia ({data.oxygen}, grade {hypoxia})"
        )
    return CrsResult(grade, True, basis, hypotension, hypoxia, deciding, rule)


INSTRUMENT = Instrument(
    id="crs",
    title="Cytokine release syndrome grade (ASTCT 2019)",
    source=_TABLE["source"]["citation"],
    version=_TABLE["source"]["version"],
    parse=parse,
    score=score_crs,
    example={
        "temperature_c": 38.6,
        "fever_masked_by_treatment": False,
        "hypotension": "one_vasopressor",
        "oxygen": "low_flow",
    },
    notes="Organ toxicities are graded by CTCAE and do not change the CRS grade.",
)
