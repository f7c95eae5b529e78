"""Server-rendered pages of the care service (Jinja2 templates, own CSS and small scripts).

``mount_pages(app)`` adds every page under ``/ui`` and the static files under ``/ui/static``
to an app made by ``lupus.web.main.create_app``: sign-in with a cookie session, the clinic
dashboard, patient pages with their forms, the start-therapy wizard, the what-if panel, the
patient portal, research aggregates and virtual trials. Pages work without JavaScript; the
scripts only add live scores, grading helpers and progress.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from lupus.web.deps import AppState
from lupus.web.pages._common import PREFIX, PageState, make_environment, page_key
from lupus.web.pages.jobs import JobRunner

__all__ = ["PREFIX", "mount_pages"]


def mount_pages(app: FastAPI, *, workers: int = 2) -> None:
    """Add the pages to ``app`` (built by ``create_app``); ``workers`` threads run slow jobs."""
    from importlib import resources

    from lupus.web.pages import clinic, portal, research, signin, whatif_panel, wizard

    if getattr(app.state, "lupus_pages", None) is not None:
        return  # already mounted
    care: AppState = app.state.lupus
    app.state.lupus_pages = PageState(
        env=make_environment(),
        key=page_key(care.settings.secret_key.get_secret_value()),
        jobs=JobRunner(workers=workers),
        care=care,
    )
    static = resources.files("lupus.web").joinpath("static")
    app.mount(f"{PREFIX}/static", StaticFiles(directory=str(static)), name="lupus-static")
    for module in (signin, clinic, whatif_panel, wizard, portal, research):
        app.include_router(module.router)
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        app.add_api_route("/", _to_pages, include_in_schema=False)


def _to_pages() -> RedirectResponse:
    """The site root leads to the pages (sign-in, or the user's start page)."""
    return RedirectResponse(f"{PREFIX}/", status_code=307)
