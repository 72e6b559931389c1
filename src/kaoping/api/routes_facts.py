"""The fact tables over HTTP: ``GET/POST /api/{scores,deductions,honors,notices,ranks,cases}``, ``DELETE``.

Each kind has its own typed endpoints (so OpenAPI shows each file's columns); they share ``_read`` and
``_write``, which apply the row-level rules of :mod:`kaoping.api.roles` and write through ``write_facts``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel

from kaoping.api import factrows
from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.models import (
    CaseIn,
    CaseOut,
    DeductionIn,
    DeductionOut,
    Deleted,
    FactIn,
    HonorIn,
    HonorOut,
    NoticeIn,
    NoticeOut,
    RankIn,
    RankOut,
    ScoreIn,
    ScoreOut,
    Written,
)
from kaoping.api.roles import (
    Perm,
    check_fact_write,
    fill_scorer,
    reads_own_writes_only,
    require,
    unit_scope,
)

router = APIRouter(prefix="/api", tags=["facts"])

Out = TypeVar("Out", bound=BaseModel)
Reader = Annotated[Principal, Depends(require(Perm.FACTS_READ))]
UnitFilter = Annotated[str | None, Query(max_length=100, description="only this unit's rows")]
PeriodFilter = Annotated[str | None, Query(max_length=10, description="2024-Q2 also matches its months")]
Limit = Annotated[int, Query(ge=1, le=10000)]
Offset = Annotated[int, Query(ge=0)]


class FactKind(StrEnum):
    SCORES = "scores"
    DEDUCTIONS = "deductions"
    HONORS = "honors"
    NOTICES = "notices"
    RANKS = "ranks"
    CASES = "cases"


def _read(
    session: SessionDep,
    who: Principal,
    kind: str,
    out: type[Out],
    unit_id: str | None,
    period: str | None,
    limit: int,
    offset: int,
) -> list[Out]:
    """A unit reads its own unit's rows; scorers read the rows they wrote; the office reads all."""
    unit = unit_scope(who, unit_id, f"read {kind}")
    written_by = who.actor if reads_own_writes_only(who) else None
    stmt = factrows.query_rows(kind, unit_id=unit, period=period, written_by=written_by, limit=limit, offset=offset)
    return [out.model_validate(row, from_attributes=True) for row in session.scalars(stmt)]


def _write(ctx: CtxDep, session: SessionDep, who: Principal, kind: str, body: FactIn, out: type[Out]) -> Written[Out]:
    """Row-level rules, then the office's schemes, then ``write_facts`` — one transaction, committed here."""
    values: dict[str, Any] = body.model_dump(exclude={"reason"})
    factrows.normalise(kind, values)
    fill_scorer(who, kind, values)
    check_fact_write(session, who, kind, values, factrows.canonical_names(ctx))
    frame = factrows.one_row(kind, values)
    factrows.validate(ctx, session, kind, frame)
    outcome = factrows.write_row(session, kind, frame, actor=who.actor, reason=body.reason)
    session.commit()
    row = out.model_validate(outcome.row, from_attributes=True)
    return Written[out](action=outcome.action, row=row)  # type: ignore[valid-type]


# --- scores ------------------------------------------------------------------------------------------


@router.get("/scores")
def get_scores(
    s: SessionDep,
    who: Reader,
    unit_id: UnitFilter = None,
    period: PeriodFilter = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[ScoreOut]:
    return _read(s, who, "scores", ScoreOut, unit_id, period, limit, offset)


@router.post("/scores", status_code=status.HTTP_201_CREATED)
def post_score(
    body: ScoreIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.SCORES_WRITE))]
) -> Written[ScoreOut]:
    """A score row (部门考评, 社会评价, 第三方测评...); the same period/unit/part/item/source again updates it."""
    return _write(ctx, s, who, "scores", body, ScoreOut)


# --- deductions --------------------------------------------------------------------------------------


@router.get("/deductions")
def get_deductions(
    s: SessionDep,
    who: Reader,
    unit_id: UnitFilter = None,
    period: PeriodFilter = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[DeductionOut]:
    return _read(s, who, "deductions", DeductionOut, unit_id, period, limit, offset)


@router.post("/deductions", status_code=status.HTTP_201_CREATED)
def post_deduction(
    body: DeductionIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.DEDUCTIONS_WRITE))]
) -> Written[DeductionOut]:
    """A deduction found on inspection (督查扣分)."""
    return _write(ctx, s, who, "deductions", body, DeductionOut)


# --- honors ------------------------------------------------------------------------------------------


@router.get("/honors")
def get_honors(
    s: SessionDep,
    who: Reader,
    unit_id: UnitFilter = None,
    period: PeriodFilter = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[HonorOut]:
    return _read(s, who, "honors", HonorOut, unit_id, period, limit, offset)


@router.post("/honors", status_code=status.HTTP_201_CREATED)
def post_honor(
    body: HonorIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.HONORS_WRITE))]
) -> Written[HonorOut]:
    """An award or criticism (表彰 / 通报批评)."""
    return _write(ctx, s, who, "honors", body, HonorOut)


# --- notices -----------------------------------------------------------------------------------------


@router.get("/notices")
def get_notices(
    s: SessionDep,
    who: Reader,
    unit_id: UnitFilter = None,
    period: PeriodFilter = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[NoticeOut]:
    return _read(s, who, "notices", NoticeOut, unit_id, period, limit, offset)


@router.post("/notices", status_code=status.HTTP_201_CREATED)
def post_notice(
    body: NoticeIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.NOTICES_WRITE))]
) -> Written[NoticeOut]:
    """A rectification notice (整改通报), or its rectification date."""
    return _write(ctx, s, who, "notices", body, NoticeOut)


# --- ranks -------------------------------------------------------------------------------------------


@router.get("/ranks")
def get_ranks(
    s: SessionDep,
    who: Reader,
    unit_id: UnitFilter = None,
    period: PeriodFilter = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[RankOut]:
    return _read(s, who, "ranks", RankOut, unit_id, period, limit, offset)


@router.post("/ranks", status_code=status.HTTP_201_CREATED)
def post_rank(
    body: RankIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.RANKS_WRITE))]
) -> Written[RankOut]:
    """A unit's rank in a province-wide task (one per period and task; posting again updates it)."""
    return _write(ctx, s, who, "ranks", body, RankOut)


# --- cases -------------------------------------------------------------------------------------------


@router.get("/cases")
def get_cases(
    s: SessionDep,
    who: Reader,
    unit_id: UnitFilter = None,
    period: PeriodFilter = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[CaseOut]:
    return _read(s, who, "cases", CaseOut, unit_id, period, limit, offset)


@router.post("/cases", status_code=status.HTTP_201_CREATED)
def post_case(
    body: CaseIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.CASES_WRITE))]
) -> Written[CaseOut]:
    """A 数字城管 case (案卷), keyed on case_id."""
    return _write(ctx, s, who, "cases", body, CaseOut)


# --- delete ------------------------------------------------------------------------------------------


@router.delete("/{kind}/{row_id}")
def delete_fact(
    kind: FactKind,
    row_id: int,
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.FACTS_DELETE))],
    reason: Annotated[str, Query(min_length=1, max_length=2000, description="why; kept in the audit trail")],
) -> Deleted:
    """Remove a wrong row; the audit trail keeps what it held, who removed it and why."""
    before = factrows.delete_row(s, kind.value, row_id, actor=who.actor, reason=reason)
    s.commit()
    return Deleted(kind=kind.value, id=row_id, row=before)
