"""Patient schemas: ``PatientCreate`` in, ``PatientPublic`` / ``PatientsPublic`` out."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lupus.care import Patient

__all__ = ["PatientBase", "PatientCreate", "PatientPublic", "PatientsPublic"]


class PatientBase(BaseModel):
    family: str = Field(max_length=200)
    given: str = Field(max_length=200)
    birth_date: dt.date
    sex: Literal["female", "male", "other", "unknown"]
    synthetic: bool = False
    identifier: str | None = Field(default=None, max_length=64)


class PatientCreate(PatientBase):
    model_config = ConfigDict(extra="forbid")


class PatientPublic(PatientBase):
    id: str

    @classmethod
    def of(cls, p: Patient) -> PatientPublic:
        return cls(id=p.id, **p.to_json())


class PatientsPublic(BaseModel):
    data: list[PatientPublic]
    count: int
