"""The care records: frozen values, validated once when read from JSON.

Every record has ``from_json(data, *, id, patient_id)`` (strict: unknown keys are errors, the
message names the field, the value and what is allowed) and ``to_json()``; reading the output
of ``to_json()`` back gives an equal value. Laboratory values are converted to the canonical
UCUM unit of their LOINC code at entry (:func:`lupus.care.labs.to_canonical`); the value and
unit as entered are kept beside them.

Identifiers and free text are wrapped in :class:`Phi`, whose ``repr`` is masked, so that a
stray log line or traceback never prints a name or a clinical note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from lupus.care.codes import condition_coding, drug
from lupus.care.errors import RecordError
from lupus.care.labs import to_canonical
from lupus.clinical._parse import Reader

__all__ = [
    "ADVERSE_EVENT_CATEGORIES",
    "ADMINISTRATION_STATUSES",
    "APPOINTMENT_KINDS",
    "APPOINTMENT_STATUSES",
    "PLAN_CHANGES",
    "REPORT_KINDS",
    "SEXES",
    "SYMPTOMS",
    "AdverseEvent",
    "Administration",
    "Appointment",
    "Assessment",
    "Condition",
    "Immunization",
    "MedicationStatement",
    "Message",
    "Observation",
    "Patient",
    "Phi",
    "PlanVersion",
    "QuestionnaireResponse",
    "Report",
    "SymptomReport",
    "freeze",
    "read_datetime",
    "thaw",
]

SEXES = ("female", "male", "other", "unknown")
REPORT_KINDS = ("renal-biopsy", "echocardiography", "chest-imaging", "retinal-exam", "other")
ISN_RPS_CLASSES = ("I", "II", "III", "IV", "V", "VI", "III+V", "IV+V")
ADMINISTRATION_STATUSES = ("scheduled", "given", "missed", "delayed")
ADVERSE_EVENT_CATEGORIES = ("ctcae", "crs", "icans", "infection", "infusion-reaction")
# Patient-reported symptoms; `fatigue` and `pain` carry the 0-10 numeric rating scale.
SYMPTOMS = (
    "fatigue",
    "pain",
    "fever",
    "chills",
    "cough",
    "shortness-of-breath",
    "sore-throat",
    "dysuria",
    "diarrhoea",
    "rash",
    "blistering-rash",
    "joint-pain",
    "mouth-ulcers",
    "hair-loss",
    "swelling",
    "headache",
    "low-mood",
    "other",
)
PLAN_CHANGES = ("create", "dose-change", "pause", "resume", "switch", "stop")
APPOINTMENT_KINDS = ("visit", "infusion", "lab", "follow-up", "car-t-monitoring")
APPOINTMENT_STATUSES = ("booked", "fulfilled", "cancelled", "noshow")
QUESTIONNAIRES = ("phq-9",)


@dataclass(frozen=True, slots=True)
class Phi:
    """Protected health information (a name, an identifier, free text); masked in ``repr``."""

    value: str

    def __repr__(self) -> str:
        return "Phi('***')"

    def __str__(self) -> str:
        return "***"


_SCALARS = (str, int, float, bool, type(None))


def freeze(value: Any) -> Any:
    """A read-only deep copy of a JSON value (dicts become mapping proxies, lists tuples)."""
    kind = type(value)
    if kind in _SCALARS:  # fast paths first: this runs for every stored JSON value read
        return value
    if kind is dict:
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if kind is list:
        return tuple(freeze(v) for v in value)
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The plain JSON form of a value made by :func:`freeze`."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


def read_datetime(r: Reader, key: str, default: Any = ...) -> dt.datetime:
    """An ISO 8601 date-time with a UTC offset (``2026-01-31T09:30:00+00:00``), as UTC."""
    allowed = "an ISO 8601 date-time with a UTC offset, e.g. 2026-01-31T09:30:00+00:00"
    if default is not ... and not r.has(key):
        r.raw(key, None)
        return default  # type: ignore[no-any-return]
    value = r.raw(key, allowed=allowed)
    if not isinstance(value, str):
        raise RecordError(r.field(key), value, allowed)
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(r.field(key), value, allowed) from None
    if parsed.tzinfo is None:
        raise RecordError(r.field(key), value, allowed)
    return parsed.astimezone(dt.UTC)


def _optional_date(r: Reader, key: str) -> dt.date | None:
    if not r.has(key) or r.raw(key, None) is None:
        return None
    return r.date(key)


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _json_object(r: Reader, key: str, default: Any = ...) -> Mapping[str, Any]:
    if default is not ... and not r.has(key):
        r.raw(key, None)
        return freeze(default)  # type: ignore[no-any-return]
    value = r.raw(key, allowed="a JSON object")
    if not isinstance(value, dict):
        raise RecordError(r.field(key), value, "a JSON object")
    return freeze(value)  # type: ignore[no-any-return]


def _check_after(field_name: str, later: dt.date | None, earlier: dt.date, what: str) -> None:
    if later is not None and later < earlier:
        raise RecordError(field_name, later.isoformat(), f"a date on or after {what}")


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Patient:
    """A patient; ``id`` is the FHIR Patient id used in every API path."""

    id: str
    family: Phi
    given: Phi
    birth_date: dt.date
    sex: str
    synthetic: bool = False
    identifier: Phi | None = None

    @classmethod
    def from_json(cls, data: Any, *, id: str) -> Patient:
        r = Reader(data)
        identifier = r.text("identifier", None, max_length=64) if r.has("identifier") else None
        patient = cls(
            id=id,
            family=Phi(r.text("family", max_length=200)),
            given=Phi(r.text("given", max_length=200)),
            birth_date=r.date("birth_date"),
            sex=r.choice("sex", SEXES),
            synthetic=r.boolean("synthetic", False),
            identifier=Phi(identifier) if identifier else None,
        )
        r.finish()
        if patient.birth_date > dt.date.today():
            raise RecordError("birth_date", patient.birth_date.isoformat(), "a date not in future")
        return patient

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "family": self.family.value,
            "given": self.given.value,
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex,
            "synthetic": self.synthetic,
        }
        if self.identifier is not None:
            data["identifier"] = self.identifier.value
        return data

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


@dataclass(frozen=True, slots=True)
class Condition:
    """A diagnosis or manifestation coded in SNOMED CT or ICD-10-CM."""

    id: str
    patient_id: str
    system: str
    code: str
    display: str
    kind: str
    onset: dt.date | None = None
    clinical_status: str = "active"

    @classmethod
    def from_json(cls, data: Any, *, id: str, patient_id: str) -> Condition:
        r = Reader(data)
        coding = condition_coding(r.text("system", max_length=200), r.text("code", max_length=40))
        value = cls(
            id=id,
            patient_id=patient_id,
            system=coding.system,
            code=coding.code,
            display=coding.display,
            kind=r.choice("kind", ("diagnosis", "manifestation"), "diagnosis"),
            onset=_optional_date(r, "onset"),
            clinical_status=r.choice("clinical_status", ("active", "resolved"), "active"),
        )
        r.raw("display", None)  # accepted and replaced by the catalogue display
        r.finish()
        return value

    def to_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "code": self.code,
            "display": self.display,
            "kind": self.kind,
            "onset": _iso(self.onset),
            "clinical_status": self.clinical_status,
        }


@dataclass(frozen=True, slots=True)
class MedicationStatement:
    """Treatment history: a drug taken from ``start`` to ``end`` (open when ``end`` is None)."""

    id: str
    patient_id: str
    drug: str
    start: dt.date
    end: dt.date | None = None
    dose_mg_per_day: float | None = None
    reason: str = ""

    @classmethod
    def from_json(cls, data: Any, *, id: str, patient_id: str) -> MedicationStatement:
        r = Reader(data)
        value = cls(
            id=id,
            patient_id=patient_id,
            drug=drug(r.text("drug", max_length=40)).key,
            start=r.date("start"),
            end=_optional_date(r, "end"),
            dose_mg_per_day=r.optional_number(
                "dose_mg_per_day", minimum=0, exclusive_minimum=True, maximum=10_000, unit="mg/d"
            ),
            reason=r.text("reason", "", max_length=500),
        )
        r.finish()
        _check_after("end", value.end, value.start, "start")
        return value

    def to_json(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "start": self.start.isoformat(),
            "end": _iso(self.end),
            "dose_mg_per_day": self.dose_mg_per_day,
            "reason": self.reason,
        }

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Observation:
    """A LOINC-coded measurement, stored in the canonical UCUM unit of its code."""

    id: str
    patient_id: str
    code: str
    value: float
    unit: str
    effective: dt.date
    entered_value: float
    entered_unit: str

    @classmethod
    def from_json(cls, data: Any, *, id: str, patient_id: str) -> Observation:
        r = Reader(data)
        code = r.text("code", max_length=20)
        entered = r.number("value", minimum=-1e9, maximum=1e12)
        unit = r.text("unit", max_length=40)
        effective = r.date("effective")
        r.finish()
        canonical = to_canonical(code, entered, unit)
        if effective > dt.date.today() + dt.timedelta(days=1):
            raise RecordError("effective", effective.isoformat(), "a date not in the future")
        return cls(id, patient_id, code, canonical.value, canonical.unit, effective, entered, unit)

    @classmethod
    def from_stored(cls, data: Mapping[str, Any], *, id: str, patient_id: str) -> Observation:
        """Rebuild from ``to_json()`` output (already converted; the entered value is kept)."""
        return cls(
            id=id,
            patient_id=patient_id,
            code=str(data["code"]),
            value=float(data["value"]),
            unit=str(data["unit"]),
            effective=dt.date.fromisoformat(str(data["effective"])),
            entered_value=float(data["entered_value"]),
            entered_unit=str(data["entered_unit"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "value": self.value,
            "unit": self.unit,
            "effective": self.effective.isoformat(),
            "entered_value": self.entered_value,
            "entered_unit": self.entered_unit,
        }


# Findings allowed per report kind: key -> (type, allowed values or range) ; source: the
# instruments that read them (EULAR/ACR 2019 renal biopsy class, instruments.md 3.1; SDI
# cardiovascular/pulmonary items, 2.2; HCQ retinal screening, 6).
_FINDINGS: dict[str, dict[str, tuple[str, Any]]] = {
    "renal-biopsy": {
        "isn_rps_class": ("choice", ISN_RPS_CLASSES),
        "activity_index": ("number", (0, 24)),
        "chronicity_index": ("number", (0, 12)),
    },
    "echocardiography": {
        "lvef_percent": ("number", (0, 100)),
        "pericardial_effusion": ("bool", None),
        "valvular_disease": ("bool", None),
        "pulmonary_hypertension": ("bool", None),
    },
    "chest-imaging": {
        "pleural_effusion": ("bool", None),
        "pulmonary_fibrosis": ("bool", None),
        "shrinking_lung": ("bool", None),
        "infiltrate": ("bool", None),
    },
    "retinal-exam": {"hydroxychloroquine_toxicity": ("bool", None)},
    "other": {},
}


@dataclass(frozen=True, slots=True)
class Report:
    """An imaging or biopsy report; structured ``findings`` feed the instruments."""

    id: str
    patient_id: str
    kind: str
    date: dt.date
    findings: Mapping[str, Any]
    conclusion: Phi = field(default_factory=lambda: Phi(""))

    @classmethod
    def from_json(cls, data: Any, *, id: str, patient_id: str) -> Report:
        r = Reader(data)
        kind = r.choice("kind", REPORT_KINDS)
        date = r.date("date")
        conclusion = r.text("conclusion", "", max_length=5000)
        fr = r.obj("findings", {})
        findings: dict[str, Any] = {}
        for key, (kind_of, allowed) in _FINDINGS[kind].items():
            if not fr.has(key):
                continue
            if kind_of == "choice":
                findings[key] = fr.choice(key, allowed)
            elif kind_of == "number":
                findings[key] = fr.number(key, minimum=allowed[0], maximum=allowed[1])
            else:
                findings[key] = fr.boolean(key)
        fr.finish()
        r.finish()
        return cls(id, patient_id, kind, date, freeze(findings), Phi(conclusion))

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "date": self.date.isoformat(),
            "findings": thaw(self.findings),
            "conclusion": self.conclusion.value,
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """An instrument result stored with its inputs and the instrument version."""

    id: str
    patient_id: str
    instrument: str
    version: str
    date: dt.date
    inputs: Mapping[str, Any]
    result: Mapping[str, Any]

    @classmethod
    def from_json(cls, data: Any, *, id: str, patient_id: str) -> Assessment:
        r = Reader(data)
        value = cls(
            id=id,
            patient_id=patient_id,
            instrument=r.text("instrument", max_length=40),
            version=r.text("version", max_length=80),
            date=r.date("date"),
            inputs=_json_object(r, "inputs"),
            result=_json_object(r, "result"),
        )
        r.finish()
        return value

    def to_json(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "date": self.date.isoformat(),
            "inputs": thaw(self.inputs),
            "result": thaw(self.result),
        }


@dataclass(frozen=True, slots=True)
class PlanVersion:
    """One version of a treatment plan; every adjustment makes a new version with its reason.

    ``document`` is the plan as JSON (``lupus.therapy`` ``TreatmentPlan.to_json()``);
    ``therapy`` names the monitoring schedule that applies (``data/monitoring.toml``).
    """

    plan_id: str
    version: int
    patient_id: str
    therapy: str
    start: dt.date
    status: str
    change: str
    reason: str
    author: str
    recorded_at: dt.datetime
    document: Mapping[str, Any]

    @property
    def id(self) -> str:
        return f"{self.plan_id}-v{self.version}"

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "version": self.version,
            "therapy": self.therapy,
            "start": self.start.isoformat(),
            "status": self.status,
            "change": self.change,
            "reason": self.reason,
            "author": self.author,
            "recorded_at": self.recorded_at.isoformat(),
            "document": thaw(self.document),
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any], *, patient_id: str) -> PlanVersion:
        return cls(
            plan_id=str(data["plan_id"]),
            version=int(data["version"]),
            patient_id=patient_id,
            therapy=str(data["therapy"]),
            start=dt.date.fromisoformat(str(data["start"])),
            status=str(data["status"]),
            change=str(data["change"]),
            reason=str(data["reason"]),
            author=str(data["author"]),
            recorded_at=dt.datetime.fromisoformat(str(data["recorded_at"])),
            document=freeze(data["document"]),
        )


@dataclass(frozen=True, slots=True)
class Administration:
    """A scheduled dose and what happened to it (given, missed, delayed), with any reaction."""

    id: str
    patient_id: str
    plan_id: str
    drug: str
    scheduled_on: dt.date
    status: str
    interval_days: int
    given_on: dt.date | None = None
    dose: str = ""
    self_administered: bool = False
    reaction_grade: int | None = None
    reaction: str = ""

    @classmethod
    def from_json(cls, data: Any, *, id: str, patient_id: str) -> Administration:
        r = Reader(data)
        value = cls(
            id=id,
            patient_id=patient_id,
            plan_id=r.text("plan_id", max_length=64),
            drug=drug(r.text("drug", max_length=40)).key,
            scheduled_on=r.date("scheduled_on"),
            status=r.choice("status", ADMINISTRATION_STATUSES),
            interval_days=r.integer("interval_days", minimum=1, maximum=366),
            given_on=_optional_date(r, "given_on"),
            dose=r.text("dose", "", max_length=80),
            self_administered=r.boolean("self_administered", False),
            reaction_grade=(
                None
                if r.raw("reaction_grade", None) is None
                else r.integer("reaction_grade", minimum=1, maximum=5)
            ),
            reaction=r.text("reaction", "", max_length=500),
        )
        r.finish()
        if value.status in ("given", "delayed") and value.given_on is None:
            raise RecordError("given_on", None, f"a date when status is {value.status!r}")
        if value.status in ("scheduled", "missed") and value.given_on is not None:
            raise RecordError(
                "given_on", value.given_on.isoformat(), f"null when status is {value.status!r}"
            )
        return value

    @classmethod
    def from_stored(cls, data: Mapping[str, Any], *, id: str, patient_id: str) -> Administration:
        """Rebuild from ``to_json()`` output (validated when it was stored)."""
        given = data.get("given_on")
        return cls(
            id=id,
            patient_id=patient_id,
            plan_id=str(data["plan_id"]),
            drug=str(data["drug"]),
            scheduled_on=dt.date.fromisoformat(str(data["scheduled_on"])),
            status=str(data["status"]),
            interval_days=int(data["interval_days"]),
            given_on=None if given is None else dt.date.fromisoformat(str(given)),
            dose=str(data.get("dose", "")),
            self_administered=bool(data.get("self_administered", False)),
            reaction_grade=data.get("reaction_grade"),
            reaction=str(data.get("reaction", "")),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "drug": self.drug,
            "scheduled_on": self.scheduled_on.isoformat(),
            "status": self.status,
            "interval_days": self.interval_days,
            "given_on": _iso(self.given_on),
            "dose": self.dose,
            "self_administered": self.self_administered,
            "reaction_grade": self.reaction_grade,
            "reaction": self.reaction,
        }


@dataclass(frozen=True, slots=True)
class AdverseEvent:
    """An adverse event: CTCAE v5 term and grade, ASTCT CRS/ICANS grade, or an infection."""

    id: str
    patient_id: str
    category: str
    term: str
    grade: int
    onset: dt.date
    resolved: dt.date | None = None
    note: Phi = field(default_factory=lambda: Phi(""))

    @classmethod
    def from_json(cls, data: Any, *, id: str, patient_id: str) -> AdverseEvent:
        r = Reader(data)
        category = r.choice("category", ADVERSE_EVENT_CATEGORIES)
        # CTCAE v5.0 grades 1-5; ASTCT CRS and ICANS grades 1-4 (+5 death), Lee 2019.
        value = cls(
            id=id,
            patient_id=patient_id,
            category=category,
            term=r.text("term", max_length=200),
            grade=r.integer("grade", minimum=1, maximum=5),
            onset=r.date("onset"),
            resolved=_optional_date(r, "resolved"),
            note=Phi(r.text("note", "", max_length=5000)),
        )
        r.finish()
        _check_after("resolved", value.resolved, value.onset, "onset")
        return value

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "term": self.term,
            "grade": self.grade,
            "onset": self.onset.isoformat(),
            "resolved": _iso(self.resolved),
            "note": self.note.value,
        }


@dataclass(frozen=True, slots=True)
class SymptomReport:
    """A symptom the patient reports, with a 0-10 severity (numeric rating scale)."""

    id: str
    patient_id: str
    symptom: str
    severity: int
    reported_on: dt.date
    note: Phi = field(default_factory=lambda: Phi(""))
    reviewed: bool = False

    @classmethod
    def from_json(cls, data: Any, *, id: str, patient_id: str) -> SymptomReport:
        r = Reader(data)
        value = cls(
            id=id,
            patient_id=patient_id,
            symptom=r.choice("symptom", SYMPTOMS),
            severity=r.integer("severity", minimum=0, maximum=10),
            reported_on=r.date("reported_on"),
            note=Phi(r.text("note", "", max_length=5000)),
            reviewed=r.boolean("reviewed", False),
        )
        r.finish()
        return value

    def to_json(self) -> dict[str, Any]:
        return {
            "symptom": self.symptom,
            "severity": self.severity,
            "reported_on": self.reported_on.isoformat(),
            "note": self.note.value,
            "reviewed": self.reviewed,
        }


@dataclass(frozen=True, slots=True)
class QuestionnaireResponse:
    """A questionnaire (PHQ-9: nine answers 0-3) with the instrument result."""

    id: str
    patient_id: str
    questionnaire: str
    date: dt.date
    answers: tuple[int, ...]
    result: Mapping[str, Any]

    @classmethod
    def from_json(cls, data: Any, *, id: str, patient_id: str) -> QuestionnaireResponse:
        r = Reader(data)
        questionnaire = r.choice("questionnaire", QUESTIONNAIRES)
        date = r.date("date")
        raw = r.array("answers")
        allowed = "a list of 9 integers from 0 to 3 (PHQ-9 items 1-9)"
        if len(raw) != 9:
            raise RecordError("answers", raw, allowed)
        for i, a in enumerate(raw):
            if isinstance(a, bool) or not isinstance(a, int) or not 0 <= a <= 3:
                raise RecordError(f"answers[{i}]", a, "an integer from 0 to 3")
        result = _json_object(r, "result", {})
        r.finish()
        return cls(id, patient_id, questionnaire, date, tuple(raw), result)

    def to_json(self) -> dict[str, Any]:
        return {
            "questionnaire": self.questionnaire,
            "date": self.date.isoformat(),
            "answers": list(self.answers),
            "result": thaw(self.result),
        }


@dataclass(frozen=True, slots=True)
class Message:
    """A message in the patient's thread; ``read_by`` lists (user, when) pairs."""

    id: str
    patient_id: str
    author: str
    author_role: str
    sent_at: dt.datetime
    body: Phi
    in_reply_to: str | None = None
    read_by: tuple[tuple[str, dt.datetime], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "author": self.author,
            "author_role": self.author_role,
            "sent_at": self.sent_at.isoformat(),
            "body": self.body.value,
            "in_reply_to": self.in_reply_to,
            "read_by": [{"user": u, "at": at.isoformat()} for u, at in self.read_by],
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any], *, id: str, patient_id: str) -> Message:
        return cls(
            id=id,
            patient_id=patient_id,
            author=str(data["author"]),
            author_role=str(data["author_role"]),
            sent_at=dt.datetime.fromisoformat(str(data["sent_at"])),
            body=Phi(str(data["body"])),
            in_reply_to=data.get("in_reply_to"),
            read_by=tuple(
                (str(x["user"]), dt.datetime.fromisoformat(str(x["at"])))
                for x in data.get("read_by", [])
            ),
        )


@dataclass(frozen=True, slots=True)
class Appointment:
    """An appointment with its place (infusion chair or room) and staff."""

    id: str
    patient_id: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    place: str
    staff: tuple[str, ...]
    status: str = "booked"

    @classmethod
    def from_json(cls, data: Any, *, id: str, patient_id: str) -> Appointment:
        r = Reader(data)
        kind = r.choice("kind", APPOINTMENT_KINDS)
        start = read_datetime(r, "start")
        end = read_datetime(r, "end")
        place = r.text("place", max_length=80)
        staff_raw = r.array("staff", [])
        for i, s in enumerate(staff_raw):
            if not isinstance(s, str) or not 0 < len(s) <= 80:
                raise RecordError(f"staff[{i}]", s, "a staff name of 1 to 80 characters")
        status = r.choice("status", APPOINTMENT_STATUSES, "booked")
        r.finish()
        if end <= start:
            raise RecordError("end", end.isoformat(), "a time after start")
        return cls(id, patient_id, kind, start, end, place, tuple(staff_raw), status)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "place": self.place,
            "staff": list(self.staff),
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class Immunization:
    """A vaccine given (or not given), coded in CVX (``http://hl7.org/fhir/sid/cvx``).

    The codes are not checked against a list here (none is verified in the project reference);
    the format is: 1 to 3 digits. Vaccination rules (ACR 2022: recombinant zoster vaccine; no
    live vaccines on belimumab or anifrolumab) live in ``lupus.therapy``."""

    id: str
    patient_id: str
    vaccine_code: str
    display: str
    date: dt.date
    status: str = "completed"

    @classmethod
    def from_json(cls, data: Any, *, id: str, patient_id: str) -> Immunization:
        r = Reader(data)
        code = r.text("vaccine_code", max_length=3)
        if not code.isdigit():
            raise RecordError("vaccine_code", code, "a CVX code of 1 to 3 digits")
        value = cls(
            id=id,
            patient_id=patient_id,
            vaccine_code=code,
            display=r.text("display", "", max_length=200),
            date=r.date("date"),
            status=r.choice("status", ("completed", "not-done"), "completed"),
        )
        r.finish()
        return value

    def to_json(self) -> dict[str, Any]:
        return {
            "vaccine_code": self.vaccine_code,
            "display": self.display,
            "date": self.date.isoformat(),
            "status": self.status,
        }
