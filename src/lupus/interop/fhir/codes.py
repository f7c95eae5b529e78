"""Code systems and local identifiers used in FHIR resources.

Standard systems: LOINC (labs, ``lupus.care.labs`` catalogue), UCUM (units), SNOMED CT and
ICD-10-CM (conditions, ``lupus.care.codes``), ATC (drugs; WHO 2024 codes), CVX (vaccines).
RxNorm is not emitted: no RxCUI is verified in the project reference (instruments.md 7.4).
Where no standard code exists (instrument totals: "no LOINC code found", instruments.md 7.1;
CTCAE/ASTCT grades; report kinds) the codes live in local CodeSystems under
:data:`LOCAL_BASE`, a reserved ``.example.org`` domain that marks them as local.
"""

from __future__ import annotations

from lupus.care import ATC_SYSTEM, ICD10CM_SYSTEM, LOINC_SYSTEM, SNOMED_SYSTEM, UCUM_SYSTEM

__all__ = [
    "ADVERSE_EVENT_CATEGORY_SYSTEM",
    "APPOINTMENT_KIND_SYSTEM",
    "ATC_SYSTEM",
    "CONDITION_KIND_SYSTEM",
    "CVX_SYSTEM",
    "DRUG_SYSTEM",
    "EXT_ADMIN",
    "EXT_FINDINGS",
    "EXT_GRADE",
    "EXT_INPUTS",
    "EXT_PLAN",
    "EXT_RESOLVED",
    "ICD10CM_SYSTEM",
    "INSTRUMENT_SYSTEM",
    "LOCAL_BASE",
    "LOINC_SYSTEM",
    "OBSERVATION_CATEGORY_SYSTEM",
    "PHQ9_QUESTIONNAIRE",
    "REPORT_KIND_SYSTEM",
    "SNOMED_SYSTEM",
    "SYMPTOM_SYSTEM",
    "SYNTHETIC_TAG",
    "UCUM_SYSTEM",
]

LOCAL_BASE = "https://lupus-immunotherapy.example.org/fhir"
CVX_SYSTEM = "http://hl7.org/fhir/sid/cvx"
OBSERVATION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"

INSTRUMENT_SYSTEM = f"{LOCAL_BASE}/CodeSystem/instrument"
SYMPTOM_SYSTEM = f"{LOCAL_BASE}/CodeSystem/symptom"
DRUG_SYSTEM = f"{LOCAL_BASE}/CodeSystem/drug"
REPORT_KIND_SYSTEM = f"{LOCAL_BASE}/CodeSystem/report-kind"
CONDITION_KIND_SYSTEM = f"{LOCAL_BASE}/CodeSystem/condition-kind"
ADVERSE_EVENT_CATEGORY_SYSTEM = f"{LOCAL_BASE}/CodeSystem/adverse-event-category"
APPOINTMENT_KIND_SYSTEM = f"{LOCAL_BASE}/CodeSystem/appointment-kind"
PHQ9_QUESTIONNAIRE = f"{LOCAL_BASE}/Questionnaire/phq-9"

EXT_INPUTS = f"{LOCAL_BASE}/StructureDefinition/instrument-inputs"
EXT_FINDINGS = f"{LOCAL_BASE}/StructureDefinition/report-findings"
EXT_GRADE = f"{LOCAL_BASE}/StructureDefinition/grade"
EXT_RESOLVED = f"{LOCAL_BASE}/StructureDefinition/resolved-date"
EXT_PLAN = f"{LOCAL_BASE}/StructureDefinition/plan"
EXT_ADMIN = f"{LOCAL_BASE}/StructureDefinition/scheduled-dose"

# HL7 v3 ActReason HTEST ("test health data"): marks synthetic patients.
SYNTHETIC_TAG = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "HTEST"}
