"""The care team's pages: the clinic dashboard, the patient list and the patient page with its
forms (visit, administration, adverse event), alert acknowledgement and messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.datastructures import FormData
from fastapi.responses import HTMLResponse, JSONResponse, Response

from lupus.care import (
    ADVERSE_EVENT_CATEGORIES,
    SYMPTOMS,
    NotFoundError,
    PatientHistory,
    lab_by_key,
)
from lupus.clinical import get_instrument
from lupus.clinical.instruments.crs import HYPOTENSION_LEVELS, OXYGEN_LEVELS
from lupus.clinical.instruments.icans import CONSCIOUSNESS_GRADE, EDEMA_GRADE, SEIZURE_GRADE
from lupus.clinical.instruments.sledai2k import DESCRIPTORS
from lupus.store import Clinic
from lupus.web.pages import _views as views
from lupus.web.pages import forms
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
from lupus.web.pages.exposure import ExposureCurve, exposure_curves
from lupus.web.pages.jobs import JobRunner, Progress
from lupus.web.pages.session import Session
from lupus.web.pages.whatif_panel import whatif_context
from lupus.web.permissions import PermissionDenied, require_patient_read, require_write

__all__ = ["VISIT_LABS", "router"]

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)

#: Labs offered on the visit form (keys of the care service's lab catalogue).
VISIT_LABS = (
    "anti_dsdna",
    "c3",
    "c4",
    "upcr",
    "egfr",
    "creatinine",
    "hemoglobin",
    "leukocytes",
    "neutrophils",
    "lymphocytes",
    "platelets",
    "igg",
    "cd19_count",
    "body_weight",
    "body_temperature",
)
LAB_LABELS = {
    "anti_dsdna": "Anti-dsDNA",
    "c3": "C3",
    "c4": "C4",
    "upcr": "Urine protein/creatinine ratio (UPCR)",
    "egfr": "eGFR (CKD-EPI 2021)",
    "creatinine": "Creatinine",
    "hemoglobin": "Hemoglobin",
    "leukocytes": "Leukocytes",
    "neutrophils": "Neutrophils",
    "lymphocytes": "Lymphocytes",
    "platelets": "Platelets",
    "igg": "IgG",
    "cd19_count": "CD19+ B cells",
    "body_weight": "Body weight",
    "body_temperature": "Body temperature",
}
REACTION_GRADES = ("1", "2", "3", "4", "5")
#: Seconds the patient page waits for the exposure estimate before showing it as pending.
EXPOSURE_WAIT = 2.0


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# ------------------------------------------------------------------------------ dashboard


@router.get("/clinic", response_class=HTMLResponse)
def dashboard(
    request: Request, session: UserDep, state: StateDep, week: str | None = None
) -> Response:
    """Alert inbox by severity, this week's infusions by day and chair, overdue monitoring."""
    require_role(session, TEAM, "open the clinic dashboard")
    today = state.care.today()
    try:
        monday = _monday(dt.date.fromisoformat(week)) if week else _monday(today)
    except ValueError:
        monday = _monday(today)
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    inbox: list[tuple[Any, str]] = []
    chairs: dict[str, dict[dt.date, list[tuple[str, str, str]]]] = {}
    unbooked: list[tuple[dt.date, str, str, str]] = []
    overdue: list[tuple[Any, str, str]] = []
    with clinic_for(state, session) as clinic:
        patients, _ = clinic.repo.list_patients(limit=1000)
        for p in patients:
            clinic.refresh_alerts(p.id)
            h = clinic.repo.history(p.id)
            name = views.full_name(h)
            for a in clinic.repo.list_alerts(p.id, include_resolved=False):
                inbox.append((a, name))
            booked = set()
            for ap in h.appointments:
                if ap.kind == "infusion" and days[0] <= ap.start.date() <= days[-1]:
                    if ap.status == "cancelled":
                        continue
                    cell = chairs.setdefault(ap.place, {}).setdefault(ap.start.date(), [])
                    cell.append((ap.start.strftime("%H:%M"), name, p.id))
                    booked.add(ap.start.date())
            for d in h.administrations:
                if days[0] <= d.scheduled_on <= days[-1] and d.scheduled_on not in booked:
                    unbooked.append((d.scheduled_on, name, p.id, f"{d.drug} ({d.status})"))
            for item in views.overdue(h, today):
                overdue.append((item, name, p.id))
    inbox_sorted = views.sort_alerts([a for a, _ in inbox])
    names = {a.id: n for a, n in inbox}
    for cells in chairs.values():
        for entries in cells.values():
            entries.sort()
    return render(
        request,
        "clinic.html",
        session=session,
        alerts=[(a, names[a.id]) for a in inbox_sorted],
        severity_icon=views.SEVERITY_ICON,
        days=days,
        chairs=dict(sorted(chairs.items())),
        unbooked=sorted(unbooked),
        overdue=sorted(overdue, key=lambda x: (x[0].due, x[1])),
        previous_week=(monday - dt.timedelta(days=7)).isoformat(),
        next_week=(monday + dt.timedelta(days=7)).isoformat(),
    )


@router.post("/patients/{patient_id}/alerts/{alert_id}/acknowledge")
def acknowledge(
    patient_id: str, alert_id: str, form: FormDep, session: UserDep, state: StateDep
) -> Response:
    require_write(actor_of(session), "alerts", patient_id)
    with clinic_for(state, session) as clinic:
        clinic.acknowledge_alert(patient_id, alert_id)
    back = forms.text(form, "back", max_length=300)
    target = back if back.startswith(PREFIX + "/") and "//" not in back else f"{PREFIX}/clinic"
    return redirect(target, "Alert acknowledged.")


# ------------------------------------------------------------------------------ patients


@router.get("/patients", response_class=HTMLResponse)
def patient_list(request: Request, session: UserDep, state: StateDep) -> Response:
    require_role(session, TEAM, "list patients")
    rows = []
    today = state.care.today()
    with clinic_for(state, session) as clinic:
        patients, total = clinic.repo.list_patients(limit=1000)
        for p in patients:
            h = clinic.repo.history(p.id, audit=False)
            rows.append(
                {
                    "id": p.id,
                    "name": views.full_name(p),
                    "age": p.age_on(today),
                    "sex": p.sex,
                    "synthetic": p.synthetic,
                    "therapies": views.active_names(h, today),
                    "badges": views.badges(h, today),
                    "open_alerts": len(clinic.repo.list_alerts(p.id, include_resolved=False)),
                }
            )
    return render(request, "patients.html", session=session, rows=rows, total=total)


def _patient_context(
    clinic: Clinic, session: Session, patient_id: str, today: dt.date, jobs: JobRunner
) -> dict[str, Any]:
    clinic.refresh_alerts(patient_id)
    h: PatientHistory = clinic.repo.history(patient_id)
    exposure, pending = _exposure(jobs, h, today)
    alerts = views.sort_alerts(clinic.repo.list_alerts(patient_id, include_resolved=False))
    classification = [
        (views.CLASSIFICATION_INSTRUMENTS[a.instrument], a)
        for a in h.assessments
        if a.instrument in views.CLASSIFICATION_INSTRUMENTS
    ]
    open_doses = [a for a in h.administrations if a.status in ("scheduled", "delayed")]
    open_doses.sort(key=lambda a: a.scheduled_on)
    thread = clinic.thread(patient_id)
    return {
        "patient": h.patient,
        "name": views.full_name(h),
        "age": h.patient.age_on(today),
        "history": h,
        "badges": views.badges(h, today),
        "conditions": h.conditions,
        "classification": classification,
        "therapies": views.therapies(h, today),
        "medications": h.medications,
        "timeline": views.timeline(h, today, exposure),
        "exposure_pending": pending,
        "administrations": sorted(h.administrations, key=lambda a: a.scheduled_on, reverse=True),
        "open_doses": open_doses,
        "adverse_events": sorted(h.adverse_events, key=lambda e: e.onset, reverse=True),
        "symptoms": sorted(h.symptoms, key=lambda s: s.reported_on, reverse=True)[:20],
        "alerts": alerts,
        "alert_pairs": [(a, "") for a in alerts],
        "severity_icon": views.SEVERITY_ICON,
        "status_icon": views.STATUS_ICON,
        "overdue": views.overdue(h, today),
        "thread": thread,
        "descriptors": list(DESCRIPTORS.values()),
        "descriptor_weights": {d.id: d.weight for d in DESCRIPTORS.values()},
        "labs": [(k, LAB_LABELS[k], _lab(k)) for k in VISIT_LABS],
        "ae_categories": ADVERSE_EVENT_CATEGORIES,
        "hypotension_levels": HYPOTENSION_LEVELS,
        "oxygen_levels": OXYGEN_LEVELS,
        "consciousness_levels": tuple(CONSCIOUSNESS_GRADE),
        "seizure_levels": tuple(SEIZURE_GRADE),
        "edema_levels": tuple(EDEMA_GRADE),
        "reaction_grades": REACTION_GRADES,
        "symptom_names": SYMPTOMS,
        "can_plan": session.role == "clinician",
        "can_score": session.role == "clinician",
        "whatif": whatif_context(jobs, h),
    }


def _exposure(
    jobs: JobRunner, h: PatientHistory, today: dt.date
) -> tuple[list[ExposureCurve], bool]:
    """Model exposure curves for the timeline, computed in the background (the simulator may
    need compiling on first use) and cached per patient and doses given. Returns the curves
    and whether they are still being computed."""
    start, end = views.timeline_window(h, today)
    weight = views.latest_value(h, "body_weight")
    given = tuple(
        (a.drug, a.given_on, a.dose, a.self_administered, a.plan_id)
        for a in h.administrations
        if a.status in ("given", "delayed")
    )
    if not given:
        return [], False
    key = ("exposure", h.patient.id, start, end, weight, given)
    found = jobs.cached(key)
    if found is not None:
        return list(found), False

    def run(progress: Progress) -> list[ExposureCurve]:
        return exposure_curves(h, start, end, weight[0] if weight else None)

    job = jobs.submit(run, owner="", kind="exposure", title="drug exposure", cache_key=key)
    jobs.wait(job, EXPOSURE_WAIT)
    found = jobs.cached(key)
    return (list(found), False) if found is not None else ([], True)


def _lab(key: str) -> Any:
    return lab_by_key(key)


def _patient_page(
    request: Request,
    session: Session,
    state: Any,
    patient_id: str,
    *,
    status: int = 200,
    error: str = "",
    error_form: str = "",
    values: FormData | None = None,
) -> Response:
    require_role(session, TEAM, "open a patient page")
    require_patient_read(actor_of(session), patient_id)
    today = state.care.today()
    ticked = [v for v in values.getlist("descriptor") if isinstance(v, str)] if values else []
    with clinic_for(state, session) as clinic:
        context = _patient_context(clinic, session, patient_id, today, state.jobs)
    return render(
        request,
        "patient.html",
        session=session,
        status=status,
        error=error,
        error_form=error_form,
        values=values or {},
        ticked=ticked,
        ticked_score=sum(DESCRIPTORS[d].weight for d in ticked if d in DESCRIPTORS),
        **context,
    )


@router.get("/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(request: Request, patient_id: str, session: UserDep, state: StateDep) -> Response:
    if session.role == "patient":
        require_patient_read(actor_of(session), patient_id)
        return redirect(f"{PREFIX}/me")
    return _patient_page(request, session, state, patient_id)


def _on_form_error(
    request: Request,
    session: Session,
    state: Any,
    patient_id: str,
    which: str,
    exc: ValueError,
    form: FormData,
) -> Response:
    return _patient_page(
        request,
        session,
        state,
        patient_id,
        status=422,
        error=str(exc),
        error_form=which,
        values=form,
    )


# ------------------------------------------------------------------------------ visit form


def visit_payloads(form: FormData, role: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The assessments and observations a visit form records (validated by the care service)."""
    on = forms.date(form, "visit_date")
    assessments: list[dict[str, Any]] = []
    descriptors = forms.many(form, "descriptor", tuple(DESCRIPTORS))
    pga = forms.optional_number(form, "pga", minimum=0, maximum=3)
    pred = forms.optional_number(form, "prednisone_mg_per_day", minimum=0, maximum=2000)
    score_it = forms.flag(form, "score_sledai")
    if score_it or descriptors or pga is not None:
        if role != "clinician":
            raise PermissionDenied("only a clinician records SLEDAI-2K, PGA and disease state")
        assessments.append(
            {
                "instrument": "sledai-2k",
                "date": on.isoformat(),
                "inputs": {"descriptors": descriptors},
            }
        )
        if pga is not None and pred is not None:
            assessments.append(
                {
                    "instrument": "doris",
                    "date": on.isoformat(),
                    "inputs": {
                        "sledai_descriptors": descriptors,
                        "pga": pga,
                        "prednisone_mg_per_day": pred,
                    },
                }
            )
            assessments.append(
                {
                    "instrument": "lldas",
                    "date": on.isoformat(),
                    "inputs": {
                        "sledai_descriptors": descriptors,
                        "new_features": forms.flag(form, "new_features"),
                        "hemolytic_anemia": forms.flag(form, "hemolytic_anemia"),
                        "gastrointestinal_activity": forms.flag(form, "gastrointestinal_activity"),
                        "pga": pga,
                        "prednisone_mg_per_day": pred,
                        "standard_maintenance_tolerated": forms.flag(
                            form, "standard_maintenance_tolerated"
                        ),
                        "investigational_drug": forms.flag(form, "investigational_drug"),
                    },
                }
            )
        elif pga is not None or pred is not None:
            raise forms.FormError(
                "prednisone_mg_per_day" if pred is None else "pga",
                "",
                "both PGA and prednisone dose to assess LLDAS and DORIS (or neither)",
            )
    observations = []
    for key in VISIT_LABS:
        value = forms.optional_number(form, f"lab_{key}")
        if value is None:
            continue
        test = _lab(key)
        unit = forms.choice(form, f"unit_{key}", test.accepted_units(), test.unit)
        observations.append(
            {"code": test.code, "value": value, "unit": unit, "effective": on.isoformat()}
        )
    if not assessments and not observations:
        raise forms.FormError("visit", "", "at least a SLEDAI-2K assessment or one lab value")
    return assessments, observations


@router.post("/patients/{patient_id}/visits", response_class=HTMLResponse)
def record_visit(
    request: Request, patient_id: str, form: FormDep, session: UserDep, state: StateDep
) -> Response:
    require_role(session, TEAM, "record a visit")
    try:
        assessments, observations = visit_payloads(form, session.role)
        with clinic_for(state, session) as clinic:
            for body in observations:
                require_write(actor_of(session), "observations", patient_id)
                clinic.add_record("observations", patient_id, body)
            for body in assessments:
                require_write(actor_of(session), "assessments", patient_id)
                clinic.add_record("assessments", patient_id, body)
    except NotFoundError:
        raise
    except ValueError as exc:
        return _on_form_error(request, session, state, patient_id, "visit", exc, form)
    n = len(assessments) + len(observations)
    return redirect(f"{PREFIX}/patients/{patient_id}", f"Visit recorded ({n} entries).")


# ------------------------------------------------------------------------------ administration


@router.post("/patients/{patient_id}/administrations", response_class=HTMLResponse)
def record_administration(
    request: Request, patient_id: str, form: FormDep, session: UserDep, state: StateDep
) -> Response:
    require_write(actor_of(session), "administrations", patient_id)
    require_role(session, TEAM, "record an administration from this page")
    try:
        admin_id = forms.text(form, "administration", required=True, max_length=64)
        status = forms.choice(form, "status", ("given", "missed", "delayed"))
        body: dict[str, Any] = {"status": status}
        if status in ("given", "delayed"):
            body["given_on"] = forms.date(form, "given_on").isoformat()
        else:
            body["given_on"] = None
        dose = forms.text(form, "dose", max_length=80)
        if dose:
            body["dose"] = dose
        grade = forms.text(form, "reaction_grade", max_length=2)
        reaction = forms.text(form, "reaction", max_length=500)
        if grade:
            body["reaction_grade"] = int(forms.choice(form, "reaction_grade", REACTION_GRADES))
            body["reaction"] = reaction
        elif reaction:
            raise forms.FormError(
                "reaction_grade", "", "a CTCAE grade 1-5 when a reaction is described"
            )
        with clinic_for(state, session) as clinic:
            clinic.update_administration(patient_id, admin_id, body)
    except NotFoundError:
        raise
    except ValueError as exc:
        return _on_form_error(request, session, state, patient_id, "administration", exc, form)
    note = "Administration recorded" + (" with a reaction." if grade else ".")
    return redirect(f"{PREFIX}/patients/{patient_id}", note)


# ------------------------------------------------------------------------------ adverse event


def grade_helper(kind: str, form: Any) -> dict[str, Any]:
    """Run the ASTCT CRS or ICANS instrument on the helper fields (``crs_*`` / ``icans_*``)."""
    if kind == "crs":
        inputs: dict[str, Any] = {
            "temperature_c": forms.number(form, "crs_temperature_c", minimum=25, maximum=45),
            "fever_masked_by_treatment": forms.flag(form, "crs_fever_masked"),
            "hypotension": forms.choice(form, "crs_hypotension", HYPOTENSION_LEVELS),
            "oxygen": forms.choice(form, "crs_oxygen", OXYGEN_LEVELS),
        }
    else:
        inputs = {
            "ice_score": int(forms.number(form, "icans_ice_score", minimum=0, maximum=10)),
            "consciousness": forms.choice(form, "icans_consciousness", tuple(CONSCIOUSNESS_GRADE)),
            "seizure": forms.choice(form, "icans_seizure", tuple(SEIZURE_GRADE)),
            "motor_weakness": forms.flag(form, "icans_motor_weakness"),
            "cerebral_edema": forms.choice(form, "icans_cerebral_edema", tuple(EDEMA_GRADE)),
        }
    tool = get_instrument(kind)
    result: dict[str, Any] = tool.run(inputs)
    return {
        "grade": result["grade"],
        "rule": result.get("rule", ""),
        "grading": result.get("grading", tool.version),
    }


@router.get("/helpers/grade/{kind}")
def grade_endpoint(kind: str, request: Request, session: UserDep) -> Response:
    """Live grading for the adverse-event form (a pure computation, no record is written)."""
    require_role(session, TEAM, "use the grading helpers")
    if kind not in ("crs", "icans"):
        raise NotFoundError("grading helper", kind)
    try:
        return JSONResponse(grade_helper(kind, request.query_params))
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=422)


@router.post("/patients/{patient_id}/adverse-events", response_class=HTMLResponse)
def record_adverse_event(
    request: Request, patient_id: str, form: FormDep, session: UserDep, state: StateDep
) -> Response:
    require_write(actor_of(session), "adverse_events", patient_id)
    try:
        category = forms.choice(form, "category", ADVERSE_EVENT_CATEGORIES)
        grade_text = forms.text(form, "grade", max_length=2)
        helper_note = ""
        if category in ("crs", "icans") and forms.flag(form, f"use_{category}_helper"):
            graded = grade_helper(category, form)
            helper_note = f" Graded {graded['grading']}: {graded['rule']}."
            if grade_text and int(grade_text) != graded["grade"]:
                raise forms.FormError(
                    "grade", grade_text, f"{graded['grade']}, the grade the helper computed"
                )
            grade_text = str(graded["grade"])
            if graded["grade"] == 0:
                raise forms.FormError(
                    "grade",
                    0,
                    f"grade 1 or more: the {category.upper()} helper found no {category.upper()}",
                )
        if grade_text not in REACTION_GRADES:
            raise forms.FormError("grade", grade_text, "an integer grade from 1 to 5")
        grade = int(grade_text)
        body: dict[str, Any] = {
            "category": category,
            "term": forms.text(form, "term", required=True, max_length=200),
            "grade": grade,
            "onset": forms.date(form, "onset").isoformat(),
            "note": (forms.text(form, "note", max_length=4000) + helper_note).strip(),
        }
        resolved = forms.optional_date(form, "resolved")
        if resolved is not None:
            body["resolved"] = resolved.isoformat()
        with clinic_for(state, session) as clinic:
            clinic.add_record("adverse_events", patient_id, body)
    except NotFoundError:
        raise
    except ValueError as exc:
        return _on_form_error(request, session, state, patient_id, "adverse", exc, form)
    return redirect(f"{PREFIX}/patients/{patient_id}", "Adverse event recorded.")


# ------------------------------------------------------------------------------ symptoms, messages


@router.post("/patients/{patient_id}/symptoms/{symptom_id}/review")
def review_symptom(
    patient_id: str, symptom_id: str, form: FormDep, session: UserDep, state: StateDep
) -> Response:
    require_role(session, TEAM, "review symptoms")
    with clinic_for(state, session) as clinic:
        clinic.mark_symptom_reviewed(patient_id, symptom_id)
    return redirect(f"{PREFIX}/patients/{patient_id}#symptoms", "Symptom marked as reviewed.")


@router.post("/patients/{patient_id}/messages", response_class=HTMLResponse)
def team_message(
    request: Request, patient_id: str, form: FormDep, session: UserDep, state: StateDep
) -> Response:
    require_write(actor_of(session), "messages", patient_id)
    require_role(session, TEAM, "answer from the patient page")
    try:
        body: dict[str, Any] = {"body": forms.text(form, "body", required=True, max_length=10_000)}
        reply_to = forms.text(form, "in_reply_to", max_length=64)
        if reply_to:
            body["in_reply_to"] = reply_to
        with clinic_for(state, session) as clinic:
            clinic.send_message(patient_id, body)
    except NotFoundError:
        raise
    except ValueError as exc:
        return _on_form_error(request, session, state, patient_id, "message", exc, form)
    return redirect(f"{PREFIX}/patients/{patient_id}#messages", "Message sent.")
