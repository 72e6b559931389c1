"""Getting the cells of a CSV file or a workbook sheet as text, with the row numbers Excel would show.

Both sources end up as the same :class:`RawTable` (every cell a string), so one validator checks CSV and
.xlsx data alike and a value is accepted or rejected the same way whichever format the user chose.

A CSV file is read by Polars straight from the file (no Python string of the whole file), only the
columns the caller wants, after its size and header have been bounded; the validator then types those
columns with expressions, so Python only ever touches the few bad cells.
"""

from __future__ import annotations

import codecs
from collections.abc import Collection
from pathlib import Path

import polars as pl

from kaoping.errors import InputError
from kaoping.input_messages import Msg, say
from kaoping.io.raw import (
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_HEADER_BYTES,
    MAX_ROWS,
    RawTable,
    make_table,
    wanted_positions,
)
from kaoping.io.workbook import cell_text, read_workbook, workbook_label

__all__ = ["RawTable", "cell_text", "read_csv_table", "read_workbook", "workbook_label"]

_CHUNK = 1 << 24


def _is_utf8(path: Path) -> bool:
    """Whether the whole file is UTF-8, checked in chunks so the file is never one Python string."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _polars_reason(exc: Exception) -> str:
    """The useful line of a Polars parse error, without its advice about schema inference."""
    text = str(exc)
    if "```" in text:
        text = text.split("```")[1]
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    reason = " ".join(lines[:3]) if lines else type(exc).__name__
    return reason if len(reason) <= 200 else reason[:200] + "…"


def _check_bounds(path: Path, label: str) -> bytes | InputError:
    """The first bytes of the file (for the encoding and header checks) once its size is known to be bounded."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            start = handle.read(MAX_HEADER_BYTES + 1)
    except OSError as exc:
        return InputError.said(label, None, None, say(Msg.FILE_UNREADABLE, reason=exc.strerror or exc))
    if size > MAX_CSV_BYTES:
        return InputError.said(label, None, None, say(Msg.FILE_TOO_BIG, size=f"{size:,}", limit=f"{MAX_CSV_BYTES:,}"))
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return InputError.said(label, None, None, say(Msg.FILE_UTF16))
    first_line = start.split(b"\n", 1)[0]
    if len(first_line) > MAX_HEADER_BYTES:
        return InputError.said(label, 1, None, say(Msg.HEADER_TOO_LONG, limit=f"{MAX_HEADER_BYTES:,}"))
    if first_line.count(b",") >= MAX_COLUMNS:
        return InputError.said(label, 1, None, say(Msg.HEADER_TOO_WIDE, limit=MAX_COLUMNS))
    return start


def _source(path: Path, label: str) -> Path | bytes | InputError:
    """What Polars should read: the file itself when it is UTF-8 (BOM or not), else its GB18030 text
    re-encoded (older Chinese Excel exports; the whole file is decoded then, as it is small and rare)."""
    if _is_utf8(path):
        return path
    try:
        return path.read_bytes().decode("gb18030").encode("utf-8")
    except (UnicodeDecodeError, OSError):
        return InputError.said(label, None, None, say(Msg.FILE_UNDECODABLE))


def _read(source: Path | bytes, *, n_rows: int, columns: list[int] | None = None) -> pl.DataFrame:
    """Every cell as text (no inference: the validator types columns), ragged lines cut to the header."""
    return pl.read_csv(
        source,
        has_header=False,
        infer_schema=False,
        truncate_ragged_lines=True,
        raise_if_empty=False,
        n_rows=n_rows,
        columns=columns,
    )


def read_csv_table(path: Path, label: str, wanted: Collection[str] | None = None) -> RawTable | InputError:
    """Read one CSV file as text cells; a file that cannot be read, decoded or bounded at all is one error.

    ``wanted``: the column names to read (matched like the validator matches them); None reads all.
    The header is read as an ordinary row (``has_header=False``) so that duplicate or blank header cells
    are ours to report and row ``i`` of the frame is line ``i + 1`` of the sheet.  Polars keeps blank
    lines as all-null rows, which is what keeps the row numbers equal to Excel's.
    """
    start = _check_bounds(path, label)
    if isinstance(start, InputError):
        return start
    source = _source(path, label)
    if isinstance(source, InputError):
        return source
    try:
        head = _read(source, n_rows=1)
        if head.height == 0:
            return make_table(label, [], [])
        header = [v or "" for v in head.row(0)]
        positions = wanted_positions(header, wanted)
        if not positions:
            return make_table(label, header, [])
        frame = _read(source, n_rows=MAX_ROWS + 2, columns=positions)
    except pl.exceptions.PolarsError as exc:
        reason = _polars_reason(exc)
        return InputError.said(label, None, None, say(Msg.CSV_UNREADABLE, reason=reason))
    if frame.height > MAX_ROWS + 1:
        return InputError.said(label, None, None, say(Msg.TOO_MANY_ROWS, limit=f"{MAX_ROWS:,}"))
    body = frame.slice(1)
    return make_table(label, header, zip(positions, body.get_columns(), strict=True))
