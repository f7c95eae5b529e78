"""Errors of the FHIR interoperability layer.

::

    FhirError
    └─ FhirImportError(ValueError)   a bundle that cannot be imported; carries EVERY problem
                                     found (element path + message), rendered as one FHIR
                                     OperationOutcome with one issue per problem

pydantic / fhir-core validation errors and care-layer ``ValueError``s met while reading a bundle
are translated into issues with the FHIRPath-like location of the offending element.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["FhirError", "FhirImportError", "Issue"]


class FhirError(Exception):
    """Base class of every error raised by :mod:`lupus.interop.fhir`."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: where (``Bundle.entry[3].resource.valueQuantity.unit``) and what."""

    location: str
    message: str
    code: str = "invalid"

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": "error",
            "code": self.code,
            "diagnostics": self.message,
            "expression": [self.location],
        }


class FhirImportError(FhirError, ValueError):
    """The bundle was rejected as a whole; nothing from it was stored."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = tuple(issues)
        first = issues[0] if issues else Issue("Bundle", "invalid bundle")
        more = f" (and {len(issues) - 1} more problems)" if len(issues) > 1 else ""
        super().__init__(f"{first.location}: {first.message}{more}")

    def operation_outcome(self) -> dict[str, Any]:
        return {"resourceType": "OperationOutcome", "issue": [i.to_json() for i in self.issues]}
