"""Keeping the case cells (:mod:`kaoping.cases.cells`) equal to the cases they count (案卷汇总的维护).

Whoever changes the ``cases`` table — a form, the API, an import, the demo's bulk load — its triggers mark
the (unit, month) pairs the change touched in ``case_cell_marks``, in the same transaction (migration
0008).  :func:`bring_up_to_date` takes the marks, reads only those units' cases of those months (indexed by
unit and time), counts them again and replaces their cells; a reader calls it before reading cells, and
the application's writes call it before committing, so the cells a page reads are never behind the cases.
The application's own case writes leave no mark: they add their difference to the cells instead
(:mod:`kaoping.store.case_cell_deltas`), since recounting a unit's month reads thousands of cases.

Refreshes take one lock (an advisory lock on PostgreSQL; SQLite has a single writer anyway), so two of them
never count the same month at once; a mark left by a writer that commits during a refresh stays, and the
next refresh counts that month again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kaoping.cases.cells import CELL_SCHEMA, case_cells, empty_cells
from kaoping.cases.metrics import COUNTS
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.store.cell_marks import replace_cells, take_marks, upsert
from kaoping.store.columnar import read_frame
from kaoping.store.tables import CaseCell, CaseCellMark, CaseCellMonth, CaseRow

CASE_COLUMNS = [c for c in SCHEMAS["cases"] if c != ROW]
LOCK = 0x6B616F70  # "kaop": the one advisory lock of cell refreshes (and of writers counting their own changes)


def _month_start(index: int) -> datetime:
    y, m0 = divmod(index, 12)
    return datetime(y, m0 + 1, 1)


def _within(column: InstrumentedAttribute[datetime | None], start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _placed(ours: ColumnElement[bool], start: datetime, end: datetime, *, dispatched: bool) -> ColumnElement[bool]:
    """Cases of ``ours`` (a condition on the unit) closed in [start, end), or not closed and disposed in it,
    and — ``dispatched`` — dispatched in it.  The units' condition sits inside each term, so each term is one
    range of its own (unit, time) index (SQLite's multi-index OR); with the units outside, SQLite read every
    case of the units and filtered."""
    terms = [
        and_(ours, _within(CaseRow.closed_at, start, end)),
        and_(ours, CaseRow.closed_at.is_(None), _within(CaseRow.disposed_at, start, end)),
    ]
    if dispatched:
        terms.insert(0, and_(ours, _within(CaseRow.dispatched_at, start, end)))
    return or_(*terms)


def _stale_cases(session: Session, units: set[str], lo: int, hi: int) -> pl.DataFrame:
    """Cases of ``units`` that sit in a month of [lo, hi] by dispatch or by closing (disposing)."""
    placed = _placed(CaseRow.unit_id.in_(sorted(units)), _month_start(lo), _month_start(hi + 1), dispatched=True)
    stmt = select(*[getattr(CaseRow, c) for c in CASE_COLUMNS], CaseRow.id.label(ROW)).where(placed)
    return read_frame(session, stmt, dict(SCHEMAS["cases"]))


def bring_up_to_date(session: Session, *, held: bool = False) -> int:
    """Count the marked (unit, month) pairs again and replace their cells; returns how many pairs.

    Runs in the caller's transaction (the caller commits); ``held``: it holds the refreshes' lock already."""
    marks = take_marks(session, CaseCellMark, LOCK, "case-cells", held=held)
    if not marks:
        return 0
    months = [m for _, m in marks]
    fresh = case_cells(_stale_cases(session, {u for u, _ in marks}, min(months), max(months)))
    replace_cells(session, CaseCell, marks, fresh)
    stamp(session, set(months))
    return len(marks)


def stamp(session: Session, months: set[int]) -> None:
    """Give the months whose cells changed the next version (one past the highest of any month)."""
    if not months:
        return
    version = int(session.scalar(select(func.coalesce(func.max(CaseCellMonth.version), 0))) or 0) + 1
    upsert(session, CaseCellMonth, [{"month": m, "version": version} for m in sorted(months)], ["month"], "version")


def refresh_and_commit(session: Session) -> None:
    """For readers: bring the cells up to date and commit that alone (a page's session holds nothing else),
    so the next reader finds no marks."""
    if session.scalar(select(CaseCellMark.unit_id).limit(1)) is not None and bring_up_to_date(session):
        session.commit()


def cells_version(session: Session, span: tuple[date, date]) -> int:
    """Changes whenever a month of ``span`` [lo, hi) is counted again (after bringing the cells up to date)."""
    first, last = _months(span)
    stmt = select(func.coalesce(func.max(CaseCellMonth.version), 0)).where(CaseCellMonth.month.between(first, last))
    return int(session.scalar(stmt) or 0)


def _months(span: tuple[date, date]) -> tuple[int, int]:
    lo, hi = span
    return lo.year * 12 + lo.month - 1, hi.year * 12 + hi.month - 1 - (hi.day == 1)


def read_cells(session: Session, span: tuple[date, date] | None = None) -> pl.DataFrame:
    """The kept cells (schema :data:`~kaoping.cases.cells.CELL_SCHEMA`) of the months in ``span`` [lo, hi)
    — brought up to date first, in the session's transaction."""
    bring_up_to_date(session)
    stmt: Select[Any] = select(*[getattr(CaseCell, c) for c in CELL_SCHEMA])
    if span is not None:
        first, last = _months(span)
        stmt = stmt.where(CaseCell.month.between(first, last))
    frame = read_frame(session, stmt, dict(CELL_SCHEMA))
    return frame if not frame.is_empty() else empty_cells()


def cells_of_months(session: Session, months: list[int]) -> pl.DataFrame:
    """The kept cells of the months (indexes) ``months`` as they are stored (the caller brought them up to
    date): what a kept year of cells swaps in after a write."""
    stmt = select(*[getattr(CaseCell, c) for c in CELL_SCHEMA]).where(CaseCell.month.in_(sorted(months)))
    frame = read_frame(session, stmt, dict(CELL_SCHEMA))
    return frame if not frame.is_empty() else empty_cells()


def month_versions(session: Session, after: int = 0) -> dict[int, int]:
    """Month index → version of the months whose case cells changed after version ``after``."""
    stmt = select(CaseCellMonth.month, CaseCellMonth.version).where(CaseCellMonth.version > after)
    return {int(m): int(v) for m, v in session.execute(stmt)}


def cited_case_rows(session: Session, unit_id: str, span: tuple[date, date], *, failed: bool) -> tuple[int, ...]:
    """The ids, ascending, of the rows a unit's case line cites for the period [lo, hi): the cases dispatched
    in it (案卷数), or — ``failed`` — those closed in it (or, not closed, disposed in it) with a failed check or
    a rework (核查不通过), as :func:`~kaoping.cases.metrics.case_counts` and
    :func:`~kaoping.cases.metrics.failed_verifications` cite them.  Ids alone, by the (unit, time) indexes:
    a unit's quarter of a 10 M-case city is some 190,000 cases, too many to read whole for one page."""
    start, end = (datetime.combine(d, datetime.min.time()) for d in span)
    ours = CaseRow.unit_id == unit_id
    if failed:
        fails = or_(CaseRow.verify_failed > 0, CaseRow.rework_count > 0)
        where = and_(_placed(ours, start, end, dispatched=False), fails)
    else:
        where = and_(ours, _within(CaseRow.dispatched_at, start, end))
    return tuple(session.scalars(select(CaseRow.id).where(where).order_by(CaseRow.id)))


def dispatch_months(session: Session, units: Any) -> set[int]:
    """Month indexes in which a case of ``units`` (a list or a subquery of unit ids) was dispatched — from the
    cells (brought up to date first, committed like any reader's refresh), not a scan of every case."""
    refresh_and_commit(session)
    stmt = select(CaseCell.month).where(CaseCell.measure == COUNTS[0], CaseCell.unit_id.in_(units)).distinct()
    return {int(m) for m in session.scalars(stmt)}


def recount(session: Session) -> pl.DataFrame:
    """Every cell counted from every case (what the kept cells must equal; checks and tests)."""
    stmt = select(*[getattr(CaseRow, c) for c in CASE_COLUMNS], CaseRow.id.label(ROW))
    return case_cells(read_frame(session, stmt, dict(SCHEMAS["cases"])))


def differing_cells(session: Session) -> pl.DataFrame:
    """Kept cells that a recount of every case does not give (and cells it gives that are not kept), with
    both values (``kept``, ``counted``; null where absent): empty when the kept cells hold."""
    keys = ["unit_id", "month", "measure", "settle"]
    kept = read_cells(session).rename({"value": "kept"})
    counted = recount(session).rename({"value": "counted"})
    both = kept.join(counted, on=keys, how="full", coalesce=True)
    return both.filter(pl.col("kept").is_null() | pl.col("counted").is_null() | (pl.col("kept") != pl.col("counted")))


def stale_pairs(session: Session) -> int:
    """How many (unit, month) pairs wait to be counted again."""
    return int(session.scalar(select(func.count()).select_from(CaseCellMark)) or 0)
