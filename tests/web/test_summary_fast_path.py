"""``GET /api/patients/{id}/summary`` served from the stored document (one audited read; on
PostgreSQL the one-statement fast path of ``lupus.web.fastpath``): the same answer as the
computed summary, refreshed by every write, recomputed on a later day, and every read audited.
Everything the fast path cannot answer gets the FastAPI route's answer (401, 403, 404)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import httpx
import pytest

from lupus.store import Actor, audit_events
from lupus.web import Settings, create_app
from lupus.web.deps import AppState
from lupus.web.fastpath import FastSummaries
from tests.store.summaries import SCHEDULED_DOSE as DOSE
from tests.store.summaries import SUMMARY_FIELDS, fresh_summary, stored_summary
from tests.web.conftest import TODAY, Api, serve

LOW_NEUTROPHILS = {"code": "751-8", "value": 800, "unit": "/uL", "effective": "2026-02-27"}


def stored(api: Api, pid: str) -> tuple[dt.date, str] | None:
    return stored_summary(api.db, pid)


def computed(api: Api, pid: str, today: dt.date = TODAY) -> str:
    return fresh_summary(api.db, pid, today)


def reads(api: Api, pid: str) -> list[tuple[str, str, str | None]]:
    with api.db.engine.connect() as conn:
        return [
            (e.actor, e.entity, e.entity_id)
            for e in audit_events(conn, patient_id=pid)
            if e.action == "read"
        ]


def test_the_stored_summary_is_served_refreshed_by_writes_and_every_read_audited(
    api: Api,
) -> None:
    pid = api.new_patient()
    first = api.call("GET", f"/api/patients/{pid}/summary", "dr")  # computed and stored
    assert first.status_code == 200 and first.headers["content-type"] == "application/json"
    assert stored(api, pid) == (TODAY, first.text)
    again = api.call("GET", f"/api/patients/{pid}/summary", "nurse")  # the stored document
    assert again.status_code == 200 and again.content == first.content
    assert again.text == computed(api, pid)
    assert reads(api, pid) == [("dr", "patient", pid), ("nurse", "patient", pid)]
    # a write refreshes the stored summary in its own transaction
    r = api.call("POST", f"/api/patients/{pid}/observations", "nurse", json=LOW_NEUTROPHILS)
    assert r.status_code == 201
    after = stored(api, pid)
    assert after is not None and "lab.neutrophils.low" in after[1]
    served = api.call("GET", f"/api/patients/{pid}/summary", "dr")
    assert served.text == after[1] == computed(api, pid)
    assert {a["code"] for a in served.json()["alerts"]} >= {"lab.neutrophils.low"}
    # acknowledging an alert changes its status in the summary at once
    alert = next(a for a in served.json()["alerts"] if a["code"] == "lab.neutrophils.low")
    ack = api.call("POST", f"/api/patients/{pid}/alerts/{alert['id']}/acknowledge", "nurse")
    assert ack.status_code == 200
    shown = api.call("GET", f"/api/patients/{pid}/summary", "dr").json()
    assert next(a for a in shown["alerts"] if a["id"] == alert["id"])["status"] == "acknowledged"
    assert len(reads(api, pid)) == 4


def test_a_summary_stored_on_an_earlier_day_is_recomputed(api: Api) -> None:
    pid = api.new_patient()
    dose = api.call("POST", f"/api/patients/{pid}/administrations", "dr", json=DOSE)
    assert dose.status_code == 201
    today = api.call("GET", f"/api/patients/{pid}/summary", "dr").json()
    assert "dose.missed" not in {a["code"] for a in today["alerts"]}
    later = dt.date(2026, 4, 10)  # a month on, nothing written since: the dose is overdue
    settings = Settings(env="development", database_url=None)
    app = create_app(settings, database=api.db, today=lambda: later, migrate=False)
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        r = client.get(f"/api/patients/{pid}/summary", headers=api.as_("dr"))
        again = client.get(f"/api/patients/{pid}/summary", headers=api.as_("dr"))
    assert r.status_code == 200 and "dose.missed" in {a["code"] for a in r.json()["alerts"]}
    assert stored(api, pid) == (later, r.text) and again.text == r.text
    assert r.text == computed(api, pid, later)
    assert len(reads(api, pid)) == 3


def test_what_the_fast_path_cannot_answer_gets_the_routes_answer(api: Api) -> None:
    pid = api.new_patient()
    path = f"/api/patients/{pid}/summary"
    assert api.call("GET", path, "dr").status_code == 200  # stored now
    no_token = api.client.get(path)
    assert no_token.status_code == 401 and no_token.headers["www-authenticate"] == "Bearer"
    forged = api.client.get(path, headers={"Authorization": "Bearer not.a.token"})
    assert forged.status_code == 401
    expired = api.token(Actor("dr", "clinician")).split(".")
    tampered = ".".join([expired[0], expired[1], expired[2][::-1]])
    assert api.client.get(path, headers={"Authorization": f"Bearer {tampered}"}).status_code == 401
    assert api.call("GET", path, "res").status_code == 403  # researcher
    assert api.call("GET", path, "root").status_code == 403  # admin
    api.add_user("jane", "patient", patient_id=pid)
    assert api.call("GET", path, "jane").status_code == 200  # her own record
    other = api.new_patient()
    assert api.call("GET", f"/api/patients/{other}/summary", "jane").status_code == 403
    missing = api.call("GET", "/api/patients/nobody/summary", "dr")
    assert missing.status_code == 404 and "nobody" in missing.json()["detail"]
    assert reads(api, "nobody") == []
    assert [who for who, _, _ in reads(api, pid)] == ["dr", "jane"]
    assert json.loads(api.call("GET", path, "nurse").text)["patient_id"] == pid


def test_the_openapi_schema_documents_the_summary_model(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    op = spec["paths"]["/api/patients/{patient_id}/summary"]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/SummaryPublic")
    assert set(spec["components"]["schemas"]["SummaryPublic"]["properties"]) == SUMMARY_FIELDS


@pytest.mark.parametrize("api", ["postgresql"], indirect=True)  # the fast path is PostgreSQL only
def test_the_fast_path_answers_a_current_summary_in_one_statement(api: Api) -> None:
    """On PostgreSQL the middleware itself answers (stored body, audit row committed); it
    hands on (``None``) a stale or missing summary and a token it cannot accept."""
    assert api.db.backend == "postgresql"
    pid = api.new_patient()
    body = api.call("GET", f"/api/patients/{pid}/summary", "dr").content
    settings = Settings(env="development", database_url=None)
    fast = FastSummaries(AppState(settings=settings, db=api.db, today=lambda: TODAY))

    def scope(user: str | None) -> dict[str, Any]:
        if user is None:
            return {"type": "http", "method": "GET", "headers": []}
        header = api.as_(user)["Authorization"].encode()
        return {"type": "http", "method": "GET", "headers": [(b"authorization", header)]}

    async def run() -> list[bytes | None]:
        return [
            await fast.body(scope("nurse"), pid),
            await fast.body(scope("dr"), "nobody"),
            await fast.body(scope(None), pid),
            await fast.body(scope("res"), pid),
        ]

    try:
        assert asyncio.run(run()) == [body, None, None, None]
    finally:
        fast.close()
    assert reads(api, pid) == [("dr", "patient", pid), ("nurse", "patient", pid)]
    assert reads(api, "nobody") == []
    stale = FastSummaries(AppState(settings=settings, db=api.db, today=lambda: dt.date(2026, 3, 2)))
    try:
        assert asyncio.run(stale.body(scope("dr"), pid)) is None
    finally:
        stale.close()
    assert len(reads(api, pid)) == 2


@pytest.mark.parametrize("api", ["postgresql"], indirect=True)  # the fast path is PostgreSQL only
def test_concurrent_fast_reads_share_one_statement_and_each_is_audited(api: Api) -> None:
    """With one connection, requests that arrive while it is busy are answered together by
    the next statement: every one gets its own patient's body (or ``None``) and its own audit
    row, duplicates and a missing summary included."""
    first, second = api.new_patient(), api.new_patient()
    bodies = {
        pid: api.call("GET", f"/api/patients/{pid}/summary", "dr").content
        for pid in (first, second)
    }
    settings = Settings(env="development", database_url=None)
    fast = FastSummaries(AppState(settings=settings, db=api.db, today=lambda: TODAY), pool_size=1)
    header = api.as_("nurse")["Authorization"].encode()
    scope = {"type": "http", "method": "GET", "headers": [(b"authorization", header)]}
    asked = [first, second, "nobody", first, second, first]

    async def run() -> tuple[list[bytes | None], int]:
        answers = await asyncio.gather(*(fast.body(scope, pid) for pid in asked))
        assert fast.pool is not None
        return list(answers), len(fast.pool.opened)

    try:
        answers, connections = asyncio.run(run())
    finally:
        fast.close()
    assert answers == [bodies.get(pid) for pid in asked]
    assert connections == 1
    assert reads(api, first) == [("dr", "patient", first)] + [("nurse", "patient", first)] * 3
    assert reads(api, second) == [("dr", "patient", second)] + [("nurse", "patient", second)] * 2
    assert reads(api, "nobody") == []


@pytest.mark.parametrize("api", ["postgresql"], indirect=True)  # the fast path is PostgreSQL only
def test_a_failed_batch_hands_every_request_on_to_the_route(api: Api) -> None:
    """When the batch's statement cannot run (here: the connection cannot be opened), every
    request of the batch gets ``None`` (the FastAPI route answers it) and nothing hangs."""
    pid = api.new_patient()
    api.call("GET", f"/api/patients/{pid}/summary", "dr")
    settings = Settings(env="development", database_url=None)
    fast = FastSummaries(AppState(settings=settings, db=api.db, today=lambda: TODAY), pool_size=1)
    header = api.as_("dr")["Authorization"].encode()
    scope = {"type": "http", "method": "GET", "headers": [(b"authorization", header)]}

    async def run() -> list[bytes | None]:
        await fast.body(scope, pid)  # opens the pool
        assert fast.pool is not None
        fast.pool.close()
        fast.pool.conninfo = "host=/nonexistent-socket-folder dbname=none connect_timeout=2"
        return list(
            await asyncio.wait_for(asyncio.gather(*(fast.body(scope, pid) for _ in range(4))), 30)
        )

    try:
        assert asyncio.run(run()) == [None] * 4
    finally:
        fast.close()
    assert len(reads(api, pid)) == 2  # the route's first read and the first fast read only
