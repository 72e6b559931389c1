"""Reading fact tables as columns, not as Python rows (列式读取).

Through the ORM every cell of every row becomes a Python object (SQLite's datetimes are even parsed from
text one by one) before Polars sees it: a year of a city's cases spent most of its time there.  Here the
query runs on the session's own DBAPI connection (same transaction, same snapshot of the data) and the
values are typed column by column in Polars: PostgreSQL sends the rows with ``COPY … TO STDOUT`` as CSV,
SQLite hands back plain tuples, and dates, times, timestamps and booleans are parsed by vectorised casts.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from sqlalchemy import Select
from sqlalchemy.orm import Session

_FORMATS = {pl.Date: "%Y-%m-%d", pl.Time: "%H:%M:%S%.f", pl.Datetime: "%Y-%m-%d %H:%M:%S%.f"}


def _typed(raw: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """``raw`` (text, numbers or 0/1 as the driver gave them) cast to ``schema`` column by column."""
    out: list[pl.Expr] = []
    for name, dtype in schema.items():
        col = pl.col(name)
        base = dtype.base_type() if isinstance(dtype, pl.DataType) else dtype
        if base in _FORMATS:
            text = col.cast(pl.String)
            parse = {pl.Date: text.str.to_date, pl.Time: text.str.to_time, pl.Datetime: text.str.to_datetime}[base]
            out.append(parse(_FORMATS[base], strict=True).cast(dtype).alias(name))
        elif base == pl.Boolean:
            out.append(col.cast(pl.String).is_in(["1", "t", "true", "True"]).alias(name))
        else:
            out.append(col.cast(dtype, strict=True).alias(name))
    return raw.select(out)


def _sqlite_rows(session: Session, sql: str, names: list[str]) -> pl.DataFrame:
    cursor: Any = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        rows = cursor.execute(sql).fetchall()
    finally:
        cursor.close()
    return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)


def _postgres_rows(session: Session, sql: str, names: list[str]) -> pl.DataFrame:
    conn: Any = session.connection().connection.driver_connection
    buffer = io.BytesIO()
    with conn.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for chunk in copy:
            buffer.write(chunk)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    buffer.seek(0)
    return pl.read_csv(buffer, has_header=False, new_columns=names, infer_schema=False)


def read_frame(session: Session, stmt: Select[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of ``stmt`` (whose selected columns are named as ``schema``'s keys, in order) as a frame of
    ``schema``; an empty result is an empty frame of that schema."""
    bind = session.get_bind()
    sql = str(stmt.compile(dialect=bind.dialect, compile_kwargs={"literal_binds": True}))
    names = list(schema)
    reader = _postgres_rows if bind.dialect.name == "postgresql" else _sqlite_rows
    raw = reader(session, sql, names)
    if raw.is_empty():
        return pl.DataFrame(schema=schema)
    return _typed(raw, schema)
