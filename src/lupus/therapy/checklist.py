"""The pre-treatment checklist: tests to order, vaccines to bring up to date, and what the
record already satisfies (``data/screening.toml``)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Literal

from lupus.therapy._data import load_table
from lupus.therapy.errors import PlanInputError
from lupus.therapy.request import PlanRequest

__all__ = ["CHECKLIST_KINDS", "CHECKLIST_STATUSES", "ChecklistItem", "build_checklist"]

ChecklistKind = Literal["test", "assessment", "vaccine"]
ChecklistStatus = Literal["to_do", "on_record"]
CHECKLIST_KINDS: tuple[ChecklistKind, ...] = ("test", "assessment", "vaccine")
CHECKLIST_STATUSES: tuple[ChecklistStatus, ...] = ("to_do", "on_record")


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One thing to have before the first dose; ``status`` says whether the record has it."""

    code: str
    kind: ChecklistKind
    item: str
    status: ChecklistStatus
    note: str | None
    source: str

    def __post_init__(self) -> None:
        if self.kind not in CHECKLIST_KINDS:
            raise PlanInputError("checklist.kind", self.kind, ", ".join(CHECKLIST_KINDS))
        if self.status not in CHECKLIST_STATUSES:
            raise PlanInputError("checklist.status", self.status, ", ".join(CHECKLIST_STATUSES))

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "item": self.item,
            "status": self.status,
            "note": self.note,
            "source": self.source,
        }


def _item(
    section: str, code: str, kind: ChecklistKind, status: ChecklistStatus, note: str | None
) -> ChecklistItem:
    entry = load_table("screening")[section][code]
    return ChecklistItem(
        code=code, kind=kind, item=entry["item"], status=status, note=note, source=entry["source"]
    )


def _vaccine_record(request: PlanRequest, code: str) -> _dt.date | None:
    """Latest non-live dose of vaccine ``code`` on or before start_date that still counts."""
    entry = load_table("screening")["vaccines"][code]
    keywords = entry["keywords"]
    valid_days = entry.get("valid_days")
    latest: _dt.date | None = None
    for v in request.patient.vaccinations:
        if v.live or v.date > request.start_date:
            continue
        if not any(k in v.vaccine.lower() for k in keywords):
            continue
        if valid_days is not None and (request.start_date - v.date).days > valid_days:
            continue
        latest = v.date if latest is None or v.date > latest else latest
    return latest


def build_checklist(request: PlanRequest) -> tuple[ChecklistItem, ...]:
    """Tests, assessments and vaccines before the first dose, with what the record satisfies."""
    p = request.patient
    items: list[ChecklistItem] = []
    for code in ("hbv", "hcv", "hiv", "tb"):
        status = getattr(p, code)
        if status == "unknown":
            items.append(_item("tests", code, "test", "to_do", None))
        else:
            note = f"recorded: {status}"
            if status == "positive":
                note += " (see blockers and cautions)"
            if code == "hbv" and p.hbv_core_antibody:
                note += "; anti-HBc positive (see actions)"
            if code == "tb" and p.latent_tb:
                note += "; latent TB (see actions)"
            items.append(_item("tests", code, "test", "on_record", note))
    if p.sex == "female":
        if p.pregnant:
            items.append(_item("tests", "pregnancy", "test", "on_record", "recorded: pregnant"))
        else:
            items.append(_item("tests", "pregnancy", "test", "to_do", None))
    items.append(_item("tests", "igg", "test", "to_do", None))
    if request.therapy == "belimumab" and request.jurisdiction == "eu":
        items.append(_item("tests", "iga", "test", "to_do", None))
    items.append(_item("tests", "baseline_labs", "test", "to_do", None))
    if request.therapy == "belimumab":
        items.append(_item("tests", "phq9", "assessment", "to_do", None))
    if request.therapy == "cd19-car-t":
        if p.cd3_per_ul is None:
            items.append(_item("tests", "cd3", "test", "to_do", None))
        else:
            items.append(
                _item("tests", "cd3", "test", "on_record", f"recorded: {p.cd3_per_ul:g}/uL")
            )
        crcl = p.creatinine_clearance_ml_min
        if crcl is None:
            items.append(_item("tests", "creatinine_clearance", "test", "to_do", None))
        else:
            note = f"recorded: {crcl:g} mL/min"
            items.append(_item("tests", "creatinine_clearance", "test", "on_record", note))
        items.append(_item("tests", "car_t_serology", "test", "to_do", None))
        items.append(_item("tests", "organ_function", "test", "to_do", None))
    vaccines = load_table("screening")["vaccines"]
    for code in ("influenza", "pneumococcal", "recombinant_zoster"):
        if request.age_years < vaccines[code].get("min_age_years", 0):
            continue
        latest = _vaccine_record(request, code)
        if latest is None:
            items.append(_item("vaccines", code, "vaccine", "to_do", None))
        else:
            note = f"recorded: {latest.isoformat()}"
            items.append(_item("vaccines", code, "vaccine", "on_record", note))
    return tuple(items)
