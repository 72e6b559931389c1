"""Per-inspector signals (督查信号): patterns in who entered what, and when, that the 考评办 should look at.

The frauds found in practice were staged photos (:mod:`kaoping.app.evidence_integrity`) and collectors paid
to under-report.  Neither shows in a single row, only in how rows fall across people, units and months, so
this module counts entries and names the groups that cross a threshold.  A signal is a reason to look, never
a verdict: nothing is changed, refused or deleted, and each signal carries the counts and the threshold in a
sentence a clerk can check by hand against the rows it links to.

Three signals, over the entries of one month (``YYYY-MM``):

* **核查集中** (:attr:`SignalKind.CONCENTRATED`): of a unit's entries of one kind in the month (deductions
  entered, case verifications done), one person entered at least ``share`` of them, over at least
  ``min_rows`` rows.  Who entered a row is the audit trail's (the account of its ``insert``, else its import
  batch's); a verification's is the account that moved the case out of 核查.
* **上报骤降** (:attr:`SignalKind.DROP`): a unit's count of one kind (deductions, cases reported) in the
  month is below ``share`` of its mean over the ``months`` months before, and those months held at least
  ``min_rows`` rows together (a unit with little history says nothing by falling).
* **窗口边缘集中** (:attr:`SignalKind.EDGE`): of one person's deductions in the month, at least ``share``
  lie at the edge: in the last ``minutes`` of the 考评时段 of their month (rows entered with a time, in a
  month a window covers) or on the last day of the month — over at least ``min_rows`` rows.

The thresholds are :class:`Thresholds` (defaults in :mod:`kaoping.engine.signal_model`, each documented);
the pages and the API take them as query parameters, bounded.  Pure: entries in, signals out — the store is
read by :mod:`kaoping.app.inspector_signals`, which hands the columnar functions of
:mod:`kaoping.engine.signal_frames` counts and frames (a city's rows are never Python objects); the
functions here take a list of entries (a few, worked by hand) and count them with those same functions.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from kaoping.engine import signal_frames as frames
from kaoping.engine.signal_model import (
    DEFAULTS,
    TEXTS,
    Entry,
    EntryKind,
    Signal,
    SignalKind,
    Thresholds,
    months_before,
    percent,
)
from kaoping.scheme.model import InspectionWindow

__all__ = [
    "DEFAULTS",
    "TEXTS",
    "Entry",
    "EntryKind",
    "Signal",
    "SignalKind",
    "Thresholds",
    "at_edge",
    "concentrated",
    "dropped",
    "edge",
    "months_before",
    "percent",
    "signals",
]


def _window_end(windows: list[InspectionWindow], day: date) -> time | None:
    minute = frames.window_end_minute(windows, day.strftime("%Y-%m"))
    return None if minute is None else time(minute // 60, minute % 60)


def at_edge(entry: Entry, windows: list[InspectionWindow], minutes: int) -> bool:
    """Whether ``entry`` lies on its month's last day or in the last ``minutes`` of its month's window
    (up to and including the window's end; a later time is outside the window, excluded by the engine)."""
    if entry.day.day == calendar.monthrange(entry.day.year, entry.day.month)[1]:
        return True
    end = _window_end(windows, entry.day)
    if end is None or entry.clock is None:
        return False
    closing = datetime.combine(entry.day, end)
    return closing - timedelta(minutes=minutes) <= datetime.combine(entry.day, entry.clock) <= closing


def _with_rows(
    found: list[Signal], entries: Sequence[Entry], windows: list[InspectionWindow], th: Thresholds
) -> list[Signal]:
    """Each signal with the entries it rests on (:func:`~kaoping.engine.signal_frames.rests_on`), by row id."""
    if not found:
        return found
    rows = frames.rows_frame(entries).with_row_index("at")
    out = []
    for signal in found:
        picked = rows.filter(frames.rests_on(signal, windows, th)).sort("row_id", maintain_order=True)
        out.append(replace(signal, rows=tuple(entries[i] for i in picked.get_column("at"))))
    return out


def concentrated(entries: Sequence[Entry], month: str, th: Thresholds = DEFAULTS) -> list[Signal]:
    """核查集中 of ``entries``: per (unit, kind) in ``month``, the person entering at least
    ``concentrated_share`` of the rows, over at least ``concentrated_min_rows`` rows."""
    counts = frames.actor_counts(frames.rows_frame(entries))
    return _with_rows(frames.concentrated(counts, month, th), entries, [], th)


def dropped(entries: Sequence[Entry], month: str, th: Thresholds = DEFAULTS) -> list[Signal]:
    """上报骤降 of ``entries``: per (unit, kind), the month's count below ``drop_share`` × the mean of the
    ``drop_months`` months before (months without rows count as zero), those months holding
    ``drop_min_rows`` or more."""
    counts = frames.unit_counts(frames.rows_frame(entries))
    return _with_rows(frames.dropped(counts, month, th), entries, [], th)


def edge(
    entries: Sequence[Entry], month: str, windows: list[InspectionWindow], th: Thresholds = DEFAULTS
) -> list[Signal]:
    """窗口边缘集中 of ``entries``: per person, at least ``edge_share`` of the month's deductions at the edge
    (:func:`at_edge`), over at least ``edge_min_rows`` deductions."""
    return _with_rows(frames.edge(frames.rows_frame(entries), month, windows, th), entries, windows, th)


def signals(
    entries: Sequence[Entry], month: str, windows: list[InspectionWindow], th: Thresholds = DEFAULTS
) -> list[Signal]:
    """Every signal of ``month``, in the order 核查集中, 上报骤降, 窗口边缘集中."""
    return concentrated(entries, month, th) + dropped(entries, month, th) + edge(entries, month, windows, th)
