"""The store read in chunks for an import checked chunk by chunk (分块导入): memory bounded by a chunk.

A year of a city's cases is ten million rows.  Read whole, checked against every stored fact loaded whole,
such an import needed memory in proportion to both (1.5 GB at 1.25 M rows).  Here the rows of a file come
as a sequence of chunks in source order (:func:`~kaoping.store.facts.write_facts` writes them as one import
batch, keys counted across chunks), and the store is read the same way: :func:`stored_chunks` reads a fact
table back in chunks of rows for the checks that still need the stored rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.store.columnar import read_frame
from kaoping.store.facts import TABLES, columns
from kaoping.store.tables import FactMixin, Unit

__all__ = ["stored_chunks", "stored_units"]


def stored_units(session: Session) -> pl.DataFrame:
    """The stored units as the interchange frame (``_row``: the row the unit had in its file), as
    :func:`~kaoping.store.facts.load_facts` reads them; a city has hundreds, not millions."""
    stmt = select(*[getattr(Unit, c) for c in columns("units")], Unit.src_row.label(ROW))
    return read_frame(session, stmt, dict(SCHEMAS["units"]))


def stored_chunks(session: Session, kind: str, rows: int) -> Iterator[pl.DataFrame]:
    """The stored rows of fact ``kind`` in chunks of ``rows`` by id: the interchange columns, ``_row`` (the
    row's id, as :func:`~kaoping.store.facts.load_facts` gives it) and ``nkey``."""
    table = cast("type[FactMixin]", TABLES[kind])
    schema = dict(SCHEMAS[kind]) | {"nkey": pl.String()}
    picked = [getattr(table, c) for c in columns(kind)]
    after = 0
    while True:
        stmt = select(*picked, table.id.label(ROW), table.nkey).where(table.id > after).order_by(table.id).limit(rows)
        frame = read_frame(session, stmt, schema)
        if frame.is_empty():
            return
        yield frame
        after = int(frame.get_column(ROW).max())  # type: ignore[arg-type]
