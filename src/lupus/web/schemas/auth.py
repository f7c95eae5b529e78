"""Authentication schemas."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Me", "Token", "UserCreate", "UserPublic", "UsersPublic"]


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"


class Me(BaseModel):
    username: str
    role: str
    patient_id: str | None


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=200)
    role: Literal["clinician", "nurse", "patient", "researcher", "admin"]
    patient_id: str | None = Field(default=None, max_length=64)


class UserPublic(BaseModel):
    id: str
    username: str
    role: str
    patient_id: str | None


class UsersPublic(BaseModel):
    data: list[UserPublic]
    count: int
