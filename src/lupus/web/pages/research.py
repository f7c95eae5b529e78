"""Research pages: de-identified cohort aggregates and virtual trials (choose or upload a
protocol, run it in the background with progress, read the report)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

import lupus
from lupus.care import NotFoundError
from lupus.store import cohort_summary
from lupus.web.pages import forms
from lupus.web.pages._common import (
    PREFIX,
    FormDep,
    PageRoute,
    StateDep,
    UserDep,
    clinic_for,
    redirect,
    render,
    require_role,
)
from lupus.web.pages.jobs import Progress

__all__ = ["MAX_PATIENTS_PER_ARM", "protocol_files", "router"]

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)

RESEARCH = frozenset({"researcher", "clinician"})
TRIALS = frozenset({"researcher"})
#: Upper bound of virtual patients per arm from the page (the command line has none).
MAX_PATIENTS_PER_ARM = 5000
MAX_UPLOAD_BYTES = 200_000


def protocol_files() -> dict[str, Path]:
    """Example protocols shipped beside the package (``examples/trials/*.toml``), by name."""
    here = Path(lupus.__file__).resolve()
    for folder in (here.parents[2] / "examples" / "trials", Path.cwd() / "examples" / "trials"):
        if folder.is_dir():
            return {p.stem: p for p in sorted(folder.glob("*.toml"))}
    return {}


@router.get("/research", response_class=HTMLResponse)
def research(request: Request, session: UserDep, state: StateDep) -> Response:
    require_role(session, RESEARCH, "read cohort aggregates")
    with clinic_for(state, session) as clinic:
        cohort = cohort_summary(clinic.repo, today=state.care.today())
    return render(request, "research.html", session=session, cohort=cohort)


@router.get("/trials", response_class=HTMLResponse)
def trials(request: Request, session: UserDep) -> Response:
    require_role(session, TRIALS, "run virtual trials")
    return render(
        request,
        "trials.html",
        session=session,
        protocols=sorted(protocol_files()),
        error="",
        max_patients=MAX_PATIENTS_PER_ARM,
    )


def _read_protocol(form: Any, upload: UploadFile | None) -> tuple[str, Any]:
    from lupus.simulation.trial import load_protocol, parse_protocol

    chosen = forms.text(form, "protocol", max_length=200)
    if upload is not None and upload.filename:
        raw = upload.file.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            raise forms.FormError(
                "upload", upload.filename, f"a TOML file of at most {MAX_UPLOAD_BYTES} bytes"
            )
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise forms.FormError(
                "upload", upload.filename, f"a UTF-8 TOML protocol ({exc})"
            ) from None
        return upload.filename, parse_protocol(data)
    files = protocol_files()
    if chosen not in files:
        raise forms.FormError(
            "protocol", chosen, "one of: " + ", ".join(sorted(files)) + ", or an uploaded file"
        )
    return chosen, load_protocol(files[chosen])


@router.post("/trials/run", response_class=HTMLResponse)
def run_trial_page(request: Request, form: FormDep, session: UserDep, state: StateDep) -> Response:
    require_role(session, TRIALS, "run virtual trials")
    upload = form.get("upload")
    try:
        name, protocol = _read_protocol(form, upload if isinstance(upload, UploadFile) else None)
        n = int(forms.number(form, "patients_per_arm", minimum=1, maximum=MAX_PATIENTS_PER_ARM))
        seed = int(forms.number(form, "seed", minimum=0, maximum=2**31 - 1))
    except ValueError as exc:
        return render(
            request,
            "trials.html",
            session=session,
            status=422,
            protocols=sorted(protocol_files()),
            error=str(exc),
            max_patients=MAX_PATIENTS_PER_ARM,
        )

    def run(progress: Progress) -> Any:
        from lupus.simulation.trial import run_trial

        return run_trial(protocol, patients_per_arm=n, seed=seed, progress=progress)

    job = state.jobs.submit(
        run,
        owner=session.username,
        kind="trial",
        title=f"Virtual trial {protocol.name} ({n} per arm, seed {seed}) from {name}",
        meta={"next": PREFIX + "/trials/results/{id}"},
    )
    return redirect(f"{PREFIX}/jobs/{job.id}")


@router.get("/trials/results/{job_id}", response_class=HTMLResponse)
def trial_result(request: Request, job_id: str, session: UserDep, state: StateDep) -> Response:
    require_role(session, TRIALS, "read virtual trial results")
    job = state.jobs.get(job_id, session.username)
    if job is None or job.kind != "trial":
        raise NotFoundError("trial job", job_id)
    if job.status != "done":
        return redirect(f"{PREFIX}/jobs/{job.id}")
    return render(request, "trial_result.html", session=session, job=job, data=job.result.to_json())


@router.get("/trials/results/{job_id}/report", response_class=HTMLResponse)
def trial_report(job_id: str, session: UserDep, state: StateDep) -> Response:
    """The trial layer's own HTML report, as it writes it for ``lupus trial run --report``."""
    require_role(session, TRIALS, "read virtual trial results")
    job = state.jobs.get(job_id, session.username)
    if job is None or job.kind != "trial" or job.status != "done":
        raise NotFoundError("trial report", job_id)
    from lupus.simulation.trial.report import render_report

    response = HTMLResponse(render_report(job.result))
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response
