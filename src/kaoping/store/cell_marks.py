"""What the case cells and the deduction cells share in keeping up with their rows (汇总格的标记与替换):
taking the (unit, month) marks the tables' triggers leave, and replacing the cells of those pairs by a
recount.  The two kinds differ in what they read and how they count, not in how the marks are kept.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kaoping.store.batch_write import insert_rows
from kaoping.store.db import advisory_lock

CHUNK = 5_000
"""Units named in one DELETE (a bulk load marks every unit of every month)."""


def month_index(text_month: str) -> int:
    """The month index (year × 12 + month − 1) of a mark's "YYYY-MM"."""
    y, m = text_month.split("-")
    return int(y) * 12 + int(m) - 1


def take_marks(session: Session, marks: Any, lock: int, key: str) -> set[tuple[str, int]]:
    """The stale (unit, month) pairs of the mark table ``marks``, removed in this transaction, under the
    refreshes' lock (``lock``, ``key``) on PostgreSQL, held until the commit."""
    if session.get_bind().dialect.name == "postgresql":
        advisory_lock(session, lock, key)
        taken = session.execute(delete(marks).returning(marks.unit_id, marks.month)).all()
    else:
        taken = session.execute(select(marks.unit_id, marks.month)).all()
        session.execute(delete(marks))
    return {(unit, month_index(month)) for unit, month in taken}


def delete_pairs(session: Session, table: Any, pairs: set[tuple[str, int]]) -> None:
    """Delete the rows of ``table`` (with ``unit_id`` and ``month`` columns) of the (unit, month) ``pairs``."""
    by_month: dict[int, list[str]] = {}
    for unit, month in sorted(pairs):
        by_month.setdefault(month, []).append(unit)
    for month, units in by_month.items():
        for i in range(0, len(units), CHUNK):
            session.execute(delete(table).where(table.month == month, table.unit_id.in_(units[i : i + CHUNK])))


def replace_cells(session: Session, table: Any, pairs: set[tuple[str, int]], fresh: pl.DataFrame) -> None:
    """The cells of ``pairs`` in ``table`` replaced by those of ``fresh`` (a recount that may hold other
    pairs too: they are left out)."""
    wanted = pl.DataFrame(sorted(pairs), schema={"unit_id": pl.String, "month": pl.Int32}, orient="row")
    delete_pairs(session, table, pairs)
    insert_rows(session, table.__table__, fresh.join(wanted, on=["unit_id", "month"], how="semi"))
