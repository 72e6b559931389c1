"""The facts of an evaluation (考评数据) as typed frames: the value io produces and the engine consumes.

A neutral module, so the pure engine never imports the readers of files: io builds :class:`Facts` from CSV or
Excel, the store builds it from tables, tests build it from frames, and the engine only reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from kaoping.errors import InputError
from kaoping.facts.columns import FILES, ROW, SCHEMAS, default_value, empty_frame
from kaoping.facts.kinds import FILE_NAMES


@dataclass(frozen=True, eq=False)
class Facts:
    """Everything the data says, one typed frame per file; each frame has ``_row`` for error messages.

    One field per kind of the registry (:data:`kaoping.facts.kinds.FILE_NAMES`, a test keeps them equal),
    so the engine reads ``facts.scores`` with its type known.

    ``eq=False``: frames do not compare to a single bool, and two readings are not "equal" anyway.
    """

    units: pl.DataFrame
    scores: pl.DataFrame
    deductions: pl.DataFrame
    honors: pl.DataFrame
    notices: pl.DataFrame
    cases: pl.DataFrame
    ranks: pl.DataFrame
    labels: dict[str, str]
    """File name -> label used in errors; present even for absent files (the path it would have)."""
    case_cells: pl.DataFrame | None = None
    """The store's kept case cells (:mod:`kaoping.cases.cells`) standing in for ``cases`` when the pages read
    a year: counts come from them and ``cases`` holds no rows (a unit's explanation reads its own)."""
    deduction_cells: pl.DataFrame | None = None
    """The store's kept deduction cells (:mod:`kaoping.engine.deduction_cells`) standing in for ``deductions``
    when a month is ranked from kept cells: points come from them, and ``deductions`` holds only the rows the
    scheme's inspection windows exclude (what the result lists as not counted)."""
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    """File name -> column -> the header as the file wrote it (``单位`` for ``unit_id``), for messages."""

    def has_cases(self) -> bool:
        """Whether any case is known: as rows, or as kept cells."""
        return self.cases.height > 0 or (self.case_cells is not None and self.case_cells.height > 0)

    def label(self, name: str) -> str:
        """How to name file ``name`` to the user, e.g. in the engine's "unknown unit" errors."""
        return self.labels.get(name, f"{name}.csv")

    def header(self, name: str, column: str) -> str:
        """How file ``name`` headed ``column``: as written in the file, else the contract's name."""
        return self.headers.get(name, {}).get(column, column)

    def in_file_order(self, errors: Iterable[InputError]) -> list[InputError]:
        """``errors`` by file (in the order of the files), row and column, each column named as its file
        heads it (``单位`` rather than ``unit_id``): the order a person walks through the sheets to fix them."""
        order = {self.label(n): i for i, n in enumerate(FILE_NAMES)}
        name_of = {self.label(n): n for n in FILE_NAMES}
        named = [
            replace(e, column=self.header(name_of[e.file], e.column)) if e.file in name_of and e.column else e
            for e in errors
        ]
        return sorted(named, key=lambda e: (order.get(e.file, len(order)), e.file, e.row or 0))


def facts_of(
    frames: Mapping[str, pl.DataFrame], labels: dict[str, str], headers: dict[str, dict[str, str]] | None = None
) -> Facts:
    """Facts from one frame per file name (already in the interchange schema)."""
    by_name: dict[str, Any] = {name: frames[name] for name in FILE_NAMES}
    return Facts(**by_name, labels=labels, headers=headers or {})


def empty_facts() -> Facts:
    """All frames empty with their schemas (handy for tests)."""
    return facts_of({name: empty_frame(name) for name in FILE_NAMES}, default_labels())


def default_labels() -> dict[str, str]:
    """The label of every file when the facts did not come from files: its interchange name."""
    return {name: f"{name}.csv" for name in FILE_NAMES}


def _conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with exactly the schema of file ``name``: columns cast, order fixed, extras dropped.

    Columns whose cells may be empty in a file (optional columns, ``item``, the later case times...)
    may be left out and get the same default an empty cell would; leaving out any other column is a
    mistake in the test and raises ``ValueError``.
    """
    out: list[pl.Expr] = []
    for column in FILES[name]:
        if column.name in frame.columns:
            out.append(pl.col(column.name).cast(column.dtype))
        elif not column.required:
            out.append(default_value(column).alias(column.name))
        else:
            raise ValueError(f"{name} frame lacks column '{column.name}'; it has: {', '.join(frame.columns)}")
    if ROW in frame.columns:
        out.append(pl.col(ROW).cast(pl.Int64))
    else:
        out.append(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(ROW))
    result = frame.select(out)
    assert result.schema == SCHEMAS[name], (result.schema, SCHEMAS[name])
    return result


def facts_from_frames(**frames: pl.DataFrame) -> Facts:
    """Build from already-typed frames (tests); missing ones empty; adds ``_row`` if absent (2, 3, ...)."""
    unknown = sorted(set(frames) - set(FILE_NAMES))
    if unknown:
        raise TypeError(f"unknown frame name(s) {', '.join(unknown)}; expected some of {', '.join(FILE_NAMES)}")
    built = {name: _conform(name, frames[name]) if name in frames else empty_frame(name) for name in FILE_NAMES}
    return facts_of(built, default_labels())
