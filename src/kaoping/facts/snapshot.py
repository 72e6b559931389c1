"""Facts snapshots (数据快照): the facts a result was computed from, packed into bytes that never change.

A published ranking must be reproducible long after the store's rows have moved on (a late entry, a
correction, someone editing the database file).  So a result keeps the facts it was computed from: the
engine's frames, restricted to the stretch of time that can matter for the period (:func:`scope`), written
as one Parquet file per kind inside a zip with fixed member dates — the same facts give the same bytes, and
the bytes are stored under their sha256 (content-addressed: a hundred drafts of one period share one).

:func:`changes` compares two sets of facts row by row (by the row's id in the store), which is how the
office learns that live data no longer matches a published version, and how ``kaoping verify`` finds rows
edited behind the application's back.  Neutral: no store, no web — the store keeps the bytes.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import polars as pl

from kaoping.facts.columns import FILES, ROW, SCHEMAS, default_value
from kaoping.facts.frames import Facts, facts_of
from kaoping.facts.kinds import FILE_NAMES, KINDS
from kaoping.labels import Labelled
from kaoping.periods import Period

FORMAT = "kaoping-facts-snapshot/1"
"""Written into the zip as ``FORMAT``; a reader refuses bytes of another format instead of misreading them."""
MAX_BYTES = 1 << 31
_FIXED_DATE = (2000, 1, 1, 0, 0, 0)

DATE_COLUMN: dict[str, str] = {s.name: s.time_column for s in KINDS if s.time_column is not None}
"""Per kind, the column that places a row in time (a date, a timestamp or a period key such as 2024-Q3)."""


def _frame_bytes(frame: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.sort(ROW).write_parquet(out, compression="zstd", statistics=False)
    return out.getvalue()


def pack(facts: Facts) -> bytes:
    """The facts as bytes: a zip holding ``<kind>.parquet`` per kind (rows in id order) and ``FORMAT``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as book:
        book.writestr(zipfile.ZipInfo("FORMAT", _FIXED_DATE), FORMAT)
        for name in FILE_NAMES:
            book.writestr(zipfile.ZipInfo(f"{name}.parquet", _FIXED_DATE), _frame_bytes(getattr(facts, name)))
    return out.getvalue()


def digest(data: bytes) -> str:
    """The content address of packed facts (hex sha256)."""
    return hashlib.sha256(data).hexdigest()


class SnapshotError(ValueError):
    """Bytes that are not a facts snapshot of this format (damaged, or written by something else)."""


def unpack(data: bytes, labels: dict[str, str] | None = None) -> Facts:
    """The facts packed by :func:`pack`, with the same frames, types and row ids."""
    if len(data) > MAX_BYTES:
        raise SnapshotError(f"snapshot of {len(data)} bytes is larger than {MAX_BYTES}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            if book.read("FORMAT").decode() != FORMAT:
                raise SnapshotError("not a kaoping facts snapshot of format " + FORMAT)
            frames = {name: pl.read_parquet(io.BytesIO(book.read(f"{name}.parquet"))) for name in FILE_NAMES}
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SnapshotError(f"damaged facts snapshot: {exc}") from exc
    for name, frame in list(frames.items()):
        frames[name] = frame = _with_later_columns(name, frame)
        wanted = {**SCHEMAS[name], ROW: pl.Int64}
        if dict(frame.schema) != wanted:
            raise SnapshotError(f"snapshot frame {name} has columns {dict(frame.schema)}, expected {wanted}")
    return facts_of(frames, labels or {name: f"db:{name}" for name in FILE_NAMES})


def _with_later_columns(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A snapshot packed before an optional column was added to the contract (notices' ``points`` and
    ``failed_reinspections``, issue #17; deductions' ``problem_kind``, ``quantity`` and ``override_reason``,
    issue #16) reads with that column's default, as a file without it would: a published version stays
    readable after the upgrade, and means what it meant."""
    missing = [c for c in FILES[name] if c.optional and c.name not in frame.columns]
    if not missing:
        return frame
    filled = frame.with_columns(default_value(c).alias(c.name) for c in missing)
    return filled.select([*(c.name for c in FILES[name]), ROW])


# --- what can matter for a period --------------------------------------------------------------------


def scope_bounds(period: Period) -> tuple[date, date]:
    """From 1 January of the year before the period's previous one to the period's end (exclusive).

    Nothing dated after a period changes its result; before it, yearly caps and honors added a few
    periods late reach back into the year, and a bulletin compares with the previous period (January's is
    last December).  Whoever stores a snapshot still checks that the result computed from it is the same
    (:mod:`kaoping.app.publish`), and keeps all facts when it is not.
    """
    first = period.previous().start()
    return date(first.year - 1, 1, 1), period.end_exclusive()


def year_window(year: int) -> tuple[date, date]:
    """The facts any period of ``year`` can need: the union of :func:`scope_bounds` over its months,
    quarters and the year itself (January reaches back to 1 January two years before).  What the pages
    load for a year, so all its periods share one read of the store."""
    return date(year - 2, 1, 1), date(year + 1, 1, 1)


def placed_in(name: str, lo: date, hi: date) -> pl.Expr:
    """True for the rows of kind ``name`` that its time column places in [lo, hi): a date or timestamp in
    the span, a period key (2024-Q3) of a year the span touches — what the store's filter selects too.
    Every row of a kind without a time column (units)."""
    column = DATE_COLUMN.get(name)
    if column is None:
        return pl.lit(True)
    dtype = SCHEMAS[name][column]
    if dtype == pl.String:
        year = pl.col(column).str.slice(0, 4).cast(pl.Int32, strict=False)
        return year.is_between(lo.year, (hi - timedelta(days=1)).year)
    value = pl.col(column).cast(pl.Date) if dtype == pl.Datetime else pl.col(column)
    return (value >= lo) & (value < hi)


def scope(facts: Facts, period: Period) -> Facts:
    """The facts dated within :func:`scope_bounds` of ``period`` (every unit is kept)."""
    lo, hi = scope_bounds(period)
    frames = {
        name: getattr(facts, name) if name not in DATE_COLUMN else getattr(facts, name).filter(placed_in(name, lo, hi))
        for name in FILE_NAMES
    }
    return facts_of(frames, dict(facts.labels))


def within(facts: Facts, period: Period) -> Facts:
    """Only the facts dated inside ``period`` itself (every unit kept): what an office means by "this
    period's rows" when it is told that live data has changed."""
    frames: dict[str, pl.DataFrame] = {}
    for name in FILE_NAMES:
        frame = getattr(facts, name)
        if name in DATE_COLUMN:
            column = DATE_COLUMN[name]
            if SCHEMAS[name][column] == pl.String:
                frame = frame.filter(pl.col(column).is_in(period.keys()))
            else:
                frame = frame.filter(period.holds(column))
        frames[name] = frame
    return facts_of(frames, dict(facts.labels))


# --- comparing two sets of facts ---------------------------------------------------------------------


class RowChange(Labelled):
    """What happened to a row between two sets of facts."""

    ADDED = "added", "新增"
    CHANGED = "changed", "修改"
    REMOVED = "removed", "删除"


@dataclass(frozen=True)
class ChangedRow:
    """One row that differs: its kind (file), id in the store, unit, and the values before and after."""

    kind: str
    row_id: int | str
    change: RowChange
    unit_id: str
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    @property
    def fields(self) -> list[str]:
        """The columns whose value differs (all of them for an added or removed row)."""
        keys = list(self.after or self.before)
        return [k for k in keys if self.before.get(k) != self.after.get(k)]


def _plain(v: Any) -> Any:
    """A JSON-like value, as the audit trail writes it (dates and times as ISO text)."""
    return v.isoformat() if isinstance(v, date | datetime | time) else v


def _key(name: str) -> str:
    return "unit_id" if name == "units" else ROW


def _rows(frame: pl.DataFrame, name: str) -> dict[Any, dict[str, Any]]:
    """Row key → the row's columns (without ``_row``: that is the key, or a spreadsheet line for units)."""
    key = _key(name)
    return {r[key]: {k: _plain(v) for k, v in r.items() if k != ROW} for r in frame.to_dicts()}


def _differing(before: pl.DataFrame, after: pl.DataFrame, name: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of each side that have no identical row on the other (a quick anti-join on all columns)."""
    cols = [c for c in before.columns if c != ROW] + ([ROW] if _key(name) == ROW else [])
    return (
        before.join(after, on=cols, how="anti", nulls_equal=True),
        after.join(before, on=cols, how="anti", nulls_equal=True),
    )


def changes(before: Facts, after: Facts) -> list[ChangedRow]:
    """Every row added, changed or removed from ``before`` to ``after``, kind by kind, in id order."""
    out: list[ChangedRow] = []
    for name in FILE_NAMES:
        gone, came = _differing(getattr(before, name), getattr(after, name), name)
        if gone.is_empty() and came.is_empty():
            continue
        old, new = _rows(gone, name), _rows(came, name)
        for key in sorted(set(old) | set(new), key=lambda k: (str(type(k)), k)):
            b, a = old.get(key, {}), new.get(key, {})
            change = RowChange.CHANGED if b and a else (RowChange.ADDED if a else RowChange.REMOVED)
            unit = str((a or b).get("unit_id", ""))
            out.append(ChangedRow(name, key, change, unit, b, a))
    return out
