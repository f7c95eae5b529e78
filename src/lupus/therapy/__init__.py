"""Therapy layer: drug labels and the CD19 CAR T protocol as data, turned into plans.

Decision support for research and education, not a medical device. Every rule cites the label
(US PI or EU SmPC revision) or protocol it encodes; no dose is invented. See ``docs/therapy.md``.

Main entry points::

    request = read_plan_request(json_data)          # or PlanRequest(...)
    plan = make_plan(request)                       # TreatmentPlan; plan.to_json()
    plan = replan_missed_dose(plan, date(2026, 3, 4))
    ics = plan_to_ics(plan)                         # bytes
    events = dose_events(get_regimen("belimumab-iv"), weight_kg=70, until_day=364)
"""

from lupus.therapy.bsa import body_surface_area_mosteller as body_surface_area_mosteller
from lupus.therapy.checklist import ChecklistItem as ChecklistItem
from lupus.therapy.checklist import build_checklist as build_checklist
from lupus.therapy.drugs import Drug as Drug
from lupus.therapy.drugs import drug_names as drug_names
from lupus.therapy.drugs import drugs as drugs
from lupus.therapy.drugs import get_drug as get_drug
from lupus.therapy.errors import NoLabelRuleError as NoLabelRuleError
from lupus.therapy.errors import PlanInputError as PlanInputError
from lupus.therapy.errors import TherapyDataError as TherapyDataError
from lupus.therapy.errors import TherapyError as TherapyError
from lupus.therapy.errors import UnsupportedRouteError as UnsupportedRouteError
from lupus.therapy.ics import plan_to_ics as plan_to_ics
from lupus.therapy.missed import replan_missed_dose as replan_missed_dose
from lupus.therapy.plan import StoppingRule as StoppingRule
from lupus.therapy.plan import TreatmentPlan as TreatmentPlan
from lupus.therapy.plan import make_plan as make_plan
from lupus.therapy.plan import stopping_rules as stopping_rules
from lupus.therapy.regimen import DoseEvent as DoseEvent
from lupus.therapy.regimen import DoseStep as DoseStep
from lupus.therapy.regimen import Regimen as Regimen
from lupus.therapy.regimen import dose_events as dose_events
from lupus.therapy.regimen import get_regimen as get_regimen
from lupus.therapy.regimen import regimen_ids as regimen_ids
from lupus.therapy.regimen import regimens as regimens
from lupus.therapy.regimen import select_regimen as select_regimen
from lupus.therapy.request import Patient as Patient
from lupus.therapy.request import PlanRequest as PlanRequest
from lupus.therapy.request import Vaccination as Vaccination
from lupus.therapy.request import age_in_years as age_in_years
from lupus.therapy.request import read_patient as read_patient
from lupus.therapy.request import read_plan_request as read_plan_request
from lupus.therapy.schedule import Administration as Administration
from lupus.therapy.schedule import Dose as Dose
from lupus.therapy.schedule import MonitoringVisit as MonitoringVisit
from lupus.therapy.schedule import Procedure as Procedure
from lupus.therapy.schedule import Schedule as Schedule
from lupus.therapy.schedule import build_schedule as build_schedule
from lupus.therapy.schedule import plan_window as plan_window
from lupus.therapy.suitability import Finding as Finding
from lupus.therapy.suitability import Suitability as Suitability
from lupus.therapy.suitability import assess_suitability as assess_suitability

__all__ = [
    "Administration",
    "ChecklistItem",
    "Dose",
    "DoseEvent",
    "DoseStep",
    "Drug",
    "Finding",
    "MonitoringVisit",
    "NoLabelRuleError",
    "Patient",
    "PlanInputError",
    "PlanRequest",
    "Procedure",
    "Regimen",
    "Schedule",
    "StoppingRule",
    "Suitability",
    "TherapyDataError",
    "TherapyError",
    "TreatmentPlan",
    "UnsupportedRouteError",
    "Vaccination",
    "age_in_years",
    "assess_suitability",
    "body_surface_area_mosteller",
    "build_checklist",
    "build_schedule",
    "dose_events",
    "drug_names",
    "drugs",
    "get_drug",
    "get_regimen",
    "make_plan",
    "plan_to_ics",
    "plan_window",
    "read_patient",
    "read_plan_request",
    "regimen_ids",
    "regimens",
    "replan_missed_dose",
    "select_regimen",
    "stopping_rules",
]
