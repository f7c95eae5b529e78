"""Property-based API testing: schemathesis generates requests from the OpenAPI schema for every
operation and checks that none gets a server error (5xx). Bounded: a few examples per operation,
on SQLite, through HTTP against the running app."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from lupus.store import SYSTEM, Actor, Clinic, Database, Repository
from lupus.web import Settings, create_app
from lupus.web.security import create_token
from lupus.web.settings import DEFAULT_SECRET_KEY
from tests.store.databases import USERS, fresh_database
from tests.web.conftest import PATIENT, serve

_live: dict[str, Any] = {}


@pytest.fixture(scope="module")
def live() -> Iterator[dict[str, Any]]:
    folder = Path(tempfile.mkdtemp(prefix="lupus-schemathesis-"))
    with fresh_database("sqlite", folder) as db:
        with db.transaction() as conn:
            clinic = Clinic(Repository(conn, SYSTEM))
            pid = clinic.create_patient(PATIENT).id
            clinic.create_plan(pid, {"therapy": "belimumab", "start": "2026-01-01"})
        app = create_app(
            Settings(env="development"),
            database=db,
            migrate=False,
            today=lambda: dt.date(2026, 3, 1),
        )
        tokens = {
            role: create_token(Actor(name, role), secret=DEFAULT_SECRET_KEY, minutes=60)
            for name, role in USERS
        }
        with serve(app) as base_url:
            _live.update(base_url=base_url, tokens=tokens, pid=pid, app=app)
            yield _live


def _openapi() -> dict[str, Any]:
    """The schema does not depend on the data: build it once from an app on an empty database."""
    db = Database("sqlite+pysqlite:///:memory:")
    try:
        spec: dict[str, Any] = create_app(
            Settings(env="development"), database=db, migrate=False
        ).openapi()
    finally:
        db.dispose()
    return spec


schema = schemathesis.openapi.from_dict(_openapi())


def _role_for(path: str) -> str:
    if path.startswith(("/api/users", "/api/audit")):
        return "admin"
    if path.startswith("/api/research"):
        return "researcher"
    return "clinician"


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any, live: dict[str, Any]) -> None:
    if "patient_id" in (case.path_parameters or {}):
        case.path_parameters["patient_id"] = live["pid"]
    token = live["tokens"][_role_for(case.path)]
    response = case.call_and_validate(
        base_url=live["base_url"],
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error],
    )
    assert response.status_code < 500
