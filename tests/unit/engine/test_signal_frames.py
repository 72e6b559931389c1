"""督查信号, columnar (engine/signal_frames.py) against the row-by-row reading it replaced, on random data.

The reference below is the engine's code before issue #13, kept verbatim but for names: it grouped
``Entry`` objects in Python loops.  The columnar functions must give the same signals — kinds, units,
persons, every number of the sentence, the rows and photos linked, in the same order — for any entries,
month, windows and thresholds.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.engine import signal_frames as frames
from kaoping.engine.signals import (
    Entry,
    EntryKind,
    Signal,
    SignalKind,
    Thresholds,
    months_before,
    percent,
    signals,
)
from kaoping.scheme.model import InspectionWindow

# --- the reference: engine/signals.py as it was -----------------------------------------------------------


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def old_concentrated(entries: Iterable[Entry], month: str, th: Thresholds) -> list[Signal]:
    groups: dict[tuple[str, EntryKind], list[Entry]] = defaultdict(list)
    for e in entries:
        if e.month == month and e.kind in (EntryKind.DEDUCTION, EntryKind.VERIFICATION):
            groups[(e.unit_id, e.kind)].append(e)
    found = []
    for (unit, kind), rows in sorted(groups.items()):
        if len(rows) < th.concentrated_min_rows:
            continue
        actor, count = sorted(Counter(e.actor for e in rows).items(), key=lambda p: (-p[1], p[0]))[0]
        if _share(count, len(rows)) < th.concentrated_share:
            continue
        params = {"unit": unit, "month": month, "rows": str(len(rows)), "count": str(count), "actor": actor}
        params |= {"pct": percent(_share(count, len(rows))), "threshold": percent(th.concentrated_share)}
        params["min_rows"] = str(th.concentrated_min_rows)
        mine = tuple(sorted((e for e in rows if e.actor == actor), key=lambda e: e.row_id))
        found.append(Signal(SignalKind.CONCENTRATED, month, kind, unit, actor, params, mine))
    return found


def old_dropped(entries: Iterable[Entry], month: str, th: Thresholds) -> list[Signal]:
    before = months_before(month, th.drop_months)
    counts: dict[tuple[str, EntryKind], Counter[str]] = defaultdict(Counter)
    now: dict[tuple[str, EntryKind], list[Entry]] = defaultdict(list)
    for e in entries:
        if e.kind in (EntryKind.DEDUCTION, EntryKind.CASE) and (e.month == month or e.month in before):
            counts[(e.unit_id, e.kind)][e.month] += 1
            if e.month == month:
                now[(e.unit_id, e.kind)].append(e)
    found = []
    for (unit, kind), by_month in sorted(counts.items()):
        total = sum(by_month[m] for m in before)
        if total < th.drop_min_rows:
            continue
        current = by_month[month]
        if current * th.drop_months >= th.drop_share * total:
            continue
        mean = (Decimal(total) / th.drop_months).quantize(Decimal("0.01"))
        params = {"unit": unit, "month": month, "rows": str(current), "months": str(th.drop_months)}
        params["history"] = "、".join(f"{m}：{by_month[m]}" for m in before)
        params |= {"before": str(total), "mean": str(mean), "threshold": percent(th.drop_share)}
        params |= {"limit": str((mean * th.drop_share).quantize(Decimal("0.01"))), "min_rows": str(th.drop_min_rows)}
        rows = tuple(sorted(now[(unit, kind)], key=lambda e: e.row_id))
        found.append(Signal(SignalKind.DROP, month, kind, unit, None, params, rows))
    return found


def _window_end(windows: list[InspectionWindow], day: date) -> time | None:
    for w in windows:
        if day.month in w.months:
            h, m = (int(x) for x in w.end.split(":"))
            return time(h, m)
    return None


def old_at_edge(entry: Entry, windows: list[InspectionWindow], minutes: int) -> bool:
    if entry.day.day == calendar.monthrange(entry.day.year, entry.day.month)[1]:
        return True
    end = _window_end(windows, entry.day)
    if end is None or entry.clock is None:
        return False
    closing = datetime.combine(entry.day, end)
    return closing - timedelta(minutes=minutes) <= datetime.combine(entry.day, entry.clock) <= closing


def old_edge(entries: Iterable[Entry], month: str, windows: list[InspectionWindow], th: Thresholds) -> list[Signal]:
    mine: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.month == month and e.kind is EntryKind.DEDUCTION:
            mine[e.actor].append(e)
    found = []
    for actor, rows in sorted(mine.items()):
        edged = sorted((e for e in rows if old_at_edge(e, windows, th.edge_minutes)), key=lambda e: e.row_id)
        if len(rows) < th.edge_min_rows or _share(len(edged), len(rows)) < th.edge_share:
            continue
        last_day = sum(1 for e in edged if e.day.day == calendar.monthrange(e.day.year, e.day.month)[1])
        params = {"actor": actor, "month": month, "rows": str(len(rows)), "count": str(len(edged))}
        params |= {"pct": percent(_share(len(edged), len(rows))), "last_day": str(last_day)}
        params |= {"minutes": str(th.edge_minutes), "late": str(len(edged) - last_day)}
        params |= {"threshold": percent(th.edge_share), "min_rows": str(th.edge_min_rows)}
        found.append(Signal(SignalKind.EDGE, month, EntryKind.DEDUCTION, None, actor, params, tuple(edged)))
    return found


# --- random data ------------------------------------------------------------------------------------------

MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]


@st.composite
def _day(draw: st.DrawFn) -> date:
    year, month = 2024, draw(st.integers(1, 6))
    last = calendar.monthrange(year, month)[1]
    return date(year, month, draw(st.sampled_from([1, 2, 15, last - 1, last])))


_minute = st.sampled_from([0, 29, 30, 31, 59]) | st.integers(0, 59)
_clock = st.none() | st.builds(
    time, st.sampled_from([0, 7, 20, 21, 22, 23]), _minute, st.sampled_from([0, 0, 0, 1, 59]),
    st.sampled_from([0, 0, 0, 1, 999_999]),
)  # fmt: skip
"""Times about the windows' ends below (and on them, to the second), where a row falls in or out."""
_entry = st.tuples(
    st.sampled_from(list(EntryKind)), st.sampled_from(["u1", "u2", "单位3"]),
    st.sampled_from(["a", "b", "张三", "（未知）", ""]), _day(), _clock,
)  # fmt: skip
_window = st.builds(
    lambda months, h, m: InspectionWindow(months=months, start="00:00", end=f"{h:02d}:{m:02d}"),
    st.lists(st.integers(1, 12), min_size=1, max_size=6, unique=True), st.sampled_from([1, 20, 21, 22, 23]),
    st.sampled_from([0, 30, 59]),
)  # fmt: skip
_pct = st.integers(1, 100).map(lambda p: Decimal(p) / 100) | st.sampled_from([Decimal("0.125"), Decimal("0.333")])
_thresholds = st.builds(
    Thresholds, _pct, st.integers(0, 8), _pct, st.integers(1, 4), st.integers(0, 12), _pct, st.integers(0, 8),
    st.sampled_from([1, 30, 60, 61, 600, 1440]),
)  # fmt: skip


def _entries(raw: list[tuple[EntryKind, str, str, date, time | None]]) -> list[Entry]:
    # row ids out of order, as a store's ids are not in the order rows are read
    return [
        Entry(kind, (i * 7919) % 10_007, unit, actor, day, clock, (i + 1,), "" if kind == "deductions" else f"K{i}")
        for i, (kind, unit, actor, day, clock) in enumerate(raw)
    ]


def _seen(found: list[Signal]) -> list[tuple[object, ...]]:
    return [(s.kind, s.month, s.entry_kind, s.unit_id, s.actor, s.params, s.rows, s.photos) for s in found]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_entry, max_size=60), st.sampled_from(MONTHS), st.lists(_window, max_size=2), _thresholds,
)  # fmt: skip
def test_columnar_signals_equal_the_row_by_row_ones(
    raw: list[tuple[EntryKind, str, str, date, time | None]],
    month: str,
    windows: list[InspectionWindow],
    th: Thresholds,
) -> None:
    entries = _entries(raw)
    old = old_concentrated(entries, month, th) + old_dropped(entries, month, th) + old_edge(entries, month, windows, th)
    assert _seen(signals(entries, month, windows, th)) == _seen(old)


@settings(max_examples=100, deadline=None)
@given(st.lists(_entry, min_size=1, max_size=40), st.lists(_window, max_size=2), st.integers(1, 1440))
def test_the_edge_expression_says_what_at_edge_says_of_each_row(
    raw: list[tuple[EntryKind, str, str, date, time | None]], windows: list[InspectionWindow], minutes: int
) -> None:
    entries = _entries(raw)
    rows = frames.rows_frame(entries)
    for month in {e.month for e in entries}:
        mine = [e for e in entries if e.month == month]
        flags = rows.filter(frames.month_of() == month).select(frames.at_edge(month, windows, minutes)).to_series()
        assert flags.to_list() == [old_at_edge(e, windows, minutes) for e in mine]


def test_many_small_groups_are_counted_alike() -> None:
    """Thousands of rows over many units and persons: the same signals as the reference (and some raised)."""

    def day(i: int) -> date:
        month = 1 + i % 6
        return date(2024, month, calendar.monthrange(2024, month)[1] if i % 9 == 0 else 1 + i % 28)

    entries = [
        Entry(EntryKind.DEDUCTION if i % 3 else EntryKind.VERIFICATION, i, f"u{i % 40}",
              "insp0" if i % 40 < 10 or i % 11 else f"insp{i % 5}", day(i), time(21, 30) if i % 4 == 0 else None)
        for i in range(6_000)
    ]  # fmt: skip
    th, windows = Thresholds(), [InspectionWindow(months=[1, 2, 3, 4, 5, 6], start="07:00", end="22:00")]
    for month in MONTHS:
        new = signals(entries, month, windows, th)
        old = old_concentrated(entries, month, th) + old_dropped(entries, month, th)
        assert _seen(new) == _seen(old + old_edge(entries, month, windows, th))
    assert {s.kind for m in MONTHS for s in signals(entries, m, windows, th)} >= {SignalKind.CONCENTRATED}
