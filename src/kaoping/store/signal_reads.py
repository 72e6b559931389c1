"""What the 督查信号 read from the store, as columns and counts (督查信号的读取): never one Python object per row.

* deductions per (unit, month): from the kept deduction cells (:mod:`kaoping.store.deduction_cells`), brought
  up to date first — a unit's whole history in a few thousand sums;
* cases reported per (unit, month) and case verifications per (unit, month, person): counted by the
  database (``GROUP BY``), since the case cells keep cases by the month they were *dispatched*, not reported;
* deductions as a few columns (:data:`~kaoping.engine.signal_frames.ROWS`: id, unit, day, time) with who
  entered each: who entered a row is what the audit trail says (the account of the row's ``insert`` entry,
  the latest if the row was written again), else the account that imported its file, else :data:`UNKNOWN`;
* the rows of one signal (a unit's verifications by one person, a unit's reported cases) and the photos of
  deductions: read for the signals shown only.

Read only, but for the cells: a reader brings them up to date and commits that alone, as every reader does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any, TypeVar

import polars as pl
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from kaoping.cases.lifecycle import Status
from kaoping.engine.signal_frames import ACTOR_COUNTS, ROWS, UNIT_COUNTS
from kaoping.engine.signal_model import EntryKind
from kaoping.store import deduction_cells
from kaoping.store.columnar import read_frame
from kaoping.store.tables import AuditEntry, CaseRow, CaseTransition, DeductionRow, Evidence, ImportBatch

UNKNOWN = "（未知）"
"""The entering account of a row neither the trail nor an import batch names."""
CHUNK = 500
"""Keys per ``IN (…)`` when looking rows up by key (well under every driver's limit)."""

T = TypeVar("T")
Span = tuple[date, date]
"""[first day, first day after): whole months."""


def _chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _select(*columns: Any) -> Select[Any]:
    """``select`` typed as the columnar reader takes it."""
    return select(*columns)


def _index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _text_month(index: pl.Expr) -> pl.Expr:
    """A month index (year × 12 + month − 1) as ``YYYY-MM``."""
    year, month = (index // 12).cast(pl.String), (index % 12 + 1).cast(pl.String)
    return pl.concat_str(year.str.zfill(4), pl.lit("-"), month.str.zfill(2))


def _sql_month(session: Session, column: Any) -> ColumnElement[str]:
    """The ``YYYY-MM`` of a timestamp, computed by the database: on SQLite the first seven characters of the
    stored text (half the time of ``strftime`` over a city's cases), elsewhere ``to_char``."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 7)
    return func.to_char(column, "YYYY-MM")


def _between(span: Span) -> tuple[datetime, datetime]:
    return datetime.combine(span[0], time()), datetime.combine(span[1], time())


def deduction_counts(session: Session, span: Span) -> pl.DataFrame:
    """:data:`~kaoping.engine.signal_frames.UNIT_COUNTS` of the deductions dated in ``span``, from the cells."""
    if deduction_cells.bring_up_to_date(session):
        session.commit()
    cells = deduction_cells.read_cells(session, (_index(span[0]), _index(span[1]) - 1))
    counted = cells.group_by("unit_id", "month").agg(n=pl.col("n").sum())
    out = counted.with_columns(kind=pl.lit(EntryKind.DEDUCTION.value), month=_text_month(pl.col("month")))
    return out.select(pl.col(c).cast(t) for c, t in UNIT_COUNTS.items())


def _grouped(session: Session, stmt: Select[Any], kind: EntryKind, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of a ``GROUP BY`` whose last two columns are the month (``YYYY-MM``) and the count, as
    ``schema``."""
    names = [c for c in schema if c not in ("kind", "month", "n")]
    data = [tuple(row) for row in session.execute(stmt)]
    raw = pl.DataFrame(data, schema=[*names, "month", "n"], orient="row", infer_schema_length=None)
    if raw.is_empty():
        return pl.DataFrame(schema=schema)
    out = raw.with_columns(kind=pl.lit(kind.value))
    return out.select(pl.col(c).cast(t) for c, t in schema.items())


def case_counts(session: Session, span: Span) -> pl.DataFrame:
    """:data:`~kaoping.engine.signal_frames.UNIT_COUNTS` of the cases reported in ``span``, counted by the
    database (the time reported is indexed)."""
    start, end = _between(span)
    month = _sql_month(session, CaseRow.reported_at)
    stmt = (
        _select(CaseRow.unit_id, month, func.count())
        .where(CaseRow.reported_at >= start, CaseRow.reported_at < end)
        .group_by(CaseRow.unit_id, month)
    )
    return _grouped(session, stmt, EntryKind.CASE, UNIT_COUNTS)


def _verified() -> Select[Any]:
    return (
        _select()
        .select_from(CaseTransition)
        .join(CaseRow, CaseRow.case_id == CaseTransition.case_id)
        .where(CaseTransition.from_status == Status.VERIFYING.value)
    )


def verification_counts(session: Session, span: Span) -> pl.DataFrame:
    """:data:`~kaoping.engine.signal_frames.ACTOR_COUNTS` of the transitions out of 核查 in ``span``: per
    (unit, month, verifying account), counted by the database."""
    start, end = _between(span)
    month = _sql_month(session, CaseTransition.at)
    stmt = (
        _verified()
        .add_columns(CaseRow.unit_id, CaseTransition.actor, month, func.count())
        .where(CaseTransition.at >= start, CaseTransition.at < end)
        .group_by(CaseRow.unit_id, CaseTransition.actor, month)
    )
    return _grouped(session, stmt, EntryKind.VERIFICATION, ACTOR_COUNTS)


def _stamped(session: Session, stmt: Select[Any], kind: EntryKind) -> pl.DataFrame:
    """Rows (row id, key, unit, [actor,] timestamp) as :data:`~kaoping.engine.signal_frames.ROWS` (a case's
    actor: empty, as who reported it is not kept)."""
    names = ["row_id", "key", "unit_id", *(["actor"] if len(stmt.selected_columns) == 5 else []), "at"]
    frame = read_frame(session, stmt, {n: pl.Datetime() if n == "at" else ROWS[n] for n in names})
    out = frame.with_columns(kind=pl.lit(kind.value), day=pl.col("at").dt.date(), clock=pl.col("at").dt.time())
    out = out.with_columns(actor=pl.col("actor") if "actor" in names else pl.lit(""))
    return out.select(pl.col(c).cast(t) for c, t in ROWS.items())


def verification_rows(session: Session, span: Span, unit: str, actor: str) -> pl.DataFrame:
    """One unit's verifications in ``span`` by ``actor``: the rows a 核查集中 signal links."""
    start, end = _between(span)
    cols = (CaseRow.id, CaseRow.case_id, CaseRow.unit_id, CaseTransition.actor, CaseTransition.at)
    stmt = _verified().add_columns(*cols).where(CaseTransition.at >= start, CaseTransition.at < end)
    stmt = stmt.where(CaseRow.unit_id == unit, CaseTransition.actor == actor).order_by(CaseTransition.id)
    return _stamped(session, stmt, EntryKind.VERIFICATION)


def case_rows(session: Session, span: Span, unit: str) -> pl.DataFrame:
    """One unit's cases reported in ``span`` (who reported one is not kept): what a 上报骤降 signal links."""
    start, end = _between(span)
    cols = (CaseRow.id, CaseRow.case_id, CaseRow.unit_id, CaseRow.reported_at)
    stmt = _select(*cols).where(CaseRow.unit_id == unit, CaseRow.reported_at >= start, CaseRow.reported_at < end)
    return _stamped(session, stmt.order_by(CaseRow.id), EntryKind.CASE)


def _inserted(session: Session, *conditions: Any) -> pl.DataFrame:
    """(key, account) of the latest ``insert`` audit entry of each deduction, among those matching."""
    stmt = _select(AuditEntry.id, AuditEntry.row_key, AuditEntry.actor).where(
        AuditEntry.table_name == "deductions", AuditEntry.action == "insert", *conditions
    )
    found = read_frame(session, stmt, {"id": pl.Int64(), "nkey": pl.String(), "by": pl.String()})
    return found.sort("id").group_by("nkey").agg(pl.col("by").last())


def _entered_by(session: Session, rows: pl.DataFrame, months: list[str]) -> pl.Series:
    """Who entered each of ``rows`` (by ``nkey``, ``import_id``): its latest ``insert``, else its import's.

    The inserts are read by the trail's indexed month (``period``: the row's month when it was written); a
    row not found there (its date changed to another month since) and not imported is looked up by key."""
    found = rows.join(_inserted(session, AuditEntry.period.in_(months)), on="nkey", how="left")
    lost = found.filter(pl.col("by").is_null() & pl.col("import_id").is_null()).get_column("nkey").unique()
    more = [_inserted(session, AuditEntry.row_key.in_(part)) for part in _chunks(lost.sort().to_list())]
    if more:
        later = pl.concat(more).rename({"by": "later"})
        found = found.join(later, on="nkey", how="left").with_columns(by=pl.coalesce("by", "later"))
    batches = found.filter(pl.col("by").is_null()).get_column("import_id").drop_nulls().unique().sort().to_list()
    named = _select(ImportBatch.id, ImportBatch.imported_by).where(ImportBatch.id.in_(batches))
    importers = read_frame(session, named, {"import_id": pl.Int64(), "importer": pl.String()})
    found = found.join(importers, on="import_id", how="left")
    return found.select(pl.coalesce("by", "importer", pl.lit(UNKNOWN))).to_series()


def deduction_rows(session: Session, span: Span, unit: str | None = None) -> pl.DataFrame:
    """The deductions dated in ``span`` (of ``unit``, if given) as :data:`~kaoping.engine.signal_frames.ROWS`,
    with who entered each."""
    cols = (DeductionRow.id, DeductionRow.nkey, DeductionRow.unit_id, DeductionRow.date, DeductionRow.time)
    stmt = _select(*cols, DeductionRow.import_id).where(DeductionRow.date >= span[0], DeductionRow.date < span[1])
    if unit is not None:
        stmt = stmt.where(DeductionRow.unit_id == unit)
    schema = {"row_id": pl.Int64(), "nkey": pl.String(), "unit_id": pl.String(), "day": pl.Date(), "clock": pl.Time()}
    rows = read_frame(session, stmt.order_by(DeductionRow.id), schema | {"import_id": pl.Int64()})
    months = rows.get_column("day").dt.strftime("%Y-%m").unique().sort().to_list()
    out = rows.with_columns(actor=_entered_by(session, rows, months), kind=pl.lit(EntryKind.DEDUCTION.value))
    return out.with_columns(key=pl.lit("")).select(pl.col(c).cast(t) for c, t in ROWS.items())


def photos(session: Session, ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Deduction id → the ids of the photos stored against it (``deductions:<id>``), oldest first: one read
    of every deduction photo's id and target (never the bytes), kept for the rows asked about."""
    wanted, found = set(ids), dict[int, list[int]]()
    if not wanted:
        return {}
    stmt = _select(Evidence.id, Evidence.target).where(Evidence.target.startswith("deductions:")).order_by(Evidence.id)
    for photo, target in session.execute(stmt):
        key = target.partition(":")[2]
        if key.isdigit() and len(key) <= 18 and int(key) in wanted:
            found.setdefault(int(key), []).append(photo)
    return {key: tuple(value) for key, value in found.items()}
