"""A FHIR R4 transaction Bundle with every resource type the care service imports."""

from __future__ import annotations

from typing import Any

from lupus.interop.fhir.codes import (
    ADVERSE_EVENT_CATEGORY_SYSTEM,
    APPOINTMENT_KIND_SYSTEM,
    ATC_SYSTEM,
    CVX_SYSTEM,
    EXT_GRADE,
    EXT_INPUTS,
    INSTRUMENT_SYSTEM,
    LOINC_SYSTEM,
    PHQ9_QUESTIONNAIRE,
    REPORT_KIND_SYSTEM,
    SNOMED_SYSTEM,
    SYMPTOM_SYSTEM,
    UCUM_SYSTEM,
)

P = "urn:uuid:11111111-1111-4111-8111-111111111111"
MR = "urn:uuid:22222222-2222-4222-8222-222222222222"
MSG = "urn:uuid:33333333-3333-4333-8333-333333333333"


def entry(resource: dict[str, Any], full_url: str | None = None) -> dict[str, Any]:
    e: dict[str, Any] = {
        "resource": resource,
        "request": {"method": "POST", "url": resource["resourceType"]},
    }
    if full_url:
        e["fullUrl"] = full_url
    return e


def _subject() -> dict[str, str]:
    return {"reference": P}


def transaction_bundle() -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            entry(
                {
                    "resourceType": "Patient",
                    "name": [{"family": "Rivera", "given": ["Ana"]}],
                    "gender": "female",
                    "birthDate": "1988-04-02",
                    "identifier": [{"value": "MRN-0001"}],
                    "meta": {
                        "tag": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                                "code": "HTEST",
                            }
                        ]
                    },
                },
                P,
            ),
            entry(
                {
                    "resourceType": "Condition",
                    "subject": _subject(),
                    "code": {"coding": [{"system": SNOMED_SYSTEM, "code": "68815009"}]},
                    "onsetDateTime": "2019-06-01",
                }
            ),
            entry(
                {
                    "resourceType": "Condition",
                    "subject": _subject(),
                    "code": {
                        "coding": [
                            {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M32.14"}
                        ]
                    },
                }
            ),
            entry(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "subject": _subject(),
                    "code": {"coding": [{"system": LOINC_SYSTEM, "code": "2160-0"}]},
                    "effectiveDateTime": "2026-02-01T08:30:00+01:00",
                    "valueQuantity": {
                        "value": 97.2,
                        "unit": "umol/L",
                        "system": UCUM_SYSTEM,
                        "code": "umol/L",
                    },
                }
            ),
            entry(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "subject": _subject(),
                    "code": {"coding": [{"system": INSTRUMENT_SYSTEM, "code": "sledai-2k"}]},
                    "effectiveDateTime": "2026-02-01",
                    "extension": [
                        {"url": EXT_INPUTS, "valueString": '{"descriptors": ["arthritis", "rash"]}'}
                    ],
                }
            ),
            entry(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "subject": _subject(),
                    "code": {"coding": [{"system": SYMPTOM_SYSTEM, "code": "fatigue"}]},
                    "effectiveDateTime": "2026-02-03",
                    "valueInteger": 6,
                }
            ),
            entry(
                {
                    "resourceType": "DiagnosticReport",
                    "status": "final",
                    "subject": _subject(),
                    "code": {"coding": [{"system": REPORT_KIND_SYSTEM, "code": "renal-biopsy"}]},
                    "effectiveDateTime": "2019-05-20",
                    "conclusion": "Class IV lupus nephritis",
                    "extension": [
                        {
                            "url": "https://lupus-immunotherapy.example.org/fhir/"
                            "StructureDefinition/report-findings",
                            "valueString": '{"isn_rps_class": "IV"}',
                        }
                    ],
                }
            ),
            entry(
                {
                    "resourceType": "MedicationRequest",
                    "status": "active",
                    "intent": "order",
                    "subject": _subject(),
                    "authoredOn": "2026-01-05",
                    "medicationCodeableConcept": {
                        "coding": [{"system": ATC_SYSTEM, "code": "L04AG04"}]
                    },
                },
                MR,
            ),
            entry(
                {
                    "resourceType": "MedicationAdministration",
                    "status": "completed",
                    "subject": _subject(),
                    "effectiveDateTime": "2026-01-19",
                    "request": {"reference": MR},
                    "medicationCodeableConcept": {
                        "coding": [{"system": ATC_SYSTEM, "code": "L04AG04"}]
                    },
                }
            ),
            entry(
                {
                    "resourceType": "MedicationStatement",
                    "status": "active",
                    "subject": _subject(),
                    "effectivePeriod": {"start": "2019-07-01"},
                    "medicationCodeableConcept": {
                        "coding": [{"system": ATC_SYSTEM, "code": "P01BA02"}]
                    },
                    "dosage": [
                        {
                            "doseAndRate": [
                                {
                                    "doseQuantity": {
                                        "value": 200,
                                        "unit": "mg/d",
                                        "system": UCUM_SYSTEM,
                                        "code": "mg/d",
                                    }
                                }
                            ]
                        }
                    ],
                }
            ),
            entry(
                {
                    "resourceType": "AdverseEvent",
                    "actuality": "actual",
                    "subject": _subject(),
                    "date": "2026-01-19",
                    "event": {"text": "Infusion related reaction"},
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": ADVERSE_EVENT_CATEGORY_SYSTEM,
                                    "code": "infusion-reaction",
                                }
                            ]
                        }
                    ],
                    "extension": [{"url": EXT_GRADE, "valueInteger": 1}],
                }
            ),
            entry(
                {
                    "resourceType": "Immunization",
                    "status": "completed",
                    "patient": _subject(),
                    "occurrenceDateTime": "2025-11-01",
                    "vaccineCode": {
                        "coding": [
                            {"system": CVX_SYSTEM, "code": "187", "display": "zoster recombinant"}
                        ]
                    },
                }
            ),
            entry(
                {
                    "resourceType": "Appointment",
                    "status": "booked",
                    "appointmentType": {
                        "coding": [{"system": APPOINTMENT_KIND_SYSTEM, "code": "infusion"}]
                    },
                    "start": "2026-03-02T09:00:00Z",
                    "end": "2026-03-02T10:00:00Z",
                    "participant": [
                        {"actor": _subject(), "status": "accepted"},
                        {
                            "actor": {"display": "infusion chair 4"},
                            "status": "accepted",
                            "type": [
                                {
                                    "coding": [
                                        {
                                            "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                            "code": "LOC",
                                        }
                                    ]
                                }
                            ],
                        },
                        {"actor": {"display": "Nurse Lee"}, "status": "accepted"},
                    ],
                }
            ),
            entry(
                {
                    "resourceType": "QuestionnaireResponse",
                    "status": "completed",
                    "questionnaire": PHQ9_QUESTIONNAIRE,
                    "subject": _subject(),
                    "authored": "2026-02-03",
                    "item": [
                        {"linkId": str(i), "answer": [{"valueInteger": 1}]} for i in range(1, 10)
                    ],
                }
            ),
            entry(
                {
                    "resourceType": "Communication",
                    "status": "completed",
                    "subject": _subject(),
                    "sent": "2026-02-03T10:00:00Z",
                    "sender": {"display": "ana"},
                    "payload": [{"contentString": "Feeling tired after the infusion."}],
                },
                MSG,
            ),
            entry(
                {
                    "resourceType": "Communication",
                    "status": "completed",
                    "subject": _subject(),
                    "sent": "2026-02-03T12:00:00Z",
                    "sender": {"display": "nurse lee"},
                    "inResponseTo": [{"reference": MSG}],
                    "payload": [{"contentString": "Thanks, we will call you."}],
                }
            ),
        ],
    }
