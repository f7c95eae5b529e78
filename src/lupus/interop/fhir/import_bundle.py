"""Import a FHIR R4 transaction Bundle: all of it, or nothing.

Two phases. :func:`read_bundle` is pure: it validates every entry against the R4B models,
maps it to a ``lupus.care`` record (codes checked, units converted), resolves references
inside the bundle, and collects EVERY problem it meets. :func:`apply_bundle` then checks the
references to stored patients and writes everything through one repository (one transaction,
owned by the caller). Any problem raises :class:`FhirImportError` before the first write, so
an invalid bundle leaves every clinical table unchanged.

Supported: Patient, Condition, Observation (LOINC labs, instrument totals, symptoms),
DiagnosticReport, MedicationRequest (plans), MedicationAdministration, MedicationStatement,
AdverseEvent, Immunization, Appointment, QuestionnaireResponse (PHQ-9), Communication.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from lupus.care import (
    Administration,
    AdverseEvent,
    Appointment,
    Condition,
    Immunization,
    MedicationStatement,
    Message,
    Observation,
    Patient,
    PatientHistory,
    Phi,
    PlanVersion,
    QuestionnaireResponse,
    Report,
    SymptomReport,
    assess,
    drugs,
    freeze,
    score_questionnaire,
    therapy_keys,
)
from lupus.interop.fhir.codes import (
    ADVERSE_EVENT_CATEGORY_SYSTEM,
    APPOINTMENT_KIND_SYSTEM,
    ATC_SYSTEM,
    CONDITION_KIND_SYSTEM,
    CVX_SYSTEM,
    DRUG_SYSTEM,
    EXT_ADMIN,
    EXT_FINDINGS,
    EXT_GRADE,
    EXT_INPUTS,
    EXT_PLAN,
    EXT_RESOLVED,
    ICD10CM_SYSTEM,
    INSTRUMENT_SYSTEM,
    LOINC_SYSTEM,
    PHQ9_QUESTIONNAIRE,
    REPORT_KIND_SYSTEM,
    SNOMED_SYSTEM,
    SYMPTOM_SYSTEM,
    SYNTHETIC_TAG,
    UCUM_SYSTEM,
)
from lupus.interop.fhir.errors import FhirImportError, Issue
from lupus.store import Clinic, Repository, record_event

__all__ = [
    "SUPPORTED",
    "BundleImport",
    "Pending",
    "apply_bundle",
    "import_bundle",
    "read_bundle",
    "warm_up",
]

SUPPORTED = (
    "Patient",
    "Condition",
    "Observation",
    "DiagnosticReport",
    "MedicationRequest",
    "MedicationAdministration",
    "MedicationStatement",
    "AdverseEvent",
    "Immunization",
    "Appointment",
    "QuestionnaireResponse",
    "Communication",
)
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_PLAN_STATUS = {
    "active": "active",
    "on-hold": "paused",
    "stopped": "stopped",
    "completed": "stopped",
}
_ADMIN_STATUS = {"completed": "given", "not-done": "missed"}
# FHIR R4 appointmentstatus -> care status
_APPOINTMENT_STATUS = {
    "proposed": "booked",
    "pending": "booked",
    "booked": "booked",
    "arrived": "booked",
    "checked-in": "booked",
    "waitlist": "booked",
    "fulfilled": "fulfilled",
    "cancelled": "cancelled",
    "entered-in-error": "cancelled",
    "noshow": "noshow",
}
_PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"


class _Problem(Exception):
    """A mapping problem inside one resource (becomes an Issue)."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Pending:
    """One record ready to be written."""

    index: int
    resource_type: str
    kind: str  # "patient", "plan" or a store record kind
    value: Any
    patient_id: str


@dataclass
class BundleImport:
    """What :func:`read_bundle` found: records to write and patients referenced from outside."""

    pending: list[Pending] = field(default_factory=list)
    external_patients: dict[str, list[str]] = field(default_factory=dict)  # id -> locations
    put_patients: set[str] = field(default_factory=set)


# --- small readers over the raw JSON ---------------------------------------------------------


def _get(d: Any, *path: str | int) -> Any:
    for p in path:
        if isinstance(p, int):
            d = d[p] if isinstance(d, list) and len(d) > p else None
        else:
            d = d.get(p) if isinstance(d, dict) else None
        if d is None:
            return None
    return d


def _coding(resource: dict[str, Any], element: str, systems: tuple[str, ...]) -> dict[str, Any]:
    concept = resource.get(element)
    codings = concept.get("coding", []) if isinstance(concept, dict) else []
    if isinstance(concept, list):  # a list of concepts (category)
        codings = [c for x in concept if isinstance(x, dict) for c in x.get("coding", [])]
    for coding in codings:
        if coding.get("system") in systems and coding.get("code"):
            return dict(coding)
    found = ", ".join(f"{c.get('system')}|{c.get('code')}" for c in codings) or "none"
    raise _Problem(element, f"no coding from {' or '.join(systems)} (found: {found})")


def _date(value: Any, where: str) -> str:
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        raise _Problem(where, f"got {value!r}; allowed: a FHIR date or dateTime with a full date")
    return value[:10]


def _datetime(value: Any, where: str) -> str:
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        return f"{value}T00:00:00+00:00"
    if not isinstance(value, str) or "T" not in value:
        raise _Problem(where, f"got {value!r}; allowed: a FHIR dateTime with a time zone")
    return value.replace("Z", "+00:00")


def _extension_json(resource: dict[str, Any], url: str, default: Any = None) -> Any:
    for ext in resource.get("extension", []) or []:
        if ext.get("url") == url:
            try:
                return json.loads(ext.get("valueString", ""))
            except json.JSONDecodeError:
                raise _Problem(f"extension('{url}')", "valueString is not JSON") from None
    return default


def _extension_value(resource: dict[str, Any], url: str, key: str) -> Any:
    for ext in resource.get("extension", []) or []:
        if ext.get("url") == url:
            return ext.get(key)
    return None


def _drug_key(resource: dict[str, Any]) -> str:
    coding = _coding(resource, "medicationCodeableConcept", (DRUG_SYSTEM, ATC_SYSTEM))
    if coding["system"] == DRUG_SYSTEM:
        if coding["code"] not in drugs():
            raise _Problem("medicationCodeableConcept", f"unknown drug code {coding['code']!r}")
        return str(coding["code"])
    for drug in drugs().values():
        if drug.atc and drug.atc == coding["code"]:
            return drug.key
    known = ", ".join(d.atc for d in drugs().values() if d.atc)
    raise _Problem("medicationCodeableConcept", f"ATC {coding['code']!r} unknown; allowed: {known}")


# --- the bundle -----------------------------------------------------------------------------


class _Reader:
    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.result = BundleImport()
        self.full_urls: dict[str, tuple[str, str]] = {}  # fullUrl -> (type, new id)
        self.put_ids: dict[tuple[str, str], str] = {}  # (type, id) -> id kept

    def issue(self, where: str, message: str, code: str = "invalid") -> None:
        self.issues.append(Issue(where, message, code))

    def resolve(self, reference: Any, wanted: str, where: str) -> str:
        """The stored id a reference points to (inside the bundle or, for patients, outside)."""
        if not isinstance(reference, str) or not reference:
            raise _Problem(where, f"missing reference to a {wanted}")
        if reference in self.full_urls:
            rtype, ident = self.full_urls[reference]
            if rtype != wanted:
                raise _Problem(where, f"{reference} is a {rtype}; allowed: a {wanted}")
            return ident
        if reference.startswith(f"{wanted}/"):
            ident = reference.split("/", 1)[1]
            if (wanted, ident) in self.put_ids:
                return ident
            if wanted == "Patient":
                self.result.external_patients.setdefault(ident, []).append(where)
            return ident
        raise _Problem(where, f"reference {reference!r}; allowed: {wanted}/ID or a bundle fullUrl")


def warm_up() -> None:
    """Import the R4B model of every supported type (a server calls this once at start, so
    that its first bundle does not wait for the imports)."""
    for rtype in SUPPORTED:
        get_fhir_model_class(rtype)


def read_bundle(bundle: Any) -> BundleImport:
    """Validate and map a transaction Bundle; raise FhirImportError naming every problem."""
    reader = _Reader()
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise FhirImportError([Issue("Bundle", "not a FHIR Bundle (resourceType 'Bundle')")])
    if bundle.get("type") != "transaction":
        reader.issue("Bundle.type", f"got {bundle.get('type')!r}; allowed: 'transaction'")
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        reader.issue("Bundle.entry", "a transaction needs at least one entry")
        entries = []
    valid: list[tuple[int, dict[str, Any]]] = []
    # pass 1: structure, model validation, ids
    for i, entry in enumerate(entries):
        loc = f"Bundle.entry[{i}]"
        resource = _get(entry, "resource")
        if not isinstance(resource, dict):
            reader.issue(f"{loc}.resource", "missing resource")
            continue
        rtype = resource.get("resourceType")
        if rtype not in SUPPORTED:
            reader.issue(
                f"{loc}.resource.resourceType",
                f"got {rtype!r}; allowed: {', '.join(SUPPORTED)}",
                "not-supported",
            )
            continue
        try:
            get_fhir_model_class(rtype).model_validate(resource)
        except ValidationError as exc:
            for err in exc.errors():
                path = ".".join(str(p) for p in err.get("loc", ()))
                reader.issue(f"{loc}.resource.{path}".rstrip("."), str(err.get("msg")))
            continue
        method, url = _get(entry, "request", "method"), _get(entry, "request", "url")
        if method not in ("POST", "PUT"):
            reader.issue(f"{loc}.request.method", f"got {method!r}; allowed: POST or PUT")
            continue
        if method == "POST":
            if url != rtype:
                reader.issue(f"{loc}.request.url", f"got {url!r}; allowed: {rtype!r} for POST")
                continue
            new_id = str(uuid.uuid4())
        else:
            parts = str(url or "").split("/")
            if len(parts) != 2 or parts[0] != rtype or not _FHIR_ID.match(parts[1]):
                reader.issue(f"{loc}.request.url", f"got {url!r}; allowed: {rtype}/ID for PUT")
                continue
            new_id = parts[1]
            reader.put_ids[(rtype, new_id)] = new_id
            if rtype == "Patient":
                reader.result.put_patients.add(new_id)
        full_url = entry.get("fullUrl")
        if isinstance(full_url, str) and full_url:
            if full_url in reader.full_urls:
                reader.issue(f"{loc}.fullUrl", f"{full_url!r} appears twice")
                continue
            reader.full_urls[full_url] = (rtype, new_id)
        valid.append((i, {**resource, "id": new_id}))
    # pass 2: map every resource
    for i, resource in valid:
        loc = f"Bundle.entry[{i}].resource"
        try:
            reader.result.pending.append(_map(reader, i, resource))
        except _Problem as exc:
            reader.issue(f"{loc}.{exc.where}", str(exc))
        except ValueError as exc:  # care-layer validation (codes, units, ranges)
            reader.issue(loc, str(exc))
    if reader.issues:
        raise FhirImportError(reader.issues)
    return reader.result


def _map(reader: _Reader, i: int, r: dict[str, Any]) -> Pending:
    rtype, ident = r["resourceType"], r["id"]
    if rtype == "Patient":
        name = _get(r, "name", 0) or {}
        tags = _get(r, "meta", "tag") or []
        data: dict[str, Any] = {
            "family": name.get("family") or "",
            "given": " ".join(name.get("given") or []),
            "birth_date": _date(r.get("birthDate"), "birthDate"),
            "sex": r.get("gender") or "unknown",
            "synthetic": any(
                t.get("system") == SYNTHETIC_TAG["system"] and t.get("code") == "HTEST"
                for t in tags
            ),
        }
        identifier = _get(r, "identifier", 0, "value")
        if identifier:
            data["identifier"] = identifier
        return Pending(i, rtype, "patient", Patient.from_json(data, id=ident), ident)
    subject_key = "patient" if rtype == "Immunization" else "subject"
    if rtype == "Appointment":
        refs = [_get(p, "actor", "reference") for p in r.get("participant", [])]
        patient_ref = next(
            (
                x
                for x in refs
                if isinstance(x, str)
                and (x.startswith("Patient/") or reader.full_urls.get(x, ("",))[0] == "Patient")
            ),
            None,
        )
        pid = reader.resolve(patient_ref, "Patient", "participant.actor")
    else:
        pid = reader.resolve(
            _get(r, subject_key, "reference"), "Patient", f"{subject_key}.reference"
        )
    maker = _MAKERS[rtype]
    kind, value = maker(reader, r, ident, pid)
    return Pending(i, rtype, kind, value, pid)


Maker = Callable[[_Reader, dict[str, Any], str, str], tuple[str, Any]]


def _condition(_: _Reader, r: dict[str, Any], ident: str, pid: str) -> tuple[str, Any]:
    coding = _coding(r, "code", (SNOMED_SYSTEM, ICD10CM_SYSTEM))
    kind = "diagnosis"
    for c in _get(r, "category") or []:
        for cc in c.get("coding", []):
            if cc.get("system") == CONDITION_KIND_SYSTEM:
                kind = cc.get("code")
    data = {
        "system": coding["system"],
        "code": coding["code"],
        "kind": kind,
        "clinical_status": _get(r, "clinicalStatus", "coding", 0, "code") or "active",
    }
    if r.get("onsetDateTime"):
        data["onset"] = _date(r["onsetDateTime"], "onsetDateTime")
    return "conditions", Condition.from_json(data, id=ident, patient_id=pid)


def _observation(_: _Reader, r: dict[str, Any], ident: str, pid: str) -> tuple[str, Any]:
    coding = _coding(r, "code", (LOINC_SYSTEM, INSTRUMENT_SYSTEM, SYMPTOM_SYSTEM))
    when = _date(r.get("effectiveDateTime"), "effectiveDateTime")
    if coding["system"] == LOINC_SYSTEM:
        q = r.get("valueQuantity")
        if not isinstance(q, dict) or q.get("value") is None:
            raise _Problem("valueQuantity", "a laboratory Observation needs valueQuantity")
        if q.get("system") not in (None, UCUM_SYSTEM):
            raise _Problem("valueQuantity.system", f"got {q.get('system')!r}; allowed: UCUM")
        unit = q.get("code") or q.get("unit")
        data = {"code": coding["code"], "value": q["value"], "unit": unit, "effective": when}
        return "observations", Observation.from_json(data, id=ident, patient_id=pid)
    if coding["system"] == SYMPTOM_SYSTEM:
        data = {
            "symptom": coding["code"],
            "severity": r.get("valueInteger"),
            "reported_on": when,
            "note": _get(r, "note", 0, "text") or "",
            "reviewed": True,
        }
        return "symptoms", SymptomReport.from_json(data, id=ident, patient_id=pid)
    inputs = _extension_json(r, EXT_INPUTS)
    if not isinstance(inputs, dict):
        raise _Problem(f"extension('{EXT_INPUTS}')", "an instrument Observation needs its inputs")
    value = assess(coding["code"], inputs, on=dt.date.fromisoformat(when), id=ident, patient_id=pid)
    return "assessments", value


def _report(_: _Reader, r: dict[str, Any], ident: str, pid: str) -> tuple[str, Any]:
    coding = _coding(r, "code", (REPORT_KIND_SYSTEM,))
    data = {
        "kind": coding["code"],
        "date": _date(r.get("effectiveDateTime"), "effectiveDateTime"),
        "findings": _extension_json(r, EXT_FINDINGS, {}),
        "conclusion": r.get("conclusion") or "",
    }
    return "reports", Report.from_json(data, id=ident, patient_id=pid)


def _plan(reader: _Reader, r: dict[str, Any], ident: str, pid: str) -> tuple[str, Any]:
    therapy = _drug_key(r)
    if therapy not in therapy_keys():
        raise _Problem(
            "medicationCodeableConcept",
            f"{therapy!r} has no plan; allowed: {', '.join(therapy_keys())}",
        )
    status = _PLAN_STATUS.get(str(r.get("status")))
    if status is None:
        raise _Problem("status", f"got {r.get('status')!r}; allowed: {', '.join(_PLAN_STATUS)}")
    extra = _extension_json(r, EXT_PLAN, {}) or {}
    document = extra.get("document", {}) if isinstance(extra, dict) else {}
    plan = PlanVersion(
        plan_id=ident,
        version=1,
        patient_id=pid,
        therapy=therapy,
        start=dt.date.fromisoformat(_date(r.get("authoredOn"), "authoredOn")),
        status=status,
        change="create",
        reason=_get(r, "note", 0, "text") or "imported from FHIR",
        author="fhir-import",
        recorded_at=dt.datetime.now(dt.UTC),
        document=freeze(document if isinstance(document, dict) else {}),
    )
    return "plan", plan


def _administration(reader: _Reader, r: dict[str, Any], ident: str, pid: str) -> tuple[str, Any]:
    status = _ADMIN_STATUS.get(str(r.get("status")))
    if status is None:
        raise _Problem("status", f"got {r.get('status')!r}; allowed: completed, not-done")
    when = _date(r.get("effectiveDateTime"), "effectiveDateTime")
    extra = _extension_json(r, EXT_ADMIN, {}) or {}
    plan_ref = _get(r, "request", "reference")
    plan_id = reader.resolve(plan_ref, "MedicationRequest", "request.reference") if plan_ref else ""
    if extra.get("status") == "delayed" and status == "given":
        status = "delayed"
    data = {
        "plan_id": plan_id,
        "drug": _drug_key(r),
        "scheduled_on": extra.get("scheduled_on", when),
        "status": status,
        "interval_days": extra.get("interval_days", 28),
        "given_on": when if status != "missed" else None,
        "dose": _get(r, "dosage", "text") or "",
        "self_administered": extra.get("self_administered", False),
        "reaction_grade": extra.get("reaction_grade"),
        "reaction": extra.get("reaction", ""),
    }
    return "administrations", Administration.from_json(data, id=ident, patient_id=pid)


def _statement(_: _Reader, r: dict[str, Any], ident: str, pid: str) -> tuple[str, Any]:
    period = r.get("effectivePeriod") or {}
    start = period.get("start") or r.get("effectiveDateTime")
    data: dict[str, Any] = {
        "drug": _drug_key(r),
        "start": _date(start, "effectivePeriod.start"),
        "reason": _get(r, "note", 0, "text") or "",
    }
    if period.get("end"):
        data["end"] = _date(period["end"], "effectivePeriod.end")
    q = _get(r, "dosage", 0, "doseAndRate", 0, "doseQuantity")
    if isinstance(q, dict):
        if (q.get("code") or q.get("unit")) != "mg/d":
            raise _Problem(
                "dosage[0].doseAndRate[0].doseQuantity",
                f"unit {q.get('code') or q.get('unit')!r}; allowed: mg/d (UCUM)",
            )
        data["dose_mg_per_day"] = q.get("value")
    return "medications", MedicationStatement.from_json(data, id=ident, patient_id=pid)


def _adverse_event(_: _Reader, r: dict[str, Any], ident: str, pid: str) -> tuple[str, Any]:
    category = _coding(r, "category", (ADVERSE_EVENT_CATEGORY_SYSTEM,))
    term = _get(r, "event", "text") or _get(r, "event", "coding", 0, "display")
    data: dict[str, Any] = {
        "category": category["code"],
        "term": term or "",
        "grade": _extension_value(r, EXT_GRADE, "valueInteger"),
        "onset": _date(r.get("date"), "date"),
    }
    resolved = _extension_value(r, EXT_RESOLVED, "valueDate")
    if resolved:
        data["resolved"] = resolved
    if data["grade"] is None:
        raise _Problem(f"extension('{EXT_GRADE}')", "the CTCAE/ASTCT grade (valueInteger 1-5)")
    return "adverse_events", AdverseEvent.from_json(data, id=ident, patient_id=pid)


def _immunization(_: _Reader, r: dict[str, Any], ident: str, pid: str) -> tuple[str, Any]:
    coding = _coding(r, "vaccineCode", (CVX_SYSTEM,))
    status = "not-done" if r.get("status") == "not-done" else "completed"
    data = {
        "vaccine_code": coding["code"],
        "display": coding.get("display") or "",
        "date": _date(r.get("occurrenceDateTime"), "occurrenceDateTime"),
        "status": status,
    }
    return "immunizations", Immunization.from_json(data, id=ident, patient_id=pid)


def _appointment(_: _Reader, r: dict[str, Any], ident: str, pid: str) -> tuple[str, Any]:
    kind = _coding(r, "appointmentType", (APPOINTMENT_KIND_SYSTEM,))["code"]
    place, staff = "", []
    for p in r.get("participant", []):
        codes = [
            c.get("code")
            for t in p.get("type", [])
            for c in t.get("coding", [])
            if c.get("system") == _PARTICIPATION
        ]
        display = _get(p, "actor", "display")
        if "LOC" in codes and display:
            place = display
        elif display and not _get(p, "actor", "reference"):
            staff.append(display)
    status = _APPOINTMENT_STATUS.get(str(r.get("status")))
    if status is None:
        raise _Problem(
            "status", f"got {r.get('status')!r}; allowed: {', '.join(_APPOINTMENT_STATUS)}"
        )
    data = {
        "kind": kind,
        "start": _datetime(r.get("start"), "start"),
        "end": _datetime(r.get("end"), "end"),
        "place": place,
        "staff": staff,
        "status": status,
    }
    return "appointments", Appointment.from_json(data, id=ident, patient_id=pid)


def _questionnaire(_: _Reader, r: dict[str, Any], ident: str, pid: str) -> tuple[str, Any]:
    if r.get("questionnaire") != PHQ9_QUESTIONNAIRE:
        raise _Problem(
            "questionnaire", f"got {r.get('questionnaire')!r}; allowed: {PHQ9_QUESTIONNAIRE}"
        )
    answers: dict[str, Any] = {}
    for item in r.get("item", []):
        answers[str(item.get("linkId"))] = _get(item, "answer", 0, "valueInteger")
    data = {
        "questionnaire": "phq-9",
        "date": _date(r.get("authored"), "authored"),
        "answers": [answers.get(str(k)) for k in range(1, 10)],
    }
    value = QuestionnaireResponse.from_json(data, id=ident, patient_id=pid)
    return "questionnaires", score_questionnaire(value)


def _communication(reader: _Reader, r: dict[str, Any], ident: str, pid: str) -> tuple[str, Any]:
    body = _get(r, "payload", 0, "contentString")
    if not isinstance(body, str) or not body.strip():
        raise _Problem("payload[0].contentString", "a non-empty message text")
    reply = _get(r, "inResponseTo", 0, "reference")
    sent = dt.datetime.fromisoformat(_datetime(r.get("sent"), "sent"))
    if sent.tzinfo is None:
        raise _Problem("sent", "a dateTime with a time zone")
    value = Message(
        id=ident,
        patient_id=pid,
        author=_get(r, "sender", "display") or "unknown",
        author_role=_get(r, "category", 0, "text") or "unknown",
        sent_at=sent.astimezone(dt.UTC),
        body=Phi(body),
        in_reply_to=reader.resolve(reply, "Communication", "inResponseTo") if reply else None,
    )
    return "messages", value


_MAKERS: dict[str, Maker] = {
    "Condition": _condition,
    "Observation": _observation,
    "DiagnosticReport": _report,
    "MedicationRequest": _plan,
    "MedicationAdministration": _administration,
    "MedicationStatement": _statement,
    "AdverseEvent": _adverse_event,
    "Immunization": _immunization,
    "Appointment": _appointment,
    "QuestionnaireResponse": _questionnaire,
    "Communication": _communication,
}

_ORDER = {"patient": 0, "plan": 1, "messages": 3}


def apply_bundle(result: BundleImport, clinic: Clinic) -> dict[str, Any]:
    """Write a read bundle through ``clinic`` (the caller's transaction); return the
    transaction-response Bundle. Raises FhirImportError (before writing) for references to
    patients that are not stored."""
    repo: Repository = clinic.repo
    # one query for every patient id that may already be stored (POSTed patients get new ids)
    stored = repo.existing_patients(set(result.external_patients) | result.put_patients)
    issues = [
        Issue(where, f"Patient/{pid} is neither in the bundle nor stored", "not-found")
        for pid, places in sorted(result.external_patients.items())
        if pid not in result.put_patients and pid not in stored
        for where in places
    ]
    if issues:
        raise FhirImportError(issues)
    repo.lock_patients(stored)  # every stored patient this bundle writes to, in id order
    statuses: dict[int, str] = {}
    new_patients: list[Patient] = []
    by_kind: dict[str, list[Any]] = {}
    for p in sorted(result.pending, key=lambda p: (_ORDER.get(p.kind, 2), p.index)):
        statuses[p.index] = "201 Created"
        if p.kind == "patient":
            if p.value.id in stored:
                repo.update_patient(p.value)
                statuses[p.index] = "200 OK"
            else:
                new_patients.append(p.value)
        else:
            by_kind.setdefault(p.kind, []).append(p.value)
    repo.add_patients(new_patients)
    for plan in by_kind.pop("plan", []):
        repo.add_plan_version(plan)
    for kind, values in by_kind.items():
        repo.add_many(kind, values)
    fresh = {p.id for p in new_patients}
    grouped: dict[str, dict[str, list[Any]]] = {}
    for p in result.pending:
        if p.kind != "patient":
            grouped.setdefault(p.patient_id, {}).setdefault(p.kind, []).append(p.value)
    histories = []
    for patient in new_patients:  # their whole record is in the bundle: no need to read it
        records = grouped.get(patient.id, {})
        histories.append(
            PatientHistory(
                patient,
                plans=tuple(records.pop("plan", [])),
                **{kind: tuple(values) for kind, values in records.items()},
            )
        )
    clinic.refresh_new_patients(histories)  # alerts and stored summaries
    for pid in sorted({p.patient_id for p in result.pending} - fresh):
        clinic.refresh_alerts(pid)
    record_event(
        repo.conn,
        repo.actor,
        "import",
        "bundle",
        at=repo.now(),
        detail=f"{len(result.pending)} resources",
    )
    entries = []
    for p in sorted(result.pending, key=lambda p: p.index):
        ident = p.value.plan_id if p.kind == "plan" else p.value.id
        entries.append(
            {"response": {"status": statuses[p.index], "location": f"{p.resource_type}/{ident}"}}
        )
    return {"resourceType": "Bundle", "type": "transaction-response", "entry": entries}


def import_bundle(bundle: Any, clinic: Clinic) -> dict[str, Any]:
    """Read, check and write a transaction Bundle in the caller's transaction."""
    return apply_bundle(read_bundle(bundle), clinic)
