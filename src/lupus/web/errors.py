"""Every domain error becomes an HTTP response here, and only here.

=====================================  ======  =============================================
Exception                              Status  Notes
=====================================  ======  =============================================
``AuthenticationError``                401     with ``WWW-Authenticate: Bearer``
``PermissionDenied``                   403
``lupus.care.NotFoundError``           404
``lupus.store.ConflictError``          409     duplicate, stale plan version
``lupus.care.TransitionError``         409     alert already resolved, ...
``FhirImportError``                    422     body is a FHIR OperationOutcome
any other ``ValueError``               422     every layer's bad-input errors subclass it
request validation (FastAPI)           422
=====================================  ======  =============================================

Under ``/fhir`` every error body is a FHIR ``OperationOutcome``; elsewhere ``{"detail": ...}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from lupus.care import NotFoundError, TransitionError
from lupus.interop.fhir.errors import FhirImportError
from lupus.store import ConflictError
from lupus.web.permissions import PermissionDenied
from lupus.web.security import AuthenticationError

__all__ = ["install_error_handlers", "operation_outcome"]

FHIR_JSON = "application/fhir+json"


def operation_outcome(issues: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": issues}


def _respond(request: Request, status: int, message: str, **headers: str) -> JSONResponse:
    if request.url.path.startswith("/fhir"):
        code = {401: "login", 403: "forbidden", 404: "not-found", 409: "conflict"}.get(
            status, "invalid"
        )
        body = operation_outcome([{"severity": "error", "code": code, "diagnostics": message}])
        return JSONResponse(body, status_code=status, headers=headers, media_type=FHIR_JSON)
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    async def auth(request: Request, exc: Exception) -> JSONResponse:
        return _respond(request, 401, str(exc), **{"WWW-Authenticate": "Bearer"})

    async def forbidden(request: Request, exc: Exception) -> JSONResponse:
        return _respond(request, 403, str(exc))

    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        return _respond(request, 404, str(exc))

    async def conflict(request: Request, exc: Exception) -> JSONResponse:
        return _respond(request, 409, str(exc))

    async def fhir_invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, FhirImportError)
        return JSONResponse(exc.operation_outcome(), status_code=422, media_type=FHIR_JSON)

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        return _respond(request, 422, str(exc))

    async def request_invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()))
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return _respond(request, 422, "; ".join(parts) or "invalid request")

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        return _respond(request, exc.status_code, str(exc.detail), **headers)

    app.add_exception_handler(AuthenticationError, auth)
    app.add_exception_handler(PermissionDenied, forbidden)
    app.add_exception_handler(NotFoundError, not_found)
    app.add_exception_handler(ConflictError, conflict)
    app.add_exception_handler(TransitionError, conflict)
    app.add_exception_handler(FhirImportError, fhir_invalid)
    app.add_exception_handler(ValueError, invalid)
    app.add_exception_handler(RequestValidationError, request_invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)
