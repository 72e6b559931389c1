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

The thresholds are :class:`Thresholds` (defaults below, each documented); the pages and the API take
them as query parameters, bounded.  Pure: entries in, signals out — the store is read by
:mod:`kaoping.app.inspector_signals`.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from kaoping.labels import Labelled
from kaoping.scheme.model import InspectionWindow


class SignalKind(Labelled):
    """The three signals, with the names the office screen prints."""

    CONCENTRATED = "concentrated", "核查集中"
    DROP = "drop", "上报骤降"
    EDGE = "edge", "窗口边缘集中"


class EntryKind(Labelled):
    """What an entry is: a deduction entered, a case verified (moved out of 核查), a case reported."""

    DEDUCTION = "deductions", "扣分记录"
    VERIFICATION = "verifications", "案件核查"
    CASE = "cases", "上报案件"


@dataclass(frozen=True)
class Entry:
    """One row as the signals see it: its kind and id, its unit, who entered it, and when.

    ``day`` and ``clock`` are the time the row claims (a deduction's date and optional time; a verification's
    or a case's timestamp); ``photos`` are the ids of the evidence stored for it (``deductions:<id>``)."""

    kind: EntryKind
    row_id: int
    unit_id: str
    actor: str
    day: date
    clock: time | None = None
    photos: tuple[int, ...] = ()
    key: str = ""
    """A case's number (its page is by number); empty for a deduction (its page is by id)."""

    @property
    def month(self) -> str:
        return self.day.strftime("%Y-%m")


@dataclass(frozen=True)
class Thresholds:
    """When a signal is raised.  Shares are fractions (0.9 = 90 %), compared with ``>=`` (drop: ``<``)."""

    concentrated_share: Decimal = Decimal("0.9")
    """核查集中: one person entered at least this share of a unit's entries of one kind in the month …"""
    concentrated_min_rows: int = 10
    """… and the unit had at least this many of them (three rows by one person are no pattern)."""
    drop_share: Decimal = Decimal("0.5")
    """上报骤降: the month's count is below this share of the mean of the months before …"""
    drop_months: int = 3
    """… over this many months before …"""
    drop_min_rows: int = 15
    """… which held at least this many rows together (on average 5 a month with the defaults)."""
    edge_share: Decimal = Decimal("0.5")
    """窗口边缘集中: at least this share of one person's deductions of the month lie at the edge …"""
    edge_min_rows: int = 10
    """… over at least this many deductions …"""
    edge_minutes: int = 60
    """… the edge being the last this many minutes of the month's 考评时段, or the month's last day."""


DEFAULTS = Thresholds()


TEXTS = {
    SignalKind.CONCENTRATED: (
        "{unit} 在 {month} 的{what}共 {rows} 条，其中 {count} 条由 {actor} 录入（{pct}），"
        "达到阈值：一人占比 ≥ {threshold}，且不少于 {min_rows} 条。"
    ),
    SignalKind.DROP: (
        "{unit} 的{what}在 {month} 为 {rows} 条；此前 {months} 个月（{history}）共 {before} 条，月均 {mean} 条；"
        "{rows} 条低于月均的 {threshold}（{limit} 条），且此前不少于 {min_rows} 条。"
    ),
    SignalKind.EDGE: (
        "{actor} 在 {month} 录入{what} {rows} 条，其中 {count} 条在边缘（{pct}：月末最后一天 {last_day} 条，"
        "考评时段最后 {minutes} 分钟 {late} 条），达到阈值：≥ {threshold}，且不少于 {min_rows} 条。"
    ),
}
"""The sentence of each signal, with the counts and the threshold as parameters (``what``: the entry kind's
name): the pages translate it through their catalogue, the API returns it filled in Chinese."""


@dataclass(frozen=True)
class Signal:
    """One signal: its kind, month, unit and/or person, the counts, the rows and photos it rests on."""

    kind: SignalKind
    month: str
    entry_kind: EntryKind
    unit_id: str | None
    actor: str | None
    params: dict[str, str] = field(default_factory=dict)
    """The numbers of the sentence (:data:`TEXTS`), as text: what a clerk checks against the rows."""
    rows: tuple[Entry, ...] = ()

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def explanation(self) -> str:
        """The sentence in Chinese, filled in."""
        return TEXTS[self.kind].format(**self.params, what=self.entry_kind.label)

    @property
    def photos(self) -> tuple[int, ...]:
        return tuple(p for row in self.rows for p in row.photos)


def percent(share: Decimal) -> str:
    """0.9 → "90%" (one decimal place when needed)."""
    value = (share * 100).quantize(Decimal("0.1")).normalize()
    return f"{value:f}%"


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def concentrated(entries: Iterable[Entry], month: str, th: Thresholds = DEFAULTS) -> list[Signal]:
    """核查集中: per (unit, kind) in ``month``, the person entering at least ``concentrated_share`` of the
    rows, over at least ``concentrated_min_rows`` rows."""
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


def months_before(month: str, n: int) -> list[str]:
    """The ``n`` months before ``month`` ("YYYY-MM"), oldest first."""
    year, m = (int(x) for x in month.split("-"))
    index = year * 12 + m - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - n, index)]


def dropped(entries: Iterable[Entry], month: str, th: Thresholds = DEFAULTS) -> list[Signal]:
    """上报骤降: per (unit, kind), the month's count below ``drop_share`` × the mean of the ``drop_months``
    months before (months without rows count as zero), those months holding ``drop_min_rows`` or more."""
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
        # current < share × total / months, compared without dividing
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


def edge(
    entries: Iterable[Entry], month: str, windows: list[InspectionWindow], th: Thresholds = DEFAULTS
) -> list[Signal]:
    """窗口边缘集中: per person, at least ``edge_share`` of the month's deductions at the edge (:func:`at_edge`),
    over at least ``edge_min_rows`` deductions."""
    mine: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.month == month and e.kind is EntryKind.DEDUCTION:
            mine[e.actor].append(e)
    found = []
    for actor, rows in sorted(mine.items()):
        edged = sorted((e for e in rows if at_edge(e, windows, th.edge_minutes)), key=lambda e: e.row_id)
        if len(rows) < th.edge_min_rows or _share(len(edged), len(rows)) < th.edge_share:
            continue
        last_day = sum(1 for e in edged if e.day.day == calendar.monthrange(e.day.year, e.day.month)[1])
        params = {"actor": actor, "month": month, "rows": str(len(rows)), "count": str(len(edged))}
        params |= {"pct": percent(_share(len(edged), len(rows))), "last_day": str(last_day)}
        params |= {"minutes": str(th.edge_minutes), "late": str(len(edged) - last_day)}
        params |= {"threshold": percent(th.edge_share), "min_rows": str(th.edge_min_rows)}
        found.append(Signal(SignalKind.EDGE, month, EntryKind.DEDUCTION, None, actor, params, tuple(edged)))
    return found


def signals(
    entries: list[Entry], month: str, windows: list[InspectionWindow], th: Thresholds = DEFAULTS
) -> list[Signal]:
    """Every signal of ``month``, in the order 核查集中, 上报骤降, 窗口边缘集中."""
    return concentrated(entries, month, th) + dropped(entries, month, th) + edge(entries, month, windows, th)
