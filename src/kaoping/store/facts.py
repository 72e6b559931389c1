"""Facts in and out of the store: frames of the interchange schema ↔ fact tables, with audit on every change.

``write_facts`` is the one service function through which score-bearing rows are written (imports, forms,
API): rows are matched on their natural key, new ones inserted, changed ones updated, identical ones left
alone — and each insert or update leaves an audit row (who, when, before/after, why); an import batch
(``import_id``) is written in bulk and its inserts audited by one entry for the batch, with a hash of each
row to check them by (:mod:`kaoping.store.batch_write`).  It works on whole frames: keys are built in
Polars and existing rows fetched in one query per chunk, not one per row.
``load_facts`` reads the tables back as the engine's Facts, so scoring from the store and from a folder run
the same engine on the same frames.  Which table holds a kind and what its natural key is, the registry
of kinds says (:mod:`kaoping.facts.kinds`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import polars as pl
from sqlalchemy import Select, bindparam, false, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kaoping.errors import Conflict
from kaoping.facts import FILE_NAMES, KINDS, UNIT_FACTS, Facts, facts_from_frames, spec_of
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.scheme.model import Scheme
from kaoping.store.audit import AuditWriter
from kaoping.store.batch_write import BatchWriter, WrittenRows, write_batch, write_rows
from kaoping.store.case_cells import read_cells
from kaoping.store.columnar import read_frame
from kaoping.store.db import claim_writes, savepoint
from kaoping.store.tables import Base


def _tables() -> dict[str, type[Base]]:
    """Each kind's mapped class, found by the table name the registry gives."""
    by_table = {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers}
    return {spec.name: by_table[spec.table] for spec in KINDS}


TABLES: dict[str, type[Base]] = _tables()
"""Kind → its table's mapped class (``units`` → Unit, ``scores`` → ScoreRow...)."""
CHUNK = 5000


Change = tuple[dict[str, Any] | None, dict[str, Any] | None]
"""One changed row's values (by interchange column) before and after the change; None: absent."""


@dataclass
class WriteCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def columns(kind: str) -> list[str]:
    return list(spec_of(kind).column_names)


def audit_value(v: Any) -> Any:
    """A JSON value for the audit trail (numbers as floats, dates and times as ISO text)."""
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime | date | time):
        return v.isoformat()
    return v


class Occurrences:
    """How often each natural key (of a kind whose key is not unique) came in the chunks of a file so far, so
    the chunks of a file read in chunks are keyed as the whole file would be: the third row of a key is
    occurrence 2 whichever chunk it is in.  A key is held as two 64-bit hashes of its text (a chance
    collision of both, about 1 in 10^38 a pair, is ignored) and a count: 20 bytes a distinct key."""

    def __init__(self) -> None:
        self.counts = pl.DataFrame(schema={"_h1": pl.UInt64, "_h2": pl.UInt64, "_n": pl.UInt32})

    def offsets(self, texts: pl.DataFrame) -> pl.Series:
        """For each row of ``texts`` (key text ``_k``, in source order), how often its key came before."""
        hashed = texts.select(_h1=pl.col("_k").hash(11), _h2=pl.col("_k").hash(29))
        before = hashed.join(self.counts, on=["_h1", "_h2"], how="left", maintain_order="left")
        now = hashed.group_by("_h1", "_h2").agg(_n=pl.len().cast(pl.UInt32))
        self.counts = pl.concat([self.counts, now]).group_by("_h1", "_h2").agg(pl.col("_n").sum())
        return before.get_column("_n").fill_null(0).cast(pl.Int64)


def natural_keys(kind: str, frame: pl.DataFrame, seen: Occurrences | None = None) -> pl.Series:
    """sha256 hex of ``kind``, U+001D and the natural key's fields (+ occurrence, unless the key is unique).

    The key text is built column-wise in Polars (occurrences counted in source order; with ``seen``, after
    those of the file's earlier chunks); only the sha256 is per row.  The text is the one every store was
    keyed with, so stored rows keep matching.
    """
    spec = spec_of(kind)
    keys = list(spec.natural_key)
    text = pl.concat_str([pl.col(k).cast(pl.String).fill_null("") for k in keys], separator="\x1f")
    ordered = frame.with_columns(pl.int_range(pl.len()).alias("_pos")).sort(ROW)
    texts = ordered.select(_k=text, _occ=pl.int_range(pl.len()).over(keys))
    if spec.key_unique:
        key = pl.col("_k")
    else:
        if seen is not None:
            texts = texts.with_columns(pl.col("_occ") + seen.offsets(texts))
        key = pl.concat_str(["_k", pl.col("_occ").cast(pl.String)], separator="\x1e")
    raw = texts.select(key=pl.concat_str([pl.lit(f"{kind}\x1d"), key])).get_column("key")
    hashed = pl.Series("nkey", [hashlib.sha256(t.encode()).hexdigest() for t in raw], dtype=pl.String)
    return hashed.gather(ordered.get_column("_pos").arg_sort())


def write_facts(
    session: Session,
    kind: str,
    frame: pl.DataFrame | Iterable[pl.DataFrame],
    *,
    audit: AuditWriter,
    label: str = "",
    import_id: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    changed: list[Change] | None = None,
    on_written: WrittenRows | None = None,
) -> WriteCounts:
    """Insert or update ``frame`` (interchange schema of ``kind``, with ``_row``) in its table.

    With ``import_id`` (an import batch) the rows are written in bulk and audited once for the batch
    (:mod:`kaoping.store.batch_write`); otherwise — a form, the API, units — one audit row per change, and
    ``changed`` (if given) receives each changed row's values before (None when new) and after, the before
    read under the row's lock: what a writer counting its own changes into cells needs; an import batch tells
    ``on_written`` the same of each chunk, as frames (:data:`~kaoping.store.batch_write.WrittenRows`).
    An import batch of a fact file may come as its chunks in source order instead of one frame (a file read
    in chunks, :mod:`kaoping.io.chunks`): keyed and written as the whole file would be.
    """
    if not isinstance(frame, pl.DataFrame):
        if import_id is None or kind == "units":
            raise ValueError("only an import batch of a fact file is written from chunks")
        writer = BatchWriter(session, kind, TABLES[kind], columns(kind), import_id, on_written)
        return _write_chunks(writer, frame, audit=audit, label=label, progress=on_progress)
    table = TABLES[kind]
    cols = columns(kind)
    counts = WriteCounts()
    if frame.is_empty():
        return counts
    if kind == "units":
        frame = frame.with_columns(nkey=pl.col("unit_id"))
    else:
        frame = frame.with_columns(natural_keys(kind, frame))
    if import_id is not None and kind != "units":
        writer = BatchWriter(session, kind, table, cols, import_id, on_written)
        write_batch(writer, frame, audit=audit, label=label, on_progress=on_progress)
        return WriteCounts(writer.inserted, writer.updated, writer.unchanged)
    seen: list[Change] = [] if changed is None else changed
    for start in range(0, frame.height, CHUNK):
        rows = frame.slice(start, CHUNK).to_dicts()
        _write_chunk(session, kind, rows, audit=audit, label=label, import_id=import_id, counts=counts, changed=seen)
        if on_progress:
            on_progress(len(rows))
    return counts


def _write_chunks(
    writer: BatchWriter,
    chunks: Iterable[pl.DataFrame],
    *,
    audit: AuditWriter,
    label: str,
    progress: Callable[[int], None] | None,
) -> WriteCounts:
    """One import batch from the chunks of its file: occurrences of a key counted across the chunks
    (:class:`Occurrences`); nothing at all (no batch entry) when the file has no rows, as for a frame."""
    seen = Occurrences()
    wrote = False
    try:
        for chunk in chunks:
            if chunk.is_empty():
                continue
            wrote = True
            keyed = chunk.with_columns(natural_keys(writer.kind, chunk, seen)).sort(ROW)
            write_rows(writer, keyed, audit=audit, label=label, on_progress=progress)
        if not wrote:
            return WriteCounts()
        writer.finish(audit)
    finally:
        writer.close()
    return WriteCounts(writer.inserted, writer.updated, writer.unchanged)


def _write_chunk(
    session: Session,
    kind: str,
    rows: list[dict[str, Any]],
    *,
    audit: AuditWriter,
    label: str,
    import_id: int | None,
    counts: WriteCounts,
    changed: list[Change],
) -> None:
    """One chunk of the per-row path: existing rows read under a row lock (the audit "before" is the row
    as it is while nobody else can change it), changed ones updated, new ones inserted.

    A key another transaction inserted after the read makes the insert fail on the unique key: the
    inserts are undone (a savepoint) and those rows written again, now as updates of the locked row.
    """
    table = TABLES[kind]
    cols = columns(kind)
    key_attr = getattr(table, "unit_id" if kind == "units" else "nkey")
    claim_writes(session)
    for _attempt in range(3):
        wanted = [r["nkey"] for r in rows]
        stmt = select(table).where(key_attr.in_(wanted)).order_by(key_attr).with_for_update()
        stmt = stmt.execution_options(populate_existing=True)
        existing = {getattr(o, key_attr.key): o for o in session.scalars(stmt)}
        new: list[tuple[dict[str, Any], dict[str, Any]]] = []
        updates: list[dict[str, Any]] = []
        for r in rows:
            defaults = _scalar_defaults(kind)
            values = {c: defaults.get(c) if r[c] is None else r[c] for c in cols}
            values["src_file"], values["src_row"] = label, r["_row"]
            if kind != "units":
                values["nkey"] = r["nkey"]
                values["import_id"] = import_id
            old = existing.get(r["nkey"])
            if old is None:
                new.append((r, values))
                continue
            before = {c: audit_value(getattr(old, c)) for c in cols}
            after = _json_dict(values, cols)
            if same_values(before, after):
                counts.unchanged += 1
                continue
            changed.append(({c: getattr(old, c) for c in cols}, {c: values[c] for c in cols}))
            updates.append(values)
            audit.row("update", kind, r["nkey"], values, before, after)
            counts.updated += 1
        _update_rows(session, kind, updates)
        if not new:
            return
        try:
            with savepoint(session):
                session.execute(_insert_of(kind), [values for _r, values in new])
        except IntegrityError:
            rows = [r for r, _values in new]  # inserted meanwhile by another writer: update them instead
            continue
        for r, values in new:
            audit.row("insert", kind, r["nkey"], values, None, _json_dict(values, cols))
            changed.append((None, {c: values[c] for c in cols}))
        counts.inserted += len(new)
        return
    raise Conflict(
        (f"{kind}: 同一行正被他人同时写入，请重试", f"{kind}: the row is being written concurrently; try again")
    )


def _update_rows(session: Session, kind: str, updates: list[dict[str, Any]]) -> None:
    """The changed rows (already read and locked) set to their new values, in one executemany.

    Core statements on the table, not the ORM: no evaluation of the new values into the session's objects
    (a few ms per row) — the rows were read with populate_existing and whoever reads them next reads them
    again the same way.  Units (an attribute named apart from its column, a handful of rows) go one by one
    through the mapped class."""
    if not updates:
        return
    table: Any = TABLES[kind]
    if kind == "units":
        for values in updates:
            quick = update(table).where(table.unit_id == values["unit_id"]).values(**values)
            session.execute(quick.execution_options(synchronize_session=False))
        return
    core = table.__table__
    stmt = update(core).where(core.c.nkey == bindparam("k_nkey")).values({c: bindparam(f"v_{c}") for c in updates[0]})
    session.connection().execute(stmt, [{f"v_{c}": v for c, v in u.items()} | {"k_nkey": u["nkey"]} for u in updates])


@cache
def _scalar_defaults(kind: str) -> dict[str, Any]:
    """The columns of ``kind`` with a scalar default, and that default: a row's None there is written (and
    audited) as the default, on insert and update alike — an UPDATE would send NULL into a NOT NULL column such as
    ``cases.rework_count``.  Looked up once per kind, not per row and column (units' ``group`` attribute has a
    column named otherwise and no default)."""
    table: Any = TABLES[kind].__table__
    return {c.key: c.default.arg for c in table.c if c.default is not None and c.default.is_scalar}


def _insert_of(kind: str) -> Any:
    """The INSERT of new rows of ``kind``, through the ORM's bulk insert: it fills a column's default where a
    row holds None (``cases.rework_count``: a plain table INSERT sent NULL and the NOT NULL refused it) and maps
    units' ``group`` attribute to its column."""
    return insert(TABLES[kind])


def _json_dict(values: dict[str, Any], cols: Sequence[str]) -> dict[str, Any]:
    return {c: audit_value(values[c]) for c in cols}


def same_values(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def norm(v: Any) -> Any:
        return round(v, 6) if isinstance(v, float) else v

    return all(norm(a[k]) == norm(b[k]) for k in a)


def load_facts(
    session: Session,
    scheme: Scheme | None = None,
    *,
    within: tuple[date, date] | None = None,
    cells: bool = False,
    no_deductions: bool = False,
) -> Facts:
    """Every fact table as the engine's frames; ``_row`` is the row's id, cited as ``db:<table>``.

    With ``scheme``, only the units of its groups and their rows: one store can hold the units of several
    schemes (districts under city-1000, bureaus under enforcement-100), each scored on its own.  With
    ``within`` (first day, day after the last), only rows placed in that span by their kind's time column
    (scores and ranks by the years of their period key), filtered in the database: a city's ten years of
    cases are not read to show this year.  With ``cells``, cases come as the kept cells of the span
    (:mod:`kaoping.store.case_cells`) and no case row is read.  With ``no_deductions``, no deduction row is
    read (the caller ranks from the kept deduction cells, :mod:`kaoping.app.kept_ranking`).
    """
    frames: dict[str, pl.DataFrame] = {}
    for kind in FILE_NAMES:
        table = TABLES[kind]
        cols = columns(kind)
        row_col = "src_row" if kind == "units" else "id"
        stmt = select(*[getattr(table, c) for c in cols], getattr(table, row_col).label("_row"))
        if within is not None:
            stmt = _placed_within(stmt, kind, within)
        if (cells and kind == "cases") or (no_deductions and kind == "deductions"):
            stmt = stmt.where(false())
        frames[kind] = read_frame(session, stmt, dict(SCHEMAS[kind]))
    if scheme is not None:
        groups = [g.name for g in scheme.groups]
        frames["units"] = frames["units"].filter(pl.col("group").is_in(groups))
        ours = frames["units"].get_column("unit_id")
        for spec in UNIT_FACTS:
            frames[spec.name] = frames[spec.name].filter(pl.col("unit_id").is_in(ours.implode()))
    facts = facts_from_frames(**frames)
    labels = {k: f"db:{k}" for k in FILE_NAMES}
    kept = None
    if cells:
        ours = facts.units.get_column("unit_id").implode()
        kept = read_cells(session, within).filter(pl.col("unit_id").is_in(ours))
    return Facts(**{k: getattr(facts, k) for k in FILE_NAMES}, labels=labels, case_cells=kept)


def _placed_within(stmt: Select[Any], kind: str, span: tuple[date, date]) -> Select[Any]:
    """``stmt`` restricted to the rows of ``kind`` its time column places in ``span`` (units: all)."""
    column_name = spec_of(kind).time_column
    if column_name is None:
        return stmt
    column = getattr(TABLES[kind], column_name)
    lo, hi = span
    if column_name == "period":  # period keys start with their year: "2023" <= "2023-Q4" < "2025"
        return stmt.where(column >= str(lo.year), column < str((hi - timedelta(days=1)).year + 1))
    if column_name == "reported_at":
        return stmt.where(column >= datetime.combine(lo, time()), column < datetime.combine(hi, time()))
    return stmt.where(column >= lo, column < hi)
