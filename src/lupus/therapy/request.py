"""What a plan is asked for: the patient record and the therapy request (frozen, validated).

The JSON form is documented in ``docs/therapy.md``; :func:`read_plan_request` is the strict
reader (unknown keys are errors, booleans are never numbers) and ``to_json`` writes it back.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

from lupus.clinical._parse import Reader
from lupus.clinical.errors import InstrumentInputError
from lupus.therapy.drugs import drug_names
from lupus.therapy.errors import PlanInputError, UnsupportedRouteError

__all__ = [
    "INDICATIONS",
    "JURISDICTIONS",
    "MAX_WEEKS",
    "ROUTES",
    "SCREENING_STATUSES",
    "SEXES",
    "THERAPIES",
    "Indication",
    "Jurisdiction",
    "Patient",
    "PlanRequest",
    "Route",
    "ScreeningStatus",
    "Therapy",
    "Vaccination",
    "age_in_years",
    "read_patient",
    "read_plan_request",
]

Therapy = Literal["belimumab", "anifrolumab", "cd19-car-t"]
Route = Literal["iv", "sc"]
Indication = Literal["sle", "lupus_nephritis"]
Jurisdiction = Literal["us", "eu"]
ScreeningStatus = Literal["negative", "positive", "unknown"]
Sex = Literal["female", "male"]

THERAPIES: tuple[Therapy, ...] = ("belimumab", "anifrolumab", "cd19-car-t")
ROUTES: tuple[Route, ...] = ("iv", "sc")
INDICATIONS: tuple[Indication, ...] = ("sle", "lupus_nephritis")
JURISDICTIONS: tuple[Jurisdiction, ...] = ("us", "eu")
SCREENING_STATUSES: tuple[ScreeningStatus, ...] = ("negative", "positive", "unknown")
SEXES: tuple[Sex, ...] = ("female", "male")
#: Longest plan, in weeks (10 years): a bound so that a typo cannot ask for millions of doses.
MAX_WEEKS = 520
VACCINE_NAME_MAX = 200  # characters; the JSON reader's bound on a vaccine name
SLEDAI_2K_MAX = 105  # sum of all SLEDAI-2K descriptor weights (Gladman 2002; instruments.md §1)

_T = TypeVar("_T")


def age_in_years(birth_date: _dt.date, on: _dt.date) -> int:
    """Completed years of age on ``on``.

    >>> age_in_years(_dt.date(2000, 6, 15), _dt.date(2018, 6, 14))
    17
    >>> age_in_years(_dt.date(2000, 6, 15), _dt.date(2018, 6, 15))
    18
    """
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def _check_choice(field: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise PlanInputError(field, value, "one of: " + ", ".join(f'"{c}"' for c in choices))


def _check_drugs(field: str, names: tuple[str, ...]) -> None:
    allowed = drug_names()
    if not isinstance(names, tuple):
        raise PlanInputError(field, names, "a tuple of drug names")
    for i, name in enumerate(names):
        if name not in allowed:
            raise PlanInputError(f"{field}[{i}]", name, "one of: " + ", ".join(allowed))
        if name in names[:i]:
            raise PlanInputError(f"{field}[{i}]", name, "each id at most once")


def _check_bool(field: str, value: object, *, optional: bool = False) -> None:
    if optional and value is None:
        return
    if not isinstance(value, bool):
        raise PlanInputError(field, value, "true or false" + (", or null" if optional else ""))


def _check_date(field: str, value: object, *, optional: bool = False) -> None:
    if optional and value is None:
        return
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise PlanInputError(field, value, "a calendar date as YYYY-MM-DD")


def _check_number(
    field: str, value: object, low: float, high: float | None, allowed: str, *, low_open: bool
) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        number = float(cast(float, value))
        ok = (number > low if low_open else number >= low) and (high is None or number <= high)
    if not ok:
        raise PlanInputError(field, value, allowed)


def _check_int(field: str, value: object, low: int, high: int, allowed: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PlanInputError(field, value, allowed)


@dataclass(frozen=True, slots=True)
class Vaccination:
    """One recorded (or scheduled) vaccination."""

    vaccine: str
    live: bool
    date: _dt.date

    def __post_init__(self) -> None:
        if not isinstance(self.vaccine, str) or not self.vaccine.strip():
            raise PlanInputError("vaccination.vaccine", self.vaccine, "a non-empty vaccine name")
        if len(self.vaccine) > VACCINE_NAME_MAX:
            raise PlanInputError(
                "vaccination.vaccine",
                self.vaccine,
                f"a vaccine name of at most {VACCINE_NAME_MAX} characters",
            )
        _check_bool("vaccination.live", self.live)
        _check_date("vaccination.date", self.date)

    def to_json(self) -> dict[str, Any]:
        return {"vaccine": self.vaccine, "live": self.live, "date": self.date.isoformat()}


@dataclass(frozen=True, slots=True)
class Patient:
    """The patient record a plan is made for (field meanings: ``docs/therapy.md``)."""

    birth_date: _dt.date
    sex: Sex
    weight_kg: float
    height_cm: float
    autoantibody_positive: bool
    sledai_2k: int
    active_severe_cns_lupus: bool
    active_severe_lupus_nephritis: bool
    prior_therapies: tuple[str, ...]
    current_therapies: tuple[str, ...]
    active_infection: bool
    hbv: ScreeningStatus
    hcv: ScreeningStatus
    hiv: ScreeningStatus
    tb: ScreeningStatus
    anaphylaxis_to: tuple[str, ...]
    vaccinations: tuple[Vaccination, ...]
    pregnant: bool
    cd3_per_ul: float | None
    hbv_core_antibody: bool | None = None
    latent_tb: bool | None = None
    last_iv_dose_date: _dt.date | None = None
    creatinine_clearance_ml_min: float | None = None
    manufacturing_days: int | None = None

    def __post_init__(self) -> None:
        _check_date("patient.birth_date", self.birth_date)
        _check_choice("patient.sex", self.sex, SEXES)
        _check_number(
            "patient.weight_kg", self.weight_kg, 0, 400, "a number above 0 to 400", low_open=True
        )
        _check_number(
            "patient.height_cm", self.height_cm, 30, 250, "a number from 30 to 250", low_open=False
        )
        _check_int(
            "patient.sledai_2k", self.sledai_2k, 0, SLEDAI_2K_MAX, "an integer from 0 to 105"
        )
        for flag in (
            "autoantibody_positive",
            "active_severe_cns_lupus",
            "active_severe_lupus_nephritis",
            "active_infection",
            "pregnant",
        ):
            _check_bool(f"patient.{flag}", getattr(self, flag))
        for flag in ("hbv_core_antibody", "latent_tb"):
            _check_bool(f"patient.{flag}", getattr(self, flag), optional=True)
        for name in ("hbv", "hcv", "hiv", "tb"):
            _check_choice(f"patient.{name}", getattr(self, name), SCREENING_STATUSES)
        _check_drugs("patient.prior_therapies", self.prior_therapies)
        _check_drugs("patient.current_therapies", self.current_therapies)
        _check_drugs("patient.anaphylaxis_to", self.anaphylaxis_to)
        if not isinstance(self.vaccinations, tuple):
            raise PlanInputError(
                "patient.vaccinations", self.vaccinations, "a tuple of Vaccination"
            )
        for i, v in enumerate(self.vaccinations):
            if not isinstance(v, Vaccination):
                raise PlanInputError(f"patient.vaccinations[{i}]", v, "a Vaccination")
        if self.cd3_per_ul is not None:
            _check_number(
                "patient.cd3_per_ul",
                self.cd3_per_ul,
                0,
                None,
                "a number of at least 0",
                low_open=False,
            )
        crcl = self.creatinine_clearance_ml_min
        if crcl is not None:
            _check_number(
                "patient.creatinine_clearance_ml_min",
                crcl,
                0,
                300,
                "a number in mL/min from 0 to 300",
                low_open=False,
            )
        _check_date("patient.last_iv_dose_date", self.last_iv_dose_date, optional=True)
        if self.manufacturing_days is not None:
            _check_int(
                "patient.manufacturing_days",
                self.manufacturing_days,
                1,
                120,
                "an integer from 1 to 120",
            )

    def age_on(self, day: _dt.date) -> int:
        """Completed years of age on ``day``."""
        return age_in_years(self.birth_date, day)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex,
            "weight_kg": self.weight_kg,
            "height_cm": self.height_cm,
            "autoantibody_positive": self.autoantibody_positive,
            "sledai_2k": self.sledai_2k,
            "active_severe_cns_lupus": self.active_severe_cns_lupus,
            "active_severe_lupus_nephritis": self.active_severe_lupus_nephritis,
            "prior_therapies": list(self.prior_therapies),
            "current_therapies": list(self.current_therapies),
            "active_infection": self.active_infection,
            "hbv": self.hbv,
            "hcv": self.hcv,
            "hiv": self.hiv,
            "tb": self.tb,
            "anaphylaxis_to": list(self.anaphylaxis_to),
            "vaccinations": [v.to_json() for v in self.vaccinations],
            "pregnant": self.pregnant,
            "cd3_per_ul": self.cd3_per_ul,
        }
        optional: dict[str, Any] = {
            "hbv_core_antibody": self.hbv_core_antibody,
            "latent_tb": self.latent_tb,
            "last_iv_dose_date": (
                self.last_iv_dose_date.isoformat() if self.last_iv_dose_date else None
            ),
            "creatinine_clearance_ml_min": self.creatinine_clearance_ml_min,
            "manufacturing_days": self.manufacturing_days,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        return out


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """A request for a treatment plan. ``route`` is normalised: ``"iv"`` unless belimumab SC."""

    patient: Patient
    therapy: Therapy
    route: Route
    indication: Indication
    start_date: _dt.date
    weeks: int
    jurisdiction: Jurisdiction = "us"

    def __post_init__(self) -> None:
        if not isinstance(self.patient, Patient):
            raise PlanInputError("patient", self.patient, "a PATIENT object")
        _check_date("start_date", self.start_date)
        _check_choice("therapy", self.therapy, THERAPIES)
        _check_choice("route", self.route, ROUTES)
        _check_choice("indication", self.indication, INDICATIONS)
        _check_choice("jurisdiction", self.jurisdiction, JURISDICTIONS)
        if self.therapy == "anifrolumab" and self.route != "iv":
            raise UnsupportedRouteError(
                "route",
                self.route,
                '"iv" for anifrolumab (the subcutaneous form has no verified label text here)',
            )
        if self.therapy == "cd19-car-t" and self.route != "iv":
            raise UnsupportedRouteError("route", self.route, '"iv" for cd19-car-t')
        _check_int("weeks", self.weeks, 1, MAX_WEEKS, f"an integer from 1 to {MAX_WEEKS}")
        if self.patient.birth_date > self.start_date:
            raise PlanInputError(
                "patient.birth_date",
                self.patient.birth_date.isoformat(),
                f"a date on or before start_date ({self.start_date.isoformat()})",
            )
        last_iv = self.patient.last_iv_dose_date
        if last_iv is not None and last_iv < self.patient.birth_date:
            raise PlanInputError(
                "patient.last_iv_dose_date", last_iv.isoformat(), "a date after birth_date"
            )
        if self.therapy == "cd19-car-t" and self.patient.manufacturing_days is None:
            raise PlanInputError(
                "patient.manufacturing_days",
                None,
                "an integer number of days from leukapheresis to product release, required for "
                "cd19-car-t (the protocol sets it; no default is assumed)",
                missing=True,
            )

    @property
    def end_date(self) -> _dt.date:
        """First day after the plan: ``start_date + 7 x weeks`` (exclusive)."""
        return self.start_date + _dt.timedelta(days=7 * self.weeks)

    @property
    def age_years(self) -> int:
        """The patient's age on ``start_date``."""
        return self.patient.age_on(self.start_date)

    @classmethod
    def from_json(cls, data: Any) -> PlanRequest:
        return read_plan_request(data)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "patient": self.patient.to_json(),
            "therapy": self.therapy,
            "route": self.route,
            "indication": self.indication,
            "start_date": self.start_date.isoformat(),
            "weeks": self.weeks,
            "jurisdiction": self.jurisdiction,
        }
        return out


@contextmanager
def _as_plan_errors() -> Iterator[None]:
    """Re-raise the strict reader's errors as :class:`PlanInputError` (same message)."""
    try:
        yield
    except InstrumentInputError as exc:
        raise PlanInputError(exc.field, exc.value, exc.allowed, missing=exc.missing) from exc


def _optional(r: Reader, key: str, read: Callable[[str], _T]) -> _T | None:
    if not r.has(key) or r.raw(key, None) is None:
        r.raw(key, None)
        return None
    return read(key)


def _read_vaccinations(r: Reader, key: str) -> tuple[Vaccination, ...]:
    out = []
    for i, item in enumerate(r.array(key)):
        v = Reader(item, f"{r.field(key)}[{i}]")
        vaccine = v.text("vaccine", max_length=VACCINE_NAME_MAX)
        if not vaccine.strip():
            raise PlanInputError(v.field("vaccine"), vaccine, "a non-empty vaccine name")
        out.append(Vaccination(vaccine=vaccine, live=v.boolean("live"), date=v.date("date")))
        v.finish()
    return tuple(out)


def _read_drugs(r: Reader, key: str) -> tuple[str, ...]:
    return r.ids(key, drug_names(), what="drug names")


def read_patient(data: Any, path: str = "patient") -> Patient:
    """Read the PATIENT object strictly (see ``docs/therapy.md``)."""
    with _as_plan_errors():
        r = Reader(data, path)
        statuses = SCREENING_STATUSES
        if not r.has("cd3_per_ul"):  # required, but null when not measured
            allowed = "a number in cells/uL of at least 0, or null when not measured"
            raise PlanInputError(r.field("cd3_per_ul"), None, allowed, missing=True)
        cd3 = r.optional_number("cd3_per_ul", minimum=0, unit="cells/uL")
        patient = Patient(
            birth_date=r.date("birth_date"),
            sex=cast(Sex, r.choice("sex", SEXES)),
            weight_kg=r.number(
                "weight_kg", minimum=0, maximum=400, exclusive_minimum=True, unit="kg"
            ),
            height_cm=r.number("height_cm", minimum=30, maximum=250, unit="cm"),
            autoantibody_positive=r.boolean("autoantibody_positive"),
            sledai_2k=r.integer("sledai_2k", minimum=0, maximum=SLEDAI_2K_MAX),
            active_severe_cns_lupus=r.boolean("active_severe_cns_lupus"),
            active_severe_lupus_nephritis=r.boolean("active_severe_lupus_nephritis"),
            prior_therapies=_read_drugs(r, "prior_therapies"),
            current_therapies=_read_drugs(r, "current_therapies"),
            active_infection=r.boolean("active_infection"),
            hbv=cast(ScreeningStatus, r.choice("hbv", statuses)),
            hcv=cast(ScreeningStatus, r.choice("hcv", statuses)),
            hiv=cast(ScreeningStatus, r.choice("hiv", statuses)),
            tb=cast(ScreeningStatus, r.choice("tb", statuses)),
            anaphylaxis_to=_read_drugs(r, "anaphylaxis_to"),
            vaccinations=_read_vaccinations(r, "vaccinations"),
            pregnant=r.boolean("pregnant"),
            cd3_per_ul=cd3,
            hbv_core_antibody=_optional(r, "hbv_core_antibody", r.boolean),
            latent_tb=_optional(r, "latent_tb", r.boolean),
            last_iv_dose_date=_optional(r, "last_iv_dose_date", r.date),
            creatinine_clearance_ml_min=r.optional_number(
                "creatinine_clearance_ml_min", minimum=0, maximum=300, unit="mL/min"
            ),
            manufacturing_days=_optional(
                r, "manufacturing_days", lambda k: r.integer(k, minimum=1, maximum=120)
            ),
        )
        r.finish()
    return patient


def read_plan_request(data: Any) -> PlanRequest:
    """Read a plan request (the ``lupus plan`` FILE) strictly; raises :class:`PlanInputError`."""
    with _as_plan_errors():
        r = Reader(data)
        patient = read_patient(r.raw("patient", allowed="a PATIENT object"))
        therapy = cast(Therapy, r.choice("therapy", THERAPIES))
        if therapy == "belimumab":
            route = r.choice("route", ROUTES)
        else:
            route = r.choice("route", ROUTES, default="iv")
        indication = cast(Indication, r.choice("indication", INDICATIONS))
        start_date = r.date("start_date")
        weeks = r.integer("weeks", minimum=1, maximum=MAX_WEEKS)
        jurisdiction = cast(Jurisdiction, r.choice("jurisdiction", JURISDICTIONS, default="us"))
        r.finish()
    return PlanRequest(
        patient=patient,
        therapy=therapy,
        route=cast(Route, route),
        indication=indication,
        start_date=start_date,
        weeks=weeks,
        jurisdiction=jurisdiction,
    )
