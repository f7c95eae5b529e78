"""Sign-in, the cookie session, CSRF, and which role sees which page (403 otherwise)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lupus.web.pages.session import COOKIE_NAME, Session, csrf_token, read_session, sign_session
from tests.web_pages.conftest import User
from tests.web_pages.site import PASSWORD

MakeUser = Callable[[str | None], User]


def test_sign_in_page_shows_the_disclaimer_and_labels(as_user: MakeUser) -> None:
    r = as_user(None).get("/ui/login")
    assert r.status_code == 200
    assert "Research and education only." in r.text
    assert "not a medical device" in r.text
    assert '<label for="username">' in r.text and '<label for="password">' in r.text


@pytest.mark.parametrize(
    ("username", "home"),
    [
        ("dr", "/ui/clinic"),
        ("nurse", "/ui/clinic"),
        ("pat", "/ui/me"),
        ("res", "/ui/research"),
        ("root", "/ui/admin"),
    ],
)
def test_each_role_lands_on_its_home(as_user: MakeUser, username: str, home: str) -> None:
    anon = as_user(None)
    r = anon.client.post("/ui/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 303 and r.headers["location"] == home
    cookie = r.headers["set-cookie"]
    assert f"{COOKIE_NAME}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = anon.get(home)
    assert page.status_code == 200
    assert f'{username} <span class="role">' in page.text


def test_wrong_password_is_refused_with_a_message(as_user: MakeUser) -> None:
    anon = as_user(None)
    r = anon.client.post("/ui/login", data={"username": "dr", "password": "wrong password"})
    assert r.status_code == 401
    assert "Incorrect username or password." in r.text
    assert COOKIE_NAME not in r.headers.get("set-cookie", "")
    r = anon.client.post("/ui/login", data={"username": "dr", "password": ""})
    assert r.status_code == 422 and "Enter your username and your password." in r.text


def test_pages_need_a_session_and_come_back_after_sign_in(as_user: MakeUser, jane: str) -> None:
    anon = as_user(None)
    r = anon.get(f"/ui/patients/{jane}")
    assert r.status_code == 303
    assert r.headers["location"] == f"/ui/login?next=/ui/patients/{jane}"
    r = anon.client.post(
        "/ui/login",
        data={"username": "dr", "password": PASSWORD, "next": f"/ui/patients/{jane}"},
    )
    assert r.headers["location"] == f"/ui/patients/{jane}"


def test_sign_in_never_redirects_off_site(as_user: MakeUser) -> None:
    anon = as_user(None)
    for target in ("https://evil.example/", "//evil.example/ui/x", "/ui//evil.example"):
        r = anon.client.post(
            "/ui/login", data={"username": "dr", "password": PASSWORD, "next": target}
        )
        assert r.headers["location"] == "/ui/clinic", target


def test_a_forged_or_expired_cookie_is_no_session(as_user: MakeUser) -> None:
    anon = as_user(None)
    key = b"k" * 32
    forged = sign_session(Session.new("dr", "clinician", None), key)
    anon.client.cookies.set(COOKIE_NAME, forged)
    assert anon.get("/ui/clinic").status_code == 303
    session = Session("dr", "clinician", None, "n", 100)
    assert read_session(sign_session(session, key), key, now=99) == session
    assert read_session(sign_session(session, key), key, now=101) is None
    admin = sign_session(Session("dr", "admin", None, "n", 100), key)
    tampered = admin.split(".")[0] + "." + sign_session(session, key).split(".")[1]
    assert read_session(tampered, key, now=0) is None
    assert read_session("not-a-cookie", key) is None
    other = Session("dr", "clinician", None, "m", 100)
    assert csrf_token(session, key) != csrf_token(other, key)


def test_forms_without_the_csrf_token_are_refused(as_user: MakeUser, jane: str) -> None:
    dr = as_user("dr")
    r = dr.client.post(f"/ui/patients/{jane}/visits", data={"visit_date": "2026-03-04"})
    assert r.status_code == 403
    assert "security token" in r.text
    r = dr.client.post(
        f"/ui/patients/{jane}/visits", data={"csrf_token": "forged", "visit_date": "2026-03-04"}
    )
    assert r.status_code == 403


def test_sign_out_ends_the_session(as_user: MakeUser) -> None:
    nurse = as_user("nurse")
    r = nurse.post("/ui/logout")
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/login")
    assert nurse.get("/ui/clinic").status_code == 303


ALL = ("dr", "nurse", "pat", "pat2", "res", "root")


def _pages(jane: str) -> dict[str, dict[str, int]]:
    """Path -> expected status per user (others: 403)."""
    return {
        "/ui/clinic": {"dr": 200, "nurse": 200},
        "/ui/patients": {"dr": 200, "nurse": 200},
        f"/ui/patients/{jane}": {"dr": 200, "nurse": 200, "pat": 303},
        f"/ui/patients/{jane}/start-therapy": {"dr": 200},
        "/ui/me": {"pat": 200, "pat2": 200},
        "/ui/me/report": {"pat": 200, "pat2": 200},
        "/ui/me/messages": {"pat": 200, "pat2": 200},
        "/ui/me/results": {"pat": 200, "pat2": 200},
        "/ui/research": {"dr": 200, "res": 200},
        "/ui/trials": {"res": 200},
        "/ui/admin": {"root": 200},
    }


@pytest.mark.parametrize("username", ALL)
def test_each_page_renders_for_its_roles_and_refuses_the_others(
    as_user: MakeUser, jane: str, username: str
) -> None:
    user = as_user(username)
    for path, allowed in _pages(jane).items():
        r = user.get(path)
        expected = allowed.get(username, 403)
        assert r.status_code == expected, (path, username, r.status_code)
        if expected == 403:
            assert "Not allowed" in r.text and r.headers["content-type"].startswith("text/html")


def test_a_patient_is_refused_another_patients_page(as_user: MakeUser, ann: str) -> None:
    r = as_user("pat").get(f"/ui/patients/{ann}")
    assert r.status_code == 403
    assert "a patient may read only their own record" in r.text


def test_an_unknown_patient_is_a_404_page(as_user: MakeUser) -> None:
    r = as_user("dr").get("/ui/patients/no-such-patient")
    assert r.status_code == 404
    assert "no-such-patient" in r.text and "<h1>Not found</h1>" in r.text


def test_the_site_root_leads_to_the_pages_and_mounting_twice_is_harmless(
    site: tuple[object, str], as_user: MakeUser
) -> None:
    from lupus.web.pages import mount_pages

    app = site[0].app  # type: ignore[attr-defined]
    routes = len(app.routes)
    mount_pages(app)
    assert len(app.routes) == routes
    r = as_user(None).get("/")
    assert r.status_code == 307 and r.headers["location"] == "/ui/"
    r = as_user(None).get("/ui/")
    assert r.status_code == 303 and r.headers["location"] == "/ui/login"


def test_an_overlong_sign_in_field_is_an_html_error(as_user: MakeUser) -> None:
    r = as_user(None).client.post("/ui/login", data={"username": "x" * 300, "password": "y"})
    assert r.status_code == 422 and "username" in r.text
    assert r.headers["content-type"].startswith("text/html")
