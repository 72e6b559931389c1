"""Import batches written in bulk (批量导入): executemany on SQLite, COPY on PostgreSQL, one audit entry a batch.

A city's year of cases is millions of rows; written one ORM object and one JSON audit row at a time, 1.25 M
rows took ten to twenty minutes.  Here a batch is written in chunks (memory bounded by the chunk, the
caller's progress callback after each), inside the caller's transaction (all or nothing):

* new rows: one executemany per chunk on SQLite (plain tuples, dates and times already in SQLAlchemy's text
  formats), one ``COPY … FROM STDIN`` per chunk on PostgreSQL (CSV written by Polars);
* changed rows (a corrected file imported again): one executemany UPDATE per chunk, each row with its own
  audit entry (before/after: the changes an office asks about); identical rows are left alone;
* the batch: one audit entry, action ``import`` keyed ``imports:<id>``, with the file's sha256, the counts
  and the digest of the rows it wrote; each written row's hash goes to ``import_rows``.

Why per-row hashes beside the one entry: ``kaoping verify --audit`` must still name a row edited behind the
application's back.  The entry's digest pins the hashes (editing ``import_rows`` breaks it), the hashes pin
the rows.  The canonical text of a row is its kind, natural key, source row and values (floats rounded to 6
decimals as the store keeps them, nulls as ``\\N``) joined by U+001F; its hash is the first 32 hex digits
of the text's sha256; the digest is the sha256 of ``"<src_row>:<hash>\\n"`` over the written rows in
source order.  :mod:`kaoping.store.trail_facts` recomputes both from the stored rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.store.audit import AuditWriter
from kaoping.store.tables import Base, ImportBatch, ImportRow

CHUNK = 20_000
"""Rows per round trip: the IN list of the look-up of stored rows stays under SQLite's 32,766 parameters."""
HASH_CHARS = 32
NULL = "\\N"
SEP = "\x1f"
CANONICAL = "kaoping-row-v1"
"""Named in the batch's audit entry: a later change of the canonical text must come with a new name."""
IMPORT_ACTION = "import"
SQLITE_CACHE_KB = 256 * 1024
WrittenRows = Callable[[pl.DataFrame, pl.DataFrame], None]
"""Told each chunk's changed rows as they were (before) and its new and changed rows as written (after), in
the kind's columns: what a caller keeping sums of the rows (the case cells) adds up instead of recounting."""
_SQLITE_TEXT = {pl.Datetime: "%Y-%m-%d %H:%M:%S.%6f", pl.Date: "%Y-%m-%d", pl.Time: "%H:%M:%S.%6f"}
"""How SQLAlchemy stores dates and times in SQLite (compared as text: the formats must be exactly these)."""


def value_text(kind: str, cols: Sequence[str]) -> pl.Expr:
    """A row's values as one text, the same whether the row comes from a file or from the store."""
    schema = SCHEMAS[kind]
    parts = []
    for c in cols:
        expr = pl.col(c)
        if schema[c].is_float():
            expr = expr.round(6)
            expr = pl.when(expr == 0).then(0.0).otherwise(expr)  # -0.0 is stored as 0 (Polars drops a "+ 0.0")
        parts.append(expr.cast(pl.String).fill_null(NULL))
    return pl.concat_str(parts, separator=SEP)


def row_hashes(kind: str, frame: pl.DataFrame) -> pl.Series:
    """The hash of each row of ``frame`` (columns ``nkey``, ``src_row``, ``_values``), column-wise text and
    one sha256 per row."""
    texts = frame.select(
        pl.concat_str([pl.lit(kind), "nkey", pl.col("src_row").cast(pl.String), "_values"], separator=SEP)
    ).to_series()
    return pl.Series("row_hash", [hashlib.sha256(t.encode()).hexdigest()[:HASH_CHARS] for t in texts])


def digest_update(digest: Any, frame: pl.DataFrame) -> None:
    """Feed ``"<src_row>:<hash>\\n"`` of each row of ``frame`` (in its order) into the running sha256."""
    if frame.height:
        lines = frame.select(pl.format("{}:{}\n", "src_row", "row_hash").str.join("")).item()
        digest.update(lines.encode())


def new_digest() -> Any:
    return hashlib.sha256()


def stored_frame(kind: str, rows: Sequence[Sequence[Any]], names: Sequence[str]) -> pl.DataFrame:
    """Rows read from the store (``names``: ``nkey``, values, then integers) as a frame of the kind's types."""
    schema = SCHEMAS[kind]
    types = {n: schema.get(n, pl.String if n == "nkey" else pl.Int64) for n in names}
    data = [tuple(float(v) if type(v).__name__ == "Decimal" else v for v in r) for r in rows]
    return pl.DataFrame(data, schema=types, orient="row")


def _widen_sqlite_cache(session: Session) -> int | None:
    """On SQLite, a page cache of SQLITE_CACHE_KB for the batch (the unique indexes on hashed keys are written
    in random order: with the default 2 MB every insert reads pages back from disk); the old size, to restore."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    old = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
    return old


def insert_rows(session: Session, table: Table, frame: pl.DataFrame) -> None:
    """INSERT every row of ``frame`` (columns named as ``table``'s): COPY on PostgreSQL, else executemany."""
    if frame.is_empty():
        return
    connection = session.connection()
    names = ", ".join(f'"{c}"' for c in frame.columns)
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN (FORMAT csv)') as copy:
            copy.write(frame.write_csv(include_header=False))
        return
    texts = [pl.col(c).dt.strftime(_SQLITE_TEXT[type(t)]) for c, t in frame.schema.items() if type(t) in _SQLITE_TEXT]
    frame = frame.with_columns(texts)
    marks = ", ".join("?" * frame.width)
    connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', frame.rows())


def update_rows(session: Session, table: Table, cols: Sequence[str], rows: list[dict[str, Any]]) -> None:
    """UPDATE the rows (matched on ``nkey``) to ``rows``' values: one executemany."""
    if rows:
        stmt = update(table).where(table.c.nkey == bindparam("k_nkey"))
        stmt = stmt.values({c: bindparam(f"v_{c}") for c in cols})
        session.connection().execute(stmt, [{f"v_{c}": r[c] for c in cols} | {"k_nkey": r["nkey"]} for r in rows])


class BatchWriter:
    """Writes one import batch of one kind: :meth:`chunk` for each chunk in source order, then :meth:`finish`."""

    def __init__(
        self,
        session: Session,
        kind: str,
        mapped: type[Base],
        cols: list[str],
        import_id: int,
        on_written: WrittenRows | None = None,
    ) -> None:
        self.session, self.kind, self.cols, self.import_id = session, kind, cols, import_id
        self.on_written = on_written
        self.table: Table = mapped.__table__  # type: ignore[assignment]
        self.digest = new_digest()
        self.inserted = self.updated = self.unchanged = 0
        self.was_empty = session.execute(select(self.table.c.id).limit(1)).first() is None
        """Nothing stored yet: no chunk needs to look up stored rows (a file's keys are distinct)."""
        self.cache_pages = _widen_sqlite_cache(session)

    def chunk(self, chunk: pl.DataFrame, label: str, audit: AuditWriter) -> None:
        """Insert the chunk's new rows, update its changed ones (audited one by one), hash both."""
        chunk = chunk.rename({ROW: "src_row"}).with_columns(
            _values=value_text(self.kind, self.cols), src_file=pl.lit(label), import_id=pl.lit(self.import_id)
        )
        stored = self._stored(chunk.get_column("nkey")) if not self.was_empty else self._none()
        joined = chunk.join(stored, on="nkey", how="left", maintain_order="left")
        is_new = pl.col("_old").is_null()
        written = joined.filter(is_new | (pl.col("_old") != pl.col("_values")))
        written = written.with_columns(row_hashes(self.kind, written))
        fresh = written.filter(is_new)
        changed = written.filter(~is_new)
        insert_rows(self.session, self.table, fresh.select(*self.cols, "nkey", "src_file", "src_row", "import_id"))
        self._update(changed, stored, audit)
        insert_rows(self.session, ImportRow.__table__, written.select("import_id", "src_row", "row_hash"))  # type: ignore[arg-type]
        digest_update(self.digest, written)
        if self.on_written is not None and written.height:
            self.on_written(changed.select(pl.col(f"_v_{c}").alias(c) for c in self.cols), written.select(self.cols))
        self.inserted += fresh.height
        self.updated += changed.height
        self.unchanged += chunk.height - written.height

    def _stored(self, keys: pl.Series) -> pl.DataFrame:
        """The stored rows of these keys: ``nkey``, their value text ``_old`` and their values (``_v_*``)."""
        names = ["nkey", *self.cols]
        stmt = select(*[self.table.c[n] for n in names]).where(self.table.c.nkey.in_(keys.to_list()))
        found = stored_frame(self.kind, [tuple(r) for r in self.session.execute(stmt)], names)
        found = found.with_columns(_old=value_text(self.kind, self.cols))
        return found.rename({c: f"_v_{c}" for c in self.cols})

    def _none(self) -> pl.DataFrame:
        return self._stored(pl.Series("nkey", [], dtype=pl.String))

    def _update(self, changed: pl.DataFrame, stored: pl.DataFrame, audit: AuditWriter) -> None:
        """The changed rows written and audited with what they were before and are now."""
        from kaoping.store.facts import audit_value  # facts imports this module

        if changed.is_empty():
            return
        rows = changed.to_dicts()
        for r in rows:
            before = {c: audit_value(r[f"_v_{c}"]) for c in self.cols}
            after = {c: audit_value(r[c]) for c in self.cols}
            audit.row("update", self.kind, r["nkey"], r, before, after)
        update_rows(self.session, self.table, [*self.cols, "src_file", "src_row", "import_id"], rows)

    def finish(self, audit: AuditWriter) -> None:
        """The batch's one audit entry: file hash, counts, digest of the rows written (after their updates')."""
        batch = self.session.get(ImportBatch, self.import_id)
        detail: dict[str, Any] = {
            "import_id": self.import_id,
            "sha256": batch.sha256 if batch else None,
            "label": batch.label if batch else None,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rows": self.inserted + self.updated,
            "digest": self.digest.hexdigest(),
            "canonical": CANONICAL,
        }
        audit.event(IMPORT_ACTION, self.kind, f"imports:{self.import_id}", detail=detail)
        audit.flush()

    def close(self) -> None:
        """Give the connection its page cache back (also when the batch failed: it goes back to the pool)."""
        if self.cache_pages is not None:
            self.session.connection().exec_driver_sql(f"PRAGMA cache_size = {self.cache_pages}")
            self.cache_pages = None


def write_batch(
    writer: BatchWriter,
    frame: pl.DataFrame,
    *,
    audit: AuditWriter,
    label: str,
    on_progress: Callable[[int], None] | None,
) -> None:
    """``frame`` (with ``nkey`` and ``_row``) written chunk by chunk in source order, then the batch's entry."""
    try:
        write_rows(writer, frame.sort(ROW), audit=audit, label=label, on_progress=on_progress)
        writer.finish(audit)
    finally:
        writer.close()


def write_rows(
    writer: BatchWriter,
    frame: pl.DataFrame,
    *,
    audit: AuditWriter,
    label: str,
    on_progress: Callable[[int], None] | None,
) -> None:
    """``frame`` (with ``nkey`` and ``_row``, in source order) written in chunks of :data:`CHUNK` rows, the
    progress reported after each: the whole batch, or one piece of a file read in pieces."""
    for start in range(0, frame.height, CHUNK):
        chunk = frame.slice(start, CHUNK)
        writer.chunk(chunk, label, audit)
        if on_progress:
            on_progress(chunk.height)
