"""The application factory: settings, database, error handlers and routers. Nothing else.

HTML pages can be added later as a ``lupus.web.pages`` router (Jinja2 templates) included
here beside the JSON routers; they share the same dependencies and error handling.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from fastapi import FastAPI

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

__all__ = ["create_app", "create_served_app", "warm_up"]


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
    app = FastAPI(
        title="lupus-immunotherapy care service",
        version=__version__,
        description=DISCLAIMER,
    )
    state = AppState(settings=settings, db=db, today=today)
    app.state.lupus = state
    install_error_handlers(app)
    if db.backend == "postgresql":  # the summary's one-statement read (lupus.web.fastpath)
        app.add_middleware(SummaryFastPath, summaries=FastSummaries(state))
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


def warm_up() -> None:
    """Once per server process, in the background: import the FHIR models
    (``lupus.interop.fhir.warm_up``), so that the first import does not wait for them."""
    from lupus.interop.fhir import warm_up as fhir_warm_up

    threading.Thread(target=fhir_warm_up, name="lupus-warm-up", daemon=True).start()


def create_served_app() -> FastAPI:
    """The app as each ``lupus serve --workers N`` process runs it: :func:`create_app` from
    the environment, then :func:`warm_up`."""
    app = create_app()
    warm_up()
    return app
