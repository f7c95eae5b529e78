"""The application factory: settings, database, error handlers and routers. Nothing else.

HTML pages can be added later as a ``lupus.web.pages`` router (Jinja2 templates) included
here beside the JSON routers; they share the same dependencies and error handling.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import FastAPI

from lupus import DISCLAIMER, __version__
from lupus.store import Database
from lupus.web.deps import AppState
from lupus.web.errors import install_error_handlers
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

__all__ = ["create_app"]


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
    app.state.lupus = AppState(settings=settings, db=db, today=today)
    install_error_handlers(app)
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
