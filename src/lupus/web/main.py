"""The application factory: settings, database, error handlers and routers. Nothing else.

HTML pages can be added later as a ``lupus.web.pages`` router (Jinja2 templates) included
here beside the JSON routers; they share the same dependencies and error handling.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Callable

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from lupus import DISCLAIMER, __version__
from lupus.store import Database
from lupus.web.deps import AppState
from lupus.web.errors import install_error_handlers
from lupus.web.fastpath import FastSummaries, SummaryFastPath
from lupus.web.pages import mount_pages
from lupus.web.routers import (
    alerts,
    audit,
    auth,
    fhir,
    messages,
    patients,
    plans,
    records,
    research,
    summary,
    users,
)
from lupus.web.settings import Settings, load_settings

__all__ = ["CareApp", "create_app", "create_served_app", "warm_up"]


class CareApp(FastAPI):
    """The FastAPI app, with the summary fast path (``lupus.web.fastpath``, PostgreSQL) in
    front of its whole middleware stack: the fast path answers from the outermost call, and
    everything it hands on goes through the stack as usual (:meth:`serve`)."""

    fast_path: SummaryFastPath | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.fast_path is not None:
            await self.fast_path(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app without the fast path."""
        await super().__call__(scope, receive, send)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    today: Callable[[], dt.date] = _today,
    migrate: bool = True,
) -> FastAPI:
    """Build the app. ``settings`` default to the environment; the database to
    ``settings.database_url`` (or the default SQLite file), migrated unless ``migrate=False``."""
    settings = settings or load_settings()
    db = database or Database(settings.database_url)
    if migrate:
        db.migrate()
    app = CareApp(
        title="lupus-immunotherapy care service",
        version=__version__,
        description=DISCLAIMER,
    )
    state = AppState(settings=settings, db=db, today=today)
    app.state.lupus = state
    install_error_handlers(app)
    if db.backend == "postgresql":  # the summary's one-statement read (lupus.web.fastpath)
        app.fast_path = SummaryFastPath(app.serve, summaries=FastSummaries(state))
    for module in (
        auth,
        patients,
        records,
        plans,
        alerts,
        messages,
        summary,
        research,
        users,
        audit,
        fhir,
    ):
        app.include_router(module.router)
    mount_pages(app)  # server-rendered pages under /ui (lupus.web.pages)
    return app


def _warm_up_and_freeze() -> None:
    from lupus.interop.fhir import warm_up as fhir_warm_up

    fhir_warm_up()
    # Everything built so far (modules, FHIR and API models, the app) lives as long as the
    # process: move it out of the cyclic garbage collector's reach. Measured: without this a
    # full (generation 2) collection walked all of it and paused a worker for 70-130 ms, a
    # few times in a 20-second load run (benchmarks/bench_service.py, docs/benchmarks.md).
    gc.collect()
    gc.freeze()


def warm_up() -> None:
    """Once per server process, in the background: import the FHIR models
    (``lupus.interop.fhir.warm_up``), so that the first import does not wait for them, then
    freeze the start-up objects out of the garbage collector (``gc.freeze``)."""
    threading.Thread(target=_warm_up_and_freeze, name="lupus-warm-up", daemon=True).start()


def create_served_app() -> FastAPI:
    """The app as each ``lupus serve --workers N`` process runs it: :func:`create_app` from
    the environment, then :func:`warm_up`."""
    app = create_app()
    warm_up()
    return app
