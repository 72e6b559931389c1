"""Keeping the deduction cells (:mod:`kaoping.engine.deduction_cells`) equal to the deductions they add up
(扣分汇总格的维护).

As for case cells (:mod:`kaoping.store.case_cells`): whoever changes the ``deductions`` table — a form, the
API, an import, the demo's bulk load, plain SQL — its triggers mark the (unit, month) pairs the change
touched in ``deduction_cell_marks``, in the same transaction (migration 0018).  :func:`bring_up_to_date`
takes the marks, reads only those units' deductions of those months (indexed by unit and date), adds them up
again and replaces their cells; single-row writes call it before committing and a reader before reading.

Why triggers and a recount rather than arithmetic on the cells in the write path: an import, the demo's
loader and plain SQL write rows without the application's write path, and points are stored as decimals
that SQLite keeps as floats — recounting a marked (unit, month) with the engine's own Polars code keeps the
cells equal to what the engine computes from rows, whoever wrote them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kaoping.engine.deduction_cells import CELL_SCHEMA, KEY, deduction_cells, empty_cells, outside_cells
from kaoping.engine.windows import outside_windows
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.scheme.model import InspectionWindow
from kaoping.store.cell_marks import replace_cells, take_marks, upsert
from kaoping.store.cell_tables import DeductionCell, DeductionCellMark, DeductionCellStamp
from kaoping.store.columnar import read_frame
from kaoping.store.tables import DeductionRow

COLUMNS = [c for c in SCHEMAS["deductions"] if c != ROW]
_LOCK = 0x6B616F71  # the one advisory lock of deduction cell refreshes


def _first_day(index: int) -> date:
    y, m0 = divmod(index, 12)
    return date(y, m0 + 1, 1)


def rows_of(session: Session, units: set[str], lo: int, hi: int) -> pl.DataFrame:
    """The deductions of ``units`` dated in the months [lo, hi] (month indexes), as the engine's frame."""
    stmt = select(*[getattr(DeductionRow, c) for c in COLUMNS], DeductionRow.id.label(ROW)).where(
        DeductionRow.unit_id.in_(sorted(units)),
        DeductionRow.date >= _first_day(lo),
        DeductionRow.date < _first_day(hi + 1),
    )
    return read_frame(session, stmt, dict(SCHEMAS["deductions"]))


def bring_up_to_date(session: Session) -> int:
    """Add the marked (unit, month) pairs up again and replace their cells; returns how many pairs.

    Runs in the caller's transaction (the caller commits)."""
    marks = take_marks(session, DeductionCellMark, _LOCK, "deduction-cells")
    if not marks:
        return 0
    months = [m for _, m in marks]
    fresh = deduction_cells(rows_of(session, {u for u, _ in marks}, min(months), max(months)))
    replace_cells(session, DeductionCell, marks, fresh)
    _stamp(session, marks)
    return len(marks)


def _stamp(session: Session, pairs: set[tuple[str, int]]) -> None:
    """Give the (unit, month) pairs added up again the next version (one past the highest of any pair)."""
    version = newest_version(session) + 1
    rows = [{"unit_id": u, "month": m, "version": version} for u, m in sorted(pairs)]
    upsert(session, DeductionCellStamp, rows, ["unit_id", "month"], "version")


def pair_versions(session: Session, after: int = 0) -> dict[tuple[str, int], int]:
    """(unit, month index) → version of the pairs whose cells were added up again after version ``after``."""
    stmt = select(DeductionCellStamp.unit_id, DeductionCellStamp.month, DeductionCellStamp.version).where(
        DeductionCellStamp.version > after
    )
    return {(u, int(m)): int(v) for u, m, v in session.execute(stmt)}


def newest_version(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(DeductionCellStamp.version), 0))) or 0)


def read_cells(session: Session, months: tuple[int, int] | None = None) -> pl.DataFrame:
    """The kept cells (schema :data:`~kaoping.engine.deduction_cells.CELL_SCHEMA`) of the months [lo, hi]
    — brought up to date first, in the session's transaction."""
    bring_up_to_date(session)
    stmt: Select[Any] = select(*[getattr(DeductionCell, c) for c in CELL_SCHEMA])
    if months is not None:
        stmt = stmt.where(DeductionCell.month.between(*months))
    frame = read_frame(session, stmt, dict(CELL_SCHEMA))
    return frame if not frame.is_empty() else empty_cells()


def cells_of_pairs(session: Session, pairs: set[tuple[str, int]]) -> pl.DataFrame:
    """The kept cells of the (unit, month index) ``pairs`` as stored (the caller brought them up to date)."""
    if not pairs:
        return empty_cells()
    units, months = sorted({u for u, _ in pairs}), sorted({m for _, m in pairs})
    stmt = select(*[getattr(DeductionCell, c) for c in CELL_SCHEMA]).where(
        DeductionCell.month.in_(months), DeductionCell.unit_id.in_(units)
    )
    frame = read_frame(session, stmt, dict(CELL_SCHEMA))
    wanted = pl.DataFrame(sorted(pairs), schema={"unit_id": pl.String, "month": pl.Int32}, orient="row")
    return frame.join(wanted, on=["unit_id", "month"], how="semi") if not frame.is_empty() else empty_cells()


def excluded_rows(session: Session, cells: pl.DataFrame, windows: list[InspectionWindow]) -> pl.DataFrame:
    """The deduction rows the ``windows`` exclude, read only for the (unit, month) pairs whose ``cells`` hold
    such rows: what a result computed from cells lists as not counted."""
    outside = cells.filter(outside_cells(windows)).select("unit_id", "month").unique()
    if outside.is_empty():
        return pl.DataFrame(schema=dict(SCHEMAS["deductions"]))
    months = outside.get_column("month").to_list()
    rows = rows_of(session, set(outside.get_column("unit_id").to_list()), min(months), max(months))
    month = (pl.col("date").dt.year().cast(pl.Int32) * 12 + pl.col("date").dt.month().cast(pl.Int32) - 1).cast(pl.Int32)
    placed = rows.filter(outside_windows(windows)).with_columns(month=month)
    return placed.join(outside, on=["unit_id", "month"], how="semi").drop("month").sort(ROW)


def recount(session: Session) -> pl.DataFrame:
    """Every cell added up from every deduction (what the kept cells must equal; checks and tests)."""
    stmt = select(*[getattr(DeductionRow, c) for c in COLUMNS], DeductionRow.id.label(ROW))
    return deduction_cells(read_frame(session, stmt, dict(SCHEMAS["deductions"])))


def differing_cells(session: Session) -> pl.DataFrame:
    """Kept cells that a recount of every deduction does not give (and the reverse), with both values
    (``kept``, ``counted``, as (points, n); null where absent): empty when the kept cells hold."""
    kept = read_cells(session).rename({"points": "kept", "n": "kept_n"})
    counted = recount(session).rename({"points": "counted", "n": "counted_n"})
    both = kept.join(counted, on=KEY, how="full", coalesce=True)
    differ = (pl.col("kept") != pl.col("counted")) | (pl.col("kept_n") != pl.col("counted_n"))
    return both.filter(pl.col("kept").is_null() | pl.col("counted").is_null() | differ)


def stale_pairs(session: Session) -> int:
    """How many (unit, month) pairs wait to be added up again."""
    return int(session.scalar(select(func.count()).select_from(DeductionCellMark)) or 0)


def refresh_and_commit(session: Session) -> None:
    """For readers: bring the cells up to date and commit that alone (a page's session holds nothing else),
    so the next reader finds no marks."""
    if session.scalar(select(DeductionCellMark.unit_id).limit(1)) is not None and bring_up_to_date(session):
        session.commit()


def cells_version(session: Session, months: tuple[int, int]) -> int:
    """Changes whenever a (unit, month) of the months [lo, hi] is added up again — deductions written by
    plain SQL, without an audit entry, included (the caller brought the cells up to date)."""
    stmt = select(func.coalesce(func.max(DeductionCellStamp.version), 0)).where(
        DeductionCellStamp.month.between(*months)
    )
    return int(session.scalar(stmt) or 0)
