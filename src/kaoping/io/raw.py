"""The text cells of one file or sheet, and the bounds every input is held to before it is parsed.

A data file comes from a person or another system, so its size is not ours to trust: a CSV of ten
gigabytes, a header of a million columns or a 5 KB workbook that claims a cell in column XFD of row
1,048,576 must each end in one clear error (or a bounded read), never in a machine out of memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from kaoping.facts.columns import ROW, header_key

MAX_CSV_BYTES = 4 << 30
"""A CSV file larger than this is refused before it is read (a year of 10 M cases is about 2.2 GB)."""
MAX_ROWS = 20_000_000
"""Data rows of one CSV file; Excel's own limit (1,048,576 rows) bounds a sheet."""
MAX_COLUMNS = 512
"""Header cells of one file or sheet (the widest contract file has 12 columns)."""
MAX_HEADER_BYTES = 1 << 20
"""The header line of a CSV file must end within this many bytes."""
MAX_XLSX_BYTES = 512 << 20
"""A workbook file larger than this is refused before it is opened."""
MAX_XML_BYTES = 2 << 30
"""Uncompressed bytes of one sheet's XML (or of the shared strings); measured while inflating, so a zip
that lies about its sizes cannot get past it."""
MAX_CELLS = 20_000_000
"""Rows × columns of the dense grid that calamine allocates for a sheet (about 0.7 GB at most)."""


@dataclass(frozen=True)
class RawTable:
    """A file's cells as text, before any checks."""

    label: str
    header: list[str]
    """The header cells (row 1), stripped; position ``i`` names body column ``c{i}``."""
    body: pl.DataFrame
    """String columns ``c{i}`` (null or "" = empty cell) for the header positions that were read — the
    columns a reader asked for, not every column of the file — and ``_row`` (Int64, 2 = first data row)."""


def make_table(
    label: str, header: Sequence[str], columns: Iterable[tuple[int, pl.Series]], first_row: int = 2
) -> RawTable:
    """A RawTable from the header cells and ``(header position, body column)`` pairs; ``first_row``: the
    sheet row of the first body row (a later chunk of a file read in chunks starts further down)."""
    body = pl.DataFrame([s.cast(pl.String).rename(f"c{i}") for i, s in columns])
    body = body.with_columns(pl.int_range(first_row, pl.len() + first_row, dtype=pl.Int64).alias(ROW))
    return RawTable(label, [h.strip() for h in header], body)


def wanted_positions(header: Sequence[str], wanted: Iterable[str] | None) -> list[int]:
    """The header positions whose names are in ``wanted`` (compared by :func:`header_key`: case, spaces,
    full-width forms and a bracketed note ignored); all when None.

    Reading only these columns is what makes a wide export (cases with 23 columns) cheap to read, and what
    keeps a stray cell far to the right of the header from costing anything.
    """
    if wanted is None:
        return list(range(len(header)))
    names = {header_key(w) for w in wanted}
    return [i for i, cell in enumerate(header) if header_key(cell) in names]
