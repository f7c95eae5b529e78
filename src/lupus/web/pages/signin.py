"""Sign-in, sign-out, the role home page and the admin landing page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lupus.store import authenticate
from lupus.web.pages._common import (
    PREFIX,
    FormDep,
    PageRoute,
    StateDep,
    UserDep,
    home_for,
    redirect,
    render,
    require_role,
)
from lupus.web.pages.session import (
    COOKIE_NAME,
    SESSION_SECONDS,
    Session,
    read_session,
    sign_session,
)

__all__ = ["router"]

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


def _safe_next(target: str | None) -> str | None:
    """Only a local page path may follow sign-in (no open redirect)."""
    if target and target.startswith(PREFIX + "/") and "//" not in target and "\\" not in target:
        return target
    return None


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def home(request: Request, state: StateDep) -> Response:
    session = read_session(request.cookies.get(COOKIE_NAME), state.key)
    return RedirectResponse(home_for(session.role) if session else f"{PREFIX}/login", 303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, state: StateDep, next: str | None = None) -> Response:
    session = read_session(request.cookies.get(COOKIE_NAME), state.key)
    return render(request, "login.html", session=session, next=_safe_next(next) or "", error="")


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    state: StateDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Checks the password with the care service's user store; sets the session cookie.

    The sign-in form itself needs no CSRF token (there is no session to ride on yet); the
    SameSite=Lax cookie and the token on every later form protect the rest."""
    if not username or not password:
        return render(
            request,
            "login.html",
            session=None,
            status=422,
            next=_safe_next(next) or "",
            error="Enter your username and your password.",
            username=username,
        )
    with state.care.db.transaction() as conn:
        user = authenticate(conn, username, password)
    if user is None:
        return render(
            request,
            "login.html",
            session=None,
            status=401,
            next=_safe_next(next) or "",
            error="Incorrect username or password.",
            username=username,
        )
    session = Session.new(user.username, user.role, user.patient_id)
    response = RedirectResponse(_safe_next(next) or home_for(user.role), status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        sign_session(session, state.key),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=state.care.settings.env == "production",
        path="/",
    )
    return response


@router.post("/logout")
def logout(form: FormDep) -> Response:
    response = redirect(f"{PREFIX}/login", "You are signed out.")
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


@router.get("/admin", response_class=HTMLResponse)
def admin(request: Request, session: UserDep) -> Response:
    require_role(session, {"admin"}, "open the administration page")
    return render(request, "admin.html", session=session)
