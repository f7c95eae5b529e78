"""The JSON API through HTTP on both databases: auth, roles, records, plans, alerts, summary,
cohort, messages and the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from tests.store.summaries import SUMMARY_FIELDS
from tests.web.conftest import PATIENT, Api

OBS = {"code": "751-8", "value": 800, "unit": "/uL", "effective": "2026-02-27"}


def test_token_required_on_every_route(api: Api) -> None:
    for path in ("/api/patients", "/api/research/cohort", "/api/audit", "/fhir/Patient/x"):
        r = api.client.get(path)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"
    bad = api.client.get("/api/patients", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401


def test_login(api: Api) -> None:
    assert api.login("dr", "wrong password").status_code == 401
    assert api.login("nobody").status_code == 401
    body = api.login("dr").json()
    assert body["token_type"] == "bearer" and body["access_token"]
    assert api.call("GET", "/api/me", "dr").json() == {
        "username": "dr",
        "role": "clinician",
        "patient_id": None,
    }


def test_patient_create_read_and_bad_input(api: Api) -> None:
    pid = api.new_patient()
    r = api.call("GET", f"/api/patients/{pid}", "nurse")
    assert r.status_code == 200 and r.json()["given"] == "Jane"
    bad = api.call("POST", "/api/patients", "dr", json={**PATIENT, "sex": "f"})
    assert bad.status_code == 422 and "sex" in bad.text
    extra = api.call("POST", "/api/patients", "dr", json={**PATIENT, "colour": "red"})
    assert extra.status_code == 422
    assert api.call("GET", "/api/patients/nope", "dr").status_code == 404


def test_observation_unit_conversion_and_rejection(api: Api) -> None:
    pid = api.new_patient()
    r = api.call("POST", f"/api/patients/{pid}/observations", "nurse", json=OBS)
    assert r.status_code == 201, r.text
    assert (r.json()["value"], r.json()["unit"]) == (0.8, "10*9/L")
    bad = api.call(
        "POST",
        f"/api/patients/{pid}/observations",
        "nurse",
        json={**OBS, "code": "2890-2", "unit": "mg/mmol", "value": 30},
    )
    assert bad.status_code == 422
    assert "mg/mmol" in bad.json()["detail"] and "g/g" in bad.json()["detail"]


ROLE_CASES = [
    # (user, method, path template, body, expected status)
    (
        "nurse",
        "POST",
        "/api/patients/{pid}/plans",
        {"therapy": "belimumab", "start": "2026-01-01"},
        403,
    ),
    ("nurse", "POST", "/api/patients/{pid}/observations", OBS, 201),
    (
        "nurse",
        "POST",
        "/api/patients/{pid}/adverse-events",
        {"category": "ctcae", "term": "Nausea", "grade": 1, "onset": "2026-02-01"},
        201,
    ),
    (
        "nurse",
        "POST",
        "/api/patients/{pid}/assessments",
        {"instrument": "sledai-2k", "date": "2026-02-01", "inputs": {"descriptors": []}},
        403,
    ),
    ("res", "GET", "/api/patients/{pid}", None, 403),
    ("res", "GET", "/api/patients/{pid}/summary", None, 403),
    ("root", "GET", "/api/patients/{pid}", None, 403),
    ("root", "GET", "/api/patients/{pid}/observations", None, 403),
    ("res", "GET", "/api/research/cohort", None, 200),
    ("nurse", "GET", "/api/research/cohort", None, 403),
    ("dr", "GET", "/api/audit", None, 403),
    ("root", "GET", "/api/audit", None, 200),
    ("dr", "GET", "/api/users", None, 403),
    ("root", "GET", "/api/users", None, 200),
    (
        "dr",
        "POST",
        "/api/patients/{pid}/plans",
        {"therapy": "belimumab", "start": "2026-01-01"},
        201,
    ),
]


@pytest.mark.parametrize(("user", "method", "path", "body", "status"), ROLE_CASES)
def test_roles(api: Api, user: str, method: str, path: str, body: Any, status: int) -> None:
    pid = api.new_patient()
    r = api.call(method, path.format(pid=pid), user, json=body)
    assert r.status_code == status, r.text


def test_patient_sees_only_their_own_record(api: Api) -> None:
    mine, other = api.new_patient(), api.new_patient()
    api.add_user("jane", "patient", mine)
    assert api.call("GET", f"/api/patients/{mine}/summary", "jane").status_code == 200
    assert api.call("GET", f"/api/patients/{other}", "jane").status_code == 403
    assert api.call("GET", f"/api/patients/{other}/summary", "jane").status_code == 403
    symptom = {"symptom": "pain", "severity": 7, "reported_on": "2026-02-28"}
    assert (
        api.call("POST", f"/api/patients/{mine}/symptoms", "jane", json=symptom).status_code == 201
    )
    assert (
        api.call("POST", f"/api/patients/{other}/symptoms", "jane", json=symptom).status_code == 403
    )
    assert (
        api.call("POST", f"/api/patients/{mine}/observations", "jane", json=OBS).status_code == 403
    )
    assert api.call("GET", "/api/patients", "jane").status_code == 403
    dose = {
        "plan_id": "p",
        "drug": "belimumab",
        "scheduled_on": "2026-02-20",
        "status": "given",
        "given_on": "2026-02-20",
        "interval_days": 7,
    }
    url = f"/api/patients/{mine}/administrations"
    assert api.call("POST", url, "jane", json=dose).status_code == 403
    ok = api.call("POST", url, "jane", json={**dose, "self_administered": True})
    assert ok.status_code == 201, ok.text


def test_phq9_item9_gives_crisis_guidance_and_urgent_alert(api: Api) -> None:
    pid = api.new_patient()
    api.add_user("jane", "patient", pid)
    r = api.call(
        "POST",
        f"/api/patients/{pid}/questionnaires",
        "jane",
        json={"questionnaire": "phq-9", "date": "2026-02-28", "answers": [1] * 8 + [2]},
    )
    assert r.status_code == 201, r.text
    assert r.json()["crisis_guidance"] and r.json()["result"]["total"] == 10
    alerts = api.call("GET", f"/api/patients/{pid}/alerts", "nurse").json()
    urgent = [a for a in alerts if a["code"] == "phq9.item9"]
    assert urgent and urgent[0]["severity"] == "urgent"
    calm = api.call(
        "POST",
        f"/api/patients/{pid}/questionnaires",
        "jane",
        json={"questionnaire": "phq-9", "date": "2026-02-28", "answers": [0] * 9},
    )
    assert calm.json()["crisis_guidance"] is None


def test_plan_adjustments_and_summary(api: Api) -> None:
    pid = api.new_patient()
    plan = api.call(
        "POST",
        f"/api/patients/{pid}/plans",
        "dr",
        json={"therapy": "belimumab", "start": "2026-01-01"},
    ).json()
    adj = api.call(
        "POST",
        f"/api/patients/{pid}/plans/{plan['plan_id']}/adjustments",
        "dr",
        json={"change": "dose-change", "reason": "weight change", "base_version": 1},
    )
    assert adj.status_code == 201 and adj.json()["version"] == 2
    stale = api.call(
        "POST",
        f"/api/patients/{pid}/plans/{plan['plan_id']}/adjustments",
        "dr",
        json={"change": "pause", "reason": "x", "base_version": 1},
    )
    assert stale.status_code == 409
    api.call(
        "POST",
        f"/api/patients/{pid}/assessments",
        "dr",
        json={
            "instrument": "sledai-2k",
            "date": "2026-02-01",
            "inputs": {"descriptors": ["arthritis", "rash"]},
        },
    )
    api.call("POST", f"/api/patients/{pid}/observations", "nurse", json=OBS)
    summary = api.call("GET", f"/api/patients/{pid}/summary", "dr").json()
    assert set(summary) == SUMMARY_FIELDS
    assert summary["patient_id"] == pid
    assert summary["disease_state"]["sledai_2k"] == {"score": 6.0, "date": "2026-02-01"}
    codes = {a["code"] for a in summary["alerts"]}
    assert "lab.neutrophils.low" in codes
    for alert in summary["alerts"]:
        assert set(alert) >= {"code", "severity", "message", "source", "status"}


def test_alert_acknowledge_and_resolve(api: Api) -> None:
    pid = api.new_patient()
    api.call("POST", f"/api/patients/{pid}/observations", "nurse", json=OBS)
    (alert,) = [
        a
        for a in api.call("GET", f"/api/patients/{pid}/alerts", "nurse").json()
        if a["code"] == "lab.neutrophils.low"
    ]
    base = f"/api/patients/{pid}/alerts/{alert['id']}"
    ack = api.call("POST", f"{base}/acknowledge", "nurse").json()
    assert (ack["status"], ack["acknowledged_by"]) == ("acknowledged", "nurse")
    assert api.call("POST", f"{base}/acknowledge", "nurse").status_code == 409
    assert api.call("POST", f"{base}/resolve", "dr").json()["resolved_by"] == "dr"
    assert api.call("POST", f"{base}/resolve", "dr").status_code == 409


def test_messages_thread_read_and_answered(api: Api) -> None:
    pid = api.new_patient()
    api.add_user("jane", "patient", pid)
    first = api.call(
        "POST", f"/api/patients/{pid}/messages", "jane", json={"body": "Is a rash normal?"}
    ).json()
    api.call(
        "POST",
        f"/api/patients/{pid}/messages",
        "nurse",
        json={"body": "Please send a photo.", "in_reply_to": first["id"]},
    )
    thread = api.call("GET", f"/api/patients/{pid}/messages", "dr").json()
    assert [m["author"] for m in thread] == ["jane", "nurse"]
    assert thread[0]["answered"] and thread[0]["answered_by"] == ["nurse"]
    assert [u["user"] for u in thread[0]["read_by"]] == ["dr"]
    empty = api.call("POST", f"/api/patients/{pid}/messages", "jane", json={"body": " "})
    assert empty.status_code == 422


def test_cohort_is_de_identified(api: Api) -> None:
    pid = api.new_patient({**PATIENT, "identifier": "MRN-123456", "family": "Zyxwv"})
    api.call(
        "POST",
        f"/api/patients/{pid}/plans",
        "dr",
        json={"therapy": "anifrolumab", "start": "2026-01-15"},
    )
    r = api.call("GET", "/api/research/cohort", "res")
    assert r.status_code == 200
    text = r.text
    for secret in (pid, "MRN-123456", "Zyxwv", "Jane", "1990-05-01", "2026-01-15"):
        assert secret not in text
    cohort = r.json()
    # one patient: a count from 1 to 10 is suppressed (CMS cell size suppression policy)
    assert cohort["by_therapy"] == {"anifrolumab": None}
    assert (
        cohort["patients"] is None
        and "by_therapy.anifrolumab" in cohort["suppression"]["suppressed"]
    )


def test_audit_log_records_reads_and_writes(api: Api) -> None:
    pid = api.new_patient()
    api.call("GET", f"/api/patients/{pid}", "nurse")
    api.call("POST", f"/api/patients/{pid}/observations", "nurse", json=OBS)
    events = api.call("GET", "/api/audit", "root", params={"patient_id": pid}).json()
    seen = {(e["actor"], e["action"], e["entity"]) for e in events}
    assert {
        ("dr", "create", "patient"),
        ("nurse", "read", "patient"),
        ("nurse", "create", "observations"),
    } <= seen
    created = next(e for e in events if e["entity"] == "observations")
    assert created["after"]["value"] == 0.8 and created["at"]
    bundle = api.call("GET", "/api/audit/fhir", "root").json()
    assert bundle["resourceType"] == "Bundle" and bundle["total"] >= 3
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} == {"AuditEvent"}


def test_user_admin(api: Api) -> None:
    r = api.call(
        "POST",
        "/api/users",
        "root",
        json={"username": "nurse2", "password": "long enough pw", "role": "nurse"},
    )
    assert r.status_code == 201
    dup = api.call(
        "POST",
        "/api/users",
        "root",
        json={"username": "nurse2", "password": "long enough pw", "role": "nurse"},
    )
    assert dup.status_code == 409
    missing = api.call(
        "POST",
        "/api/users",
        "root",
        json={
            "username": "pat",
            "password": "long enough pw",
            "role": "patient",
            "patient_id": "no-such",
        },
    )
    assert missing.status_code == 404


def test_openapi_is_served(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    assert "/api/patients/{patient_id}/summary" in spec["paths"]
    assert "/auth/token" in spec["paths"]
