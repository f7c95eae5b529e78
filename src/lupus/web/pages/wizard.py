"""The start-therapy wizard: choose a therapy and a start date, see suitability (blockers,
cautions, actions with their sources), the checklist and the schedule, then confirm.

Suitability, checklist and schedule come from ``lupus.therapy.make_plan`` unchanged. Confirming
re-reads the request and re-makes the plan on the server (nothing from the preview page is
trusted), refuses a plan with blockers, and stores the plan (version 1), one scheduled
administration per dose of a drug in the care catalogue, and an appointment per dose given in
an infusion centre or hospital.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.datastructures import FormData
from fastapi.responses import HTMLResponse, Response

from lupus.care import NotFoundError, PatientHistory, drug_keys
from lupus.therapy import TreatmentPlan, drug_names, make_plan, read_plan_request
from lupus.therapy.request import INDICATIONS, JURISDICTIONS, SCREENING_STATUSES
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
from lupus.web.pages.session import Session
from lupus.web.permissions import require_write

__all__ = ["THERAPY_CHOICES", "plan_request_from_form", "router", "store_plan"]

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)

#: (value, label): therapy and route as the therapy layer names them.
THERAPY_CHOICES = (
    ("belimumab:iv", "Belimumab IV"),
    ("belimumab:sc", "Belimumab SC"),
    ("anifrolumab:iv", "Anifrolumab IV"),
    ("cd19-car-t:iv", "CD19 CAR T cells (investigational)"),
)
VACCINATION_ROWS = 3
#: Settings in which a dose needs a chair or a bed, so an appointment is booked.
BOOKED_SETTINGS = ("infusion_centre", "hospital")
#: Appointment length when the label gives no infusion and observation minutes (product choice).
DEFAULT_APPOINTMENT_MINUTES = 120
TRISTATE = ("unknown", "yes", "no")


def _defaults(h: PatientHistory, today: dt.date) -> dict[str, Any]:
    weight = views.latest_value(h, "body_weight")
    sledai = views.disease_state_score(h, today)
    current = sorted(
        {m.drug for m in h.medications if m.active_on(today) and m.drug in drug_names()}
    )
    prior = sorted(
        {m.drug for m in h.medications if not m.active_on(today) and m.drug in drug_names()}
    )
    return {
        "therapy": "belimumab:iv",
        "start_date": today.isoformat(),
        "weeks": "52",
        "indication": "sle",
        "jurisdiction": "us",
        "sex": h.patient.sex if h.patient.sex in ("female", "male") else "",
        "weight_kg": "" if weight is None else f"{weight[0]:g}",
        "height_cm": "",
        "sledai_2k": "" if sledai is None else str(int(round(sledai))),
        "autoantibody_positive": "on" if views.latest_value(h, "anti_dsdna") else "",
        "prior_therapies": prior,
        "current_therapies": current,
        "anaphylaxis_to": [],
        "hbv": "unknown",
        "hcv": "unknown",
        "hiv": "unknown",
        "tb": "unknown",
        "chair": "Chair 1",
        "time": "09:00",
    }


def _tristate(form: FormData, name: str) -> bool | None:
    value = forms.choice(form, name, TRISTATE, "unknown")
    return None if value == "unknown" else value == "yes"


def plan_request_from_form(form: FormData, h: PatientHistory) -> dict[str, Any]:
    """The ``lupus plan`` request JSON from the wizard form (the therapy layer validates it)."""
    therapy, _, route = forms.choice(
        form, "therapy", tuple(v for v, _ in THERAPY_CHOICES)
    ).partition(":")
    vaccinations = []
    for i in range(VACCINATION_ROWS):
        name = forms.text(form, f"vaccine_{i}", max_length=200)
        when = forms.optional_date(form, f"vaccine_date_{i}")
        if not name and when is None:
            continue
        if not name or when is None:
            raise forms.FormError(
                f"vaccine_{i}" if not name else f"vaccine_date_{i}",
                name or "",
                "both the vaccine and its date (or neither)",
            )
        vaccinations.append(
            {
                "vaccine": name,
                "live": forms.flag(form, f"vaccine_live_{i}"),
                "date": when.isoformat(),
            }
        )
    weight = forms.optional_number(form, "weight_kg", minimum=0.1, maximum=400)
    height = forms.optional_number(form, "height_cm", minimum=30, maximum=250)
    sledai = forms.optional_number(form, "sledai_2k", minimum=0, maximum=105)
    if weight is None:
        raise forms.FormError("weight_kg", "", "the body weight in kg")
    if height is None:
        raise forms.FormError("height_cm", "", "the height in cm")
    if sledai is None or not float(sledai).is_integer():
        raise forms.FormError("sledai_2k", sledai, "the latest SLEDAI-2K score, an integer 0-105")
    patient: dict[str, Any] = {
        "birth_date": h.patient.birth_date.isoformat(),
        "sex": forms.choice(form, "sex", ("female", "male")),
        "weight_kg": weight,
        "height_cm": height,
        "autoantibody_positive": forms.flag(form, "autoantibody_positive"),
        "sledai_2k": int(sledai),
        "active_severe_cns_lupus": forms.flag(form, "active_severe_cns_lupus"),
        "active_severe_lupus_nephritis": forms.flag(form, "active_severe_lupus_nephritis"),
        "prior_therapies": forms.many(form, "prior_therapies", drug_names()),
        "current_therapies": forms.many(form, "current_therapies", drug_names()),
        "active_infection": forms.flag(form, "active_infection"),
        "hbv": forms.choice(form, "hbv", SCREENING_STATUSES),
        "hcv": forms.choice(form, "hcv", SCREENING_STATUSES),
        "hiv": forms.choice(form, "hiv", SCREENING_STATUSES),
        "tb": forms.choice(form, "tb", SCREENING_STATUSES),
        "anaphylaxis_to": forms.many(form, "anaphylaxis_to", drug_names()),
        "vaccinations": vaccinations,
        "pregnant": forms.flag(form, "pregnant"),
        "cd3_per_ul": forms.optional_number(form, "cd3_per_ul", minimum=0, maximum=1e6),
    }
    optional = {
        "hbv_core_antibody": _tristate(form, "hbv_core_antibody"),
        "latent_tb": _tristate(form, "latent_tb"),
        "last_iv_dose_date": (lambda d: None if d is None else d.isoformat())(
            forms.optional_date(form, "last_iv_dose_date")
        ),
        "creatinine_clearance_ml_min": forms.optional_number(
            form, "creatinine_clearance_ml_min", minimum=0, maximum=300
        ),
        "manufacturing_days": (lambda x: None if x is None else int(x))(
            forms.optional_number(form, "manufacturing_days", minimum=1, maximum=120)
        ),
    }
    patient.update({k: v for k, v in optional.items() if v is not None})
    weeks = forms.number(form, "weeks", minimum=1, maximum=520)
    return {
        "patient": patient,
        "therapy": therapy,
        "route": route,
        "indication": forms.choice(form, "indication", INDICATIONS),
        "start_date": forms.date(form, "start_date").isoformat(),
        "weeks": int(weeks),
        "jurisdiction": forms.choice(form, "jurisdiction", JURISDICTIONS),
    }


def _form_page(
    request: Request,
    session: Session,
    h: PatientHistory,
    values: Any,
    *,
    status: int = 200,
    error: str = "",
) -> Response:
    return render(
        request,
        "wizard.html",
        session=session,
        status=status,
        error=error,
        patient=h.patient,
        name=views.full_name(h),
        values=values,
        therapy_choices=THERAPY_CHOICES,
        drug_names=drug_names(),
        indications=INDICATIONS,
        jurisdictions=JURISDICTIONS,
        screening=SCREENING_STATUSES,
        tristate=TRISTATE,
        vaccination_rows=range(VACCINATION_ROWS),
    )


def _history(state: Any, session: Session, patient_id: str) -> PatientHistory:
    with clinic_for(state, session) as clinic:
        h: PatientHistory = clinic.repo.history(patient_id)
    return h


def _form_values(form: FormData) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = (
            values
            if key in ("prior_therapies", "current_therapies", "anaphylaxis_to")
            else (values[-1] if values else "")
        )
    return out


@router.get("/patients/{patient_id}/start-therapy", response_class=HTMLResponse)
def wizard_form(request: Request, patient_id: str, session: UserDep, state: StateDep) -> Response:
    require_write(actor_of(session), "plans", patient_id)
    h = _history(state, session, patient_id)
    return _form_page(request, session, h, _defaults(h, state.care.today()))


@router.post("/patients/{patient_id}/start-therapy", response_class=HTMLResponse)
def wizard_preview(
    request: Request, patient_id: str, form: FormDep, session: UserDep, state: StateDep
) -> Response:
    require_write(actor_of(session), "plans", patient_id)
    h = _history(state, session, patient_id)
    try:
        request_json = plan_request_from_form(form, h)
        plan = make_plan(read_plan_request(request_json))
    except ValueError as exc:
        return _form_page(request, session, h, _form_values(form), status=422, error=str(exc))
    return render(
        request,
        "wizard_preview.html",
        session=session,
        patient=h.patient,
        name=views.full_name(h),
        plan=plan,
        plan_json=plan.to_json(),
        request_json=json.dumps(request_json, separators=(",", ":")),
        chair=forms.text(form, "chair", max_length=80) or "Chair 1",
        time=forms.text(form, "time", max_length=5) or "09:00",
        care_drugs=drug_keys(),
        booked_settings=BOOKED_SETTINGS,
    )


def _interval_days(dates: list[dt.date], i: int, window_days: int) -> int:
    """Days to the next dose of the same drug (the previous gap for the last dose; the plan
    window, at most 366, for a single dose). Used by the adherence tolerance window."""
    if len(dates) == 1:
        return max(1, min(366, window_days))
    gap = (dates[i + 1] - dates[i]).days if i + 1 < len(dates) else (dates[i] - dates[i - 1]).days
    return max(1, min(366, gap))


def store_plan(
    clinic: Any, patient_id: str, plan: TreatmentPlan, *, chair: str, time: dt.time
) -> tuple[str, int, int]:
    """Create the plan, its scheduled administrations and appointments; returns
    (plan id, administrations, appointments)."""
    document = plan.to_json()
    version = clinic.create_plan(
        patient_id,
        {
            "therapy": plan.request.therapy,
            "start": plan.request.start_date.isoformat(),
            "document": document,
            "reason": "started with the start-therapy wizard",
        },
    )
    catalogue = set(drug_keys())
    window = (plan.schedule.window_end - plan.schedule.window_start).days
    by_drug: dict[str, list[dt.date]] = {}
    for a in plan.administrations:
        by_drug.setdefault(a.drug, []).append(a.date)
    n_admin = n_appt = 0
    for a in plan.administrations:
        if a.drug not in catalogue:
            continue  # protocol drugs outside the care catalogue stay in the plan document
        dates = by_drug[a.drug]
        clinic.add_record(
            "administrations",
            patient_id,
            {
                "plan_id": version.plan_id,
                "drug": a.drug,
                "scheduled_on": a.date.isoformat(),
                "status": "scheduled",
                "interval_days": _interval_days(dates, dates.index(a.date), window),
                "dose": f"{a.dose.value:g} {a.dose.unit}",
                "self_administered": a.setting == "home_self_injection",
            },
        )
        n_admin += 1
        if a.setting in BOOKED_SETTINGS:
            minutes = (a.infusion_minutes or 0) + (a.observation_minutes or 0)
            start = dt.datetime.combine(a.date, time, tzinfo=dt.UTC)
            end = start + dt.timedelta(minutes=minutes or DEFAULT_APPOINTMENT_MINUTES)
            clinic.add_record(
                "appointments",
                patient_id,
                {
                    "kind": "infusion",
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "place": chair,
                    "staff": [],
                },
            )
            n_appt += 1
    return version.plan_id, n_admin, n_appt


@router.post("/patients/{patient_id}/start-therapy/confirm", response_class=HTMLResponse)
def wizard_confirm(
    request: Request, patient_id: str, form: FormDep, session: UserDep, state: StateDep
) -> Response:
    require_role(session, {"clinician"}, "start a therapy")
    require_write(actor_of(session), "plans", patient_id)
    h = _history(state, session, patient_id)
    try:
        raw = forms.text(form, "request_json", required=True, max_length=100_000)
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            raise forms.FormError(
                "request_json", raw[:40], "the plan request of the preview"
            ) from None
        plan = make_plan(read_plan_request(data))
        if not plan.eligible:
            codes = ", ".join(f.code for f in plan.suitability.blockers)
            raise forms.FormError(
                "therapy", plan.request.therapy, f"a therapy without blockers (blocked by {codes})"
            )
        chair = forms.text(form, "chair", required=True, max_length=80)
        hh, _, mm = forms.text(form, "time", required=True, max_length=5).partition(":")
        try:
            at = dt.time(int(hh), int(mm))
        except ValueError:
            raise forms.FormError("time", f"{hh}:{mm}", "a time of day as HH:MM") from None
        with clinic_for(state, session) as clinic:
            _, n_admin, n_appt = store_plan(clinic, patient_id, plan, chair=chair, time=at)
    except NotFoundError:
        raise
    except ValueError as exc:
        return _form_page(
            request, session, h, _defaults(h, state.care.today()), status=422, error=str(exc)
        )
    return redirect(
        f"{PREFIX}/patients/{patient_id}",
        f"Plan created: {n_admin} doses scheduled, {n_appt} appointments booked.",
    )
