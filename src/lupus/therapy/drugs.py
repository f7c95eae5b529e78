"""The closed list of drug names that plan input and output use (``data/drugs.toml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Literal, cast

from lupus.therapy._data import load_table
from lupus.therapy.errors import PlanInputError

__all__ = ["DRUG_CLASSES", "Drug", "DrugClass", "drug_names", "drugs", "get_drug"]

DrugClass = Literal[
    "antimalarial",
    "glucocorticoid",
    "immunosuppressant",
    "biologic",
    "cd19-directed",
    "lymphodepleting",
]
DRUG_CLASSES: tuple[DrugClass, ...] = (
    "antimalarial",
    "glucocorticoid",
    "immunosuppressant",
    "biologic",
    "cd19-directed",
    "lymphodepleting",
)


@dataclass(frozen=True, slots=True)
class Drug:
    """One drug: lower-case name, class, ATC code ("" if none checked) and its status tag."""

    name: str
    drug_class: DrugClass
    atc: str
    atc_status: Literal["V", "C", "U"]

    def __post_init__(self) -> None:
        if self.name != self.name.lower() or not self.name:
            raise PlanInputError("drug.name", self.name, "a non-empty lower-case name")
        if self.drug_class not in DRUG_CLASSES:
            raise PlanInputError("drug.class", self.drug_class, ", ".join(DRUG_CLASSES))


@cache
def drugs() -> Mapping[str, Drug]:
    """Every known drug by name (sorted), read from ``data/drugs.toml``."""
    table = load_table("drugs")["drugs"]
    found = {
        name: Drug(
            name=name,
            drug_class=cast(DrugClass, entry["class"]),
            atc=str(entry["atc"]),
            atc_status=cast(Literal["V", "C", "U"], entry["atc_status"]),
        )
        for name, entry in sorted(table.items())
    }
    return MappingProxyType(found)


def drug_names() -> tuple[str, ...]:
    """The allowed drug names, sorted."""
    return tuple(drugs())


def get_drug(name: str) -> Drug:
    """The drug called ``name``; :class:`PlanInputError` if it is not in the closed list."""
    try:
        return drugs()[name]
    except KeyError:
        raise PlanInputError("drug", name, "one of: " + ", ".join(drug_names())) from None
