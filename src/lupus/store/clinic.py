"""The care service's use cases over one transaction: record, score, adjust, alert, summarise.

:class:`Clinic` ties a :class:`~lupus.store.repository.Repository` (storage and audit) to the
pure functions of :mod:`lupus.care` (records, scoring through ``lupus.clinical``, monitoring,
alert rules, adherence, disease state). Every write re-runs the alert rules for the patient so
the alert list is never stale; permissions are checked by the caller (``lupus.web``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from lupus.care import (
    ADMINISTRATION_STATUSES,
    PLAN_CHANGES,
    Administration,
    AdverseEvent,
    Alert,
    Appointment,
    Condition,
    Immunization,
    MedicationStatement,
    Message,
    NotFoundError,
    Observation,
    Patient,
    PatientHistory,
    Phi,
    PlanVersion,
    QuestionnaireResponse,
    RecordError,
    Report,
    SymptomReport,
    acknowledge,
    active_therapies,
    adherence,
    assess,
    current_plans,
    disease_state,
    evaluate,
    freeze,
    monitoring_due,
    next_administrations,
    plan_from_request,
    resolve,
    scheduled_doses,
    score_questionnaire,
    therapy_keys,
)
from lupus.clinical._parse import Reader
from lupus.store.audit import record_event
from lupus.store.errors import ConflictError
from lupus.store.repository import RECORD_KINDS, Repository, new_id, stored_order
from lupus.store.summary import summary_body
from lupus.store.suppression import suppress_cohort

__all__ = ["PLAN_STATUS_AFTER", "SLEDAI_BANDS", "Clinic", "cohort_summary", "summary_document"]

# Plan status after each kind of adjustment.
PLAN_STATUS_AFTER = {
    "create": "active",
    "dose-change": "active",
    "pause": "paused",
    "resume": "active",
    "switch": "stopped",
    "stop": "stopped",
}

# SLEDAI-2K activity bands for research aggregates: the ARD review scheme (instruments.md 1.1,
# S3: 0 remission, 1-4 low, 5-10 moderate, >10 high); bands are not part of the instrument.
SLEDAI_BANDS = (("0", 0, 0), ("1-4", 1, 4), ("5-10", 5, 10), (">10", 11, 105))


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class Clinic:
    """Use cases for one actor inside one transaction."""

    def __init__(self, repo: Repository, *, today: Callable[[], dt.date] = _today) -> None:
        self.repo = repo
        self.today = today

    # --- patients ---------------------------------------------------------------------------

    def create_patient(self, data: Any, *, patient_id: str | None = None) -> Patient:
        patient = Patient.from_json(data, id=patient_id or new_id())
        return self.repo.add_patient(patient)

    # --- records ----------------------------------------------------------------------------

    def add_record(self, kind: str, patient_id: str, data: Any) -> Any:
        """Validate, score where needed, store, and refresh the patient's alerts."""
        if kind not in RECORD_KINDS or kind == "messages":
            raise NotFoundError("record kind", kind)
        self.repo.get_patient(patient_id, audit=False)
        ident = new_id()
        if kind == "assessments":
            r = Reader(data)
            value: Any = assess(
                r.text("instrument", max_length=40),
                _json_object(r, "inputs", None),  # the instrument reads it strictly
                on=r.date("date"),
                id=ident,
                patient_id=patient_id,
            )
            r.finish()
        else:
            cls = _RECORD_CLASSES[kind]
            value = cls.from_json(data, id=ident, patient_id=patient_id)
            if isinstance(value, QuestionnaireResponse):
                value = score_questionnaire(value)
        self.repo.add(kind, value)
        self.refresh_alerts(patient_id)
        return value

    def update_administration(self, patient_id: str, admin_id: str, data: Any) -> Administration:
        """Record what happened to a scheduled dose (given, missed, delayed; any reaction)."""
        current = self.repo.get("administrations", admin_id, audit=False)
        if current.patient_id != patient_id:
            raise NotFoundError("administration", admin_id)
        r = Reader(data)
        merged = current.to_json()
        merged["status"] = r.choice("status", ADMINISTRATION_STATUSES)
        for key in ("given_on", "dose", "reaction", "reaction_grade", "self_administered"):
            if r.has(key):
                merged[key] = r.raw(key)
        r.finish()
        value = Administration.from_json(merged, id=admin_id, patient_id=patient_id)
        self.repo.replace("administrations", value)
        self.refresh_alerts(patient_id)
        return value

    def mark_symptom_reviewed(self, patient_id: str, symptom_id: str) -> Any:
        current = self.repo.get("symptoms", symptom_id, audit=False)
        if current.patient_id != patient_id:
            raise NotFoundError("symptom", symptom_id)
        data = current.to_json() | {"reviewed": True}
        value = type(current).from_json(data, id=symptom_id, patient_id=patient_id)
        self.repo.replace("symptoms", value)
        self.refresh_alerts(patient_id)
        return value

    # --- plans ------------------------------------------------------------------------------

    def create_plan(self, patient_id: str, data: Any) -> PlanVersion:
        """A new plan (version 1), from either

        - ``{"request": PLAN_REQUEST, "reason"?}``: ``lupus.therapy.make_plan`` builds the plan
          (suitability, checklist, dose schedule); its doses become scheduled administrations;
        - ``{"therapy", "start", "document"?, "reason"?}``: a plan written elsewhere (no doses
          are scheduled; record them as administrations).
        """
        self.repo.get_patient(patient_id, audit=False)
        r = Reader(data)
        plan_id = new_id()
        if r.has("request"):
            request = _json_object(r, "request", None)
            reason = r.text("reason", "initial plan", max_length=1000)
            r.finish()
            plan, therapy_plan = plan_from_request(
                request,
                plan_id=plan_id,
                patient_id=patient_id,
                author=self.repo.actor.username,
                reason=reason,
                at=self.repo.now(),
            )
            self.repo.add_plan_version(plan)
            for dose in scheduled_doses(
                therapy_plan, plan_id=plan_id, patient_id=patient_id, new_id=new_id
            ):
                self.repo.add("administrations", dose)
            self.refresh_alerts(patient_id)
            return plan
        therapy = r.choice("therapy", therapy_keys())
        start = r.date("start")
        document = _json_object(r, "document", {})
        reason = r.text("reason", "initial plan", max_length=1000)
        r.finish()
        plan = PlanVersion(
            plan_id=plan_id,
            version=1,
            patient_id=patient_id,
            therapy=therapy,
            start=start,
            status="active",
            change="create",
            reason=reason,
            author=self.repo.actor.username,
            recorded_at=self.repo.now(),
            document=document,
        )
        self.repo.add_plan_version(plan)
        self.refresh_alerts(patient_id)
        return plan

    def adjust_plan(self, patient_id: str, plan_id: str, data: Any) -> PlanVersion:
        """A new version: ``{"change", "reason", "base_version", "document"?, "therapy"?}``.

        ``base_version`` must be the latest version (optimistic concurrency: two clinicians
        adjusting at once cannot silently overwrite each other)."""
        versions = self.repo.plan_versions(patient_id, plan_id, audit=False)
        if not versions:
            raise NotFoundError("plan", plan_id)
        latest = versions[-1]
        r = Reader(data)
        change = r.choice("change", [c for c in PLAN_CHANGES if c != "create"])
        reason = r.text("reason", max_length=1000)
        if not reason.strip():
            raise RecordError("reason", reason, "a non-empty reason for the adjustment")
        base = r.integer("base_version", minimum=1)
        document = _json_object(r, "document", latest.document)
        therapy = r.choice("therapy", therapy_keys(), latest.therapy)
        r.finish()
        if base != latest.version:
            raise ConflictError(
                f"plan '{plan_id}': base_version {base} is not the latest ({latest.version}); "
                "reload the plan and try again"
            )
        if latest.status == "stopped":
            raise RecordError("change", change, "no change: the plan is stopped")
        if change == "resume" and latest.status != "paused":
            raise RecordError("change", change, "resume only a paused plan")
        if change == "switch" and therapy == latest.therapy:
            raise RecordError("therapy", therapy, "a different therapy for a switch")
        plan = PlanVersion(
            plan_id=plan_id,
            version=latest.version + 1,
            patient_id=patient_id,
            therapy=latest.therapy,
            start=latest.start,
            status=PLAN_STATUS_AFTER[change],
            change=change,
            reason=reason,
            author=self.repo.actor.username,
            recorded_at=self.repo.now(),
            document=document,
        )
        self.repo.add_plan_version(plan)
        if change == "switch":
            new_plan = PlanVersion(
                plan_id=new_id(),
                version=1,
                patient_id=patient_id,
                therapy=therapy,
                start=self.today(),
                status="active",
                change="create",
                reason=f"switch from {latest.therapy}: {reason}",
                author=self.repo.actor.username,
                recorded_at=self.repo.now(),
                document=document,
            )
            self.repo.add_plan_version(new_plan)
        self.refresh_alerts(patient_id)
        return plan

    # --- messages ---------------------------------------------------------------------------

    def send_message(self, patient_id: str, data: Any) -> Message:
        self.repo.get_patient(patient_id, audit=False)
        r = Reader(data)
        body = r.text("body", max_length=10_000)
        reply_to = r.text("in_reply_to", "", max_length=64) or None
        r.finish()
        if not body.strip():
            raise RecordError("body", body, "a non-empty message")
        if reply_to is not None:
            original = self.repo.get("messages", reply_to, audit=False)
            if original.patient_id != patient_id:
                raise NotFoundError("message", reply_to)
        message = Message(
            id=new_id(),
            patient_id=patient_id,
            author=self.repo.actor.username,
            author_role=self.repo.actor.role,
            sent_at=self.repo.now(),
            body=Phi(body),
            in_reply_to=reply_to,
        )
        return self.repo.add("messages", message)  # type: ignore[no-any-return]

    def thread(self, patient_id: str) -> list[dict[str, Any]]:
        """The patient's messages, oldest first, marked read by the current user."""
        self.repo.get_patient(patient_id, audit=False)
        messages: list[Message] = self.repo.records("messages", patient_id)
        me = self.repo.actor.username
        replies = Counter(m.in_reply_to for m in messages if m.in_reply_to)
        answered_by: dict[str, list[str]] = {}
        for m in messages:
            if m.in_reply_to:
                answered_by.setdefault(m.in_reply_to, []).append(m.author)
        out = []
        for m in messages:
            if m.author != me and all(u != me for u, _ in m.read_by):
                m = Message(
                    m.id,
                    m.patient_id,
                    m.author,
                    m.author_role,
                    m.sent_at,
                    m.body,
                    m.in_reply_to,
                    (*m.read_by, (me, self.repo.now())),
                )
                self.repo.replace("messages", m)
            out.append(
                {
                    "id": m.id,
                    **m.to_json(),
                    "answered": replies[m.id] > 0,
                    "answered_by": answered_by.get(m.id, []),
                }
            )
        return out

    # --- alerts -----------------------------------------------------------------------------

    def refresh_alerts(
        self, patient_id: str, history: PatientHistory | None = None, *, new_patient: bool = False
    ) -> list[Alert]:
        """Re-run the alert rules (over ``history`` when the caller has it in hand) and store
        the patient's summary document as of today, in this transaction."""
        alerts, _, body = self._refresh(patient_id, history, new_patient=new_patient)
        self.repo.store_summary(patient_id, self.today(), body)
        return alerts

    def _refresh(
        self, patient_id: str, history: PatientHistory | None, *, new_patient: bool = False
    ) -> tuple[list[Alert], dict[str, Any], str]:
        """Sync the alerts; return them, the summary document and its JSON text. A caller
        passing ``history`` locked the patient before reading it (``Repository.lock_patient``)
        or created the patient in this transaction."""
        if history is None:
            self.repo.lock_patient(patient_id)
            history = self.repo.history(patient_id, audit=False)
        today = self.today()
        findings = evaluate(history, today)
        alerts = self.repo.sync_and_list_alerts(patient_id, findings, new_patient=new_patient)
        document = summary_document(patient_id, history, alerts, today)
        return alerts, document, summary_body(document)

    def refresh_new_patients(self, histories: list[PatientHistory]) -> None:
        """:meth:`refresh_alerts` for patients created in this transaction whose whole record
        is in hand (a FHIR import): their summaries are stored in one bulk insert."""
        bodies = {}
        for history in histories:
            pid = history.patient.id
            bodies[pid] = self._refresh(pid, stored_order(history), new_patient=True)[2]
        self.repo.store_summaries(self.today(), bodies)

    def acknowledge_alert(self, patient_id: str, alert_id: str) -> Alert:
        alert = self._own_alert(patient_id, alert_id)
        done = acknowledge(alert, by=self.repo.actor.username, at=self.repo.now())
        self.repo.save_alert_status(done)
        self.refresh_alerts(patient_id)  # the stored summary shows each alert's status
        return done

    def resolve_alert(self, patient_id: str, alert_id: str) -> Alert:
        alert = self._own_alert(patient_id, alert_id)
        done = resolve(alert, by=self.repo.actor.username, at=self.repo.now())
        self.repo.save_alert_status(done)
        self.refresh_alerts(patient_id)
        return done

    def _own_alert(self, patient_id: str, alert_id: str) -> Alert:
        alert = self.repo.get_alert(alert_id)
        if alert.patient_id != patient_id:
            raise NotFoundError("alert", alert_id)
        return alert

    # --- summary ----------------------------------------------------------------------------

    def summary(self, patient_id: str) -> dict[str, Any]:
        """Disease state, open alerts, next doses, monitoring due and adherence (audited read),
        computed now (and stored, as every refresh does)."""
        self.repo.lock_patient(patient_id)
        history = self.repo.history(patient_id)  # the audited read
        _, document, body = self._refresh(patient_id, history)
        self.repo.store_summary(patient_id, self.today(), body)
        return document

    def summary_json(self, patient_id: str) -> str:
        """The summary's JSON text: the stored document when it is current for today (one
        audited read), else computed, stored and returned as :meth:`summary` does."""
        body = self.repo.read_summary(patient_id, self.today())
        if body is not None:
            return body
        self.repo.lock_patient(patient_id)
        history = self.repo.history(patient_id)  # the audited read
        _, _, body = self._refresh(patient_id, history)
        self.repo.store_summary(patient_id, self.today(), body)
        return body


def summary_document(
    patient_id: str, history: PatientHistory, alerts: list[Alert], today: dt.date
) -> dict[str, Any]:
    """The summary of one patient as of ``today`` (``lupus.store.summary.SummaryPublic``)."""
    return {
        "patient_id": patient_id,
        "disease_state": disease_state(history, today).to_json(),
        "alerts": [a.to_json() for a in alerts if a.status != "resolved"],
        "next_administrations": [
            {"id": d.id, **d.to_json()} for d in next_administrations(history, today)
        ],
        "monitoring_due": [d.to_json() for d in monitoring_due(history, today)],
        "adherence": adherence(history.administrations, today).fraction,
    }


def _json_object(r: Reader, key: str, default: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if not r.has(key) and default is not None:
        r.raw(key, None)
        return default
    value = r.raw(key)
    if not isinstance(value, dict):
        raise RecordError(r.field(key), value, "a JSON object")
    return freeze(value)  # type: ignore[no-any-return]


def cohort_summary(repo: Repository, *, today: dt.date) -> dict[str, Any]:
    """De-identified aggregates over every patient: counts by therapy, disease-state
    distributions and adherence. No name, identifier or exact date leaves this function, and
    no count from 1 to 10 nor a value it could be recomputed from (small-cell suppression,
    ``lupus.store.suppression``: suppressed cells are ``None``)."""
    by_therapy: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    lldas: Counter[str] = Counter()
    doris: Counter[str] = Counter()
    adherence_values: list[float] = []
    per_therapy_adherence: dict[str, list[float]] = {}
    synthetic = 0
    ids = repo.patient_ids()
    for pid in ids:
        history = repo.history(pid, audit=False)
        synthetic += history.patient.synthetic
        therapies = sorted({t.therapy for t in active_therapies(history, today)}) or ["none"]
        for t in therapies:
            by_therapy[t] += 1
        state = disease_state(history, today)
        if state.sledai_2k is None:
            bands["not assessed"] += 1
        else:
            for name, low, high in SLEDAI_BANDS:
                if low <= state.sledai_2k <= high:
                    bands[name] += 1
        lldas[_flag(state.lldas)] += 1
        doris[_flag(state.doris)] += 1
        frac = adherence(history.administrations, today).fraction
        if frac is not None:
            adherence_values.append(frac)
            for t in therapies:
                per_therapy_adherence.setdefault(t, []).append(frac)
    record_event(
        repo.conn,
        repo.actor,
        "read",
        "cohort",
        at=repo.now(),
        detail=f"de-identified aggregates over {len(ids)} patients",
    )
    plans = Counter(p.change for pid in ids for p in repo.plan_versions(pid, audit=False))
    exact = {
        "patients": len(ids),
        "synthetic_patients": synthetic,
        "by_therapy": dict(sorted(by_therapy.items())),
        "sledai_2k_bands": {name: bands[name] for name, _, _ in SLEDAI_BANDS}
        | {"not assessed": bands["not assessed"]},
        "lldas": {k: lldas[k] for k in ("met", "not met", "not assessed")},
        "doris": {k: doris[k] for k in ("met", "not met", "not assessed")},
        "adherence": _adherence_stats(adherence_values),
        "adherence_by_therapy": {
            t: _adherence_stats(v) for t, v in sorted(per_therapy_adherence.items())
        },
        "plan_changes": dict(sorted(plans.items())),
        "current_plans": sum(len(current_plans(repo.history(pid, audit=False))) for pid in ids),
    }
    return suppress_cohort(exact)


def _flag(value: bool | None) -> str:
    return "not assessed" if value is None else ("met" if value else "not met")


def _adherence_stats(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"patients": 0, "mean": None, "below_80_percent": 0}
    return {
        "patients": len(values),
        "mean": round(sum(values) / len(values), 4),
        "below_80_percent": sum(v < 0.8 for v in values),
    }


_RECORD_CLASSES: dict[str, Any] = {
    "conditions": Condition,
    "medications": MedicationStatement,
    "observations": Observation,
    "reports": Report,
    "administrations": Administration,
    "adverse_events": AdverseEvent,
    "symptoms": SymptomReport,
    "questionnaires": QuestionnaireResponse,
    "appointments": Appointment,
    "immunizations": Immunization,
}
