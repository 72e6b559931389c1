"""Getting the cells of a CSV file or a workbook sheet as text, with the row numbers Excel would show.

Both sources end up as the same :class:`RawTable` (every cell a string), so one validator checks CSV and
.xlsx data alike and a value is accepted or rejected the same way whichever format the user chose.

A CSV file is read by Polars straight from the file (no Python string of the whole file), only the
columns the caller wants, after its size and header have been bounded; the validator then types those
columns with expressions, so Python only ever touches the few bad cells.
"""

from __future__ import annotations

from collections.abc import Collection, Generator, Iterable, Iterator
from dataclasses import dataclass
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

__all__ = [
    "CsvHead",
    "RawTable",
    "cell_text",
    "csv_chunks",
    "open_csv",
    "read_csv_table",
    "read_workbook",
    "workbook_label",
]

_CHUNK = 1 << 24


def _is_utf8(path: Path, chunk: int = _CHUNK) -> bool:
    """Whether the whole file is UTF-8, checked in chunks so the file is never one Python string.

    Each chunk is validated by Polars (Rust) rather than decoded by Python's codec: decoding built a Python
    string of every chunk only to throw it away (about 0.45 s of CPU for a 230 MB case file, against 0.04 s).
    A chunk is cut before its last character's first byte, which goes to the next chunk, so no character
    straddles two checks; the same bytes are accepted and refused as by ``bytes.decode("utf-8")``.
    """
    carry = b""
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            data = carry + block
            cut = _last_char_start(data)
            if not _valid_utf8(data[:cut]):
                return False
            carry = data[cut:]
    return _valid_utf8(carry)


def _last_char_start(data: bytes) -> int:
    """Where the last character of ``data`` starts when it may be cut short (a lead byte followed by at most three
    continuation bytes); otherwise ``len(data)``, and the whole of ``data`` is checked at once."""
    i = len(data) - 1
    while i >= 0 and len(data) - i <= 4 and data[i] & 0xC0 == 0x80:
        i -= 1
    return i if i >= 0 and data[i] >= 0xC0 else len(data)


def _valid_utf8(data: bytes) -> bool:
    try:
        pl.Series([data], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.ComputeError:
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


@dataclass(frozen=True)
class CsvHead:
    """A CSV file opened for reading: bounded, decoded, its header read and the wanted columns located."""

    label: str
    source: Path | bytes
    header: list[str]
    """The header cells, unstripped (empty: an empty file)."""
    positions: list[int]
    """The header positions to read."""


def open_csv(path: Path, label: str, wanted: Collection[str] | None = None) -> CsvHead | InputError:
    """Check the file's size, encoding and header and find the wanted columns; one error when it cannot be."""
    start = _check_bounds(path, label)
    if isinstance(start, InputError):
        return start
    source = _source(path, label)
    if isinstance(source, InputError):
        return source
    try:
        head = _read(source, n_rows=1)
    except pl.exceptions.PolarsError as exc:
        return InputError.said(label, None, None, say(Msg.CSV_UNREADABLE, reason=_polars_reason(exc)))
    header = [v or "" for v in head.row(0)] if head.height else []
    return CsvHead(label, source, header, wanted_positions(header, wanted) if header else [])


def read_csv_table(path: Path, label: str, wanted: Collection[str] | None = None) -> RawTable | InputError:
    """Read one CSV file as text cells; a file that cannot be read, decoded or bounded at all is one error.

    ``wanted``: the column names to read (matched like the validator matches them); None reads all.
    The header is read as an ordinary row (``has_header=False``) so that duplicate or blank header cells
    are ours to report and row ``i`` of the frame is line ``i + 1`` of the sheet.  Polars keeps blank
    lines as all-null rows, which is what keeps the row numbers equal to Excel's.
    """
    head = open_csv(path, label, wanted)
    if isinstance(head, InputError):
        return head
    if not head.header or not head.positions:
        return make_table(label, head.header, [])
    try:
        frame = _read(head.source, n_rows=MAX_ROWS + 2, columns=head.positions)
    except pl.exceptions.PolarsError as exc:
        return InputError.said(label, None, None, say(Msg.CSV_UNREADABLE, reason=_polars_reason(exc)))
    if frame.height > MAX_ROWS + 1:
        return _too_many(label)
    return make_table(label, head.header, zip(head.positions, frame.slice(1).get_columns(), strict=True))


def _too_many(label: str) -> InputError:
    return InputError.said(label, None, None, say(Msg.TOO_MANY_ROWS, limit=f"{MAX_ROWS:,}"))


def csv_chunks(head: CsvHead, rows: int) -> Iterator[RawTable | InputError]:
    """The file's body as tables of at most ``rows`` rows each, numbered as the sheet numbers them, read by
    Polars' streaming engine (memory bounded by the chunk, whatever the file's size).  Ends with an error
    when the file breaks off unreadable or passes :data:`MAX_ROWS`; yields at least one table or error.
    The cells are those :func:`read_csv_table` reads (the same reader: blank lines kept as empty rows)."""
    if not head.header or not head.positions:
        yield make_table(head.label, head.header, [])
        return
    if isinstance(head.source, bytes):  # re-encoded GB18030: small and rare, read at once
        frames: Iterable[pl.DataFrame] = [_read(head.source, n_rows=MAX_ROWS + 2, columns=head.positions)]
    else:
        scan = pl.scan_csv(
            head.source, has_header=False, infer_schema=False, truncate_ragged_lines=True, raise_if_empty=False
        )
        frames = scan.select(pl.nth(head.positions)).collect_batches(chunk_size=min(rows, 50_000))
    line, held, pending, in_body = 1, 0, list[pl.DataFrame](), False  # line: sheet row of the last row passed
    try:
        for frame in frames:
            if not in_body:
                if not frame.height:
                    continue
                frame, in_body = frame.slice(1), True  # the header line
            pending.append(frame)
            held += frame.height
            while held >= rows:
                body = pl.concat(pending)
                pending, held = [body.slice(rows)], held - rows
                line = yield from _emit(head, body.slice(0, rows), line)
        if held or line == 1:
            empty = [pl.Series(f"c{i}", [], pl.String) for i in head.positions]
            yield from _emit(head, pl.concat(pending) if pending else pl.DataFrame(empty), line)
    except _TooManyRows:
        yield _too_many(head.label)
    except pl.exceptions.PolarsError as exc:
        yield InputError.said(head.label, None, None, say(Msg.CSV_UNREADABLE, reason=_polars_reason(exc)))


class _TooManyRows(Exception):
    pass


def _emit(head: CsvHead, body: pl.DataFrame, line: int) -> Generator[RawTable, None, int]:
    """One chunk as a table starting at sheet row ``line + 1``; returns the next chunk's ``line``."""
    if line + body.height > MAX_ROWS + 1:
        raise _TooManyRows
    yield make_table(head.label, head.header, zip(head.positions, body.get_columns(), strict=True), line + 1)
    return line + body.height
