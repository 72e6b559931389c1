"""Evaluation periods (考评周期) as values: months, quarters, half-years and years.

Plans speak of 月度考评, 季度考评, 半年考评 and 年度考评; data files write them as ``2024-03``, ``2024-Q2``,
``2024-H1`` and ``2024``.  Passing those around as strings invites bugs (is ``2024-03`` inside ``2024-Q1``?), so every
period in the engine is one of the frozen dataclasses below, with ordering, containment and navigation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import polars as pl

from kaoping.labels import Labelled


class PeriodKind(Labelled):
    """The kinds of period a scheme can evaluate, with what plans call them (月度考评, 季度考评, 半年考评,
    年度考评).  Members are listed shortest first, so iterating the enum walks from fine to coarse."""

    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    HALF = "half", "半年度"
    YEAR = "year", "年度"

    @property
    def size(self) -> int:
        """Length in months, used for ordering kinds (a month is inside a quarter, never the other way)."""
        return _SIZES[self.value]


_SIZES = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_KIND_OF_SIZE = {size: PeriodKind(code) for code, size in _SIZES.items()}


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})-?[Hh]([12])$")
_YEAR = re.compile(r"^(\d{4})$")
_CN_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN_MONTH = re.compile(r"^(\d{4})年(\d{1,2}|十[一二]?|[一二三四五六七八九])月(份)?$")
_CN_QUARTER = re.compile(r"^(\d{4})(?:年?第?([1-4一二三四])季度?|年[Qq]([1-4]))$")
_CN_HALF = re.compile(r"^(\d{4})年?([上下])半年度?$")
_CN_YEAR = re.compile(r"^(\d{4})年度?$")
_SEPARATED_MONTH = re.compile(r"^(\d{4})[/.](\d{1,2})$")


class Span(Protocol):
    """Any run of whole days from ``start()`` up to, not including, ``end_exclusive()``: a Period, or a week or
    a ``--from``/``--to`` range (:mod:`kaoping.dateranges`) — what case metrics count over."""

    def start(self) -> date: ...

    def end_exclusive(self) -> date: ...


class PeriodError(ValueError):
    """A text that is not a month, quarter, half-year or year (or a run of months that is none of them)."""


@dataclass(frozen=True, order=True)
class Period:
    """A closed run of whole months: ``first`` and ``last`` are month indexes (year * 12 + month - 1)."""

    first: int
    last: int

    @property
    def kind(self) -> PeriodKind:
        """Read from the length: 1, 3, 6 or 12 months.  Any other run is not a period anyone evaluates, and
        guessing a kind for it once made a 6-month run print as a year."""
        n = self.last - self.first + 1
        kind = _KIND_OF_SIZE.get(n)
        if kind is None:
            raise PeriodError(f"{n} 个月不是月、季度、半年或年（{self.first}..{self.last}）")
        return kind

    @property
    def year(self) -> int:
        return self.first // 12

    def __str__(self) -> str:
        y, m0 = divmod(self.first, 12)
        match self.kind:
            case PeriodKind.MONTH:
                return f"{y:04d}-{m0 + 1:02d}"
            case PeriodKind.QUARTER:
                return f"{y:04d}-Q{m0 // 3 + 1}"
            case PeriodKind.HALF:
                return f"{y:04d}-H{m0 // 6 + 1}"
            case PeriodKind.YEAR:
                return f"{y:04d}"

    def __repr__(self) -> str:
        """Never raises (a debugger shows even a run of months that is no kind)."""
        size = self.last - self.first + 1
        return f"Period({self})" if size in _KIND_OF_SIZE else f"Period({self.first}..{self.last})"

    def contains(self, other: Period) -> bool:
        return self.first <= other.first and other.last <= self.last

    def contains_date(self, d: date) -> bool:
        idx = d.year * 12 + d.month - 1
        return self.first <= idx <= self.last

    def holds(self, dates: str | pl.Expr) -> pl.Expr:
        """Polars: whether each day of ``dates`` (a date column, or an expression giving dates) lies in this period.

        The one spelling of "dated in the period" for the engine's filters over deductions, notices, honors
        and cases (半开区间: from the first day up to, not including, the first day of the next period).
        """
        column = pl.col(dates) if isinstance(dates, str) else dates
        return column.is_between(self.start(), self.end_exclusive(), closed="left")

    def keys(self) -> list[str]:
        """Every period text that lies inside this one (a quarter holds itself and its three months; a
        half-year itself, its two quarters and six months; a year all of those and its two halves).

        Rows of scores.csv and ranks.csv carry such texts; ``pl.col("period").is_in(p.keys())`` selects the
        rows of the period.
        """
        keys: list[str] = []
        for kind in PeriodKind:
            if kind.size <= self.last - self.first + 1:
                keys += [str(sub) for sub in self.subperiods(kind)]
        return keys

    def start(self) -> date:
        y, m0 = divmod(self.first, 12)
        return date(y, m0 + 1, 1)

    def end_exclusive(self) -> date:
        y, m0 = divmod(self.last + 1, 12)
        return date(y, m0 + 1, 1)

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (negative: earlier) of the same kind."""
        size = self.last - self.first + 1
        return Period(self.first + n * size, self.last + n * size)

    def previous(self) -> Period:
        return self.shift(-1)

    def next(self) -> Period:
        return self.shift(1)

    def subperiods(self, kind: PeriodKind) -> list[Period]:
        """The periods of ``kind`` inside this one, in order (the 3 months of a quarter...)."""
        size = kind.size
        if size > self.last - self.first + 1:
            raise PeriodError(f"a {kind.value} does not fit inside {self}")
        return [Period(i, i + size - 1) for i in range(self.first, self.last + 1, size)]


def period_keys(p: Period) -> list[str]:
    """Every period text that lies inside ``p`` (see :meth:`Period.keys`)."""
    return p.keys()


def month(year: int, m: int) -> Period:
    idx = year * 12 + m - 1
    return Period(idx, idx)


def quarter(year: int, q: int) -> Period:
    idx = year * 12 + (q - 1) * 3
    return Period(idx, idx + 2)


def half(year: int, h: int) -> Period:
    """The first (``h=1``, 上半年: January–June) or second (``h=2``, 下半年) half of ``year``."""
    if h not in (1, 2):
        raise PeriodError(f"半年只有上半年（H1）和下半年（H2），不是 H{h}")
    idx = year * 12 + (h - 1) * 6
    return Period(idx, idx + 5)


def year_period(year: int) -> Period:
    return Period(year * 12, year * 12 + 11)


def _cn_number(text: str) -> int:
    """``8``, ``八`` or ``十二`` as a number (months and quarters are written both ways)."""
    if text.isdigit():
        return int(text)
    return 10 + _CN_NUMBER[text[1]] if text.startswith("十") and len(text) == 2 else _CN_NUMBER[text]


def _spelled(s: str) -> Period | None:
    """The Chinese and slashed spellings: ``2024年8月``, ``2024年第二季度``, ``2024年二季度``, ``2024年上半年``,
    ``2024年度``, ``2024/08``; None for anything else."""
    if m := _CN_MONTH.match(s) or _SEPARATED_MONTH.match(s):
        mm = _cn_number(m.group(2))
        return month(int(m.group(1)), mm) if 1 <= mm <= 12 else None
    if m := _CN_QUARTER.match(s):
        return quarter(int(m.group(1)), _cn_number(m.group(2) or m.group(3)))
    if m := _CN_HALF.match(s):
        return half(int(m.group(1)), 1 if m.group(2) == "上" else 2)
    if m := _CN_YEAR.match(s):
        return year_period(int(m.group(1)))
    return None


def parse_period(text: str) -> Period:
    """Read ``2024-03``, ``2024-Q2`` (or ``2024Q2``), ``2024-H1`` (or ``2024H1``) or ``2024`` — and as people
    write them, ``2024年8月``, ``2024年第二季度``, ``2024年二季度``, ``2024年上半年``, ``2024年``, ``2024/08``,
    full-width digits too; PeriodError otherwise."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if (spelled := _spelled(s)) is not None:
        return spelled
    if m := _MONTH.match(s):
        mm = int(m.group(2))
        if 1 <= mm <= 12:
            return month(int(m.group(1)), mm)
    elif m := _QUARTER.match(s):
        return quarter(int(m.group(1)), int(m.group(2)))
    elif m := _HALF.match(s):
        return half(int(m.group(1)), int(m.group(2)))
    elif m := _YEAR.match(s):
        return year_period(int(m.group(1)))
    raise PeriodError(f"'{text}' is not a period: expected YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY")


def period_of(d: date, kind: PeriodKind) -> Period:
    """The period of ``kind`` that contains the day ``d``."""
    match kind:
        case PeriodKind.MONTH:
            return month(d.year, d.month)
        case PeriodKind.QUARTER:
            return quarter(d.year, (d.month - 1) // 3 + 1)
        case PeriodKind.HALF:
            return half(d.year, (d.month - 1) // 6 + 1)
        case PeriodKind.YEAR:
            return year_period(d.year)
