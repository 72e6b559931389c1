"""The store queries behind the unit pages: cited rows by id, a unit's deductions, notices, cases, evidence
and appeals — each one query (or one per table), never one per row, so a page stays fast for a unit with
thousands of cases.  Evidence is listed without its bytes: the page links to ``/api/evidence/{id}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import polars as pl
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from kaoping.app.case_lists import CaseFilter, against, case_condition
from kaoping.facts import FILE_NAMES, UNIT_FACTS, FactKind, Facts
from kaoping.facts.columns import ROW
from kaoping.periods import Period, PeriodError, parse_period
from kaoping.roles import Role
from kaoping.store.facts import TABLES as FACT_TABLES
from kaoping.store.tables import (
    Appeal,
    CaseRow,
    CaseTransition,
    DeductionRow,
    Evidence,
    HonorRow,
    NoticeRow,
    ScoreRow,
    User,
)

TABLES: dict[str, Any] = {s.name: FACT_TABLES[s.name] for s in UNIT_FACTS if s.kind is not FactKind.RANKS}
"""The fact tables whose cited rows the unit page shows under a line: all but ranks, which it has no layout for."""
MAX_DEDUCTIONS = 500
CASE_PAGE = 50
NO_FILTER = CaseFilter()


def fetch_rows(session: Session, wanted: dict[str, set[int]], unit_id: str) -> dict[str, dict[int, Any]]:
    """The cited rows by table and id, only the unit's own (a line never cites another unit's row)."""
    out: dict[str, dict[int, Any]] = {}
    for table, ids in wanted.items():
        model = TABLES.get(table)
        if model is None or not ids:
            continue
        stmt = select(model).where(model.id.in_(sorted(ids)), model.unit_id == unit_id)
        found: list[Any] = list(session.scalars(stmt))
        out[table] = {row.id: row for row in found}
    return out


def rows_from_facts(facts: Facts, wanted: dict[str, set[int]], unit_id: str) -> dict[str, dict[int, Any]]:
    """Like :func:`fetch_rows`, from the frames a result was computed from: a published version's rows as
    they were at publication (its snapshot), not as the store holds them now."""
    out: dict[str, dict[int, Any]] = {}
    for table, ids in wanted.items():
        if table not in FILE_NAMES or table == "units" or not ids:
            continue
        frame = getattr(facts, table).filter(pl.col(ROW).is_in(sorted(ids)) & (pl.col("unit_id") == unit_id))
        rows = frame.to_dicts()
        out[table] = {r[ROW]: SimpleNamespace(id=r[ROW], **{k: v for k, v in r.items() if k != ROW}) for r in rows}
    return out


def data_range(session: Session) -> tuple[date, date] | None:
    """The first and last day any fact falls on (scores by their period), for the period picker."""
    days: list[date] = []
    for col in (DeductionRow.date, NoticeRow.notified_on, HonorRow.date):
        days += [d for d in _ends(session, col) if d is not None]
    days += [d.date() for d in _ends(session, CaseRow.reported_at) if d is not None]
    for text in session.scalars(select(ScoreRow.period).distinct()):
        try:
            p = parse_period(text)
        except PeriodError:
            continue
        days += [p.start(), p.end_exclusive() - timedelta(days=1)]
    return (min(days), max(days)) if days else None


def _ends(session: Session, column: Any) -> tuple[Any, Any]:
    """The lowest and highest value of an indexed column, one query each: SQLite reads a lone min() or max()
    from the index's end, but both in one query scan the table (10 M cases: most of a second)."""
    return session.scalar(select(func.min(column))), session.scalar(select(func.max(column)))


def deductions(session: Session, unit_id: str, period: Period) -> list[DeductionRow]:
    """The unit's deductions dated in the period, newest first (at most MAX_DEDUCTIONS)."""
    stmt = (
        select(DeductionRow)
        .where(
            DeductionRow.unit_id == unit_id,
            DeductionRow.date >= period.start(),
            DeductionRow.date < period.end_exclusive(),
        )
        .order_by(DeductionRow.date.desc(), DeductionRow.time.desc(), DeductionRow.id.desc())
        .limit(MAX_DEDUCTIONS)
    )
    return list(session.scalars(stmt))


def notices(session: Session, unit_id: str, period: Period) -> list[NoticeRow]:
    """Rectification tasks: the notices of the period, and earlier ones still not rectified (carried over)."""
    in_period = and_(NoticeRow.notified_on >= period.start(), NoticeRow.notified_on < period.end_exclusive())
    carried = and_(NoticeRow.notified_on < period.start(), NoticeRow.rectified_on.is_(None))
    stmt = (
        select(NoticeRow)
        .where(NoticeRow.unit_id == unit_id, or_(in_period, carried))
        .order_by(NoticeRow.notified_on.desc(), NoticeRow.id.desc())
        .limit(MAX_DEDUCTIONS)
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class CaseCounts:
    total: int
    against: int


def case_counts(
    session: Session, unit_id: str, period: Period, now: datetime, wanted: CaseFilter = NO_FILTER
) -> CaseCounts:
    """How many of the unit's cases the list shows (those ``wanted``), and how many of them count against it."""
    flag = case((against(now), 1), else_=0)
    total, bad = session.execute(
        select(func.count(CaseRow.id), func.coalesce(func.sum(flag), 0)).where(
            case_condition(unit_id, period, wanted, now)
        )
    ).one()
    return CaseCounts(int(total or 0), int(bad or 0))


def cases(
    session: Session,
    unit_id: str,
    period: Period,
    now: datetime,
    offset: int = 0,
    limit: int = CASE_PAGE,
    wanted: CaseFilter = NO_FILTER,
) -> list[CaseRow]:
    """The unit's cases of the period (those ``wanted``), those that count against it first, then newest first."""
    first = case((against(now), 0), else_=1)
    stmt = (
        select(CaseRow)
        .where(case_condition(unit_id, period, wanted, now))
        .order_by(first, CaseRow.reported_at.desc(), CaseRow.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def transitions(session: Session, case_ids: list[str]) -> dict[str, list[CaseTransition]]:
    """Each case's steps in time order (one query for the whole page)."""
    out: dict[str, list[CaseTransition]] = {c: [] for c in case_ids}
    if not case_ids:
        return out
    stmt = (
        select(CaseTransition)
        .where(CaseTransition.case_id.in_(case_ids))
        .order_by(CaseTransition.at, CaseTransition.id)
    )
    for step in session.scalars(stmt):
        out[step.case_id].append(step)
    return out


@dataclass(frozen=True)
class Photo:
    """An uploaded image, without its bytes; ``rectification`` when a unit account uploaded it (整改照片),
    otherwise it documents the problem itself (the office's or an inspector's photo)."""

    id: int
    target: str
    filename: str
    created_at: datetime
    created_by: str
    rectification: bool


def photos(session: Session, unit_id: str, targets: list[str]) -> dict[str, list[Photo]]:
    """The unit's uploaded images by target (``deductions:<id>``, ``notices:<problem_id>``)."""
    out: dict[str, list[Photo]] = {t: [] for t in targets}
    if not targets:
        return out
    stmt = (
        select(Evidence.id, Evidence.target, Evidence.filename, Evidence.created_at, Evidence.created_by)
        .where(Evidence.unit_id == unit_id, Evidence.target.in_(targets))
        .order_by(Evidence.id)
    )
    rows = session.execute(stmt).all()
    names = {r.created_by for r in rows}
    found = session.execute(select(User.username, User.role).where(User.username.in_(names)))
    roles = {name: role for name, role in found}
    for r in rows:
        photo = Photo(r.id, r.target, r.filename, r.created_at, r.created_by, roles.get(r.created_by) == Role.UNIT)
        out.setdefault(r.target, []).append(photo)
    return out


def appeals(session: Session, unit_id: str, period: str | None = None, target: str | None = None) -> list[Appeal]:
    """The unit's appeals, of a period or about one target, newest first."""
    stmt = select(Appeal).where(Appeal.unit_id == unit_id).order_by(Appeal.id.desc())
    if period is not None:
        stmt = stmt.where(Appeal.period == period)
    if target is not None:
        stmt = stmt.where(Appeal.target == target)
    return list(session.scalars(stmt))
