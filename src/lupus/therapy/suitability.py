"""Is the therapy suitable for this patient? Findings with a kind, a stable code and a source.

Kinds: ``blocker`` (contraindication, limitation of use, not indicated, trial exclusion, or no
verified dose), ``caution`` (a warning to weigh) and ``action`` (something to do first). The
rules and their messages live in the therapy tables under ``data/``; this module only decides
which apply.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Literal, cast

from lupus.therapy._data import load_table, section_source
from lupus.therapy.drugs import get_drug
from lupus.therapy.errors import PlanInputError, TherapyDataError
from lupus.therapy.request import PlanRequest

__all__ = [
    "FINDING_KINDS",
    "Finding",
    "FindingKind",
    "Suitability",
    "assess_suitability",
    "car_t_leukapheresis_day",
]

FindingKind = Literal["blocker", "caution", "action"]
FINDING_KINDS: tuple[FindingKind, ...] = ("blocker", "caution", "action")
_TABLE_OF = {"belimumab": "belimumab", "anifrolumab": "anifrolumab", "cd19-car-t": "cd19_car_t"}
_STANDARD_CLASSES = ("antimalarial", "glucocorticoid", "immunosuppressant")
_VIRUSES = {"hbv": "hepatitis B", "hcv": "hepatitis C", "hiv": "HIV"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One suitability finding: ``code`` is stable (``therapy.rule``), ``source`` cites it."""

    kind: FindingKind
    code: str
    message: str
    source: str

    def __post_init__(self) -> None:
        if self.kind not in FINDING_KINDS:
            raise PlanInputError("finding.kind", self.kind, ", ".join(FINDING_KINDS))
        if not (self.code and self.message and self.source):
            raise PlanInputError("finding", self.code, "a code, a message and a source")

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "source": self.source}


@dataclass(frozen=True, slots=True)
class Suitability:
    """The findings for one request, split by kind (each in the order the rules ran)."""

    blockers: tuple[Finding, ...]
    cautions: tuple[Finding, ...]
    actions: tuple[Finding, ...]

    @property
    def eligible(self) -> bool:
        """True when there is no blocker (cautions and actions still need attention)."""
        return not self.blockers

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.blockers + self.cautions + self.actions

    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)


class _Collector:
    """Builds findings from a table's ``[findings.X]`` entries under one jurisdiction."""

    def __init__(self, table_name: str, prefix: str, jurisdiction: str) -> None:
        self.table = load_table(table_name)
        self.prefix = prefix
        self.jurisdiction = jurisdiction
        self.found: list[Finding] = []

    def add(self, key: str, **values: Any) -> None:
        rule = self.table["findings"].get(key)
        if rule is None:
            raise TherapyDataError(f"no finding {key!r} in the {self.prefix} table")
        if "source" in rule:
            source: str | None = str(rule["source"])
        else:
            source = section_source(self.table, rule, self.jurisdiction)
        if source is None:  # the rule does not apply under this jurisdiction
            return
        self.found.append(
            Finding(
                kind=cast(FindingKind, rule["kind"]),
                code=f"{self.prefix}.{key}",
                message=str(rule["message"]).format(**values),
                source=source,
            )
        )


def _classes(drugs: tuple[str, ...]) -> list[str]:
    return [get_drug(d).drug_class for d in drugs]


def _other_biologics(request: PlanRequest) -> list[str]:
    return [
        d
        for d in request.patient.current_therapies
        if d != request.therapy and get_drug(d).drug_class in ("biologic", "cd19-directed")
    ]


def _screening(request: PlanRequest, out: _Collector) -> None:
    p = request.patient
    for key in ("hbv", "hcv", "hiv", "tb"):
        if getattr(p, key) == "unknown":
            out.add(f"{key}_unknown")
    if p.tb == "positive":
        out.add("tb_active")
    if p.latent_tb:
        out.add("latent_tb")
    if p.hbv_core_antibody:
        out.add("hbv_core_antibody")
    if p.sex == "female" and not p.pregnant:
        out.add("pregnancy_test")


def _belimumab(request: PlanRequest, out: _Collector) -> None:
    p = request.patient
    table = out.table
    age = request.age_years
    ind = table["indication"]
    if age < ind["min_age_years"]:
        out.add("not_indicated_age", age=age)
    if request.indication == "sle":
        if not p.autoantibody_positive:
            out.add("not_indicated_autoantibody_negative")
        out.add("confirm_high_disease_activity_eu")
    elif age < ind["adult_age_years"] and age >= ind["min_age_years"]:
        out.add("not_indicated_ln_child_eu", age=age)
    if not set(_classes(p.current_therapies)) & set(_STANDARD_CLASSES):
        out.add("no_standard_therapy")
    if "belimumab" in p.anaphylaxis_to:
        out.add("contraindication_anaphylaxis")
    if p.active_severe_cns_lupus:
        out.add("limitation_cns_lupus")
    others = _other_biologics(request)
    if others:
        out.add("limitation_other_biologic", drugs=", ".join(others))  # US only
        b_cell = set(table["interactions"]["b_cell_targeted"])
        targeted = [d for d in others if d in b_cell]
        rest = [d for d in others if d not in b_cell]
        if targeted:
            out.add("caution_b_cell_therapy_eu", drugs=", ".join(targeted))
        if rest:
            out.add("other_biologic_eu", drugs=", ".join(rest))
    if "cyclophosphamide" in p.current_therapies:
        out.add("caution_cyclophosphamide_eu")
    for key, what in _VIRUSES.items():
        if getattr(p, key) == "positive":
            out.add("not_studied_infection_eu", what=what)
            out.add("not_studied_infection_us", what=what)
    if p.active_infection:
        out.add("active_infection")
    live_window = int(table["vaccines"]["live_vaccine_days_before"])
    for v in p.vaccinations:
        days = (request.start_date - v.date).days
        if v.live and days < live_window:  # before or during treatment (label, immunization)
            when = (
                f"{days} days before the start date"
                if days >= 0
                else f"{-days} days after the start date, during treatment"
            )
            out.add("live_vaccine_recent", vaccine=v.vaccine, date=v.date.isoformat(), when=when)
    out.add("depression_assessment")
    if p.pregnant:
        out.add("pregnancy")
    if request.route == "sc":
        _belimumab_sc(request, out)


def _belimumab_sc(request: PlanRequest, out: _Collector) -> None:
    p = request.patient
    table = out.table
    age = request.age_years
    bands = table["sc_child_sle"]
    child = bands["minimum_age_years"] <= age < table["indication"]["adult_age_years"]
    if child:
        if request.jurisdiction == "eu":
            out.add("sc_child_eu_unverified")
        elif request.indication == "lupus_nephritis":
            out.add("sc_child_ln_unverified")
        elif p.weight_kg < bands["min_weight_kg"]:
            out.add("sc_child_under_15kg", weight=f"{p.weight_kg:g}")
        elif age < bands["caregiver_below_age_years"]:
            out.add("sc_child_caregiver")
    last = p.last_iv_dose_date
    if last is None:
        return
    if last >= request.start_date:
        out.add("switch_future_iv", last=last.isoformat())
        return
    switch = table["switch"]
    ln = request.indication == "lupus_nephritis"
    low, high = (
        (switch["ln_min_days"], switch["ln_max_days"])
        if ln
        else (
            switch["sle_min_days"],
            switch["sle_max_days"],
        )
    )
    days = (request.start_date - last).days
    if not low <= days <= high:
        out.add(
            "switch_window",
            min_days=low,
            max_days=high,
            last=last.isoformat(),
            earliest=(last + _dt.timedelta(days=low)).isoformat(),
            latest=(last + _dt.timedelta(days=high)).isoformat(),
            days=days,
        )
    if ln:
        out.add("switch_ln_iv_doses")


def _has_rzv(request: PlanRequest) -> bool:
    keywords = load_table("screening")["vaccines"]["recombinant_zoster"]["keywords"]
    return any(
        not v.live
        and v.date <= request.start_date
        and any(k in v.vaccine.lower() for k in keywords)
        for v in request.patient.vaccinations
    )


def _anifrolumab(request: PlanRequest, out: _Collector) -> None:
    p = request.patient
    age = request.age_years
    if age < out.table["indication"]["min_age_years"]:
        out.add("not_indicated_age", age=age)
    if request.indication == "lupus_nephritis":
        out.add("not_indicated_lupus_nephritis")
    if not p.autoantibody_positive:
        out.add("not_indicated_autoantibody_negative_eu")
    out.add("confirm_moderate_to_severe")
    if not set(_classes(p.current_therapies)) & set(_STANDARD_CLASSES):
        out.add("no_standard_therapy")
    if "anifrolumab" in p.anaphylaxis_to:
        out.add("contraindication_anaphylaxis")
    if p.active_severe_cns_lupus:
        out.add("limitation_cns_lupus")
    if p.active_severe_lupus_nephritis:
        out.add("limitation_severe_ln")
    others = _other_biologics(request)
    if others:
        out.add("limitation_other_biologic", drugs=", ".join(others))
    if p.active_infection:
        out.add("active_infection")
    for key, what in _VIRUSES.items():
        if getattr(p, key) == "positive":
            out.add("not_studied_infection", what=what)
    if not _has_rzv(request):
        out.add("recombinant_zoster_vaccine")
    out.add("immunizations_up_to_date")
    for v in p.vaccinations:
        if v.live and v.date >= request.start_date:
            out.add("live_vaccine_during", vaccine=v.vaccine, date=v.date.isoformat())
    if p.pregnant:
        out.add("pregnancy")


def car_t_leukapheresis_day(request: PlanRequest) -> int:
    """Protocol day of leukapheresis: ``-(manufacturing_days + 5)`` (see ``cd19_car_t.toml``)."""
    days = request.patient.manufacturing_days
    if days is None:
        raise PlanInputError(
            "patient.manufacturing_days", None, "an integer number of days", missing=True
        )
    first = int(load_table("cd19_car_t")["schedule"]["lymphodepletion_first_day"])
    return first - days


def _car_t(request: PlanRequest, out: _Collector) -> None:
    p = request.patient
    inc = out.table["inclusion"]
    out.add("investigational")
    history = set(p.prior_therapies) | set(p.current_therapies)
    classes = _classes(tuple(history))
    missing = []
    for required in inc["refractory_required_classes"]:
        if required not in classes:
            missing.append({"antimalarial": "hydroxychloroquine"}.get(required, required + "s"))
    others = sum(1 for c in classes if c in inc["refractory_other_classes"])
    if others < inc["refractory_min_other"]:
        missing.append(
            f"{inc['refractory_min_other'] - others} more immunosuppressant(s) or biologic(s)"
        )
    if missing:
        out.add("not_refractory", missing="; ".join(missing))
    if p.sledai_2k < inc["min_sledai_2k"]:
        out.add("sledai_below_threshold", sledai=p.sledai_2k, minimum=inc["min_sledai_2k"])
    if p.cd3_per_ul is None:
        out.add("cd3_unknown", minimum=inc["min_cd3_per_ul"])
    elif p.cd3_per_ul < inc["min_cd3_per_ul"]:
        out.add("cd3_below_threshold", cd3=f"{p.cd3_per_ul:g}", minimum=inc["min_cd3_per_ul"])
    out.add("organ_function")
    if p.active_infection:
        out.add("active_infection")
    for key, what in {**_VIRUSES, "tb": "tuberculosis"}.items():
        if getattr(p, key) == "positive":
            out.add("viral_positive", what=what)
    anchor = request.start_date + _dt.timedelta(days=car_t_leukapheresis_day(request))
    window = int(out.table["schedule"]["live_vaccine_days_before"])
    for v in p.vaccinations:
        if v.live and (anchor - v.date).days < window:
            out.add(
                "live_vaccine_recent",
                vaccine=v.vaccine,
                date=v.date.isoformat(),
                anchor=anchor.isoformat(),
            )
    if p.pregnant:
        out.add("pregnancy")
    cd19 = [d for d in sorted(history) if get_drug(d).drug_class == "cd19-directed"]
    if cd19:
        out.add("prior_cd19", drugs=", ".join(cd19))
    if p.active_severe_cns_lupus:
        out.add("cns_lupus")
    crcl = p.creatinine_clearance_ml_min
    if crcl is None:
        out.add("creatinine_clearance_unknown")
    elif crcl < inc["fludarabine_crcl_caution_ml_min"]:
        out.add("fludarabine_renal", crcl=f"{crcl:g}")
    out.add("prophylaxis")


def assess_suitability(request: PlanRequest) -> Suitability:
    """Indications, contraindications, limitations, warnings and trial criteria for ``request``."""
    therapy = _TABLE_OF[request.therapy]
    out = _Collector(therapy, request.therapy, request.jurisdiction)
    if request.therapy == "belimumab":
        _belimumab(request, out)
    elif request.therapy == "anifrolumab":
        _anifrolumab(request, out)
    else:
        _car_t(request, out)
    screening = _Collector("screening", "screening", request.jurisdiction)
    _screening(request, screening)
    found = out.found + screening.found
    return Suitability(
        blockers=tuple(f for f in found if f.kind == "blocker"),
        cautions=tuple(f for f in found if f.kind == "caution"),
        actions=tuple(f for f in found if f.kind == "action"),
    )
