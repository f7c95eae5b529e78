"""The care layer: patient records, monitoring schedules, alert rules, adherence and disease
state, as frozen values and pure functions over them (no database, no web).

See ``docs/care-service.md``. Rules and schedules are data in ``lupus/care/data`` with sources.
"""

from lupus.care.adherence import Adherence as Adherence
from lupus.care.adherence import adherence as adherence
from lupus.care.adherence import days_late as days_late
from lupus.care.adherence import is_missed as is_missed
from lupus.care.adherence import tolerance_days as tolerance_days
from lupus.care.adherence import window_closed as window_closed
from lupus.care.alerts import ALERT_STATUSES as ALERT_STATUSES
from lupus.care.alerts import SEVERITIES as SEVERITIES
from lupus.care.alerts import Alert as Alert
from lupus.care.alerts import AlertRule as AlertRule
from lupus.care.alerts import Finding as Finding
from lupus.care.alerts import acknowledge as acknowledge
from lupus.care.alerts import alert_rule as alert_rule
from lupus.care.alerts import alert_rules as alert_rules
from lupus.care.alerts import evaluate as evaluate
from lupus.care.alerts import open_alert as open_alert
from lupus.care.alerts import resolve as resolve
from lupus.care.codes import ATC_SYSTEM as ATC_SYSTEM
from lupus.care.codes import ICD10CM_SYSTEM as ICD10CM_SYSTEM
from lupus.care.codes import SNOMED_SYSTEM as SNOMED_SYSTEM
from lupus.care.codes import Coding as Coding
from lupus.care.codes import Drug as Drug
from lupus.care.codes import condition_coding as condition_coding
from lupus.care.codes import condition_codings as condition_codings
from lupus.care.codes import drug as drug
from lupus.care.codes import drug_keys as drug_keys
from lupus.care.codes import drugs as drugs
from lupus.care.disease_state import DORIS as DORIS
from lupus.care.disease_state import LLDAS as LLDAS
from lupus.care.disease_state import SFI as SFI
from lupus.care.disease_state import SLEDAI_2K as SLEDAI_2K
from lupus.care.disease_state import DiseaseState as DiseaseState
from lupus.care.disease_state import assessment_flag as assessment_flag
from lupus.care.disease_state import assessment_score as assessment_score
from lupus.care.disease_state import disease_state as disease_state
from lupus.care.disease_state import is_severe_flare as is_severe_flare
from lupus.care.errors import CareError as CareError
from lupus.care.errors import NotFoundError as NotFoundError
from lupus.care.errors import RecordError as RecordError
from lupus.care.errors import TransitionError as TransitionError
from lupus.care.errors import UnitError as UnitError
from lupus.care.errors import UnknownCodeError as UnknownCodeError
from lupus.care.history import ActiveTherapy as ActiveTherapy
from lupus.care.history import PatientHistory as PatientHistory
from lupus.care.history import active_therapies as active_therapies
from lupus.care.history import current_plans as current_plans
from lupus.care.labs import LOINC_SYSTEM as LOINC_SYSTEM
from lupus.care.labs import UCUM_SYSTEM as UCUM_SYSTEM
from lupus.care.labs import LabTest as LabTest
from lupus.care.labs import LabValue as LabValue
from lupus.care.labs import UnitConversion as UnitConversion
from lupus.care.labs import lab_by_key as lab_by_key
from lupus.care.labs import lab_test as lab_test
from lupus.care.labs import lab_tests as lab_tests
from lupus.care.labs import to_canonical as to_canonical
from lupus.care.monitoring import DueItem as DueItem
from lupus.care.monitoring import MonitoringItem as MonitoringItem
from lupus.care.monitoring import last_done as last_done
from lupus.care.monitoring import monitoring_due as monitoring_due
from lupus.care.monitoring import schedule_for as schedule_for
from lupus.care.monitoring import therapy_keys as therapy_keys
from lupus.care.plans import DEFAULT_INTERVAL_DAYS as DEFAULT_INTERVAL_DAYS
from lupus.care.plans import plan_from_request as plan_from_request
from lupus.care.plans import scheduled_doses as scheduled_doses
from lupus.care.records import ADMINISTRATION_STATUSES as ADMINISTRATION_STATUSES
from lupus.care.records import ADVERSE_EVENT_CATEGORIES as ADVERSE_EVENT_CATEGORIES
from lupus.care.records import APPOINTMENT_KINDS as APPOINTMENT_KINDS
from lupus.care.records import APPOINTMENT_STATUSES as APPOINTMENT_STATUSES
from lupus.care.records import PLAN_CHANGES as PLAN_CHANGES
from lupus.care.records import REPORT_KINDS as REPORT_KINDS
from lupus.care.records import SEXES as SEXES
from lupus.care.records import SYMPTOMS as SYMPTOMS
from lupus.care.records import Administration as Administration
from lupus.care.records import AdverseEvent as AdverseEvent
from lupus.care.records import Appointment as Appointment
from lupus.care.records import Assessment as Assessment
from lupus.care.records import Condition as Condition
from lupus.care.records import Immunization as Immunization
from lupus.care.records import MedicationStatement as MedicationStatement
from lupus.care.records import Message as Message
from lupus.care.records import Observation as Observation
from lupus.care.records import Patient as Patient
from lupus.care.records import Phi as Phi
from lupus.care.records import PlanVersion as PlanVersion
from lupus.care.records import QuestionnaireResponse as QuestionnaireResponse
from lupus.care.records import Report as Report
from lupus.care.records import SymptomReport as SymptomReport
from lupus.care.records import freeze as freeze
from lupus.care.records import read_datetime as read_datetime
from lupus.care.records import thaw as thaw
from lupus.care.safety import CRISIS_GUIDANCE as CRISIS_GUIDANCE
from lupus.care.safety import needs_crisis_guidance as needs_crisis_guidance
from lupus.care.schedule import next_administrations as next_administrations
from lupus.care.scoring import PHQ9_INSTRUMENT as PHQ9_INSTRUMENT
from lupus.care.scoring import assess as assess
from lupus.care.scoring import score_questionnaire as score_questionnaire

__all__ = [
    "ADMINISTRATION_STATUSES",
    "ADVERSE_EVENT_CATEGORIES",
    "ALERT_STATUSES",
    "APPOINTMENT_KINDS",
    "APPOINTMENT_STATUSES",
    "ATC_SYSTEM",
    "ActiveTherapy",
    "Adherence",
    "Administration",
    "AdverseEvent",
    "Alert",
    "AlertRule",
    "Appointment",
    "Assessment",
    "CRISIS_GUIDANCE",
    "CareError",
    "Coding",
    "Condition",
    "DEFAULT_INTERVAL_DAYS",
    "DORIS",
    "DiseaseState",
    "Drug",
    "DueItem",
    "Finding",
    "ICD10CM_SYSTEM",
    "Immunization",
    "LLDAS",
    "LOINC_SYSTEM",
    "LabTest",
    "LabValue",
    "MedicationStatement",
    "Message",
    "MonitoringItem",
    "NotFoundError",
    "Observation",
    "PHQ9_INSTRUMENT",
    "PLAN_CHANGES",
    "Patient",
    "PatientHistory",
    "Phi",
    "PlanVersion",
    "QuestionnaireResponse",
    "REPORT_KINDS",
    "RecordError",
    "Report",
    "SEVERITIES",
    "SEXES",
    "SFI",
    "SLEDAI_2K",
    "SNOMED_SYSTEM",
    "SYMPTOMS",
    "SymptomReport",
    "TransitionError",
    "UCUM_SYSTEM",
    "UnitConversion",
    "UnitError",
    "UnknownCodeError",
    "acknowledge",
    "active_therapies",
    "adherence",
    "alert_rule",
    "alert_rules",
    "assess",
    "assessment_flag",
    "assessment_score",
    "condition_coding",
    "condition_codings",
    "current_plans",
    "days_late",
    "disease_state",
    "drug",
    "drug_keys",
    "drugs",
    "evaluate",
    "freeze",
    "is_missed",
    "is_severe_flare",
    "lab_by_key",
    "lab_test",
    "lab_tests",
    "last_done",
    "monitoring_due",
    "needs_crisis_guidance",
    "next_administrations",
    "open_alert",
    "plan_from_request",
    "read_datetime",
    "resolve",
    "schedule_for",
    "scheduled_doses",
    "score_questionnaire",
    "thaw",
    "therapy_keys",
    "to_canonical",
    "tolerance_days",
    "window_closed",
]
