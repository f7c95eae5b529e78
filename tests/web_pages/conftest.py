"""Page tests: the care service's app with ``mount_pages``, served by uvicorn on loopback,
driven by httpx clients that keep a cookie jar (one per signed-in user)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web_pages.site import PASSWORD, Site, build_site, serve

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class User:
    """A signed-in browser without JavaScript: cookies, and the CSRF token of the last page."""

    def __init__(self, base_url: str, username: str | None) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=120, follow_redirects=False)
        self.username = username
        self.csrf = ""
        if username is not None:
            r = self.client.post("/ui/login", data={"username": username, "password": PASSWORD})
            assert r.status_code == 303, r.text
            self.get(r.headers["location"])

    def get(self, path: str, **kw: Any) -> httpx.Response:
        r = self.client.get(path, **kw)
        found = CSRF.search(r.text)
        if found:
            self.csrf = found.group(1)
        return r

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> httpx.Response:
        body = {"csrf_token": self.csrf, **(data or {})}
        return self.client.post(path, data=body, **kw)

    def follow(self, r: httpx.Response) -> httpx.Response:
        assert r.status_code == 303, (r.status_code, r.text[:2000])
        return self.get(r.headers["location"])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str]]:
    folder: Path = tmp_path_factory.mktemp("pages")
    built = build_site(folder)
    with serve(built.app) as base_url:
        yield built, base_url
    built.app.state.lupus_pages.jobs.shutdown()
    built.db.dispose()


@pytest.fixture(scope="module")
def as_user(site: tuple[Site, str]) -> Iterator[Callable[[str | None], User]]:
    made: list[User] = []

    def make(username: str | None) -> User:
        user = User(site[1], username)
        made.append(user)
        return user

    yield make
    for u in made:
        u.client.close()


@pytest.fixture(scope="module")
def jane(site: tuple[Site, str]) -> str:
    return site[0].jane


@pytest.fixture(scope="module")
def ann(site: tuple[Site, str]) -> str:
    return site[0].ann


def stored(site: tuple[Site, str], kind: str, patient_id: str) -> list[Any]:
    """The records of one kind as the care service stored them."""
    from lupus.store import SYSTEM, Repository

    with site[0].db.transaction() as conn:
        return list(Repository(conn, SYSTEM).records(kind, patient_id, audit=False))


def open_alerts(site: tuple[Site, str], patient_id: str) -> list[Any]:
    from lupus.store import SYSTEM, Repository

    with site[0].db.transaction() as conn:
        return list(Repository(conn, SYSTEM).list_alerts(patient_id, include_resolved=False))
