"""``POST /auth/token``: the OAuth2 password flow."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from lupus.store import authenticate
from lupus.web.deps import CurrentUser, StateDep
from lupus.web.schemas.auth import Me, Token
from lupus.web.security import AuthenticationError, create_token

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=Token)
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], state: StateDep) -> Token:
    """Exchange a username and password for a bearer token."""
    with state.db.transaction() as conn:  # commits the login audit row, failed or not
        user = authenticate(conn, form.username, form.password)
    if user is None:
        raise AuthenticationError("incorrect username or password")
    token = create_token(
        user.actor(),
        secret=state.settings.secret_key.get_secret_value(),
        minutes=state.settings.token_minutes,
    )
    return Token(access_token=token)


@router.get("/api/me", response_model=Me)
def me(user: CurrentUser) -> Me:
    """Who the token belongs to."""
    return Me(username=user.username, role=user.role, patient_id=user.patient_id)
