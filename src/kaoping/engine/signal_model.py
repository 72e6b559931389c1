"""督查信号的模型: the kinds of signal and of entry, an entry, the thresholds, a signal and its sentence.

Shared by the row-level reading (:mod:`kaoping.engine.signals`) and the columnar one
(:mod:`kaoping.engine.signal_frames`); what each signal means is told in :mod:`kaoping.engine.signals`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from kaoping.labels import Labelled


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


def share(part: int, whole: int) -> Decimal:
    """``part`` of ``whole`` as a decimal fraction (0 of nothing)."""
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def months_before(month: str, n: int) -> list[str]:
    """The ``n`` months before ``month`` ("YYYY-MM"), oldest first."""
    year, m = (int(x) for x in month.split("-"))
    index = year * 12 + m - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - n, index)]
