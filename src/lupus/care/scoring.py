"""Score instrument inputs at entry with the clinical instruments (never re-implemented here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from lupus.care.records import Assessment, QuestionnaireResponse, freeze, thaw
from lupus.clinical import get_instrument

__all__ = ["PHQ9_INSTRUMENT", "assess", "score_questionnaire"]

PHQ9_INSTRUMENT = "phq-9"


def assess(
    instrument: str, inputs: Mapping[str, Any], *, on: dt.date, id: str, patient_id: str
) -> Assessment:
    """Run ``lupus.clinical`` instrument ``instrument`` and keep inputs, result and version."""
    tool = get_instrument(instrument)
    result = tool.run(thaw(inputs))
    return Assessment(
        id=id,
        patient_id=patient_id,
        instrument=tool.id,
        version=tool.version,
        date=on,
        inputs=freeze(thaw(inputs)),
        result=freeze(result),
    )


def score_questionnaire(response: QuestionnaireResponse) -> QuestionnaireResponse:
    """The response with its instrument result filled in (PHQ-9 via ``phq-9``)."""
    tool = get_instrument(PHQ9_INSTRUMENT)
    result = tool.run({"items": list(response.answers)})
    return QuestionnaireResponse(
        id=response.id,
        patient_id=response.patient_id,
        questionnaire=response.questionnaire,
        date=response.date,
        answers=response.answers,
        result=freeze(result),
    )
