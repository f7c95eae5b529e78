"""``GET /api/patients/{id}/summary``: disease state, alerts, next doses, monitoring due and
adherence in one document.

The busiest read of the service. On PostgreSQL most requests never reach this route: the
middleware in ``lupus.web.fastpath`` answers them from the stored summary in one statement.
This route answers the rest (and every request on SQLite), and is what the OpenAPI schema
documents: one thread-pool hand-off per request, in which the transaction, the audited read
of the stored summary (or its computation and storage when it is missing or of an earlier
day) run (through the shared ``ClinicDep`` a request would hop threads for the session, the
route and the commit).
"""

from __future__ import annotations

import anyio
from anyio.lowlevel import RunVar
from fastapi import APIRouter, Response

from lupus.store import Actor, Clinic, Repository
from lupus.web.deps import AppState, CurrentUser, StateDep
from lupus.web.permissions import require_patient_read
from lupus.web.schemas.summary import SummaryPublic

router = APIRouter(prefix="/api/patients/{patient_id}", tags=["summary"])


@router.get("/summary", response_model=SummaryPublic)
async def patient_summary(patient_id: str, user: CurrentUser, state: StateDep) -> Response:
    require_patient_read(user, patient_id)
    body = await anyio.to_thread.run_sync(
        _summary_json, state, user, patient_id, limiter=_threads()
    )
    return Response(content=body, media_type="application/json")


# Summaries running at once per worker process. Fewer than the connection pool's 10 kept
# connections: with FastAPI's default 40 threads, 25 concurrent requests per worker opened and
# closed overflow connections on every request and the threads contended for the GIL (p99
# 0.5-0.7 s); 2, 4 and 8 measured alike, 4 is the middle (docs/benchmarks.md).
SUMMARY_THREADS = 4

_LIMITER: RunVar[anyio.CapacityLimiter] = RunVar("lupus_summary_threads")


def _threads() -> anyio.CapacityLimiter:
    """At most SUMMARY_THREADS summaries run at once per worker process (one limiter per
    event loop, as anyio's default thread limiter); the others wait in the event loop rather
    than as threads contending for the GIL (measured: benchmarks/bench_service.py)."""
    try:
        return _LIMITER.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(SUMMARY_THREADS)
        _LIMITER.set(limiter)
        return limiter


def _summary_json(state: AppState, user: Actor, patient_id: str) -> str:
    """The summary's JSON text in one transaction (committed here: the read is audited): the
    stored document when it is current (``Clinic.summary_json``), else computed and stored.
    Serialised once by pydantic-core when computed (returning the model would make FastAPI
    validate and serialise it again)."""
    with state.db.transaction() as conn:
        return Clinic(Repository(conn, user), today=state.today).summary_json(patient_id)
