"""The what-if panel of the patient page and the job progress pages it (and trials) use.

The prediction runs in the background (:mod:`lupus.web.pages.jobs`); the request that starts
it waits up to :data:`ANSWER_WITHIN` seconds, so a quick answer appears at once, and otherwise
the progress page follows the job. Results are cached per patient and characteristics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from lupus.care import PatientHistory
from lupus.web.pages import _views as views
from lupus.web.pages._common import (
    PREFIX,
    TEAM,
    FormDep,
    PageRoute,
    StateDep,
    UserDep,
    actor_of,
    clinic_for,
    redirect,
    render,
    require_role,
)
from lupus.web.pages.jobs import JobRunner, Progress
from lupus.web.pages.plots import Band, band_svg
from lupus.web.pages.whatif import SERIES, Characteristics, WhatIfResult, predict_courses, seed_for
from lupus.web.permissions import require_patient_read

__all__ = ["ANSWER_WITHIN", "characteristics_of", "router", "whatif_context"]

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)

#: Seconds a request waits for a background job before showing its progress page.
ANSWER_WITHIN = 4.0


def characteristics_of(h: PatientHistory) -> Characteristics:
    """This patient's latest values that the virtual-patient match uses."""

    def latest(key: str) -> float | None:
        found = views.latest_value(h, key)
        return None if found is None else found[0]

    prednisone = [
        m.dose_mg_per_day
        for m in h.medications
        if m.drug in ("prednisone", "prednisolone") and m.end is None and m.dose_mg_per_day
    ]
    return Characteristics(
        weight_kg=latest("body_weight"),
        igg_g_l=latest("igg"),
        prednisone_mg_day=prednisone[-1] if prednisone else None,
        anti_dsdna_iu_ml=latest("anti_dsdna"),
        c3_mg_dl=latest("c3"),
        c4_mg_dl=latest("c4"),
        upcr_g_g=latest("upcr"),
    )


def _cache_key(patient_id: str, c: Characteristics) -> tuple[Any, ...]:
    return ("whatif", patient_id, c.key())


@dataclass(frozen=True, slots=True)
class WhatIfView:
    plots: list[Markup]
    table: list[tuple[str, str, list[str]]]  # series title, unit, [therapy: median at week 52]
    result: WhatIfResult


def present(result: WhatIfResult) -> WhatIfView:
    plots = []
    table = []
    for name, title, unit, _, log_scale in SERIES:
        bands = [
            Band(
                c.label,
                c.days,
                c.series[name][0],
                c.series[name][1],
                c.series[name][2],
                tone=i + 1,
                dashed=i % 2 == 1,
            )
            for i, c in enumerate(result.courses)
        ]
        plots.append(band_svg(title, unit, bands, log_scale=log_scale))
        cells = []
        for c in result.courses:
            med, lo, hi = c.series[name]
            cells.append(f"{c.label}: {med[-1]:.3g} ({lo[-1]:.3g} to {hi[-1]:.3g})")
        table.append((title, unit, cells))
    return WhatIfView(plots, table, result)


def whatif_context(jobs: JobRunner, h: PatientHistory) -> dict[str, Any]:
    c = characteristics_of(h)
    cached = jobs.cached(_cache_key(h.patient.id, c))
    return {
        "characteristics": c.used(),
        "view": present(cached) if cached is not None else None,
    }


@router.post("/patients/{patient_id}/what-if")
def start_whatif(
    request: Request, patient_id: str, form: FormDep, session: UserDep, state: StateDep
) -> Response:
    require_role(session, TEAM, "run the what-if simulation")
    require_patient_read(actor_of(session), patient_id)
    with clinic_for(state, session) as clinic:
        h = clinic.repo.history(patient_id)
    c = characteristics_of(h)
    key = _cache_key(patient_id, c)
    target = f"{PREFIX}/patients/{patient_id}#what-if"
    if state.jobs.cached(key) is not None:
        return redirect(target, "What-if prediction shown (cached).")

    def run(progress: Progress) -> WhatIfResult:
        return predict_courses(c, seed=seed_for(patient_id), progress=progress)

    job = state.jobs.submit(
        run,
        owner=session.username,
        kind="what-if",
        title=f"What-if prediction for {views.full_name(h)}",
        cache_key=key,
        meta={"next": target},
    )
    state.jobs.wait(job, ANSWER_WITHIN)
    if job.status == "done":
        return redirect(target, "What-if prediction ready.")
    return redirect(f"{PREFIX}/jobs/{job.id}")


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, session: UserDep, state: StateDep) -> Response:
    """Progress of a background job; it reloads itself and moves on when the job is done."""
    job = state.jobs.get(job_id, session.username)
    if job is None:
        from lupus.care import NotFoundError

        raise NotFoundError("job", job_id)
    if job.status == "done":
        return redirect(str(job.meta.get("next", PREFIX + "/")).replace("{id}", job.id))
    return render(request, "job.html", session=session, job=job)


@router.get("/jobs/{job_id}/status")
def job_status(job_id: str, session: UserDep, state: StateDep) -> Response:
    job = state.jobs.get(job_id, session.username)
    if job is None:
        return JSONResponse({"detail": f"job '{job_id}': not found"}, status_code=404)
    target = str(job.meta.get("next", PREFIX + "/")).replace("{id}", job.id)
    return JSONResponse({**job.to_json(), "next": target})
