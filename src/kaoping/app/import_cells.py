"""The kept cells brought up to date after an import, a slice of (unit, month) pairs at a time (分批汇总).

An import's cases and deductions mark every (unit, month) they touch (triggers, migrations 0008 and 0012),
and the cells are counted again from those pairs' rows in the import's own transaction.  Counted in one go,
that reads every row of the marked pairs: after ten million cases, all of them, gigabytes of memory.  So
when the marked pairs hold more rows than :data:`SLICE_ROWS` (estimated from the table's rows per marked
pair, generously: the table may hold other months too), the marks are taken aside and given back a slice
at a time, sorted by month and unit, each slice brought up to date on its own by the store's own
:func:`~kaoping.store.case_cells.bring_up_to_date` (or the deductions'): the same cells, in bounded memory.
An import that fits (every ordinary one) is brought up to date in one call, as before.

An import's cases leave no marks at all: :func:`counting_imported_cases` adds their difference to the case
cells chunk by chunk as they are written (ten million cases recounted afterwards meant reading them all
back, in the one transaction of the import), so only the deductions, and marks other writers left, are
counted here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import polars as pl
from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from kaoping.store import case_cells, deduction_cells
from kaoping.store.audit import AuditWriter
from kaoping.store.batch_write import WrittenRows
from kaoping.store.case_cell_deltas import CellTally, add_delta, counting_own_changes
from kaoping.store.cell_tables import DeductionCellMark
from kaoping.store.facts import WriteCounts, write_facts
from kaoping.store.tables import Base, CaseCellMark, CaseRow, DeductionRow

__all__ = ["SLICE_ROWS", "bring_cells_up_to_date", "counting_imported_cases", "write_import_batch"]

SLICE_ROWS = 100_000
"""Rows counted at a time (about 100 MB of rows read back, at most a few times that while counting)."""


def write_import_batch(
    session: Session,
    kind: str,
    rows: pl.DataFrame | Iterable[pl.DataFrame],
    *,
    audit: AuditWriter,
    label: str,
    import_id: int,
    on_progress: Callable[[int], None] | None = None,
) -> WriteCounts:
    """One import batch written (``write_facts``'s batch path, in the caller's transaction), its cases
    counted into the case cells chunk by chunk as they are written (:func:`counting_imported_cases`)."""
    with counting_imported_cases(session, kind) as on_written:
        return write_facts(
            session, kind, rows, audit=audit, label=label, import_id=import_id, on_progress=on_progress,
            on_written=on_written,
        )  # fmt: skip


@contextmanager
def counting_imported_cases(session: Session, kind: str) -> Iterator[WrittenRows | None]:
    """For ``cases``: the callback an import batch tells its chunks to (``write_facts``'s ``on_written``);
    the rows written inside the block leave no mark, and their difference is added to the case cells when
    the block ends, in the caller's transaction.  Other kinds: None (their marks are counted as before)."""
    if kind != "cases":
        yield None
        return
    tally = CellTally()
    with counting_own_changes(session):
        yield tally.add
    add_delta(session, tally.delta())


def bring_cells_up_to_date(session: Session, kinds: list[str]) -> None:
    """The case cells (``cases`` in ``kinds``) and the deduction cells (``deductions``) brought up to date."""
    if "cases" in kinds:
        _in_slices(session, CaseCellMark, CaseRow, case_cells.bring_up_to_date)
    if "deductions" in kinds:
        _in_slices(session, DeductionCellMark, DeductionRow, deduction_cells.bring_up_to_date)


def _in_slices(session: Session, mark: type[Base], rows: type[Base], bring_up: Callable[[Session], int]) -> None:
    table: Table = mark.__table__  # type: ignore[assignment]
    pairs = sorted(session.execute(select(table.c.month, table.c.unit_id)).all())
    stored = int(session.scalar(select(func.count()).select_from(rows)) or 0)
    per_slice = max(1, SLICE_ROWS * len(pairs) // max(1, stored))
    if len(pairs) <= per_slice:
        bring_up(session)
        return
    session.execute(delete(table))
    for at in range(0, len(pairs), per_slice):
        marks = [{"unit_id": unit, "month": month} for month, unit in pairs[at : at + per_slice]]
        session.execute(insert(table), marks)
        bring_up(session)
