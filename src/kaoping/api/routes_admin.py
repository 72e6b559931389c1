"""The office's master data: the schemes it runs, accounts, and the evaluated units (考评对象)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status
from sqlalchemy import select

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.models import UnitFields, UnitIn, UnitUpdate, Written
from kaoping.api.roles import Perm, require, scoped, unit_scope
from kaoping.api.schemas import OkOut, PasswordReset, SchemeOut, UserIn, UserOut
from kaoping.app import facts
from kaoping.app.accounts import PasswordChange, add_account, change_password
from kaoping.store.tables import Unit, User

router = APIRouter(prefix="/api", tags=["office"])


@router.get("/schemes")
def list_schemes(ctx: CtxDep, _: Annotated[Principal, Depends(require(Perm.OPEN))]) -> list[SchemeOut]:
    """The schemes this office runs (KAOPING_SCHEMES): what results and rows are checked against."""
    return [
        SchemeOut(
            scheme=name,
            title=o.scheme.title,
            version=o.scheme.version,
            periods=[k.value for k in o.scheme.periods],
            groups=[g.name for g in o.scheme.groups],
            parts={p.name: str(p.source.value) if p.source else "" for p in o.scheme.leaves()},
        )
        for name, o in ctx.schemes.items()
    ]


@router.get("/users")
def list_users(session: SessionDep, _: Annotated[Principal, Depends(require(Perm.USERS_READ))]) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in session.scalars(select(User).order_by(User.username))]


@router.post("/users", status_code=status.HTTP_201_CREATED)
def add_user(
    body: UserIn, session: SessionDep, who: Annotated[Principal, Depends(require(Perm.USERS_WRITE))]
) -> UserOut:
    """Create an account; refused (422) when its scope does not fit its role (a unit account needs its unit)."""
    user = add_account(session, who, **body.model_dump())  # UserIn's fields are NewAccount's keys
    return UserOut.model_validate(user)


@router.put("/users/{username}/password")
def reset_password(
    username: Annotated[str, Path(max_length=100)],
    body: PasswordReset,
    ctx: CtxDep,
    session: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.USERS_WRITE))],
) -> OkOut:
    """Set an account's password without its current one (the office): every session and token of the
    account ends (audited)."""
    change = PasswordChange(username=username, new_password=body.new_password)
    change_password(session, who, change, ctx.settings.clock())
    return OkOut()


UnitsRead = Annotated[Principal, Depends(require(Perm.UNITS_READ))]
UnitsWrite = Annotated[Principal, Depends(require(Perm.UNITS_WRITE))]


@router.get("/units")
def list_units(
    session: SessionDep, who: UnitsRead, group: Annotated[str | None, Query(max_length=100)] = None
) -> list[UnitFields]:
    """Every unit (scorers need the list to enter rows); a unit account sees its own."""
    stmt = scoped(select(Unit).order_by(Unit.unit_id), Unit.unit_id, who, None, "read units")
    if group is not None:
        stmt = stmt.where(Unit.group == group)
    return [UnitFields.model_validate(u) for u in session.scalars(stmt)]


@router.get("/units/{unit_id}")
def get_unit(unit_id: str, session: SessionDep, who: UnitsRead) -> UnitFields:
    unit_scope(who, unit_id, "read the unit")
    return UnitFields.model_validate(facts.unit(session, unit_id))


def _save_unit(
    ctx: CtxDep, session: SessionDep, who: Principal, unit: UnitFields, reason: str, *, new: bool
) -> Written[UnitFields]:
    outcome = facts.save_unit(ctx, session, who, unit.model_dump(), reason=reason, new=new)
    return Written[UnitFields](action=outcome.action, row=UnitFields.model_validate(outcome.row))


@router.post("/units", status_code=status.HTTP_201_CREATED)
def add_unit(body: UnitIn, ctx: CtxDep, session: SessionDep, who: UnitsWrite) -> Written[UnitFields]:
    """Add a unit; its group must be a group of one of the office's schemes."""
    unit = UnitFields.model_validate(body.model_dump())
    return _save_unit(ctx, session, who, unit, body.reason, new=True)


@router.put("/units/{unit_id}")
def update_unit(
    unit_id: str, body: UnitUpdate, ctx: CtxDep, session: SessionDep, who: UnitsWrite
) -> Written[UnitFields]:
    """Change a unit's name, group or reward eligibility (audited with before and after)."""
    unit = UnitFields(unit_id=unit_id, name=body.name, group=body.group, reward_eligible=body.reward_eligible)
    return _save_unit(ctx, session, who, unit, body.reason, new=False)
