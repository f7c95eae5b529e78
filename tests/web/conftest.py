"""API tests through HTTP (httpx against the ASGI app) on SQLite and a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from lupus.store import SYSTEM, Actor, Database, create_user
from lupus.web import Settings, create_app
from lupus.web.security import create_token
from lupus.web.settings import DEFAULT_SECRET_KEY
from tests.store.databases import BACKENDS, PASSWORD, USERS, fresh_database

TODAY = dt.date(2026, 3, 1)
PATIENT = {"family": "Doe", "given": "Jane", "birth_date": "1990-05-01", "sex": "female"}


@dataclass
class Api:
    """A client per role, plus the database for direct checks."""

    db: Database
    client: httpx.Client
    tokens: dict[str, str]

    def as_(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def login(self, username: str, password: str = PASSWORD) -> Any:
        return self.client.post("/auth/token", data={"username": username, "password": password})

    def add_user(self, username: str, role: str, patient_id: str | None = None) -> None:
        with self.db.transaction() as conn:
            create_user(
                conn, SYSTEM, username=username, password=PASSWORD, role=role, patient_id=patient_id
            )
        self.tokens[username] = self.token(Actor(username, role, patient_id))

    def token(self, actor: Actor) -> str:
        return create_token(actor, secret=DEFAULT_SECRET_KEY, minutes=10)

    def call(self, method: str, path: str, user: str, **kw: Any) -> Any:
        return self.client.request(method, path, headers=self.as_(user), **kw)

    def new_patient(self, data: dict[str, Any] | None = None) -> str:
        r = self.call("POST", "/api/patients", "dr", json=data or PATIENT)
        assert r.status_code == 201, r.text
        return str(r.json()["id"])


@pytest.fixture(params=BACKENDS)
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    with fresh_database(request.param, tmp_path) as db:
        settings = Settings(env="development", database_url=None)
        app = create_app(settings, database=db, today=lambda: TODAY, migrate=False)
        with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
            a = Api(db, client, {})
            for name, role in USERS:  # created in the template database
                a.tokens[name] = a.token(Actor(name, role))
            yield a


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port in a thread; yield its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


ApiFactory = Callable[..., Api]
