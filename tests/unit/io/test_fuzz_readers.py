"""Fuzzing the readers of the interchange files, CSV folders and .xlsx workbooks (issue 14, "What must hold").

Seeds: the example folders (tests/fuzz_testing.py).  A mutant changes one file of a folder — its bytes,
or its cells and rows — or a workbook made of the folder — its cells (typed: numbers, dates, booleans,
formulas), or the bytes of one of its XML parts.  ``read_facts`` must then give the facts or raise
:class:`~kaoping.errors.InputErrors` (the CLI's exit 2, each error naming file, row and column), never
another exception, and never hang.

Fixed budget and seed: ``max_examples`` per test, ``derandomize``; the module runs in ~10 s on two shared cores.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz_testing import (
    CELL,
    FUZZ,
    SEED_FOLDERS,
    csv_bytes,
    csv_rows,
    folder_sheets,
    mutated_bytes,
    mutated_rows,
    no_hang,
    seed_book,
    write_book,
)
from kaoping.errors import InputErrors
from kaoping.io.readers import read_facts

FileMutant = tuple[Path, str, bytes]
"""A seed folder, the name of the file replaced, and that file's new bytes."""


@st.composite
def csv_mutants(draw: st.DrawFn) -> FileMutant:
    folder = draw(st.sampled_from(SEED_FOLDERS))
    seed = draw(st.sampled_from(sorted(folder.glob("*.csv"))))
    if draw(st.booleans()):
        return folder, seed.name, draw(mutated_bytes(seed.read_bytes()))
    return folder, seed.name, csv_bytes(draw(mutated_rows(csv_rows(seed))))


def _reads_or_says_why(source: Path) -> None:
    with no_hang():
        try:
            read_facts(source)
        except InputErrors as exc:
            assert exc.errors and all(e.file and e.message for e in exc.errors), exc


@settings(FUZZ, max_examples=300)
@given(csv_mutants())
def test_mutated_csv_reads_or_says_why(mutant: FileMutant) -> None:
    folder, name, data = mutant
    with tempfile.TemporaryDirectory() as tmp:
        for seed in folder.glob("*.csv"):
            (Path(tmp) / seed.name).write_bytes(data if seed.name == name else seed.read_bytes())
        _reads_or_says_why(Path(tmp))


TYPED = st.one_of(
    CELL,
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["=1/0", "=NA()", "=A1", '=HYPERLINK("x")', "=" + "1+" * 100 + "1"]),
)
"""What an .xlsx cell holds besides text: the workbook reader meets these typed values."""


@st.composite
def workbook_cells(draw: st.DrawFn) -> dict[str, list[list[object]]]:
    """A seed folder as sheets, with typed values written into a few cells."""
    sheets = folder_sheets(draw(st.sampled_from(SEED_FOLDERS)))
    name = draw(st.sampled_from(sorted(sheets)))
    rows = draw(mutated_rows(sheets[name])) if draw(st.booleans()) else sheets[name]
    typed: list[list[object]] = [list(r) for r in rows]
    for _ in range(draw(st.integers(0, 4))):
        if typed and typed[-1]:
            r = draw(st.integers(0, len(typed) - 1))
            if typed[r]:
                typed[r][draw(st.integers(0, len(typed[r]) - 1))] = draw(TYPED)
    sheets[name] = typed
    return sheets


@settings(FUZZ, max_examples=120)
@given(workbook_cells())
def test_workbook_with_mutated_cells_reads_or_says_why(sheets: dict[str, list[list[object]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book.xlsx"
        write_book(book, sheets)
        _reads_or_says_why(book)


@st.composite
def workbook_bytes(draw: st.DrawFn) -> bytes:
    """A seed folder as a workbook, with the bytes of one XML part mutated (and zipped again), or of the
    whole file (mostly a zip that is cut short or corrupt)."""
    seed = seed_book(draw(st.sampled_from(SEED_FOLDERS)))
    if draw(st.integers(0, 3)) == 0:
        return draw(mutated_bytes(seed))
    with zipfile.ZipFile(io.BytesIO(seed)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    member = draw(st.sampled_from(sorted(parts)))
    parts[member] = draw(mutated_bytes(parts[member]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


@settings(FUZZ, max_examples=160)
@given(workbook_bytes())
def test_workbook_with_mutated_bytes_reads_or_says_why(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book.xlsx"
        book.write_bytes(data)
        _reads_or_says_why(book)
