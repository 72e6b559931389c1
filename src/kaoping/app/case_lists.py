"""A unit's case list (案卷列表): which cases a period shows, how the list is filtered, and how its count
reconciles with the score.

The list shows every case the period *touches* — reported, dispatched, disposed or closed in it — because a
unit wants to see everything it worked on that month.  The score counts only the cases *dispatched* in the
period (应结案数, :mod:`kaoping.cases.metrics`: a case belongs to the period it was dispatched in, whatever
happens to it later).  So every listed case falls in exactly one :class:`Reach`, and the page says how
many of each: the list's 1,688 are the score's 1,583 plus the cases that belong to another period, each
with its reason.  One SQL condition per reach serves both the sentence and the filter that lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kaoping.labels import Labelled
from kaoping.periods import Period
from kaoping.store.tables import CaseRow

MAX_CASE_ID = 100
"""The longest 案卷号 search accepted (the column holds 100 characters)."""
MAX_CATEGORY = 200
"""The longest category accepted in a filter (the column holds 200 characters)."""


class Reach(Labelled):
    """Where a listed case is counted: in this period's score, or in the period it was (will be) dispatched in."""

    COUNTED = "counted", "本期派遣，计入本期得分"
    LATER = "later", "本期之后才派遣，计入派遣当期"
    UNDISPATCHED = "undispatched", "尚未派遣，派遣后计入派遣当期"
    EARLIER = "earlier", "本期之前派遣，已计入派遣当期"


class CaseState(Labelled):
    """Where a case stands now, read from its times (the store keeps no status column)."""

    UNDISPATCHED = "undispatched", "待派遣"
    DISPOSING = "disposing", "处置中"
    DISPOSED = "disposed", "已处置待结案"
    CLOSED = "closed", "已结案"


@dataclass(frozen=True)
class CaseFilter:
    """The list's filters; each empty one lets every case through."""

    state: CaseState | None = None
    category: str = ""
    case_id: str = ""
    """Part of the 案卷号, any case."""
    reach: Reach | None = None
    against: bool = False
    """Only the cases that count against the unit (超期, 返工, 核查不通过)."""

    @property
    def active(self) -> bool:
        return bool(self.state or self.category or self.case_id or self.reach or self.against)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    return datetime.combine(period.start(), datetime.min.time()), datetime.combine(
        period.end_exclusive(), datetime.min.time()
    )


def in_period(column: InstrumentedAttribute[Any], period: Period) -> ColumnElement[bool]:
    """``column`` falls in the period (half-open, as :meth:`~kaoping.periods.Period.holds` reads dates)."""
    start, end = _bounds(period)
    return and_(column >= start, column < end)


def touched(unit_id: str, period: Period) -> ColumnElement[bool]:
    """The unit's cases the period touches: reported, dispatched, disposed or closed in it."""
    times = (CaseRow.reported_at, CaseRow.dispatched_at, CaseRow.disposed_at, CaseRow.closed_at)
    return and_(CaseRow.unit_id == unit_id, or_(*(in_period(c, period) for c in times)))


def reach_condition(reach: Reach, period: Period) -> ColumnElement[bool]:
    """The listed cases of ``reach`` (together with :func:`touched`; the four never overlap)."""
    start, end = _bounds(period)
    dispatched = CaseRow.dispatched_at
    match reach:
        case Reach.COUNTED:
            return in_period(dispatched, period)
        case Reach.LATER:
            return dispatched >= end
        case Reach.UNDISPATCHED:
            return dispatched.is_(None)
        case Reach.EARLIER:
            return dispatched < start


def state_condition(state: CaseState) -> ColumnElement[bool]:
    closed, disposed = CaseRow.closed_at.is_not(None), CaseRow.disposed_at.is_not(None)
    match state:
        case CaseState.CLOSED:
            return closed
        case CaseState.DISPOSED:
            return and_(~closed, disposed)
        case CaseState.DISPOSING:
            return and_(~closed, ~disposed, CaseRow.dispatched_at.is_not(None))
        case CaseState.UNDISPATCHED:
            return and_(~closed, ~disposed, CaseRow.dispatched_at.is_(None))


def against(now: datetime) -> ColumnElement[bool]:
    """A case counts against its unit: disposed late (or still not disposed past its deadline), reworked,
    or failed a verification."""
    late = and_(
        CaseRow.deadline.is_not(None),
        or_(
            and_(CaseRow.disposed_at.is_not(None), CaseRow.disposed_at > CaseRow.deadline),
            and_(CaseRow.disposed_at.is_(None), CaseRow.deadline < now),
        ),
    )
    return or_(late, CaseRow.rework_count > 0, CaseRow.verify_failed > 0)


def case_condition(unit_id: str, period: Period, wanted: CaseFilter, now: datetime) -> ColumnElement[bool]:
    """The unit's listed cases of the period that pass ``wanted``."""
    parts = [touched(unit_id, period)]
    if wanted.state is not None:
        parts.append(state_condition(wanted.state))
    if wanted.category:
        parts.append(CaseRow.category == wanted.category)
    if wanted.case_id:
        parts.append(func.lower(CaseRow.case_id).contains(wanted.case_id.lower(), autoescape=True))
    if wanted.reach is not None:
        parts.append(reach_condition(wanted.reach, period))
    if wanted.against:
        parts.append(against(now))
    return and_(*parts)


@dataclass(frozen=True)
class Reconciliation:
    """How the list's count meets the score's: listed = counted + the others, by reason."""

    listed: int
    by_reach: dict[Reach, int]

    @property
    def counted(self) -> int:
        return self.by_reach[Reach.COUNTED]

    @property
    def others(self) -> list[tuple[Reach, int]]:
        """The reaches not counted in this period that some listed case has, in the enum's order."""
        return [(r, n) for r, n in self.by_reach.items() if r is not Reach.COUNTED and n]


@dataclass(frozen=True)
class ListSummary:
    """The unit's listed cases of the period summed in one pass: the reconciliation, the filter's categories,
    and how many count against the unit (a unit's quarter of a 10 M-case city is ~190,000 cases: each
    separate pass over them took about a second)."""

    reconciled: Reconciliation
    categories: list[str]
    against: int


def list_summary(session: Session, unit_id: str, period: Period, now: datetime) -> ListSummary:
    """Count the unit's listed cases of the period by reach, list their categories and count those against
    the unit, in one query grouped by category (a plain column: PostgreSQL accepts it with its parameters,
    where it refuses a GROUP BY over an expression)."""
    sums = [func.coalesce(func.sum(case((reach_condition(r, period), 1), else_=0)), 0) for r in Reach]
    bad = func.coalesce(func.sum(case((against(now), 1), else_=0)), 0)
    stmt = (
        select(CaseRow.category, func.count(CaseRow.id), bad, *sums)
        .where(touched(unit_id, period))
        .group_by(CaseRow.category)
        .order_by(CaseRow.category)
    )
    rows = session.execute(stmt).all()
    by_reach = {r: sum(int(row[3 + i]) for row in rows) for i, r in enumerate(Reach)}
    listed = sum(int(row[1]) for row in rows)
    return ListSummary(Reconciliation(listed, by_reach), [row[0] for row in rows], sum(int(row[2]) for row in rows))
