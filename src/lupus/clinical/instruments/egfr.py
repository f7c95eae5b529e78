"""CKD-EPI 2021 race-free creatinine eGFR (Inker NEJM 2021), adults only.

Coefficients live in ``data/egfr_ckd_epi_2021.toml``. :func:`egfr_ckd_epi_2021` also accepts
numpy arrays (the simulator's observation model calls it over a population).

>>> round(egfr_ckd_epi_2021(0.7, 50, "female"), 6)  # 142 x 0.9938^50 x 1.012
105.297601
>>> result = score_egfr(parse({"creatinine_umol_per_l": 88.42, "age_years": 60, "sex": "male"}))
>>> round(result.egfr, 3)
86.163
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final, Literal, overload

import numpy as np
from numpy.typing import NDArray

from lupus.clinical._check import check_choice, check_number
from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instrument import Instrument

__all__ = [
    "INSTRUMENT",
    "EgfrInput",
    "EgfrResult",
    "egfr_ckd_epi_2021",
    "parse",
    "score_egfr",
]

_TABLE = load_table("egfr_ckd_epi_2021")
_C = _TABLE["constants"]
MULTIPLIER: Final[float] = float(_C["multiplier"])
MAX_EXPONENT: Final[float] = float(_C["max_exponent"])
AGE_BASE: Final[float] = float(_C["age_base"])
FEMALE_FACTOR: Final[float] = float(_C["female_factor"])
MINIMUM_AGE_YEARS: Final[int] = int(_C["minimum_age_years"])
KAPPA: Final[dict[str, float]] = {s: float(v["kappa"]) for s, v in _TABLE["sex"].items()}
ALPHA: Final[dict[str, float]] = {s: float(v["alpha"]) for s, v in _TABLE["sex"].items()}
UMOL_PER_MG: Final[float] = float(_TABLE["units"]["umol_per_l_per_mg_per_dl"])
SEXES: Final[tuple[str, ...]] = ("female", "male")
MAX_CREATININE_MG_DL: Final[float] = 40.0  # input sanity bound, not a clinical rule
MAX_AGE_YEARS: Final[float] = 120.0  # input sanity bound, not a clinical rule

Sex = Literal["female", "male"]


@overload
def egfr_ckd_epi_2021(creatinine_mg_dl: float, age_years: float, sex: str) -> float: ...
@overload
def egfr_ckd_epi_2021(
    creatinine_mg_dl: NDArray[np.floating[Any]] | float,
    age_years: NDArray[np.floating[Any]] | float,
    sex: NDArray[np.str_] | str,
) -> NDArray[np.float64] | float: ...


def egfr_ckd_epi_2021(
    creatinine_mg_dl: NDArray[np.floating[Any]] | float,
    age_years: NDArray[np.floating[Any]] | float,
    sex: NDArray[np.str_] | str,
) -> NDArray[np.float64] | float:
    """eGFR in mL/min/1.73 m2 from serum creatinine (mg/dL, IDMS), age (years, >= 18) and sex.

    142 x min(Scr/k, 1)^a x max(Scr/k, 1)^-1.200 x 0.9938^age x 1.012 [female];
    k = 0.7 (female) / 0.9 (male), a = -0.241 (female) / -0.302 (male) (Inker 2021).
    Scalars give a float; any numpy array argument gives an array (arguments broadcast).

    >>> egfr_ckd_epi_2021(np.array([0.7, 1.4]), 50, "female").round(3)
    array([105.298,  45.833])
    """
    if not any(isinstance(a, np.ndarray) for a in (creatinine_mg_dl, age_years, sex)):
        return _egfr_scalar(float(creatinine_mg_dl), float(age_years), str(sex))
    scr = np.asarray(creatinine_mg_dl, dtype=np.float64)
    age = np.asarray(age_years, dtype=np.float64)
    sexes = np.asarray(sex)
    if not np.all(np.isin(sexes, SEXES)):
        bad = sexes[~np.isin(sexes, SEXES)].ravel()[0]
        raise InstrumentInputError("sex", str(bad), 'one of: "female", "male"')
    if not np.all(np.isfinite(scr) & (scr > 0)):
        raise InstrumentInputError("creatinine_mg_per_dl", scr.tolist(), "numbers above 0")
    if not np.all(age >= MINIMUM_AGE_YEARS):
        raise InstrumentInputError("age_years", age.tolist(), _age_text())
    female = sexes == "female"
    kappa = np.where(female, KAPPA["female"], KAPPA["male"])
    alpha = np.where(female, ALPHA["female"], ALPHA["male"])
    ratio = scr / kappa
    value = (
        MULTIPLIER
        * np.minimum(ratio, 1.0) ** alpha
        * np.maximum(ratio, 1.0) ** MAX_EXPONENT
        * AGE_BASE**age
        * np.where(female, FEMALE_FACTOR, 1.0)
    )
    return np.asarray(value, dtype=np.float64)


def _age_text() -> str:
    return (
        f"an age of at least {MINIMUM_AGE_YEARS} years (CKD-EPI 2021 is an adult equation; "
        "for younger patients use CKiD U25 or bedside Schwartz)"
    )


def _egfr_scalar(scr: float, age: float, sex: str) -> float:
    if sex not in SEXES:
        raise InstrumentInputError("sex", sex, 'one of: "female", "male"')
    if not (math.isfinite(scr) and scr > 0):
        raise InstrumentInputError("creatinine_mg_per_dl", scr, "a number above 0")
    if not age >= MINIMUM_AGE_YEARS:
        raise InstrumentInputError("age_years", age, _age_text())
    ratio = scr / KAPPA[sex]
    value = (
        MULTIPLIER
        * min(ratio, 1.0) ** ALPHA[sex]
        * max(ratio, 1.0) ** MAX_EXPONENT
        * AGE_BASE**age
        * (FEMALE_FACTOR if sex == "female" else 1.0)
    )
    return float(value)


@dataclass(frozen=True, slots=True)
class EgfrInput:
    """Serum creatinine in mg/dL (converted at the edge), age in years, sex."""

    creatinine_mg_per_dl: float
    age_years: float
    sex: Sex
    creatinine_given_as: Literal["mg/dL", "umol/L"] = "mg/dL"

    def __post_init__(self) -> None:
        check_number(
            "creatinine_mg_per_dl",
            self.creatinine_mg_per_dl,
            minimum=0,
            exclusive_minimum=True,
            maximum=MAX_CREATININE_MG_DL,
            unit="mg/dL",
        )
        if (
            isinstance(self.age_years, bool)
            or not isinstance(self.age_years, int | float)
            or not MINIMUM_AGE_YEARS <= self.age_years <= MAX_AGE_YEARS
        ):
            raise InstrumentInputError("age_years", self.age_years, _age_text())
        check_choice("sex", self.sex, SEXES)
        check_choice("creatinine_given_as", self.creatinine_given_as, ("mg/dL", "umol/L"))


@dataclass(frozen=True, slots=True)
class EgfrResult:
    """The eGFR and the equation terms that produced it."""

    egfr: float
    creatinine_mg_per_dl: float
    age_years: float
    sex: Sex
    kappa: float
    alpha: float

    def to_json(self) -> dict[str, Any]:
        ratio = self.creatinine_mg_per_dl / self.kappa
        return {
            "egfr": self.egfr,
            "unit": "mL/min/1.73 m2",
            "equation": "CKD-EPI 2021 creatinine, race-free (Inker NEJM 2021)",
            "creatinine_mg_per_dl": self.creatinine_mg_per_dl,
            "terms": {
                "multiplier": MULTIPLIER,
                "kappa": self.kappa,
                "alpha": self.alpha,
                "scr_over_kappa": ratio,
                "min_term": min(ratio, 1.0) ** self.alpha,
                "max_term": max(ratio, 1.0) ** MAX_EXPONENT,
                "age_factor": AGE_BASE**self.age_years,
                "sex_factor": FEMALE_FACTOR if self.sex == "female" else 1.0,
            },
            "rule": (
                f"{self.sex}: creatinine/kappa = {ratio:.4g} "
                + (
                    f"<= 1, so the alpha term (Scr/kappa)^{self.alpha:g} applies"
                    if ratio <= 1
                    else f"> 1, so the term (Scr/kappa)^{MAX_EXPONENT:g} applies"
                )
            ),
        }


def parse(data: Any) -> EgfrInput:
    """Read the JSON input; exactly one of the two creatinine keys."""
    reader = Reader(data)
    has_mg = reader.has("creatinine_mg_per_dl")
    has_umol = reader.has("creatinine_umol_per_l")
    if has_mg and has_umol:
        raise InstrumentInputError(
            "creatinine_umol_per_l",
            data["creatinine_umol_per_l"],
            "exactly one of creatinine_mg_per_dl or creatinine_umol_per_l (both given)",
        )
    if not has_mg and not has_umol:
        raise InstrumentInputError(
            "creatinine_mg_per_dl",
            None,
            "exactly one of creatinine_mg_per_dl (mg/dL) or creatinine_umol_per_l (umol/L)",
            missing=True,
        )
    if has_mg:
        scr = reader.number(
            "creatinine_mg_per_dl",
            minimum=0,
            exclusive_minimum=True,
            maximum=MAX_CREATININE_MG_DL,
            unit="mg/dL",
        )
        given: Literal["mg/dL", "umol/L"] = "mg/dL"
    else:
        umol = reader.number(
            "creatinine_umol_per_l",
            minimum=0,
            exclusive_minimum=True,
            maximum=round(MAX_CREATININE_MG_DL * UMOL_PER_MG, 1),
            unit="umol/L",
        )
        scr = umol / UMOL_PER_MG  # 88.42 umol/L per mg/dL
        given = "umol/L"
    age_value = reader.raw("age_years", allowed=_age_text())
    if isinstance(age_value, int | float) and not isinstance(age_value, bool):
        if age_value < MINIMUM_AGE_YEARS:
            raise InstrumentInputError("age_years", age_value, _age_text())
    age = reader.number("age_years", minimum=MINIMUM_AGE_YEARS, maximum=MAX_AGE_YEARS)
    sex = reader.choice("sex", SEXES)
    reader.finish()
    return EgfrInput(
        creatinine_mg_per_dl=scr,
        age_years=age,
        sex="female" if sex == "female" else "male",
        creatinine_given_as=given,
    )


def score_egfr(data: EgfrInput) -> EgfrResult:
    """CKD-EPI 2021 eGFR for one adult, unrounded."""
    return EgfrResult(
        egfr=egfr_ckd_epi_2021(data.creatinine_mg_per_dl, data.age_years, data.sex),
        creatinine_mg_per_dl=data.creatinine_mg_per_dl,
        age_years=data.age_years,
        sex=data.sex,
        kappa=KAPPA[data.sex],
        alpha=ALPHA[data.sex],
    )


INSTRUMENT = Instrument(
    id="egfr",
    title="eGFR, CKD-EPI 2021 creatinine equation (race-free, adults)",
    source=_TABLE["source"]["citation"],
    version=_TABLE["source"]["version"],
    parse=parse,
    score=score_egfr,
    example={"creatinine_mg_per_dl": 0.9, "age_years": 40, "sex": "female"},
    notes="Adults (>= 18 years) only; creatinine must be IDMS-traceable; "
    "umol/L is divided by 88.42.",
)
