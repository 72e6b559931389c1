"""What the case cells and the deduction cells share in keeping up with their rows (汇总格的标记与替换):
taking the (unit, month) marks the tables' triggers leave, and replacing the cells of those pairs by a
recount.  The two kinds differ in what they read and how they count, not in how the marks are kept.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kaoping.store.batch_write import insert_rows
from kaoping.store.db import advisory_lock

CHUNK = 5_000
"""(unit, month) pairs named in one DELETE (a bulk load marks every unit of every month)."""


def month_index(text_month: str) -> int:
    """The month index (year × 12 + month − 1) of a mark's "YYYY-MM"."""
    y, m = text_month.split("-")
    return int(y) * 12 + int(m) - 1


def take_marks(session: Session, marks: Any, lock: int, key: str, *, held: bool = False) -> set[tuple[str, int]]:
    """The stale (unit, month) pairs of the mark table ``marks``, removed in this transaction, under the
    refreshes' lock (``lock``, ``key``) on PostgreSQL, held until the commit.  ``held``: the transaction
    already holds it (a writer that has just added its own difference), so no round trip to take it again."""
    if session.get_bind().dialect.name == "postgresql":
        if not held:
            advisory_lock(session, lock, key)
        taken = session.execute(delete(marks).returning(marks.unit_id, marks.month)).all()
    else:
        taken = session.execute(select(marks.unit_id, marks.month)).all()
        session.execute(delete(marks))
    return {(unit, month_index(month)) for unit, month in taken}


def delete_pairs(session: Session, table: Any, pairs: set[tuple[str, int]]) -> None:
    """Delete the rows of ``table`` (with ``unit_id`` and ``month`` columns) of the (unit, month) ``pairs``:
    one DELETE per :data:`CHUNK` pairs, not one per month (a batch of rows marks a dozen months, and each
    statement is a round trip made while the refreshes' lock is held)."""
    ordered = sorted(pairs)
    for i in range(0, len(ordered), CHUNK):
        chunk = ordered[i : i + CHUNK]
        session.execute(delete(table).where(tuple_(table.unit_id, table.month).in_(chunk)))


def replace_cells(session: Session, table: Any, pairs: set[tuple[str, int]], fresh: pl.DataFrame) -> None:
    """The cells of ``pairs`` in ``table`` replaced by those of ``fresh`` (a recount that may hold other
    pairs too: they are left out)."""
    wanted = pl.DataFrame(sorted(pairs), schema={"unit_id": pl.String, "month": pl.Int32}, orient="row")
    delete_pairs(session, table, pairs)
    insert_rows(session, table.__table__, fresh.join(wanted, on=["unit_id", "month"], how="semi"))


def upsert(
    session: Session, table: Any, rows: list[dict[str, Any]], keys: list[str], column: str, *, add: bool = False
) -> None:
    """INSERT ``rows`` into ``table``, or where a row of the same ``keys`` is there, set its ``column`` to the
    new value (``add``: add the new value to it): one statement where "look which exist, update those, insert
    the rest" takes three round trips made while the refreshes' lock is held."""
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt: Any = dialect.insert(table)
    new = getattr(stmt.excluded, column)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={column: getattr(table, column) + new if add else new})
    for i in range(0, len(rows), CHUNK):
        session.execute(stmt, rows[i : i + CHUNK])
