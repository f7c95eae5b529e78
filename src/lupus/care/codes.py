"""Code tables for conditions and drugs (``data/codes.toml``, with sources)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lupus.care._data import load_table
from lupus.care.errors import UnknownCodeError

__all__ = [
    "ATC_SYSTEM",
    "ICD10CM_SYSTEM",
    "SNOMED_SYSTEM",
    "Coding",
    "Drug",
    "condition_coding",
    "condition_codings",
    "drug",
    "drug_keys",
    "drugs",
]

SNOMED_SYSTEM = "http://snomed.info/sct"
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
ATC_SYSTEM = "http://www.whocc.no/atc"


@dataclass(frozen=True, slots=True)
class Coding:
    system: str
    code: str
    display: str


@dataclass(frozen=True, slots=True)
class Drug:
    key: str
    display: str
    atc: str

    def coding(self) -> Coding | None:
        return Coding(ATC_SYSTEM, self.atc, self.display) if self.atc else None


@cache
def condition_codings() -> dict[tuple[str, str], Coding]:
    table = load_table("codes")
    systems: dict[str, str] = table["systems"]
    found: dict[tuple[str, str], Coding] = {}
    for row in table["condition"]:
        system = systems[row["system"]]
        found[(system, row["code"])] = Coding(system, row["code"], row["display"])
    return found


def condition_coding(system: str, code: str, *, field: str = "code") -> Coding:
    """The known coding for ``system|code`` or an error listing the allowed codes."""
    try:
        return condition_codings()[(system, code)]
    except KeyError:
        allowed = ", ".join(f"{s}|{c}" for s, c in sorted(condition_codings()))
        raise UnknownCodeError(field, f"{system}|{code}", f"one of: {allowed}") from None


@cache
def drugs() -> dict[str, Drug]:
    return {
        row["key"]: Drug(row["key"], row["display"], row["atc"])
        for row in load_table("codes")["drug"]
    }


def drug_keys() -> tuple[str, ...]:
    return tuple(sorted(drugs()))


def drug(key: str, *, field: str = "drug") -> Drug:
    try:
        return drugs()[key]
    except KeyError:
        raise UnknownCodeError(field, key, "one of: " + ", ".join(drug_keys())) from None
