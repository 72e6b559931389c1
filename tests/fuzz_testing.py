"""What the fuzz tests share (issue 14): a hang limit, the seed corpus and the ways a seed is mutated.

The seeds are the example folders' CSV files (examples/<name>/*.csv); a mutant changes a seed's bytes (a
byte flipped, cut, doubled; a BOM, NUL, invalid UTF-8), its cells (huge, negative, infinite or NaN
numbers, impossible dates, formulas, long or empty text) or its rows (doubled, dropped, ragged, the header
changed).  Each mutation is drawn by hypothesis, so a failure shrinks to a small one and, with
``derandomize``, is found again on the next run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import cache
from pathlib import Path
from types import FrameType

import xlsxwriter
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from examples_testing import EXAMPLES

HANG_SECONDS = 10
"""An example that takes this long is a hang (the slowest seed reads and imports in well under a second)."""

FUZZ = settings(
    derandomize=True,
    deadline=timedelta(seconds=HANG_SECONDS),  # hypothesis's deadline, checked after an example ends; no_hang stops one
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
"""The fuzz tests' common settings; each test adds its own ``max_examples`` (the budget)."""


def _timeout(signum: int, frame: FrameType | None) -> None:
    raise TimeoutError(f"an example took more than {HANG_SECONDS} s")


@contextmanager
def no_hang(seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Fail (TimeoutError) whatever inside runs longer than ``seconds``: a hang is a failure, not a stall."""
    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


SEED_FOLDERS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and any(p.glob("*.csv")))
"""Every example folder with data: the seed corpus."""

CELLS = [
    "",
    " ",
    "0",
    "-1",
    "1e308",
    "1e400",
    "-1e400",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "9" * 40,
    "2" * 20,
    "0x10",
    "1,5",
    "１２",
    "2024-02-30",
    "2024-13",
    "2024-Q5",
    "9999-12-31 23:59",
    "0001-01-01",
    "1900-02-29",
    "2024-01-05 25:61",
    "2024/1/5",
    "45678",
    "是",
    "否",
    "TRUE",
    "=1+1",
    "@SUM(A1)",
    '"',
    "\x00",
    "\ufeff",
    "\u202e",
    "x" * 5000,
    "城区/街道[一]",
    "d1",
]
"""Cell values that have broken or nearly broken a reader somewhere."""

CELL = st.sampled_from(CELLS) | st.text(max_size=12)


@st.composite
def mutated_rows(draw: st.DrawFn, rows: list[list[str]]) -> list[list[str]]:
    """``rows`` (header first) with one to four cell or row mutations."""
    rows = [list(r) for r in rows]
    for _ in range(draw(st.sampled_from([1, 1, 2, 3, 4]))):  # mostly one: a second mutation often hides the first
        op = draw(st.sampled_from(["cell", "cell", "cell", "double", "double", "drop", "ragged", "header", "column"]))
        i = draw(st.integers(0, len(rows) - 1)) if rows else 0
        if not rows:
            rows.append([draw(CELL)])
        elif op == "cell" and rows[i]:
            rows[i][draw(st.integers(0, len(rows[i]) - 1))] = draw(CELL)
        elif op == "double":  # a data row twice (a duplicate key), or the header as a row
            rows.insert(i, list(rows[max(i, 1) if len(rows) > 1 else 0]))
        elif op == "drop":
            del rows[i]
        elif op == "ragged":
            rows[i] = rows[i][: draw(st.integers(0, len(rows[i])))] + draw(st.lists(CELL, max_size=3))
        elif op == "header" and rows[0]:
            rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(st.sampled_from(rows[0] + ["", "unit_id", "x"]))
        elif op == "column":
            j = draw(st.integers(0, max(len(rows[0]) - 1, 0)))
            rows = [r[:j] + r[j + 1 :] for r in rows]
    return rows


PIECES = [b"\xef\xbb\xbf", b"\x00", b"\xff\xfe", b"\r", b'"', b",", b"\n", b"\xe5\x9f"]
"""Bytes that mean something to a CSV or XML reader: a BOM, NUL, a UTF-16 mark, quotes, a cut UTF-8 character."""


@st.composite
def mutated_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with one to four byte-level mutations."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(out)))
        op = draw(st.sampled_from(["flip", "insert", "cut", "double", "truncate"]))
        if op == "flip" and at < len(out):
            out[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            piece = draw(
                st.sampled_from([b"\xef\xbb\xbf", b"\x00", b"\xff\xfe", b"\r", b'"', b",", b"\n"])
                | st.binary(max_size=8)
            )
            out[at:at] = piece
        elif op == "cut":
            del out[at : at + draw(st.integers(1, 64))]
        elif op == "double":
            out[at:at] = out[at : at + draw(st.integers(1, 256))]
        elif op == "truncate":
            del out[at:]
    return bytes(out)


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def csv_bytes(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode("utf-8")


CREATED = dt.datetime(2024, 1, 1)


def folder_sheets(folder: Path) -> dict[str, list[list[object]]]:
    """A seed folder as a workbook's sheets: one per CSV file, named as the file."""
    return {p.stem: list(csv_rows(p)) for p in sorted(folder.glob("*.csv"))}


@cache
def seed_book(folder: Path) -> bytes:
    """A seed folder as an .xlsx, made once."""
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "seed.xlsx"
        write_book(book, folder_sheets(folder))
        return book.read_bytes()


def write_book(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    """``sheets`` (name → rows, header first) as an .xlsx; text that looks like a number becomes one, as
    Excel would make it."""
    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True, "strings_to_numbers": True})
    book.set_properties({"created": CREATED})  # the same bytes on every run: a seed must not change under hypothesis
    try:
        for name, rows in sheets.items():
            sheet = book.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    sheet.write(r, c, value)
    finally:
        book.close()
