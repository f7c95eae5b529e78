"""The fast path of ``GET /api/patients/{id}/summary`` on PostgreSQL (the busiest read).

A pure ASGI middleware in front of the FastAPI app. For a ``GET`` of the summary path with a
valid bearer token of a user who may read that patient, it runs one statement on an async
psycopg connection (autocommit, prepared on first use): the stored summary if it is current
for today, and the audit row of the read, inserted by the same statement only when the
summary is there (``lupus.store.repository.FRESH_SUMMARIES_SQL``; HIPAA 45 CFR 164.312(b):
every read of a patient's data is recorded). Requests that arrive while the connections are
busy share the next statement and its commit (application-level group commit; each answer
still leaves only after its audit row is committed). It sends the stored JSON text as it is:
no routing, dependency injection, thread hand-off, validation or serialisation per request.

Everything else goes on to the FastAPI route, which answers exactly as before and is what the
OpenAPI schema documents: no or a bad token (401), a role or patient that may not read the
record (403), an unknown patient (404), a summary missing or stale (it is computed, stored and
returned), a database error. The fast path never writes anything but the audit row of a read
it answers, so handing a request on cannot record a read twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import psycopg

from lupus.store import Actor
from lupus.store.repository import FRESH_SUMMARIES_SQL
from lupus.web.deps import AppState
from lupus.web.permissions import can_read_patient
from lupus.web.security import AuthenticationError, read_token_expiry

__all__ = ["POOL_SIZE", "FastSummaries", "SummaryFastPath"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_PATH = re.compile(r"/api/patients/([^/]+)/summary")

# Connections per worker process for the fast path; each answers a batch of waiting requests
# with one statement and one commit. Measured on the idle 2-core machine (docs/benchmarks.md):
# 2 and 4 gave a worse 99th percentile than 8 (fewer statements in flight while commits wait
# for the disk); 16 and 25 no better than 8.
POOL_SIZE = 8
# Verified tokens remembered per worker (the signature is checked once per token; the expiry
# on every use).
TOKEN_CACHE = 4096


class _Pool:
    """A few async connections of one event loop, opened on first use, that answer the
    waiting requests in batches.

    A request joins the queue, then waits for a free connection; the request that gets one
    takes every request still queued and answers them all with one statement
    (``FRESH_SUMMARIES_SQL``) and one commit. A request whose batch another request took gives
    its connection straight back and waits for its answer. So under load the batches grow and
    the commits (each one a WAL flush) stay few; alone, a request is a batch of one."""

    def __init__(self, conninfo: str, size: int) -> None:
        self.conninfo = conninfo
        self.loop = asyncio.get_running_loop()
        self.free: asyncio.Queue[psycopg.AsyncConnection[Any] | None] = asyncio.Queue()
        for _ in range(size):
            self.free.put_nowait(None)
        self.opened: set[psycopg.AsyncConnection[Any]] = set()
        self.queued: list[tuple[dict[str, Any], asyncio.Future[str | None]]] = []

    async def fetch(self, params: dict[str, Any]) -> str | None:
        answer: asyncio.Future[str | None] = self.loop.create_future()
        self.queued.append((params, answer))
        conn = await self.free.get()
        try:
            if self.queued:
                # one turn of the event loop: requests received in the same turn as this one
                # join its batch instead of taking connections of their own
                await asyncio.sleep(0)
            if self.queued:
                batch, self.queued = self.queued, []
                conn = await self._answer(conn, batch)
        finally:
            self.free.put_nowait(conn)
        return await answer

    async def _answer(
        self,
        conn: psycopg.AsyncConnection[Any] | None,
        batch: list[tuple[dict[str, Any], asyncio.Future[str | None]]],
    ) -> psycopg.AsyncConnection[Any] | None:
        """Answer every request of ``batch``; returns the connection to put back (``None``
        if it was dropped). Every answer is settled, whatever happens."""
        try:
            if conn is None or conn.closed:
                conn = await psycopg.AsyncConnection.connect(
                    self.conninfo, autocommit=True, prepare_threshold=0
                )
                self.opened.add(conn)
            arrays = {key: [p[key] for p, _ in batch] for key in batch[0][0]}
            cursor = await conn.execute(FRESH_SUMMARIES_SQL, arrays)
            rows = await cursor.fetchall()
        except BaseException as error:
            if conn is not None:  # its state is unknown: drop it
                self._finish(conn)
                conn = None
            failure = (
                error
                if isinstance(error, Exception)
                else psycopg.OperationalError("the batch's statement was interrupted")
            )
            for _, answer in batch:
                if not answer.done():
                    answer.set_exception(failure)
            if not isinstance(error, Exception):
                raise
            return conn
        bodies = {int(i): str(body) for i, body in rows}
        for i, (_, answer) in enumerate(batch, start=1):
            if not answer.done():
                answer.set_result(bodies.get(i))
        return conn

    def _finish(self, conn: psycopg.AsyncConnection[Any]) -> None:
        conn.pgconn.finish()  # closes the socket without the event loop
        self.opened.discard(conn)

    def close(self) -> None:
        for conn in list(self.opened):
            self._finish(conn)


class FastSummaries:
    """Token check and the one-statement audited read, shared by one app's middleware."""

    def __init__(self, state: AppState, *, pool_size: int = POOL_SIZE) -> None:
        self.state = state
        self.secret = state.settings.secret_key.get_secret_value()
        self.pool_size = pool_size
        self.tokens: OrderedDict[bytes, tuple[Actor, float]] = OrderedDict()
        self.pool: _Pool | None = None
        state.db.on_dispose(self.close)

    def actor(self, scope: Scope) -> Actor | None:
        """The user of a valid ``Authorization: Bearer`` token, else ``None``."""
        value = next((v for k, v in scope["headers"] if k == b"authorization"), None)
        if value is None:
            return None
        scheme, _, token = value.partition(b" ")
        if scheme.lower() != b"bearer" or not token:
            return None
        known = self.tokens.get(token)
        if known is not None and time.time() < known[1]:
            return known[0]
        try:
            actor, expires = read_token_expiry(token.decode("latin-1"), secret=self.secret)
        except AuthenticationError:
            return None
        self.tokens[token] = (actor, expires)
        if len(self.tokens) > TOKEN_CACHE:
            self.tokens.popitem(last=False)
        return actor

    async def body(self, scope: Scope, patient_id: str) -> bytes | None:
        """The stored summary's JSON bytes with its audit row committed, or ``None`` to let
        the FastAPI route answer."""
        user = self.actor(scope)
        if user is None or not can_read_patient(user, patient_id):
            return None
        loop = asyncio.get_running_loop()
        if self.pool is None or self.pool.loop is not loop:
            if self.pool is not None:
                self.pool.close()
            self.pool = _Pool(self.state.db.libpq_url(), self.pool_size)
        try:
            text = await self.pool.fetch(
                {
                    "pid": patient_id,
                    "day": self.state.today(),
                    "at": dt.datetime.now(dt.UTC),
                    "actor": user.username,
                    "role": user.role,
                }
            )
        except psycopg.Error:
            return None  # the route answers (and reports) it
        return None if text is None else text.encode()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None


class SummaryFastPath:
    """ASGI middleware: answers the summaries it can (see the module), passes on the rest."""

    def __init__(self, app: ASGIApp, *, summaries: FastSummaries) -> None:
        self.app = app
        self.summaries = summaries

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = _PATH.fullmatch(scope["path"])
            if match is not None:
                body = await self.summaries.body(scope, match.group(1))
                if body is not None:
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 200,
                            "headers": [
                                (b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)
