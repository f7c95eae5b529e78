"""The patient portal (patient role): next doses with instructions, the self-injection log,
symptom reports and the PHQ-9 (crisis guidance at once when item 9 is above 0), messages with
the care team, and results over time in plain language. Built for phone widths."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.datastructures import FormData
from fastapi.responses import HTMLResponse, Response

from lupus.care import (
    CRISIS_GUIDANCE,
    SLEDAI_2K,
    SYMPTOMS,
    Administration,
    NotFoundError,
    PatientHistory,
    assessment_score,
    current_plans,
    lab_by_key,
    needs_crisis_guidance,
    next_administrations,
)
from lupus.clinical.instruments.phq9 import ITEMS
from lupus.web.pages import _views as views
from lupus.web.pages import forms
from lupus.web.pages._common import (
    PREFIX,
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
from lupus.web.pages.plots import sparkline_svg
from lupus.web.pages.session import Session
from lupus.web.permissions import require_write

__all__ = ["PHQ9_WORDING", "RESULTS", "router"]

router = APIRouter(prefix=PREFIX + "/me", route_class=PageRoute, include_in_schema=False)

#: Plain wording of each PHQ-9 item topic (our own words; the item order and the 0-3 answers
#: come from lupus.clinical's PHQ-9 table, Kroenke 2001).
PHQ9_WORDING = {
    "anhedonia": "Not enjoying, or not interested in, things you usually do",
    "depressed_mood": "Feeling low, sad or hopeless",
    "sleep": "Problems with sleep: hard to fall or stay asleep, or sleeping too much",
    "tiredness": "Feeling tired or low in energy",
    "appetite": "Not feeling like eating, or eating too much",
    "self_worth": "Feeling bad about yourself, like a failure, or that you have let people down",
    "concentration": "Finding it hard to concentrate, for example on reading or television",
    "psychomotor": "Moving or speaking so slowly that others notice, or being so restless "
    "that you move around much more than usual",
    "thoughts_of_death_or_self_harm": "Thinking you would be better off dead, or thinking of "
    "hurting yourself",
}
PHQ9_ANSWERS = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)
#: Symptoms offered first on the report form (the issue's list), then the rest.
FIRST_SYMPTOMS = ("fever", "rash", "pain", "joint-pain", "low-mood")
SYMPTOM_LABELS = {"pain": "New pain", "low-mood": "Low mood (then answer the mood questions)"}
#: (lab key, plain name, what it tells, direction that usually means more lupus activity)
RESULTS: tuple[tuple[str, str, str], ...] = (
    (
        "anti_dsdna",
        "Anti-dsDNA antibodies",
        "Antibodies against DNA. In lupus they often go up when the disease is more active.",
    ),
    (
        "c3",
        "Complement C3",
        "A protein of the immune system. Lupus activity can use it up, so it can go down "
        "when lupus is more active.",
    ),
    (
        "c4",
        "Complement C4",
        "Another complement protein that can go down when lupus is more active.",
    ),
    (
        "upcr",
        "Protein in the urine (UPCR)",
        "How much protein leaks into the urine. It tells your team how your kidneys are doing.",
    ),
    (
        "egfr",
        "Kidney filtering (eGFR)",
        "How well your kidneys filter the blood. Higher is better.",
    ),
    ("hemoglobin", "Hemoglobin", "The protein in red blood cells that carries oxygen."),
    ("platelets", "Platelets", "Blood cells that help blood to clot."),
    ("neutrophils", "Neutrophils", "White blood cells that fight infections."),
    ("igg", "IgG antibodies", "The main type of antibody that protects you from infections."),
    (
        "cd19_count",
        "B cells (CD19)",
        "The immune cells that some lupus treatments lower on purpose.",
    ),
)


def _own(session: Session) -> str:
    require_role(session, {"patient"}, "open the patient portal")
    if not session.patient_id:
        raise NotFoundError("patient", "(none linked to this user)")
    return session.patient_id


def _history(state: Any, session: Session) -> PatientHistory:
    with clinic_for(state, session) as clinic:
        h: PatientHistory = clinic.repo.history(_own(session))
    return h


def dose_instructions(h: PatientHistory, a: Administration) -> dict[str, Any]:
    """The plan's words for this dose: setting, preparation, premedication, instructions."""
    for plan in current_plans(h):
        if plan.plan_id != a.plan_id:
            continue
        for item in plan.document.get("administrations", ()):
            if item.get("date") == a.scheduled_on.isoformat() and item.get("drug") == a.drug:
                return {
                    "setting": str(item.get("setting", "")).replace("_", " "),
                    "route": str(item.get("route", "")).upper(),
                    "preparation": list(item.get("preparation", ())),
                    "premedication": list(item.get("premedication", ())),
                    "instructions": list(item.get("instructions", ())),
                }
    return {"setting": "", "route": "", "preparation": [], "premedication": [], "instructions": []}


@router.get("", response_class=HTMLResponse)
def my_care(request: Request, session: UserDep, state: StateDep) -> Response:
    h = _history(state, session)
    today = state.care.today()
    upcoming = [(a, dose_instructions(h, a)) for a in next_administrations(h, today, limit=5)]
    log = [
        a
        for a in h.administrations
        if a.self_administered and a.status == "scheduled" and a.scheduled_on <= today
    ]
    recent = [a for a in h.administrations if a.self_administered and a.status != "scheduled"][-10:]
    return render(
        request,
        "portal_home.html",
        session=session,
        name=views.full_name(h),
        upcoming=upcoming,
        log=sorted(log, key=lambda a: a.scheduled_on),
        recent=list(reversed(recent)),
        status_icon=views.STATUS_ICON,
    )


@router.post("/doses/{administration_id}", response_class=HTMLResponse)
def log_dose(
    request: Request, administration_id: str, form: FormDep, session: UserDep, state: StateDep
) -> Response:
    """The self-injection log: a patient records a self-administered dose as given or missed."""
    patient_id = _own(session)
    require_write(actor_of(session), "administrations", patient_id)
    try:
        status = forms.choice(form, "status", ("given", "missed"))
        body: dict[str, Any] = {"status": status, "self_administered": True}
        body["given_on"] = forms.date(form, "given_on").isoformat() if status == "given" else None
        with clinic_for(state, session) as clinic:
            current = clinic.repo.get("administrations", administration_id, audit=False)
            if current.patient_id != patient_id or not current.self_administered:
                raise NotFoundError("self-injection", administration_id)
            clinic.update_administration(patient_id, administration_id, body)
    except NotFoundError:
        raise
    except ValueError as exc:
        return redirect(f"{PREFIX}/me", f"Not saved: {exc}")
    return redirect(f"{PREFIX}/me", "Thank you, your injection log is updated.")


def _report_page(
    request: Request, session: Session, *, status: int = 200, error: str = "", values: Any = None
) -> Response:
    symptoms = list(FIRST_SYMPTOMS) + [s for s in SYMPTOMS if s not in FIRST_SYMPTOMS]
    return render(
        request,
        "portal_report.html",
        session=session,
        status=status,
        error=error,
        values=values or {},
        symptoms=[(s, SYMPTOM_LABELS.get(s, s.replace("-", " ").capitalize())) for s in symptoms],
        items=[(i, PHQ9_WORDING[topic]) for i, topic in enumerate(ITEMS)],
        answers=PHQ9_ANSWERS,
        crisis=CRISIS_GUIDANCE,
    )


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, session: UserDep) -> Response:
    _own(session)
    return _report_page(request, session)


@router.post("/symptoms", response_class=HTMLResponse)
def report_symptom(request: Request, form: FormDep, session: UserDep, state: StateDep) -> Response:
    patient_id = _own(session)
    require_write(actor_of(session), "symptoms", patient_id)
    try:
        body = {
            "symptom": forms.choice(form, "symptom", SYMPTOMS),
            "severity": int(forms.number(form, "severity", minimum=0, maximum=10)),
            "reported_on": state.care.today().isoformat(),
            "note": forms.text(form, "note", max_length=5000),
        }
        with clinic_for(state, session) as clinic:
            clinic.add_record("symptoms", patient_id, body)
    except ValueError as exc:
        return _report_page(request, session, status=422, error=str(exc), values=form)
    return redirect(f"{PREFIX}/me", "Thank you. Your care team will review your report.")


def phq9_answers(form: FormData) -> list[int]:
    answers = []
    for i in range(len(ITEMS)):
        raw = forms.text(form, f"item_{i}", max_length=2)
        if raw not in ("0", "1", "2", "3"):
            raise forms.FormError(f"item_{i}", raw, f"an answer to question {i + 1} (0 to 3)")
        answers.append(int(raw))
    return answers


@router.post("/phq9", response_class=HTMLResponse)
def answer_phq9(request: Request, form: FormDep, session: UserDep, state: StateDep) -> Response:
    patient_id = _own(session)
    require_write(actor_of(session), "questionnaires", patient_id)
    try:
        answers = phq9_answers(form)
        with clinic_for(state, session) as clinic:
            value = clinic.add_record(
                "questionnaires",
                patient_id,
                {
                    "questionnaire": "phq-9",
                    "date": state.care.today().isoformat(),
                    "answers": answers,
                },
            )
    except ValueError as exc:
        return _report_page(request, session, status=422, error=str(exc), values=form)
    crisis = needs_crisis_guidance(tuple(value.answers))
    return render(
        request,
        "portal_phq9_done.html",
        session=session,
        crisis=CRISIS_GUIDANCE if crisis else "",
        total=value.result.get("total"),
    )


@router.get("/messages", response_class=HTMLResponse)
def messages(request: Request, session: UserDep, state: StateDep) -> Response:
    patient_id = _own(session)
    with clinic_for(state, session) as clinic:
        thread = clinic.thread(patient_id)
    return render(request, "portal_messages.html", session=session, thread=thread, error="")


@router.post("/messages", response_class=HTMLResponse)
def send(request: Request, form: FormDep, session: UserDep, state: StateDep) -> Response:
    patient_id = _own(session)
    require_write(actor_of(session), "messages", patient_id)
    try:
        body = forms.text(form, "body", required=True, max_length=10_000)
        with clinic_for(state, session) as clinic:
            clinic.send_message(patient_id, {"body": body})
    except ValueError as exc:
        with clinic_for(state, session) as clinic:
            thread = clinic.thread(patient_id)
        return render(
            request,
            "portal_messages.html",
            session=session,
            status=422,
            thread=thread,
            error=str(exc),
        )
    return redirect(f"{PREFIX}/me/messages", "Message sent to your care team.")


#: UCUM unit codes written for reading (the stored unit is unchanged).
_READABLE_UNITS = {
    "[IU]/mL": "IU/mL",
    "mL/min/{1.73_m2}": "mL/min per 1.73 m²",
    "10*9/L": "×10⁹/L",
    "/uL": "per µL",
}


def readable_unit(unit: str) -> str:
    return _READABLE_UNITS.get(unit, unit)


def _compare(values: list[tuple[dt.date, float]], unit: str) -> str:
    if not values:
        return "No results yet."
    (last_day, last) = values[-1]
    text = f"Your latest result is {last:.3g} {unit} on {last_day.isoformat()}."
    if len(values) > 1:
        prev_day, prev = values[-2]
        if abs(last - prev) <= 0.05 * max(abs(prev), 1e-9):
            trend = "about the same as"
        elif last > prev:
            trend = "higher than"
        else:
            trend = "lower than"
        text += f" That is {trend} the result before ({prev:.3g} {unit} on {prev_day.isoformat()})."
    return text


@router.get("/results", response_class=HTMLResponse)
def results(request: Request, session: UserDep, state: StateDep) -> Response:
    h = _history(state, session)
    cards = []
    sledai = [
        (a.date, s) for a in h.assessments_of(SLEDAI_2K) if (s := assessment_score(a)) is not None
    ]
    cards.append(
        {
            "name": "Lupus activity score (SLEDAI-2K)",
            "what": "A score your doctor gives from your examination and tests. 0 means no "
            "activity found; a lower score means less lupus activity.",
            "sentence": _compare(sledai, "points"),
            "plot": sparkline_svg(sledai, "SLEDAI-2K", "points"),
            "values": sledai[-6:],
            "unit": "points",
        }
    )
    for key, name, what in RESULTS:
        test = lab_by_key(key)
        pts = [(o.effective, o.value) for o in h.observations_of(test.code)]
        if not pts:
            continue
        unit = readable_unit(test.unit)
        cards.append(
            {
                "name": name,
                "what": what,
                "sentence": _compare(pts, unit),
                "plot": sparkline_svg(pts, name, unit),
                "values": pts[-6:],
                "unit": unit,
            }
        )
    return render(request, "portal_results.html", session=session, cards=cards)
