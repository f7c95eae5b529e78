"""FHIR R4 endpoints: ``POST /fhir`` (transaction Bundle), ``GET /fhir/Patient/{id}``,
``GET /fhir/Patient/{id}/$everything``, ``GET /fhir/Observation?patient=ID&code=SYSTEM|CODE``.

Errors under ``/fhir`` are OperationOutcome resources (``lupus.web.errors``). A rejected bundle
is recorded in the audit log in its own transaction after the import's transaction rolled back.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse

from lupus.care import LOINC_SYSTEM, RecordError
from lupus.interop.fhir import FhirImportError, everything, import_bundle, resource_of, searchset
from lupus.store import Clinic, Repository, record_event
from lupus.web.deps import ClinicDep, CurrentUser, StateDep
from lupus.web.permissions import require_patient_read, require_role

router = APIRouter(prefix="/fhir", tags=["fhir"])

FHIR_JSON = "application/fhir+json"
JsonObject = dict[str, Any]


def _fhir(body: JsonObject, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=FHIR_JSON)


@router.post("", response_model=JsonObject)
def transaction(
    bundle: Annotated[JsonObject, Body()], user: CurrentUser, state: StateDep
) -> JSONResponse:
    """Import a transaction Bundle as a whole; an invalid one is rejected with an
    OperationOutcome naming every problem, and nothing from it is stored."""
    require_role(user, {"clinician"}, "import FHIR bundles")
    try:
        with state.db.transaction() as conn:
            response = import_bundle(bundle, Clinic(Repository(conn, user), today=state.today))
    except FhirImportError as exc:
        with state.db.transaction() as conn:
            record_event(
                conn,
                user,
                "import-rejected",
                "bundle",
                outcome="failure",
                detail=f"{len(exc.issues)} problems; first: {exc}",
            )
        raise
    return _fhir(response)


@router.get("/Patient/{patient_id}", response_model=JsonObject)
def read_patient(patient_id: str, clinic: ClinicDep) -> JSONResponse:
    require_patient_read(clinic.repo.actor, patient_id)
    resource = resource_of(clinic.repo.get_patient(patient_id))
    assert resource is not None
    return _fhir(resource)


@router.get("/Patient/{patient_id}/$everything", response_model=JsonObject)
def patient_everything(patient_id: str, clinic: ClinicDep, request: Request) -> JSONResponse:
    require_patient_read(clinic.repo.actor, patient_id)
    history = clinic.repo.history(patient_id)
    return _fhir(everything(history, str(request.base_url).rstrip("/") + "/fhir/"))


@router.get("/Observation", response_model=JsonObject)
def search_observations(
    clinic: ClinicDep,
    patient: Annotated[str, Query(max_length=64)],
    code: Annotated[str | None, Query(max_length=200)] = None,
) -> JSONResponse:
    """Laboratory observations of one patient, optionally one LOINC code
    (``code=http://loinc.org|2160-0`` or ``code=2160-0``)."""
    require_patient_read(clinic.repo.actor, patient)
    clinic.repo.get_patient(patient, audit=False)
    wanted = None
    if code is not None:
        system, _, value = code.rpartition("|")
        if system not in ("", LOINC_SYSTEM):
            raise RecordError("code", code, f"{LOINC_SYSTEM}|CODE or CODE")
        wanted = value
    found = clinic.repo.observations_by_code(patient, wanted)
    return _fhir(searchset(r for o in found if (r := resource_of(o)) is not None))
