"""FHIR R4: a transaction Bundle with every supported resource type imports, exports through
``$everything`` with every resource and code kept, and an invalid bundle is rejected whole."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import func, select
from tests.store.databases import BACKENDS, fresh_database
from tests.web.fhir_examples import P, entry, transaction_bundle

from lupus.interop.fhir import FhirImportError, everything, import_bundle, read_bundle
from lupus.interop.fhir.codes import (
    INSTRUMENT_SYSTEM,
    LOINC_SYSTEM,
    UCUM_SYSTEM,
)
from lupus.store import Actor, Clinic, Database, Repository
from lupus.store.tables import CLINICAL_TABLES

DR = Actor("dr", "clinician")


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with fresh_database(request.param, tmp_path) as database:
        yield database


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in CLINICAL_TABLES
        }


def _codes(resource: dict[str, Any]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            if "system" in x and "code" in x:
                found.add((x["system"], str(x["code"])))
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(resource)
    return found


def test_the_example_bundle_is_valid_r4() -> None:
    Bundle.model_validate(transaction_bundle())


def test_round_trip_keeps_every_resource_and_code(db: Database) -> None:
    bundle = transaction_bundle()
    with db.transaction() as conn:
        clinic = Clinic(Repository(conn, DR), today=lambda: dt.date(2026, 3, 1))
        response = import_bundle(bundle, clinic)
    assert response["type"] == "transaction-response"
    assert [e["response"]["status"] for e in response["entry"]] == ["201 Created"] * 16
    pid = response["entry"][0]["response"]["location"].split("/")[1]
    with db.transaction() as conn:
        exported = everything(Repository(conn, DR).history(pid))
    Bundle.model_validate(exported)
    resources = [e["resource"] for e in exported["entry"]]
    imported = [e["resource"] for e in bundle["entry"]]
    assert sorted(r["resourceType"] for r in resources) == sorted(
        r["resourceType"] for r in imported
    )
    all_codes = set().union(*(_codes(r) for r in resources))
    for r in imported:
        for system, code in _codes(r):
            if system == UCUM_SYSTEM:
                continue  # converted at entry: umol/L -> mg/dL, checked below
            assert (system, code) in all_codes, (r["resourceType"], system, code)
    creat = next(r for r in resources if _codes(r) & {(LOINC_SYSTEM, "2160-0")})
    assert creat["valueQuantity"]["code"] == "mg/dL"
    assert creat["valueQuantity"]["value"] == pytest.approx(1.0995, rel=1e-3)
    sledai = next(r for r in resources if _codes(r) & {(INSTRUMENT_SYSTEM, "sledai-2k")})
    assert sledai["valueQuantity"]["value"] == 6
    patient = resources[0]
    assert patient["resourceType"] == "Patient" and patient["id"] == pid
    assert patient["meta"]["tag"][0]["code"] == "HTEST"
    reply = [r for r in resources if r["resourceType"] == "Communication" and "inResponseTo" in r]
    assert len(reply) == 1

    # exporting, then importing the export as a new transaction, gives the same resources again
    again = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:{r['id']}" if r["resourceType"] != "Patient" else P,
                "resource": _rewire(r, pid),
                "request": {"method": "POST", "url": r["resourceType"]},
            }
            for r in resources
        ],
    }
    with db.transaction() as conn:
        second = import_bundle(again, Clinic(Repository(conn, DR)))
    pid2 = second["entry"][0]["response"]["location"].split("/")[1]
    with db.transaction() as conn:
        exported2 = everything(Repository(conn, DR).history(pid2))
    types2 = sorted(e["resource"]["resourceType"] for e in exported2["entry"])
    assert types2 == sorted(r["resourceType"] for r in resources)
    codes2 = set().union(*(_codes(e["resource"]) for e in exported2["entry"]))
    assert codes2 == all_codes


def _rewire(resource: dict[str, Any], pid: str) -> dict[str, Any]:
    """Point references at the bundle's fullUrls (urn:uuid:<old id>)."""
    r = copy.deepcopy(resource)
    r.pop("id", None)

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            out = {k: walk(v) for k, v in x.items()}
            ref = out.get("reference")
            if isinstance(ref, str) and "/" in ref:
                kind, ident = ref.split("/", 1)
                out["reference"] = P if kind == "Patient" else f"urn:uuid:{ident}"
            return out
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x

    return walk(r)  # type: ignore[no-any-return]


def test_invalid_bundle_is_rejected_whole_naming_every_problem(db: Database) -> None:
    bundle = transaction_bundle()
    entries = bundle["entry"]
    entries[3]["resource"]["valueQuantity"]["code"] = "mg/mmol"  # incompatible unit
    entries[3]["resource"]["valueQuantity"]["unit"] = "mg/mmol"
    entries[1]["resource"]["code"]["coding"][0]["code"] = "4420-8"  # not a condition code
    entries[12]["resource"]["status"] = "sometimes"  # not a FHIR status
    entries.append(
        entry(
            {
                "resourceType": "Observation",
                "status": "final",
                "subject": {"reference": "Patient/does-not-exist"},
                "code": {"coding": [{"system": LOINC_SYSTEM, "code": "718-7"}]},
                "effectiveDateTime": "2026-02-01",
                "valueQuantity": {"value": 9.1, "unit": "g/dL"},
            }
        )
    )
    entries.append(entry({"resourceType": "Basic", "code": {"text": "x"}}))
    before = counts(db)
    with pytest.raises(FhirImportError) as info, db.transaction() as conn:
        import_bundle(bundle, Clinic(Repository(conn, DR)))
    outcome = info.value.operation_outcome()
    assert outcome["resourceType"] == "OperationOutcome"
    where = [i["expression"][0] for i in outcome["issue"]]
    text = " ".join(i["diagnostics"] for i in outcome["issue"])
    assert any(w.startswith("Bundle.entry[3]") for w in where) and "mg/mmol" in text
    assert any(w.startswith("Bundle.entry[1]") for w in where) and "4420-8" in text
    assert any(w.startswith("Bundle.entry[12]") for w in where)
    assert any(w.startswith("Bundle.entry[17]") for w in where)
    assert counts(db) == before


def test_reference_to_unknown_patient_is_rejected(db: Database) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            entry(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "subject": {"reference": "Patient/nobody"},
                    "code": {"coding": [{"system": LOINC_SYSTEM, "code": "718-7"}]},
                    "effectiveDateTime": "2026-02-01",
                    "valueQuantity": {"value": 9.1, "unit": "g/dL"},
                }
            )
        ],
    }
    result = read_bundle(bundle)  # structurally fine
    before = counts(db)
    with pytest.raises(FhirImportError, match="Patient/nobody"), db.transaction() as conn:
        import_bundle(bundle, Clinic(Repository(conn, DR)))
    assert counts(db) == before and len(result.pending) == 1


@pytest.mark.parametrize(
    ("bundle", "fragment"),
    [
        ({"resourceType": "Patient"}, "not a FHIR Bundle"),
        ({"resourceType": "Bundle", "type": "batch", "entry": []}, "Bundle.type"),
        ({"resourceType": "Bundle", "type": "transaction"}, "Bundle.entry"),
        ("nonsense", "not a FHIR Bundle"),
    ],
)
def test_malformed_bundles(bundle: Any, fragment: str) -> None:
    with pytest.raises(FhirImportError) as info:
        read_bundle(bundle)
    assert fragment in str(info.value) or any(fragment in i.location for i in info.value.issues)
