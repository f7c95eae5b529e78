"""User administration (admin only)."""

from __future__ import annotations

from fastapi import APIRouter

from lupus.store import create_user, list_users
from lupus.web.deps import CurrentUser, SessionDep
from lupus.web.permissions import require_role
from lupus.web.schemas.auth import UserCreate, UserPublic, UsersPublic

router = APIRouter(prefix="/api/users", tags=["users"])

ADMIN = frozenset({"admin"})


@router.get("", response_model=UsersPublic)
def read_users(conn: SessionDep, user: CurrentUser) -> UsersPublic:
    require_role(user, ADMIN, "manage users")
    found = list_users(conn)
    return UsersPublic(data=[UserPublic(**u.to_json()) for u in found], count=len(found))


@router.post("", response_model=UserPublic, status_code=201)
def add_user(body: UserCreate, conn: SessionDep, user: CurrentUser) -> UserPublic:
    require_role(user, ADMIN, "manage users")
    created = create_user(
        conn,
        user,
        username=body.username,
        password=body.password,
        role=body.role,
        patient_id=body.patient_id,
    )
    return UserPublic(**created.to_json())
