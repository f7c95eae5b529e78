"""Disease state at each visit, read from stored instrument assessments.

Scoring is never done here: the clinical instruments (``lupus.clinical``) score at entry and
the result is stored with the assessment. This module only reads the results back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lupus.care.history import PatientHistory
from lupus.care.records import Assessment

__all__ = [
    "DORIS",
    "LLDAS",
    "SFI",
    "SLEDAI_2K",
    "DiseaseState",
    "assessment_flag",
    "assessment_score",
    "disease_state",
    "is_severe_flare",
]

# Instrument ids in the lupus.clinical registry.
SLEDAI_2K = "sledai-2k"
LLDAS = "lldas"
DORIS = "doris"
SFI = "flare-index"

_SCORE_KEYS = ("score", "total", "sledai_2k")
_FLAG_KEYS = ("met", "lldas", "doris", "remission", "achieved", "in_state")


def _first(result: Mapping[str, Any], keys: tuple[str, ...], kind: type) -> Any:
    for key in keys:
        value = result.get(key)
        if isinstance(value, kind) and not (kind is not bool and isinstance(value, bool)):
            return value
    return None


def assessment_score(assessment: Assessment) -> float | None:
    """The numeric total of an instrument result (``score`` or ``total``)."""
    value = _first(assessment.result, _SCORE_KEYS, int | float)  # type: ignore[arg-type]
    return None if value is None else float(value)


def _sledai_total(assessment: Assessment | None) -> int | None:
    """SLEDAI-2K totals are sums of integer weights (Gladman 2002): report them as integers."""
    value = None if assessment is None else assessment_score(assessment)
    return None if value is None else round(value)


def assessment_flag(assessment: Assessment) -> bool | None:
    """The yes/no outcome of a state definition (LLDAS, DORIS)."""
    value = _first(assessment.result, _FLAG_KEYS, bool)
    return None if value is None else bool(value)


def is_severe_flare(assessment: Assessment) -> bool:
    """True when a SELENA-SLEDAI Flare Index result says the flare is severe."""
    for key in ("category", "flare", "severity"):
        value = assessment.result.get(key)
        if isinstance(value, str) and value.lower() == "severe":
            return True
    return False


@dataclass(frozen=True, slots=True)
class DiseaseState:
    sledai_2k: int | None
    sledai_2k_date: dt.date | None
    lldas: bool | None
    doris: bool | None

    def to_json(self) -> dict[str, Any]:
        return {
            "sledai_2k": {
                "score": self.sledai_2k,
                "date": None if self.sledai_2k_date is None else self.sledai_2k_date.isoformat(),
            },
            "lldas": self.lldas,
            "doris": self.doris,
        }


def disease_state(history: PatientHistory, on_or_before: dt.date | None = None) -> DiseaseState:
    """The latest SLEDAI-2K score, LLDAS and DORIS outcomes on or before a day."""

    def latest(instrument: str) -> Assessment | None:
        found = [
            a
            for a in history.assessments_of(instrument)
            if on_or_before is None or a.date <= on_or_before
        ]
        return found[-1] if found else None

    sledai = latest(SLEDAI_2K)
    lldas = latest(LLDAS)
    doris = latest(DORIS)
    return DiseaseState(
        sledai_2k=_sledai_total(sledai),
        sledai_2k_date=None if sledai is None else sledai.date,
        lldas=None if lldas is None else assessment_flag(lldas),
        doris=None if doris is None else assessment_flag(doris),
    )
