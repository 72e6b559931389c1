"""A writer counting its own changes of cases into the case cells (案卷汇总格的增量维护).

Recounting a marked (unit, month) reads every case of that unit and month again — thousands in a big city —
so one case posted through the application cost a second.  A cell is a plain sum of each case's terms
(:func:`kaoping.cases.cells.cell_changes`), so the application, which knows each row it changes before and
after (read under the row's lock), adds the difference to the cells instead, in the same transaction.

While it writes, the transaction holds a row of ``case_cell_writers`` (never committed), and the cells'
triggers leave no mark while their transaction sees such a row (migration 0020).  An import (and the demo's
bulk load) does the same chunk by chunk (:class:`CellTally`).  Every other writer — plain SQL — sees none
and still leaves its marks, which :func:`kaoping.store.case_cells.bring_up_to_date` counts again as before.

The difference is added under the refreshes' lock, held until the commit: a refresh that read the cases
before this write committed finishes first (and this write's difference then lands on its cells), and one
that comes later waits and reads the cases with this write in them.  The difference itself depends only on
the rows before and after (read under their row locks), so it is worked out first (:func:`cell_delta`,
Polars, a few ms) while the transaction holds no store-wide lock yet; under the locks only the upsert runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import delete, insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kaoping.cases.cells import cell_changes, empty_cells, month_index
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.store.case_cells import LOCK, stamp
from kaoping.store.cell_marks import upsert
from kaoping.store.cell_tables import CaseCellWriter
from kaoping.store.db import advisory_lock
from kaoping.store.facts import Change
from kaoping.store.tables import CaseCell

_SCHEMA = {c: t for c, t in SCHEMAS["cases"].items() if c != ROW}
_KEY = ("unit_id", "month", "measure", "settle")


@contextmanager
def counting_own_changes(session: Session) -> Iterator[list[Change]]:
    """Within the block, the cases this transaction changes leave no mark; the caller puts each change
    (before, after) in the list yielded and passes it to :func:`count_changes` before committing.  What the
    session holds unwritten is written first, so it leaves its marks as any other change would."""
    session.flush()
    writer = session.execute(insert(CaseCellWriter).returning(CaseCellWriter.id)).scalar_one()
    changes: list[Change] = []
    try:
        yield changes
        session.flush()
    except BaseException:
        with suppress(SQLAlchemyError):  # the transaction may be broken: rolled back, the row is gone anyway
            session.execute(delete(CaseCellWriter).where(CaseCellWriter.id == writer))
        raise
    session.execute(delete(CaseCellWriter).where(CaseCellWriter.id == writer))


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame([{c: r.get(c) for c in _SCHEMA} for r in rows], schema=_SCHEMA)


@dataclass(frozen=True)
class CellDelta:
    """What a list of changes does to the cells, worked out before any lock: the cells' gains (schema
    :data:`~kaoping.cases.cells.CELL_SCHEMA`) and the months the changed rows sit in."""

    cells: pl.DataFrame
    months: set[int]


def cell_delta(changes: list[Change]) -> CellDelta:
    """The difference ``changes`` make to the cells (no session: pure, so it runs before the locks)."""
    before = _frame([b for b, _ in changes if b is not None])
    after = _frame([a for _, a in changes if a is not None])
    return CellDelta(cell_changes(before, after), _months(before) | _months(after))


def count_changes(session: Session, changes: list[Change], delta: CellDelta | None = None) -> int:
    """Add what ``changes`` make the cells gain or lose, in the caller's transaction; returns how many cells
    changed.  ``delta``: the difference already worked out by :func:`cell_delta` for these ``changes`` (else
    worked out here)."""
    if not changes:
        return 0
    return add_delta(session, delta if delta is not None else cell_delta(changes))


def add_delta(session: Session, found: CellDelta) -> int:
    """Add ``found`` to the kept cells, in the caller's transaction; returns how many cells changed.  Cells
    that fall to 0 are removed (a recount keeps no cell of 0).  The months the rows sit in get a new version
    even when no cell changed, as a mark of them would have given them."""
    advisory_lock(session, LOCK, "case-cells")
    stamp(session, found.months)
    if found.cells.is_empty():
        return 0
    upsert(session, CaseCell, found.cells.to_dicts(), list(_KEY), "value", add=True)
    lost = found.cells.filter(pl.col("value") < 0)  # a kept cell is never 0: only a loss can bring it there
    if not lost.is_empty():
        units, months = lost.get_column("unit_id").unique().to_list(), lost.get_column("month").unique().to_list()
        empty = delete(CaseCell).where(CaseCell.value == 0, CaseCell.unit_id.in_(units), CaseCell.month.in_(months))
        session.execute(empty)
    return found.cells.height


class CellTally:
    """The cells' difference of an import's rows, added up chunk by chunk as they are written (批量增量):
    an import of ten million cases recounted afterwards read every one of them back."""

    def __init__(self) -> None:
        self.cells = empty_cells()
        self.months: set[int] = set()

    def add(self, before: pl.DataFrame, after: pl.DataFrame) -> None:
        """One chunk: its changed rows as they were (``before``) and its new and changed rows (``after``)."""
        typed = pl.Schema(_SCHEMA)
        before, after = before.select(list(_SCHEMA)).cast(typed), after.select(list(_SCHEMA)).cast(typed)
        both = pl.concat([self.cells, cell_changes(before, after)])
        self.cells = both.group_by(_KEY).agg(pl.col("value").sum()).select(self.cells.columns)
        self.months |= _months(before) | _months(after)

    def delta(self) -> CellDelta:
        return CellDelta(self.cells.filter(pl.col("value") != 0), self.months)


def _months(rows: pl.DataFrame) -> set[int]:
    """The months ``rows`` sit in, as the triggers mark them: dispatched, and closed (else disposed)."""
    placed = rows.select(a=month_index("dispatched_at"), b=month_index(pl.coalesce("closed_at", "disposed_at")))
    return {int(m) for m in pl.concat([placed.get_column("a"), placed.get_column("b")]).drop_nulls().to_list()}
