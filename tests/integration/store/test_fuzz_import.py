"""Fuzzing ``kaoping import``'s path into a SQLite store with mutated example data (issue 14, "What must hold").

The readers' own fuzz test (tests/unit/io/test_fuzz_readers.py) stops at the facts; an import goes on:
unit references against the store, the entry checks, the scheme's checks (the folder's built-in scheme),
the file hashes (for a workbook, a second reader: openpyxl), the writes and the audit.  A mutant —
a seed folder with one file's cells, rows or bytes changed, written as CSV or as a workbook — must import
or be refused with :class:`~kaoping.errors.InputErrors` (``Unconfirmed`` is one: exit 2 with its rows);
never another exception, never a hang, and a refused import writes nothing.

Each example has a store of its own: a copy of the migrated template file (tests/db_testing.py).
Fixed budget and seed (``derandomize``): ~10 s on two shared cores.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from db_testing import SqliteStores, dispose
from fuzz_testing import FUZZ, SEED_FOLDERS, csv_bytes, csv_rows, mutated_bytes, mutated_rows, no_hang, write_book
from kaoping.app.imports import import_data
from kaoping.errors import InputErrors
from kaoping.scheme import builtin_names, load_scheme
from kaoping.store.db import open_store
from kaoping.store.tables import Base

SCHEMES = set(builtin_names())

Mutant = tuple[Path, str, bytes, bool]
"""A seed folder, the file replaced, its new bytes (CSV), and whether the folder goes in as a workbook."""


@st.composite
def mutants(draw: st.DrawFn) -> Mutant:
    folder = draw(st.sampled_from(SEED_FOLDERS))
    seed = draw(st.sampled_from(sorted(folder.glob("*.csv"))))
    as_book = draw(st.integers(0, 3)) == 0
    if not as_book and draw(st.integers(0, 2)) == 0:
        return folder, seed.name, draw(mutated_bytes(seed.read_bytes())), False
    return folder, seed.name, csv_bytes(draw(mutated_rows(csv_rows(seed)))), as_book


def _source(folder: Path, name: str, data: bytes, as_book: bool, tmp: Path) -> Path:
    files = {seed.name: data if seed.name == name else seed.read_bytes() for seed in folder.glob("*.csv")}
    if as_book:
        book = tmp / "book.xlsx"
        sheets: dict[str, list[list[object]]] = {}
        for file, content in files.items():
            (tmp / file).write_bytes(content)
            sheets[Path(file).stem] = list(csv_rows(tmp / file))
        write_book(book, sheets)
        return book
    source = tmp / "data"
    source.mkdir()
    for file, content in files.items():
        (source / file).write_bytes(content)
    return source


@settings(FUZZ, max_examples=100)
@given(mutant=mutants())
def test_mutated_data_imports_or_says_why(sqlite_stores: SqliteStores, mutant: Mutant) -> None:
    folder, name, data, as_book = mutant
    scheme = load_scheme(folder.name) if folder.name in SCHEMES else None
    with tempfile.TemporaryDirectory() as tmp:
        factory = open_store(sqlite_stores.fresh(Path(tmp)))
        try:
            with no_hang():
                try:
                    import_data(factory, _source(folder, name, data, as_book, Path(tmp)), actor="fuzz", scheme=scheme)
                except InputErrors as exc:
                    assert exc.errors and all(e.file and e.message for e in exc.errors), exc
                    with factory() as session:
                        written = [
                            t.name
                            for t in Base.metadata.sorted_tables
                            if session.scalar(select(func.count()).select_from(t))
                        ]
                        assert written == [], f"refused, yet rows written to {written}"
        finally:
            dispose(factory)
