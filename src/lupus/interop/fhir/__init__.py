"""FHIR R4 interoperability (``fhir.resources.R4B`` models): import a transaction Bundle (all
or nothing), export ``Patient/$everything``, search observations, export the audit log as
AuditEvent resources. Codes: LOINC, UCUM, SNOMED CT, ICD-10-CM, ATC, CVX, local CodeSystems."""

from lupus.interop.fhir.audit import audit_bundle as audit_bundle
from lupus.interop.fhir.audit import audit_event_resource as audit_event_resource
from lupus.interop.fhir.errors import FhirError as FhirError
from lupus.interop.fhir.errors import FhirImportError as FhirImportError
from lupus.interop.fhir.errors import Issue as Issue
from lupus.interop.fhir.export import everything as everything
from lupus.interop.fhir.export import resource_of as resource_of
from lupus.interop.fhir.export import resources_of as resources_of
from lupus.interop.fhir.export import searchset as searchset
from lupus.interop.fhir.import_bundle import SUPPORTED as SUPPORTED
from lupus.interop.fhir.import_bundle import apply_bundle as apply_bundle
from lupus.interop.fhir.import_bundle import import_bundle as import_bundle
from lupus.interop.fhir.import_bundle import read_bundle as read_bundle
from lupus.interop.fhir.import_bundle import warm_up as warm_up

__all__ = [
    "FhirError",
    "FhirImportError",
    "Issue",
    "SUPPORTED",
    "apply_bundle",
    "audit_bundle",
    "audit_event_resource",
    "everything",
    "import_bundle",
    "read_bundle",
    "resource_of",
    "resources_of",
    "searchset",
    "warm_up",
]
