"""Repositories: rows <-> ``lupus.care`` values, with every read and write audited.

A :class:`Repository` works on one connection inside one transaction (see
``Database.transaction``) on behalf of one :class:`~lupus.store.audit.Actor`. It never commits:
the caller's unit of work does, so a failure anywhere leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    String,
    Table,
    TextualSelect,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from lupus.care import (
    Administration,
    AdverseEvent,
    Alert,
    Appointment,
    Assessment,
    Condition,
    Finding,
    Immunization,
    MedicationStatement,
    Message,
    NotFoundError,
    Observation,
    Patient,
    PatientHistory,
    PlanVersion,
    QuestionnaireResponse,
    Report,
    SymptomReport,
    alert_rules,
)
from lupus.store.audit import Actor, record_event, record_events, utc
from lupus.store.bulk import insert_rows
from lupus.store.errors import ConflictError
from lupus.store.tables import RECORD_TABLES, alerts, patient_summary, patients, plan_versions

__all__ = ["RECORD_KINDS", "RecordKind", "Repository", "new_id", "stored_order"]


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class RecordKind:
    """How one kind of record maps to its table."""

    name: str
    table: Table
    date_column: str
    load: Callable[[Mapping[str, Any], str, str], Any]
    columns: Callable[[Any], dict[str, Any]]
    date_of: Callable[[Any], dt.date | None]


def _loader(cls: Any) -> Callable[[Mapping[str, Any], str, str], Any]:
    def load(data: Mapping[str, Any], ident: str, patient_id: str) -> Any:
        if hasattr(cls, "from_stored"):
            return cls.from_stored(data, id=ident, patient_id=patient_id)
        return cls.from_json(dict(data), id=ident, patient_id=patient_id)

    return load


def _message_loader(data: Mapping[str, Any], ident: str, patient_id: str) -> Message:
    return Message.from_stored(data, id=ident, patient_id=patient_id)


RECORD_KINDS: dict[str, RecordKind] = {
    k.name: k
    for k in (
        RecordKind(
            "conditions",
            RECORD_TABLES["conditions"],
            "onset_on",
            _loader(Condition),
            lambda v: {"code": v.code},
            lambda v: v.onset,
        ),
        RecordKind(
            "medications",
            RECORD_TABLES["medications"],
            "start_on",
            _loader(MedicationStatement),
            lambda v: {"drug": v.drug},
            lambda v: v.start,
        ),
        RecordKind(
            "observations",
            RECORD_TABLES["observations"],
            "effective_on",
            _loader(Observation),
            lambda v: {"code": v.code, "value": v.value, "unit": v.unit},
            lambda v: v.effective,
        ),
        RecordKind(
            "reports",
            RECORD_TABLES["reports"],
            "report_on",
            _loader(Report),
            lambda v: {"kind": v.kind},
            lambda v: v.date,
        ),
        RecordKind(
            "assessments",
            RECORD_TABLES["assessments"],
            "assessed_on",
            _loader(Assessment),
            lambda v: {"instrument": v.instrument},
            lambda v: v.date,
        ),
        RecordKind(
            "administrations",
            RECORD_TABLES["administrations"],
            "scheduled_on",
            _loader(Administration),
            lambda v: {"plan_id": v.plan_id, "status": v.status},
            lambda v: v.scheduled_on,
        ),
        RecordKind(
            "adverse_events",
            RECORD_TABLES["adverse_events"],
            "onset_on",
            _loader(AdverseEvent),
            lambda v: {"category": v.category, "grade": v.grade},
            lambda v: v.onset,
        ),
        RecordKind(
            "symptoms",
            RECORD_TABLES["symptoms"],
            "reported_on",
            _loader(SymptomReport),
            lambda v: {"symptom": v.symptom},
            lambda v: v.reported_on,
        ),
        RecordKind(
            "questionnaires",
            RECORD_TABLES["questionnaires"],
            "answered_on",
            _loader(QuestionnaireResponse),
            lambda v: {"questionnaire": v.questionnaire},
            lambda v: v.date,
        ),
        RecordKind(
            "messages",
            RECORD_TABLES["messages"],
            "sent_on",
            _message_loader,
            lambda v: {"in_reply_to": v.in_reply_to},
            lambda v: v.sent_at.date(),
        ),
        RecordKind(
            "appointments",
            RECORD_TABLES["appointments"],
            "start_on",
            _loader(Appointment),
            lambda v: {"status": v.status, "place": v.place},
            lambda v: v.start.date(),
        ),
        RecordKind(
            "immunizations",
            RECORD_TABLES["immunizations"],
            "administered_on",
            _loader(Immunization),
            lambda v: {"vaccine_code": v.vaccine_code},
            lambda v: v.date,
        ),
    )
}


@cache
def _history_query() -> TextualSelect:
    """One round trip for the whole record: a UNION ALL of the patient row, every per-kind
    record table and the plan versions; rows are ordered in Python.

    Plain SQL over our own table names, built once: SQLAlchemy would otherwise walk this
    14-part statement to compute its cache key on every execution."""
    parts = [
        ("patient", patients.name, "birth_date", "id"),
        *((name, k.table.name, k.date_column, "patient_id") for name, k in RECORD_KINDS.items()),
        ("plan", plan_versions.name, "start_on", "patient_id"),
    ]
    sql = "\nUNION ALL\n".join(
        f"SELECT '{kind}' AS kind, id, data, {date} AS day, created_at FROM {table} "
        f"WHERE {key} = :pid"
        for kind, table, date, key in parts
    )
    return text(sql).columns(
        kind=String(),
        id=String(),
        data=JSON(),
        day=Date(),
        created_at=DateTime(timezone=True),
    )


# The audited read of a stored summary on PostgreSQL, in one statement (one round trip, its
# own transaction in autocommit): the audit row is inserted only when the summary is there and
# current (PostgreSQL always runs a data-modifying WITH to completion, read or not).
FRESH_SUMMARY_SQL = (
    "WITH s AS (SELECT body FROM patient_summary WHERE patient_id = %(pid)s AND as_of = %(day)s), "
    "a AS (INSERT INTO audit_log (at, actor, role, action, entity, entity_id, patient_id, "
    "outcome) SELECT %(at)s, %(actor)s, %(role)s, 'read', 'patient', %(pid)s, %(pid)s, 'success' "
    "FROM s) SELECT body FROM s"
)
# The same read for a batch of requests (the web fast path, PostgreSQL): one statement and one
# commit answer every request waiting in a worker, each with its own audit row (request i of
# the arrays -> row i of the answer; a request whose summary is missing or stale gets no row
# and no audit row). Batching commits is the application's group commit: each answer is still
# sent only after its audit row is durable (HIPAA 45 CFR 164.312(b)).
FRESH_SUMMARIES_SQL = (
    "WITH r AS (SELECT * FROM unnest(%(pid)s::varchar[], %(day)s::date[], "
    "%(at)s::timestamptz[], %(actor)s::varchar[], %(role)s::varchar[]) "
    "WITH ORDINALITY AS r(pid, day, at, actor, role, i)), "
    "s AS (SELECT r.i, r.pid, r.at, r.actor, r.role, p.body FROM r JOIN patient_summary p "
    "ON p.patient_id = r.pid AND p.as_of = r.day), "
    "a AS (INSERT INTO audit_log (at, actor, role, action, entity, entity_id, patient_id, "
    "outcome) SELECT at, actor, role, 'read', 'patient', pid, pid, 'success' FROM s ORDER BY i) "
    "SELECT i, body FROM s"
)
_FRESH_SUMMARY = text(
    FRESH_SUMMARY_SQL.replace("%(pid)s", ":pid")
    .replace("%(day)s", ":day")
    .replace("%(at)s", ":at")
    .replace("%(actor)s", ":actor")
    .replace("%(role)s", ":role")
).columns(body=String())
_STORED_SUMMARY = text(
    "SELECT body FROM patient_summary WHERE patient_id = :pid AND as_of = :day"
).columns(body=String())
_LOCK_PATIENTS = text(
    "SELECT id FROM patients WHERE id IN :ids ORDER BY id FOR NO KEY UPDATE"
).bindparams(bindparam("ids", expanding=True))


def _kind(name: str) -> RecordKind:
    try:
        return RECORD_KINDS[name]
    except KeyError:
        raise NotFoundError("record kind", name) from None


def stored_order(history: PatientHistory) -> PatientHistory:
    """``history`` with every record in the order :meth:`Repository.history` reads it back
    (clinical date, then id: records written in one bulk insert share their ``created_at``),
    so that what is computed from records in hand equals what a later read computes."""
    lists: dict[str, tuple[Any, ...]] = {}
    for name, k in RECORD_KINDS.items():
        date_of = k.date_of

        def order(v: Any, date_of: Callable[[Any], dt.date | None] = date_of) -> tuple[Any, ...]:
            return (date_of(v) or dt.date.min, v.id)

        lists[name] = tuple(sorted(getattr(history, name), key=order))
    plans = tuple(sorted(history.plans, key=lambda p: (p.start, p.plan_id, p.version)))
    return PatientHistory(patient=history.patient, plans=plans, **lists)


def _patient_row_data(p: Patient) -> dict[str, Any]:
    return {
        "birth_date": p.birth_date,
        "sex": p.sex,
        "synthetic": p.synthetic,
        "data": p.to_json(),
    }


class Repository:
    """Reads and writes of one actor inside one transaction; every access is audited."""

    def __init__(
        self, conn: Connection, actor: Actor, *, now: Callable[[], dt.datetime] | None = None
    ) -> None:
        self.conn = conn
        self.actor = actor
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self._postgres = conn.dialect.name == "postgresql"
        self._locked: set[str] = set()  # patients locked in this transaction
        self._no_summary: set[str] = set()  # patients whose stored summary is gone (this tx)

    def now(self) -> dt.datetime:
        return self._now()

    def _audit(self, action: str, entity: str, **kw: Any) -> None:
        record_event(self.conn, self.actor, action, entity, at=self.now(), **kw)

    # --- patients ---------------------------------------------------------------------------

    def add_patient(self, patient: Patient) -> Patient:
        if self.patient_exists(patient.id):
            raise ConflictError(f"patient '{patient.id}': already exists")
        at = self.now()
        self.conn.execute(
            insert(patients).values(
                id=patient.id, created_at=at, updated_at=at, **_patient_row_data(patient)
            )
        )
        self._new_patients([patient.id])
        self._audit(
            "create",
            "patient",
            entity_id=patient.id,
            patient_id=patient.id,
            after=patient.to_json(),
        )
        return patient

    def update_patient(self, patient: Patient) -> Patient:
        self.touch(patient.id)
        before = self.get_patient(patient.id, audit=False)
        self.conn.execute(
            update(patients)
            .where(patients.c.id == patient.id)
            .values(updated_at=self.now(), **_patient_row_data(patient))
        )
        self._audit(
            "update",
            "patient",
            entity_id=patient.id,
            patient_id=patient.id,
            before=before.to_json(),
            after=patient.to_json(),
        )
        return patient

    def patient_exists(self, patient_id: str) -> bool:
        found = self.conn.execute(select(patients.c.id).where(patients.c.id == patient_id))
        return found.first() is not None

    def existing_patients(self, patient_ids: set[str]) -> set[str]:
        """Which of ``patient_ids`` are stored (one query)."""
        if not patient_ids:
            return set()
        found = self.conn.execute(select(patients.c.id).where(patients.c.id.in_(patient_ids)))
        return set(found.scalars())

    def get_patient(self, patient_id: str, *, audit: bool = True) -> Patient:
        row = self.conn.execute(select(patients).where(patients.c.id == patient_id)).first()
        if row is None:
            raise NotFoundError("patient", patient_id)
        if audit:
            self._audit("read", "patient", entity_id=patient_id, patient_id=patient_id)
        return Patient.from_json(dict(row.data), id=patient_id)

    def list_patients(self, *, limit: int = 100, offset: int = 0) -> tuple[list[Patient], int]:
        total = self.conn.execute(select(func.count()).select_from(patients)).scalar_one()
        rows = self.conn.execute(
            select(patients.c.id, patients.c.data)
            .order_by(patients.c.created_at, patients.c.id)
            .limit(limit)
            .offset(offset)
        ).all()
        found = [Patient.from_json(dict(r.data), id=r.id) for r in rows]
        self._audit("read", "patient-list", detail=f"{len(found)} patients")
        return found, int(total)

    def patient_ids(self) -> list[str]:
        return list(self.conn.execute(select(patients.c.id).order_by(patients.c.id)).scalars())

    # --- clinical records -------------------------------------------------------------------

    def add(self, kind: str, value: Any) -> Any:
        """Insert one record value (its ``patient_id`` must exist)."""
        k = _kind(kind)
        if not self.patient_exists(value.patient_id):
            raise NotFoundError("patient", value.patient_id)
        self.touch(value.patient_id)
        try:
            with self.conn.begin_nested():
                self.conn.execute(
                    insert(k.table).values(
                        id=value.id,
                        patient_id=value.patient_id,
                        data=value.to_json(),
                        created_at=self.now(),
                        created_by=self.actor.username,
                        **{k.date_column: k.date_of(value)},
                        **k.columns(value),
                    )
                )
        except IntegrityError:
            raise ConflictError(f"{kind} '{value.id}': already exists") from None
        self._audit(
            "create",
            kind,
            entity_id=value.id,
            patient_id=value.patient_id,
            after=value.to_json(),
        )
        return value

    def add_many(self, kind: str, values: list[Any]) -> None:
        """Insert many records in one statement (their patients must exist: the caller checks;
        a clash aborts the transaction). Each record still gets its own audit row."""
        if not values:
            return
        k = _kind(kind)
        self.touch_many({v.patient_id for v in values})
        at = self.now()
        data = [v.to_json() for v in values]  # one dict and one JSON text per record, for
        json_text: dict[int, str] = {}  # its row and its audit row's "after"
        insert_rows(
            self.conn,
            k.table,
            [
                {
                    "id": v.id,
                    "patient_id": v.patient_id,
                    "data": d,
                    "created_at": at,
                    "created_by": self.actor.username,
                    k.date_column: k.date_of(v),
                    **k.columns(v),
                }
                for v, d in zip(values, data, strict=True)
            ],
            json_text=json_text,
        )
        record_events(
            self.conn,
            self.actor,
            [
                {
                    "action": "create",
                    "entity": kind,
                    "entity_id": v.id,
                    "patient_id": v.patient_id,
                    "after": d,
                }
                for v, d in zip(values, data, strict=True)
            ],
            at=at,
            json_text=json_text,
        )

    def add_patients(self, values: list[Patient]) -> None:
        """Insert many new patients in one statement (audited one row each)."""
        if not values:
            return
        at = self.now()
        self._new_patients([p.id for p in values])
        rows = [
            {"id": p.id, "created_at": at, "updated_at": at, **_patient_row_data(p)} for p in values
        ]
        json_text: dict[int, str] = {}
        insert_rows(self.conn, patients, rows, json_text=json_text)
        record_events(
            self.conn,
            self.actor,
            [
                {
                    "action": "create",
                    "entity": "patient",
                    "entity_id": p.id,
                    "patient_id": p.id,
                    "after": row["data"],  # the same dict: serialised once
                }
                for p, row in zip(values, rows, strict=True)
            ],
            at=at,
            json_text=json_text,
        )

    def replace(self, kind: str, value: Any) -> Any:
        """Store a new state of an existing record, auditing before and after."""
        k = _kind(kind)
        before = self.get(kind, value.id, audit=False)
        if before.patient_id != value.patient_id:
            raise NotFoundError(kind, value.id)
        self.touch(value.patient_id)
        self.conn.execute(
            update(k.table)
            .where(k.table.c.id == value.id)
            .values(data=value.to_json(), **{k.date_column: k.date_of(value)}, **k.columns(value))
        )
        self._audit(
            "update",
            kind,
            entity_id=value.id,
            patient_id=value.patient_id,
            before=before.to_json(),
            after=value.to_json(),
        )
        return value

    def get(self, kind: str, ident: str, *, audit: bool = True) -> Any:
        k = _kind(kind)
        row = self.conn.execute(select(k.table).where(k.table.c.id == ident)).first()
        if row is None:
            raise NotFoundError(kind.rstrip("s"), ident)
        if audit:
            self._audit("read", kind, entity_id=ident, patient_id=row.patient_id)
        return k.load(row.data, row.id, row.patient_id)

    def records(self, kind: str, patient_id: str, *, audit: bool = True) -> list[Any]:
        k = _kind(kind)
        rows = self.conn.execute(
            select(k.table)
            .where(k.table.c.patient_id == patient_id)
            .order_by(k.table.c[k.date_column], k.table.c.created_at, k.table.c.id)
        ).all()
        if audit:
            self._audit("read", kind, patient_id=patient_id, detail=f"{len(rows)} records")
        return [k.load(r.data, r.id, r.patient_id) for r in rows]

    def observations_by_code(self, patient_id: str, code: str | None) -> list[Observation]:
        table = RECORD_TABLES["observations"]
        query = select(table).where(table.c.patient_id == patient_id)
        if code is not None:
            query = query.where(table.c.code == code)
        rows = self.conn.execute(query.order_by(table.c.effective_on, table.c.id)).all()
        self._audit("read", "observations", patient_id=patient_id, detail=f"code={code}")
        return [Observation.from_stored(r.data, id=r.id, patient_id=r.patient_id) for r in rows]

    # --- plans ------------------------------------------------------------------------------

    def add_plan_version(self, plan: PlanVersion) -> PlanVersion:
        if not self.patient_exists(plan.patient_id):
            raise NotFoundError("patient", plan.patient_id)
        self.touch(plan.patient_id)
        try:
            with self.conn.begin_nested():
                self.conn.execute(
                    insert(plan_versions).values(
                        id=plan.id,
                        plan_id=plan.plan_id,
                        version=plan.version,
                        patient_id=plan.patient_id,
                        therapy=plan.therapy,
                        status=plan.status,
                        start_on=plan.start,
                        data=plan.to_json(),
                        created_at=self.now(),
                        created_by=self.actor.username,
                    )
                )
        except IntegrityError:
            raise ConflictError(
                f"plan '{plan.plan_id}' version {plan.version}: already exists (another "
                "adjustment was saved first; reload the plan and try again)"
            ) from None
        self._audit(
            "create" if plan.version == 1 else "update",
            "plan",
            entity_id=plan.plan_id,
            patient_id=plan.patient_id,
            after=plan.to_json(),
        )
        return plan

    def plan_versions(
        self, patient_id: str, plan_id: str | None = None, *, audit: bool = True
    ) -> list[PlanVersion]:
        query = select(plan_versions).where(plan_versions.c.patient_id == patient_id)
        if plan_id is not None:
            query = query.where(plan_versions.c.plan_id == plan_id)
        rows = self.conn.execute(
            query.order_by(
                plan_versions.c.start_on, plan_versions.c.plan_id, plan_versions.c.version
            )
        ).all()
        if audit:
            self._audit("read", "plan", patient_id=patient_id, entity_id=plan_id)
        return [PlanVersion.from_stored(r.data, patient_id=r.patient_id) for r in rows]

    # --- the whole record -------------------------------------------------------------------

    def history(self, patient_id: str, *, audit: bool = True) -> PatientHistory:
        """Every record of one patient, read in one round trip (one audited read)."""
        rows = self.conn.execute(_history_query(), {"pid": patient_id}).all()
        patient_rows = [r for r in rows if r.kind == "patient"]
        if not patient_rows:
            raise NotFoundError("patient", patient_id)
        if audit:
            self._audit("read", "patient", entity_id=patient_id, patient_id=patient_id)
        patient = Patient.from_json(dict(patient_rows[0].data), id=patient_id)
        found: dict[str, list[Any]] = {name: [] for name in RECORD_KINDS}
        plans: list[PlanVersion] = []
        for r in sorted(
            (r for r in rows if r.kind != "patient"),
            key=lambda r: (r.kind, r.day or dt.date.min, utc(r.created_at), r.id),
        ):
            if r.kind == "plan":
                plans.append(PlanVersion.from_stored(r.data, patient_id=patient_id))
            else:
                found[r.kind].append(RECORD_KINDS[r.kind].load(r.data, r.id, patient_id))
        plans.sort(key=lambda p: (p.start, p.plan_id, p.version))
        lists = {name: tuple(values) for name, values in found.items()}
        return PatientHistory(patient=patient, plans=tuple(plans), **lists)

    # --- the stored summary and the per-patient write lock --------------------------------

    def lock_patient(self, patient_id: str) -> None:
        """Serialise this transaction with every other one that writes the patient's record or
        recomputes their summary (PostgreSQL: the patient row ``FOR NO KEY UPDATE`` until
        commit; SQLite's ``BEGIN IMMEDIATE`` already serialises writers). Without it a summary
        computed from a record read just before another transaction's write could be stored
        just after it, and served stale."""
        self.lock_patients([patient_id])

    def lock_patients(self, patient_ids: list[str] | set[str]) -> None:
        """:meth:`lock_patient` for many patients at once, in id order (no deadlock between
        two transactions locking overlapping sets)."""
        todo = sorted(set(patient_ids) - self._locked)
        if not todo:
            return
        if self._postgres:
            self.conn.execute(_LOCK_PATIENTS, {"ids": todo})
        self._locked.update(todo)

    def touch(self, patient_id: str) -> None:
        """Before a write to the patient's record: lock the patient and delete their stored
        summary in this transaction (it is rewritten by ``Clinic`` after the write, or
        recomputed on the next read)."""
        if patient_id in self._no_summary:
            return
        self.lock_patient(patient_id)
        self.conn.execute(delete(patient_summary).where(patient_summary.c.patient_id == patient_id))
        self._no_summary.add(patient_id)

    def touch_many(self, patient_ids: set[str]) -> None:
        todo = sorted(patient_ids - self._no_summary)
        if not todo:
            return
        self.lock_patients(todo)
        self.conn.execute(delete(patient_summary).where(patient_summary.c.patient_id.in_(todo)))
        self._no_summary.update(todo)

    def _new_patients(self, patient_ids: list[str]) -> None:
        """Patients inserted in this transaction: nobody else sees them, no summary yet."""
        self._locked.update(patient_ids)
        self._no_summary.update(patient_ids)

    def read_summary(self, patient_id: str, day: dt.date) -> str | None:
        """The stored summary's JSON text if it is current for ``day`` (else ``None``), with
        its audit row (an audited read of the patient's record, as :meth:`history`)."""
        if self._postgres:
            row = self.conn.execute(
                _FRESH_SUMMARY,
                {
                    "pid": patient_id,
                    "day": day,
                    "at": self.now(),
                    "actor": self.actor.username,
                    "role": self.actor.role,
                },
            ).first()
            return None if row is None else str(row.body)
        row = self.conn.execute(_STORED_SUMMARY, {"pid": patient_id, "day": day}).first()
        if row is None:
            return None
        self._audit("read", "patient", entity_id=patient_id, patient_id=patient_id)
        return str(row.body)

    def store_summary(self, patient_id: str, day: dt.date, body: str) -> None:
        """Store the summary's JSON text as of ``day`` (insert or replace). The caller holds
        the patient's lock since before it read the record (:meth:`lock_patient`)."""
        values = {"patient_id": patient_id, "as_of": day, "body": body, "computed_at": self.now()}
        if patient_id in self._no_summary:
            self.conn.execute(insert(patient_summary), values)
        else:
            dialect_insert = pg_insert if self._postgres else sqlite_insert
            statement = dialect_insert(patient_summary).values(**values)
            self.conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["patient_id"],
                    set_={
                        "as_of": statement.excluded.as_of,
                        "body": statement.excluded.body,
                        "computed_at": statement.excluded.computed_at,
                    },
                )
            )
        self._no_summary.discard(patient_id)

    def store_summaries(self, day: dt.date, bodies: dict[str, str]) -> None:
        """:meth:`store_summary` for many patients (one bulk insert for those whose stored
        summary is already gone in this transaction, such as new patients)."""
        at = self.now()
        fresh = {pid: body for pid, body in bodies.items() if pid in self._no_summary}
        insert_rows(
            self.conn,
            patient_summary,
            [
                {"patient_id": pid, "as_of": day, "body": body, "computed_at": at}
                for pid, body in fresh.items()
            ],
        )
        self._no_summary.difference_update(fresh)
        for pid, body in bodies.items():
            if pid not in fresh:
                self.store_summary(pid, day, body)

    # --- alerts -----------------------------------------------------------------------------

    def sync_alerts(
        self, patient_id: str, findings: tuple[Finding, ...], *, new_patient: bool = False
    ) -> int:
        """Raise an open alert for every new finding (by key); auto-resolve the alerts of
        auto-resolving rules whose condition is gone. Returns the number raised.
        ``new_patient`` skips looking up alerts of a patient created in this transaction."""
        return self._sync_alerts(patient_id, findings, new_patient=new_patient)[0]

    def sync_and_list_alerts(
        self, patient_id: str, findings: tuple[Finding, ...], *, new_patient: bool = False
    ) -> list[Alert]:
        """:meth:`sync_alerts`, then every alert of the patient (as :meth:`list_alerts`),
        without reading the alerts a second time when the sync changed nothing."""
        raised, resolved, rows = self._sync_alerts(patient_id, findings, new_patient=new_patient)
        if raised or resolved:
            return self.list_alerts(patient_id)
        return [_alert(r) for r in rows]

    def _sync_alerts(
        self, patient_id: str, findings: tuple[Finding, ...], *, new_patient: bool
    ) -> tuple[int, int, list[Any]]:
        at = self.now()
        rows: list[Any] = (
            []
            if new_patient
            else list(
                self.conn.execute(
                    select(alerts)
                    .where(alerts.c.patient_id == patient_id)
                    .order_by(alerts.c.raised_at, alerts.c.key)
                ).mappings()
            )
        )
        existing = {r["key"]: r for r in rows}
        dialect_insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        raised = 0
        for f in findings:
            if f.key in existing:
                continue
            self.touch(patient_id)
            ident = new_id()
            values = {
                "id": ident,
                "patient_id": patient_id,
                "code": f.code,
                "key": f.key,
                "severity": f.severity,
                "message": f.message,
                "source": f.source,
                "alert_on": f.date,
                "status": "open",
                "raised_at": at,
            }
            result = self.conn.execute(
                dialect_insert(alerts)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["patient_id", "key"])
            )
            if result.rowcount:
                raised += 1
                self._audit(
                    "create",
                    "alert",
                    entity_id=ident,
                    patient_id=patient_id,
                    after={"code": f.code, "severity": f.severity, "status": "open"},
                )
        live = {f.key for f in findings}
        rules = alert_rules()
        resolved = 0
        for key, row in existing.items():
            rule = rules.get(row["code"])
            if row["status"] != "resolved" and key not in live and rule and rule.auto_resolve:
                self._set_alert_status(row["id"], patient_id, "resolved", "system", at)
                resolved += 1
        return raised, resolved, rows

    def _set_alert_status(
        self, alert_id: str, patient_id: str, status: str, by: str, at: dt.datetime
    ) -> None:
        self.touch(patient_id)
        values: dict[str, Any] = {"status": status}
        if status == "acknowledged":
            values |= {"acknowledged_by": by, "acknowledged_at": at}
        else:
            values |= {"resolved_by": by, "resolved_at": at}
        self.conn.execute(update(alerts).where(alerts.c.id == alert_id).values(**values))
        self._audit(
            "update",
            "alert",
            entity_id=alert_id,
            patient_id=patient_id,
            after={"status": status, "by": by},
        )

    def list_alerts(self, patient_id: str, *, include_resolved: bool = True) -> list[Alert]:
        query = select(alerts).where(alerts.c.patient_id == patient_id)
        if not include_resolved:
            query = query.where(alerts.c.status != "resolved")
        rows = self.conn.execute(query.order_by(alerts.c.raised_at, alerts.c.key)).mappings()
        return [_alert(r) for r in rows]

    def get_alert(self, alert_id: str) -> Alert:
        row = self.conn.execute(select(alerts).where(alerts.c.id == alert_id)).mappings().first()
        if row is None:
            raise NotFoundError("alert", alert_id)
        return _alert(row)

    def save_alert_status(self, alert: Alert) -> Alert:
        """Store a life-cycle step made by ``lupus.care.acknowledge`` / ``resolve``."""
        by = alert.resolved_by if alert.status == "resolved" else alert.acknowledged_by
        at = alert.resolved_at if alert.status == "resolved" else alert.acknowledged_at
        assert by is not None and at is not None
        self._set_alert_status(alert.id, alert.patient_id, alert.status, by, at)
        return alert


def _alert(r: Any) -> Alert:
    def opt(x: dt.datetime | None) -> dt.datetime | None:
        return None if x is None else utc(x)

    return Alert(
        id=r["id"],
        patient_id=r["patient_id"],
        code=r["code"],
        severity=r["severity"],
        message=r["message"],
        source=r["source"],
        key=r["key"],
        date=r["alert_on"],
        raised_at=utc(r["raised_at"]),
        status=r["status"],
        acknowledged_by=r["acknowledged_by"],
        acknowledged_at=opt(r["acknowledged_at"]),
        resolved_by=r["resolved_by"],
        resolved_at=opt(r["resolved_at"]),
    )
