"""Access tokens (JWT, HS256, via PyJWT) for the OAuth2 password flow."""

from __future__ import annotations

import datetime as dt

import jwt

from lupus.store import Actor

__all__ = ["ALGORITHM", "AuthenticationError", "create_token", "read_token", "read_token_expiry"]

ALGORITHM = "HS256"


class AuthenticationError(Exception):
    """Missing, expired or forged credentials (becomes 401)."""


def create_token(actor: Actor, *, secret: str, minutes: int) -> str:
    now = dt.datetime.now(dt.UTC)
    claims = {
        "sub": actor.username,
        "role": actor.role,
        "pid": actor.patient_id,
        "iat": now,
        "exp": now + dt.timedelta(minutes=minutes),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, *, secret: str) -> Actor:
    return read_token_expiry(token, secret=secret)[0]


def read_token_expiry(token: str, *, secret: str) -> tuple[Actor, float]:
    """The token's actor and its expiry (POSIX seconds); AuthenticationError if it is
    missing claims, forged or expired."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "role", "exp"]}
        )
    except jwt.PyJWTError as exc:
        raise AuthenticationError(f"invalid or expired token ({exc})") from None
    sub, role, pid = claims.get("sub"), claims.get("role"), claims.get("pid")
    if (
        not isinstance(sub, str)
        or not isinstance(role, str)
        or not (pid is None or isinstance(pid, str))
    ):
        raise AuthenticationError("invalid token claims")
    return Actor(sub, role, pid), float(claims["exp"])
