"""Request dependencies as ``Annotated`` aliases: the transaction, the user, the use cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Connection

from lupus.store import Actor, Clinic, Database, Repository
from lupus.web.security import AuthenticationError, read_token
from lupus.web.settings import Settings

__all__ = [
    "AppState",
    "ClinicDep",
    "CurrentUser",
    "SessionDep",
    "StateDep",
    "get_state",
]


@dataclass(frozen=True, slots=True)
class AppState:
    settings: Settings
    db: Database
    today: Callable[[], dt.date]


# Dependencies that do no blocking I/O are ``async def``: FastAPI runs every plain ``def``
# dependency in the thread pool, one hand-off per dependency per request.


async def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.lupus
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Connection]:
    """One transaction per request: committed when the route returns, rolled back on error."""
    with state.db.transaction() as conn:
        yield conn


SessionDep = Annotated[Connection, Depends(get_session, scope="function")]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


async def current_user(
    state: StateDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Actor:
    if not token:
        raise AuthenticationError("not authenticated: send 'Authorization: Bearer <token>'")
    return read_token(token, secret=state.settings.secret_key.get_secret_value())


CurrentUser = Annotated[Actor, Depends(current_user)]


async def get_clinic(state: StateDep, conn: SessionDep, user: CurrentUser) -> Clinic:
    return Clinic(Repository(conn, user), today=state.today)


ClinicDep = Annotated[Clinic, Depends(get_clinic)]
