"""Cookie sessions for the pages: a signed, expiring cookie and a CSRF token bound to it.

The cookie ``lupus_session`` holds ``payload.signature`` where the payload is the signed-in
user (name, role, own patient id), an expiry time and a random session nonce, and the
signature is HMAC-SHA256 under the service's secret key. It is HttpOnly and SameSite=Lax.
Every form carries ``csrf_token``, an HMAC of the session nonce; a POST without the right one
is refused (403). Passwords are never handled here: sign-in verifies them with the care
service's own user store.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

__all__ = [
    "COOKIE_NAME",
    "SESSION_SECONDS",
    "Session",
    "csrf_token",
    "read_session",
    "sign_session",
]

COOKIE_NAME = "lupus_session"
#: A working day; after it the user signs in again (product choice).
SESSION_SECONDS = 8 * 3600


@dataclass(frozen=True, slots=True)
class Session:
    """Who is signed in to the pages."""

    username: str
    role: str
    patient_id: str | None
    nonce: str
    expires: int

    @classmethod
    def new(cls, username: str, role: str, patient_id: str | None) -> Session:
        return cls(
            username,
            role,
            patient_id,
            secrets.token_urlsafe(16),
            int(time.time()) + SESSION_SECONDS,
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, message: str) -> str:
    return _b64(hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest())


def sign_session(session: Session, key: bytes) -> str:
    """The cookie value for ``session``."""
    payload = _b64(
        json.dumps(
            {
                "u": session.username,
                "r": session.role,
                "p": session.patient_id,
                "n": session.nonce,
                "x": session.expires,
            },
            separators=(",", ":"),
        ).encode("utf-8")
    )
    return f"{payload}.{_mac(key, 'session|' + payload)}"


def read_session(value: str | None, key: bytes, *, now: float | None = None) -> Session | None:
    """The session in a cookie value, or ``None`` when absent, forged, malformed or expired."""
    if not value or value.count(".") != 1:
        return None
    payload, signature = value.split(".")
    if not hmac.compare_digest(signature, _mac(key, "session|" + payload)):
        return None
    try:
        data = json.loads(_unb64(payload))
        session = Session(
            str(data["u"]),
            str(data["r"]),
            None if data["p"] is None else str(data["p"]),
            str(data["n"]),
            int(data["x"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    if session.expires < (time.time() if now is None else now):
        return None
    return session


def csrf_token(session: Session, key: bytes) -> str:
    """The CSRF token every form of this session must send back."""
    return _mac(key, "csrf|" + session.nonce)
