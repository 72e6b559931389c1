"""督查信号 counted as columns (列式计算): the three signals of :mod:`kaoping.engine.signals` from Polars frames
of counts and of rows, so that a city's million cases a year are counted by group-bys (here, or in the
database) rather than one Python object per row.

What each signal needs is less than the rows:

* 上报骤降 needs only a count per (kind, unit, month): :data:`UNIT_COUNTS` (the store's kept cells give it);
* 核查集中 needs a count per (kind, unit, month, person): :data:`ACTOR_COUNTS` (a ``GROUP BY``);
* 窗口边缘集中 needs each deduction's person, day and time: :data:`ROWS`, only those columns.

A signal comes out without its rows (``rows=()``); the rows it rests on are those of :func:`rests_on`, read
for the signals shown only.  Shares are compared exactly, as integers (``count × q ≥ p × rows`` for a
share ``p/q``), as the decimals of :class:`~kaoping.engine.signal_model.Thresholds` are.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from kaoping.engine import signal_model as model
from kaoping.engine.signal_model import DEFAULTS, Entry, EntryKind, Signal, SignalKind, Thresholds
from kaoping.scheme.model import InspectionWindow

ROWS: dict[str, pl.DataType] = {
    "kind": pl.String(),
    "row_id": pl.Int64(),
    "unit_id": pl.String(),
    "actor": pl.String(),
    "day": pl.Date(),
    "clock": pl.Time(),
    "key": pl.String(),
}
"""Entries as columns (an :class:`~kaoping.engine.signal_model.Entry` without its photos)."""
ACTOR_COUNTS: dict[str, pl.DataType] = {
    "kind": pl.String(),
    "unit_id": pl.String(),
    "month": pl.String(),
    "actor": pl.String(),
    "n": pl.Int64(),
}
"""How many entries of a kind one person entered for a unit in a month (``YYYY-MM``)."""
UNIT_COUNTS: dict[str, pl.DataType] = {k: v for k, v in ACTOR_COUNTS.items() if k != "actor"}
"""How many entries of a kind a unit had in a month."""
_KEY = ["kind", "unit_id"]


def month_of(column: str = "day") -> pl.Expr:
    """The ``YYYY-MM`` of a date column."""
    return pl.col(column).dt.strftime("%Y-%m")


def rows_frame(entries: Iterable[Entry]) -> pl.DataFrame:
    """``entries`` as :data:`ROWS` (in their order)."""
    columns = ("kind", "row_id", "unit_id", "actor", "day", "clock", "key")
    data = [tuple(str(e.kind) if c == "kind" else getattr(e, c) for c in columns) for e in entries]
    return pl.DataFrame(data, schema=ROWS, orient="row")


def actor_counts(rows: pl.DataFrame) -> pl.DataFrame:
    """:data:`ACTOR_COUNTS` of :data:`ROWS`."""
    counted = rows.group_by("kind", "unit_id", month_of().alias("month"), "actor").agg(n=pl.len())
    return counted.select(pl.col(c).cast(t) for c, t in ACTOR_COUNTS.items())


def unit_counts(rows: pl.DataFrame) -> pl.DataFrame:
    """:data:`UNIT_COUNTS` of :data:`ROWS`."""
    counted = rows.group_by("kind", "unit_id", month_of().alias("month")).agg(n=pl.len())
    return counted.select(pl.col(c).cast(t) for c, t in UNIT_COUNTS.items())


def _ratio(value: Decimal) -> tuple[int, int]:
    p, q = value.as_integer_ratio()
    return p, q


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


def concentrated(counts: pl.DataFrame, month: str, th: Thresholds = DEFAULTS) -> list[Signal]:
    """核查集中 from :data:`ACTOR_COUNTS`: per (unit, kind) in ``month``, the person entering at least
    ``concentrated_share`` of the rows (the most; of equals, the first by name), over at least
    ``concentrated_min_rows`` rows."""
    p, q = _ratio(th.concentrated_share)
    kinds = [EntryKind.DEDUCTION.value, EntryKind.VERIFICATION.value]
    mine = counts.filter((pl.col("month") == month) & pl.col("kind").is_in(kinds))
    per = mine.group_by(*_KEY, "actor").agg(pl.col("n").sum())
    top = (
        per.sort([*_KEY, "n", "actor"], descending=[False, False, True, False])
        .group_by(_KEY, maintain_order=True)
        .agg(rows=pl.col("n").sum(), actor=pl.col("actor").first(), count=pl.col("n").first())
        .filter((pl.col("rows") >= th.concentrated_min_rows) & (pl.col("count") * q >= pl.col("rows") * p))
        .sort("unit_id", "kind")
    )
    found = []
    for g in _records(top):
        unit, actor, rows, count = str(g["unit_id"]), str(g["actor"]), int(g["rows"]), int(g["count"])
        params = {"unit": unit, "month": month, "rows": str(rows), "count": str(count), "actor": actor}
        params |= {"pct": model.percent(model.share(count, rows)), "threshold": model.percent(th.concentrated_share)}
        params["min_rows"] = str(th.concentrated_min_rows)
        found.append(Signal(SignalKind.CONCENTRATED, month, EntryKind(g["kind"]), unit, actor, params))
    return found


def dropped(counts: pl.DataFrame, month: str, th: Thresholds = DEFAULTS) -> list[Signal]:
    """上报骤降 from :data:`UNIT_COUNTS`: per (unit, kind), the month's count below ``drop_share`` × the mean
    of the ``drop_months`` months before (months without rows count as zero), those months holding
    ``drop_min_rows`` or more."""
    p, q = _ratio(th.drop_share)
    before = model.months_before(month, th.drop_months)
    kinds = [EntryKind.DEDUCTION.value, EntryKind.CASE.value]
    mine = counts.filter(pl.col("kind").is_in(kinds) & pl.col("month").is_in([*before, month]))
    per = mine.group_by(*_KEY, "month").agg(pl.col("n").sum())
    earlier = pl.col("n").filter(pl.col("month").is_in(before)).sum()
    groups = (
        per.group_by(_KEY)
        .agg(total=earlier, current=pl.col("n").filter(pl.col("month") == month).sum())
        .filter((pl.col("total") >= th.drop_min_rows) & (pl.col("current") * th.drop_months * q < pl.col("total") * p))
        .sort("unit_id", "kind")
    )
    by_month = {(str(r["kind"]), str(r["unit_id"]), str(r["month"])): int(r["n"]) for r in _records(per)}
    found = []
    for g in _records(groups):
        kind, unit, total, current = str(g["kind"]), str(g["unit_id"]), int(g["total"]), int(g["current"])
        mean = (Decimal(total) / th.drop_months).quantize(Decimal("0.01"))
        params = {"unit": unit, "month": month, "rows": str(current), "months": str(th.drop_months)}
        params["history"] = "、".join(f"{m}：{by_month.get((kind, unit, m), 0)}" for m in before)
        params |= {"before": str(total), "mean": str(mean), "threshold": model.percent(th.drop_share)}
        params |= {"limit": str((mean * th.drop_share).quantize(Decimal("0.01"))), "min_rows": str(th.drop_min_rows)}
        found.append(Signal(SignalKind.DROP, month, EntryKind(kind), unit, None, params))
    return found


def window_end_minute(windows: list[InspectionWindow], month: str) -> int | None:
    """The minute of the day the 考评时段 of ``month`` ends (the first window covering it), if one does."""
    number = int(month[5:])
    for w in windows:
        if number in w.months:
            h, m = (int(x) for x in w.end.split(":"))
            return h * 60 + m
    return None


def _last_day(month: str) -> int:
    return calendar.monthrange(int(month[:4]), int(month[5:]))[1]


def at_edge(month: str, windows: list[InspectionWindow], minutes: int) -> pl.Expr:
    """Over :data:`ROWS` of ``month``: the row lies on the month's last day, or its time lies in the last
    ``minutes`` of the month's window, up to and including its end (as
    :func:`kaoping.engine.signals.at_edge` says of one entry)."""
    on_last = pl.col("day").dt.day() == _last_day(month)
    end = window_end_minute(windows, month)
    if end is None:
        return on_last
    minute_ns = 60 * 10**9
    since_midnight = pl.col("clock").cast(pl.Int64)  # a time is nanoseconds since midnight
    late = pl.col("clock").is_not_null() & since_midnight.is_between((end - minutes) * minute_ns, end * minute_ns)
    return on_last | late.fill_null(False)


def edge(rows: pl.DataFrame, month: str, windows: list[InspectionWindow], th: Thresholds = DEFAULTS) -> list[Signal]:
    """窗口边缘集中 from :data:`ROWS`: per person, at least ``edge_share`` of the month's deductions at the
    edge (:func:`at_edge`), over at least ``edge_min_rows`` deductions."""
    p, q = _ratio(th.edge_share)
    mine = rows.filter((pl.col("kind") == EntryKind.DEDUCTION.value) & (month_of() == month))
    groups = (
        mine.group_by("actor")
        .agg(
            rows=pl.len().cast(pl.Int64),
            count=at_edge(month, windows, th.edge_minutes).sum().cast(pl.Int64),
            last_day=(pl.col("day").dt.day() == _last_day(month)).sum().cast(pl.Int64),
        )
        .filter((pl.col("rows") >= th.edge_min_rows) & (pl.col("count") * q >= pl.col("rows") * p))
        .sort("actor")
    )
    found = []
    for g in _records(groups):
        actor, rows_n, count, last = str(g["actor"]), int(g["rows"]), int(g["count"]), int(g["last_day"])
        params = {"actor": actor, "month": month, "rows": str(rows_n), "count": str(count)}
        params |= {"pct": model.percent(model.share(count, rows_n)), "last_day": str(last)}
        params |= {"minutes": str(th.edge_minutes), "late": str(count - last)}
        params |= {"threshold": model.percent(th.edge_share), "min_rows": str(th.edge_min_rows)}
        found.append(Signal(SignalKind.EDGE, month, EntryKind.DEDUCTION, None, actor, params))
    return found


def rests_on(signal: Signal, windows: list[InspectionWindow], th: Thresholds = DEFAULTS) -> pl.Expr:
    """Over :data:`ROWS`: the rows ``signal`` rests on — the person's rows of the unit and kind (核查集中),
    the unit's rows of the month (上报骤降), the person's deductions at the edge (窗口边缘集中)."""
    where = (pl.col("kind") == signal.entry_kind.value) & (month_of() == signal.month)
    if signal.unit_id is not None:
        where &= pl.col("unit_id") == signal.unit_id
    if signal.actor is not None:
        where &= pl.col("actor") == signal.actor
    if signal.kind is SignalKind.EDGE:
        where &= at_edge(signal.month, windows, th.edge_minutes)
    return where


def entries(rows: pl.DataFrame, photos: Mapping[int, tuple[int, ...]]) -> tuple[Entry, ...]:
    """:data:`ROWS` as entries, by row id, each with its ``photos``: what a signal shows and links."""
    return tuple(
        Entry(EntryKind(r["kind"]), r["row_id"], r["unit_id"], r["actor"], r["day"], r["clock"],
              photos.get(r["row_id"], ()), r["key"] or "")
        for r in rows.sort("row_id", maintain_order=True).iter_rows(named=True)
    )  # fmt: skip
