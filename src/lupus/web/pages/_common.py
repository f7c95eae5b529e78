"""What every page shares: the template environment, the signed-in user, CSRF, one
transaction per action, and turning errors into HTML pages (never JSON) under ``/ui``.

Permissions are the care service's (``lupus.web.permissions``); sign-in uses the care
service's user store (``lupus.store.authenticate``). Nothing here hashes a password.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.datastructures import FormData
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from lupus import DISCLAIMER
from lupus.care import NotFoundError, TransitionError
from lupus.store import Actor, Clinic, ConflictError, Repository
from lupus.web.deps import AppState
from lupus.web.pages.errors import CsrfError, SignInRequired
from lupus.web.pages.jobs import JobRunner
from lupus.web.pages.session import COOKIE_NAME, Session, csrf_token, read_session
from lupus.web.permissions import PermissionDenied

__all__ = [
    "PREFIX",
    "TEAM",
    "CsrfError",
    "FormDep",
    "PageRoute",
    "PageState",
    "SignInRequired",
    "StateDep",
    "UserDep",
    "actor_of",
    "clinic_for",
    "home_for",
    "page_state",
    "redirect",
    "render",
    "require_role",
]

PREFIX = "/ui"
TEAM = frozenset({"clinician", "nurse"})


@dataclass(frozen=True, slots=True)
class PageState:
    """Held on ``app.state.lupus_pages``: templates, the session key and the job runner."""

    env: Environment
    key: bytes
    jobs: JobRunner
    care: AppState


def page_key(secret: str) -> bytes:
    """The pages' signing key, derived from the service secret (never used raw)."""
    return hashlib.sha256(b"lupus-pages-session|" + secret.encode("utf-8")).digest()


def make_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("lupus.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tojson_attr"] = lambda v: json.dumps(v, separators=(",", ":"))
    env.globals["DISCLAIMER"] = DISCLAIMER
    env.globals["PREFIX"] = PREFIX
    return env


def page_state(request: Request) -> PageState:
    state: PageState = request.app.state.lupus_pages
    return state


StateDep = Annotated[PageState, Depends(page_state)]


def current_session(request: Request, state: StateDep) -> Session:
    session = read_session(request.cookies.get(COOKIE_NAME), state.key)
    if session is None:
        raise SignInRequired()
    return session


UserDep = Annotated[Session, Depends(current_session)]


async def checked_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, after checking its CSRF token against the session cookie (uploaded
    files are closed when the response is done)."""
    form = await request.form()
    try:
        state = page_state(request)
        session = read_session(request.cookies.get(COOKIE_NAME), state.key)
        sent = form.get("csrf_token")
        if session is None:
            raise SignInRequired()
        if not isinstance(sent, str) or not hmac.compare_digest(
            sent, csrf_token(session, state.key)
        ):
            raise CsrfError("the form's security token is missing or out of date; reload the page")
        yield form
    finally:
        await form.close()


FormDep = Annotated[FormData, Depends(checked_form)]


def actor_of(session: Session) -> Actor:
    return Actor(session.username, session.role, session.patient_id)


def require_role(session: Session, roles: frozenset[str] | set[str], what: str) -> None:
    if session.role not in roles:
        raise PermissionDenied(
            f"role '{session.role}' may not {what}; allowed roles: {', '.join(sorted(roles))}"
        )


@contextmanager
def clinic_for(state: PageState, session: Session) -> Iterator[Clinic]:
    """The care service's use cases for this user, inside one transaction."""
    with state.care.db.transaction() as conn:
        yield Clinic(Repository(conn, actor_of(session)), today=state.care.today)


def home_for(role: str) -> str:
    return {
        "clinician": f"{PREFIX}/clinic",
        "nurse": f"{PREFIX}/clinic",
        "patient": f"{PREFIX}/me",
        "researcher": f"{PREFIX}/research",
        "admin": f"{PREFIX}/admin",
    }.get(role, f"{PREFIX}/login")


NAV: dict[str, tuple[tuple[str, str], ...]] = {
    "clinician": (("Clinic", "/clinic"), ("Patients", "/patients"), ("Research", "/research")),
    "nurse": (("Clinic", "/clinic"), ("Patients", "/patients")),
    "patient": (
        ("My care", "/me"),
        ("Report a symptom", "/me/report"),
        ("Messages", "/me/messages"),
        ("My results", "/me/results"),
    ),
    "researcher": (("Research", "/research"), ("Virtual trials", "/trials")),
    "admin": (("Administration", "/admin"),),
}


def render(
    request: Request,
    template: str,
    *,
    session: Session | None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    state = page_state(request)
    nav = NAV.get(session.role, ()) if session else ()
    html = state.env.get_template(template).render(
        request_path=request.url.path,
        session=session,
        csrf=csrf_token(session, state.key) if session else "",
        nav=[(label, PREFIX + path) for label, path in nav],
        today=state.care.today(),
        notice=request.query_params.get("notice", ""),
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
    )
    return response


def redirect(path: str, notice: str = "") -> RedirectResponse:
    from urllib.parse import quote

    base, hash_mark, fragment = path.partition("#")
    if notice:
        base += ("&" if "?" in base else "?") + "notice=" + quote(notice)
    return RedirectResponse(base + hash_mark + fragment, status_code=303)


def _error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    state = page_state(request)
    session = read_session(request.cookies.get(COOKIE_NAME), state.key)
    return render(
        request, "error.html", session=session, status=status, title=title, message=message
    )


class PageRoute(APIRoute):
    """A page route: errors become HTML pages (sign-in redirect, 403, 404, 409, 422)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                from urllib.parse import quote

                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"{PREFIX}/login?next={quote(target)}", status_code=303)
            except (PermissionDenied, CsrfError) as exc:
                return _error_page(request, 403, "Not allowed", str(exc))
            except NotFoundError as exc:
                return _error_page(request, 404, "Not found", str(exc))
            except (ConflictError, TransitionError) as exc:
                return _error_page(request, 409, "Conflict", str(exc))
            except RequestValidationError as exc:
                fields = ", ".join(".".join(str(x) for x in e.get("loc", ())) for e in exc.errors())
                return _error_page(request, 422, "Invalid request", f"invalid fields: {fields}")
            except ValueError as exc:
                return _error_page(request, 422, "Invalid input", str(exc))

        return page_handler
