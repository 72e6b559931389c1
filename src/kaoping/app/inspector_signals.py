"""督查信号 as a use case: the counts and columns of a month (and the months before it) read from the store
(:mod:`kaoping.store.signal_reads`), handed to the columnar signals of :mod:`kaoping.engine.signal_frames`.

What is read, for the months shown by the page's chart and the ``drop_months`` before them:

* 上报骤降: deductions per (unit, month) from the kept deduction cells, cases reported per (unit, month)
  counted by the database — every row counts, whatever the volume (no row is read);
* 核查集中: deductions per (unit, month, person) grouped from the deductions' columns, verifications per
  (unit, month, person) counted by the database;
* 窗口边缘集中: the deductions' columns (person, day, time).

Only the signals of the month shown are given their rows and photos (a person's rows of a unit, a unit's
rows of the month, a person's rows at the edge); the other months of the chart are counts.  Read only:
nothing is written, flagged in the store or deleted (but the deduction cells brought up to date).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

import polars as pl
from sqlalchemy.orm import Session

from kaoping.app.policy import Perm, Principal, allowed, forbidden
from kaoping.app.signal_query import SignalQuery
from kaoping.engine import signal_frames as frames
from kaoping.engine.signal_model import EntryKind, Signal, SignalKind, Thresholds, months_before
from kaoping.scheme.model import InspectionWindow
from kaoping.store import signal_reads as reads

TREND_MONTHS = 6
"""The office's page charts the signals of this many months, ending with the month shown."""


def _span(first: str, last: str) -> reads.Span:
    """The first day of month ``first`` and the first day after month ``last``."""
    year, m = (int(x) for x in last.split("-"))
    return date.fromisoformat(first + "-01"), date(year + m // 12, m % 12 + 1, 1)


@dataclass(frozen=True)
class _Read:
    """What the months' signals are computed from (empty frames for the kinds not asked for)."""

    rows: pl.DataFrame
    """The deductions of the months shown, as columns (核查集中, 窗口边缘集中)."""
    actors: pl.DataFrame
    """Entries per (kind, unit, month, person) of the months shown (核查集中)."""
    units: pl.DataFrame
    """Entries per (kind, unit, month) of those months and the ones before (上报骤降)."""


def _read(session: Session, months: list[str], th: Thresholds, wanted: list[SignalKind]) -> _Read:
    shown = _span(months[0], months[-1])
    rows, actors = pl.DataFrame(schema=frames.ROWS), pl.DataFrame(schema=frames.ACTOR_COUNTS)
    units = pl.DataFrame(schema=frames.UNIT_COUNTS)
    if SignalKind.CONCENTRATED in wanted or SignalKind.EDGE in wanted:
        rows = reads.deduction_rows(session, shown)
    if SignalKind.CONCENTRATED in wanted:
        actors = pl.concat([frames.actor_counts(rows), reads.verification_counts(session, shown)])
    if SignalKind.DROP in wanted:
        history = _span(months_before(months[0], th.drop_months)[0], months[-1])
        units = pl.concat([reads.deduction_counts(session, history), reads.case_counts(session, history)])
    return _Read(rows, actors, units)


def _signals_of(read: _Read, month: str, windows: list[InspectionWindow], asked: SignalQuery) -> list[Signal]:
    """The signals of ``month`` of the kinds asked for, in the order 核查集中, 上报骤降, 窗口边缘集中 (no rows)."""
    th, found = asked.thresholds, list[Signal]()
    if SignalKind.CONCENTRATED in asked.kinds:
        found += frames.concentrated(read.actors, month, th)
    if SignalKind.DROP in asked.kinds:
        found += frames.dropped(read.units, month, th)
    if SignalKind.EDGE in asked.kinds:
        found += frames.edge(read.rows, month, windows, th)
    return found


def _rows_of(
    session: Session, read: _Read, signal: Signal, windows: list[InspectionWindow], th: Thresholds
) -> pl.DataFrame:
    """The rows ``signal`` rests on: from the deductions read, else from the store for its unit and month."""
    span, unit = _span(signal.month, signal.month), signal.unit_id or ""
    if signal.entry_kind is EntryKind.VERIFICATION:
        return reads.verification_rows(session, span, unit, signal.actor or "")
    if signal.entry_kind is EntryKind.CASE:
        return reads.case_rows(session, span, unit)
    source = read.rows if signal.kind is not SignalKind.DROP else reads.deduction_rows(session, span, unit)
    return source.filter(frames.rests_on(signal, windows, th))


def _with_rows(
    session: Session, read: _Read, found: list[Signal], windows: list[InspectionWindow], th: Thresholds
) -> list[Signal]:
    """Each signal with its rows, and a deduction's rows with their photos (a case has none)."""
    rows = [_rows_of(session, read, signal, windows, th) for signal in found]
    ids = [r.get_column("row_id") for s, r in zip(found, rows, strict=True) if s.entry_kind is EntryKind.DEDUCTION]
    photos = reads.photos(session, pl.concat(ids).to_list() if ids else [])
    return [
        replace(signal, rows=frames.entries(r, photos if signal.entry_kind is EntryKind.DEDUCTION else {}))
        for signal, r in zip(found, rows, strict=True)
    ]


@dataclass(frozen=True)
class MonthView:
    """A month's signals, and how many of each kind each of the months up to it had (the page's chart)."""

    signals: list[Signal]
    trend: list[tuple[str, dict[SignalKind, int]]]
    """(month, kind → count), oldest first, ending with the month itself."""


def month_view(
    session: Session,
    who: Principal,
    asked: SignalQuery,
    windows: list[InspectionWindow],
    *,
    trend_months: int = TREND_MONTHS,
) -> MonthView:
    """The signals of the month ``asked`` and the counts of the ``trend_months`` months ending with it, from
    one read of the counts and columns (the office only; others are refused)."""
    if not allowed(who.role, Perm.EVIDENCE_SIGNALS):
        raise forbidden(who, "read inspector signals")
    months = [*months_before(asked.month, trend_months - 1), asked.month]
    read = _read(session, months, asked.thresholds, list(asked.kinds))
    trend = []
    for month in months:
        found = _signals_of(read, month, windows, asked)
        trend.append((month, {kind: sum(1 for s in found if s.kind is kind) for kind in asked.kinds}))
    return MonthView(_with_rows(session, read, found, windows, asked.thresholds), trend)


def inspector_signals(
    session: Session,
    who: Principal,
    month: str,
    windows: list[InspectionWindow],
    thresholds: Thresholds,
    kinds: Iterable[SignalKind] = tuple(SignalKind),
) -> list[Signal]:
    """The signals of ``month`` of the ``kinds`` asked for, with their rows (the office only)."""
    asked = SignalQuery(month, tuple(kinds), None, thresholds)
    return month_view(session, who, asked, windows, trend_months=1).signals
