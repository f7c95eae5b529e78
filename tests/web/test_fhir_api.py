"""FHIR endpoints through HTTP on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from lupus.store.tables import CLINICAL_TABLES
from tests.web.conftest import Api
from tests.web.fhir_examples import transaction_bundle


def counts(api: Api) -> dict[str, int]:
    with api.db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in CLINICAL_TABLES
        }


def test_import_read_everything_and_search(api: Api) -> None:
    r = api.call("POST", "/fhir", "dr", json=transaction_bundle())
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/fhir+json")
    body = r.json()
    assert body["type"] == "transaction-response"
    pid = body["entry"][0]["response"]["location"].split("/")[1]

    patient = api.call("GET", f"/fhir/Patient/{pid}", "nurse").json()
    assert patient["resourceType"] == "Patient" and patient["id"] == pid

    bundle = api.call("GET", f"/fhir/Patient/{pid}/$everything", "dr").json()
    assert bundle["type"] == "searchset" and bundle["total"] == 16

    found = api.call(
        "GET", "/fhir/Observation", "dr", params={"patient": pid, "code": "http://loinc.org|2160-0"}
    ).json()
    assert found["total"] == 1
    assert found["entry"][0]["resource"]["valueQuantity"]["code"] == "mg/dL"
    none = api.call(
        "GET", "/fhir/Observation", "dr", params={"patient": pid, "code": "http://loinc.org|718-7"}
    ).json()
    assert none["total"] == 0
    bad = api.call(
        "GET",
        "/fhir/Observation",
        "dr",
        params={"patient": pid, "code": "http://snomed.info/sct|1"},
    )
    assert bad.status_code == 422 and bad.json()["resourceType"] == "OperationOutcome"

    # the same id everywhere: API summary of the FHIR Patient id
    assert api.call("GET", f"/api/patients/{pid}/summary", "dr").status_code == 200


def test_invalid_bundle_is_rejected_and_audited(api: Api) -> None:
    bundle = transaction_bundle()
    bundle["entry"][3]["resource"]["valueQuantity"].update(code="mg/mmol", unit="mg/mmol")
    bundle["entry"][9]["resource"]["medicationCodeableConcept"]["coding"][0]["code"] = "X99"
    before = counts(api)
    r = api.call("POST", "/fhir", "dr", json=bundle)
    assert r.status_code == 422
    outcome = r.json()
    assert outcome["resourceType"] == "OperationOutcome" and len(outcome["issue"]) == 2
    assert counts(api) == before
    events = api.call("GET", "/api/audit", "root").json()
    assert any(e["action"] == "import-rejected" and e["outcome"] == "failure" for e in events)


def test_fhir_permissions(api: Api) -> None:
    assert api.call("POST", "/fhir", "nurse", json=transaction_bundle()).status_code == 403
    r = api.call("POST", "/fhir", "dr", json=transaction_bundle())
    pid = r.json()["entry"][0]["response"]["location"].split("/")[1]
    denied = api.call("GET", f"/fhir/Patient/{pid}", "res")
    assert denied.status_code == 403 and denied.json()["resourceType"] == "OperationOutcome"
    assert api.call("GET", "/fhir/Patient/nope", "dr").status_code == 404
