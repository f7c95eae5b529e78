"""The laboratory catalogue: LOINC codes, canonical UCUM units and unit conversion at entry.

The catalogue is data (``data/labs.toml``, one row per test with its source and verification
status). A value is converted to the test's canonical unit when it enters the system; a unit
that the row does not list is rejected, naming the accepted units.

>>> round(to_canonical("2160-0", 88.4, "umol/L").value, 3)
1.0
>>> to_canonical("2465-3", 350, "mg/dL")
LabValue(code='2465-3', value=3.5, unit='g/L')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lupus.care._data import load_table
from lupus.care.errors import UnitError, UnknownCodeError

__all__ = [
    "LOINC_SYSTEM",
    "UCUM_SYSTEM",
    "LabTest",
    "LabValue",
    "UnitConversion",
    "lab_by_key",
    "lab_test",
    "lab_tests",
    "to_canonical",
]

LOINC_SYSTEM = "http://loinc.org"
UCUM_SYSTEM = "http://unitsofmeasure.org"


@dataclass(frozen=True, slots=True)
class UnitConversion:
    """``canonical = value * factor + offset`` for one accepted UCUM unit."""

    unit: str
    factor: float
    offset: float = 0.0

    def apply(self, value: float) -> float:
        return value * self.factor + self.offset


@dataclass(frozen=True, slots=True)
class LabTest:
    """One catalogue row: a LOINC-coded test with its canonical unit and accepted units."""

    code: str
    key: str
    display: str
    unit: str
    accept: tuple[UnitConversion, ...]
    status: str
    source: str

    def accepted_units(self) -> tuple[str, ...]:
        return tuple(c.unit for c in self.accept)


@dataclass(frozen=True, slots=True)
class LabValue:
    """A value in the test's canonical unit."""

    code: str
    value: float
    unit: str


@cache
def lab_tests() -> dict[str, LabTest]:
    """Every catalogue test by LOINC code."""
    tests: dict[str, LabTest] = {}
    for row in load_table("labs")["lab"]:
        accept = tuple(
            UnitConversion(a["unit"], float(a["factor"]), float(a.get("offset", 0.0)))
            for a in row["accept"]
        )
        tests[row["code"]] = LabTest(
            code=row["code"],
            key=row["key"],
            display=row["display"],
            unit=row["unit"],
            accept=accept,
            status=row["status"],
            source=row["source"],
        )
    return tests


def lab_test(code: str, *, field: str = "code") -> LabTest:
    """The catalogue row for a LOINC code, or an error listing the known codes."""
    try:
        return lab_tests()[code]
    except KeyError:
        raise UnknownCodeError(
            field, code, "a LOINC code from the catalogue: " + ", ".join(sorted(lab_tests()))
        ) from None


@cache
def lab_by_key(key: str) -> LabTest:
    """The catalogue row by its short key (``"neutrophils"``)."""
    for test in lab_tests().values():
        if test.key == key:
            return test
    raise KeyError(key)


def to_canonical(code: str, value: float, unit: str, *, field: str = "unit") -> LabValue:
    """Convert ``value unit`` to the canonical unit of ``code``; reject other units."""
    test = lab_test(code)
    for conversion in test.accept:
        if conversion.unit == unit:
            return LabValue(code, round(conversion.apply(float(value)), 10), test.unit)
    raise UnitError(
        field,
        unit,
        f"a UCUM unit compatible with {test.unit} for LOINC {code}: "
        + ", ".join(test.accepted_units()),
    )
