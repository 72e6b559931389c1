"""Runs of whole days for case metrics: ISO weeks (``2019-W15``, 2019年第15周) and ``--from``/``--to`` dates.

A weekly case report (周报) counts the cases of a week, which no run of whole months can hold; rather than
teach :class:`~kaoping.periods.Period` (months, quarters, half-years, years — what schemes rank) about days,
the case metrics take any value with ``start()`` and ``end_exclusive()`` (:class:`~kaoping.periods.Span`):
a Period, or the :class:`DateRange` below.  A case belongs to a range by the rule months use: its step's
time lies from the first day's midnight up to, not including, the midnight after the last day.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

MAX_DAYS = 3660
"""About ten years: a longer range is a typo (2109 for 2019), and is refused rather than read."""
_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")
_CN_WEEK = re.compile(r"^(\d{4})年?第(\d{1,2})周$")


class DateRangeError(ValueError):
    """A text that is not an ISO week, or dates that make no range."""


@dataclass(frozen=True, order=True)
class DateRange:
    """The days ``first`` to ``last``, both included (an ISO week: Monday to Sunday)."""

    first: date
    last: date

    def start(self) -> date:
        return self.first

    def end_exclusive(self) -> date:
        return self.last + timedelta(days=1)

    def holds(self, dates: str | pl.Expr) -> pl.Expr:
        """Polars: whether each day of ``dates`` lies in the range (the same half-open rule as Period.holds)."""
        column = pl.col(dates) if isinstance(dates, str) else dates
        return column.is_between(self.start(), self.end_exclusive(), closed="left")

    @property
    def is_week(self) -> bool:
        return self.first.isoweekday() == 1 and (self.last - self.first).days == 6

    def __str__(self) -> str:
        """``2019-W15`` for an ISO week, else the ISO 8601 interval ``2019-04-01/2019-04-10``."""
        if self.is_week:
            year, week, _ = self.first.isocalendar()
            return f"{year:04d}-W{week:02d}"
        return f"{self.first.isoformat()}/{self.last.isoformat()}"


def iso_week(year: int, week: int) -> DateRange:
    """ISO week ``week`` of ``year`` (weeks start on Monday; week 1 holds the year's first Thursday)."""
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise DateRangeError(f"{year} 年没有第 {week} 周（ISO 周：1–52，有的年份到 53）") from None
    return DateRange(monday, monday + timedelta(days=6))


def parse_week(text: str) -> DateRange | None:
    """``2019-W15``, ``2019W15``, ``2019-w15`` or ``2019年第15周`` as its week; None for any other text."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    m = _WEEK.match(s) or _CN_WEEK.match(s)
    return iso_week(int(m.group(1)), int(m.group(2))) if m else None


def _day(text: str, option: str) -> date:
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s)
    try:
        if m is None:
            raise ValueError(s)
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise DateRangeError(f"{option}：“{text}”不是日期，应为 2019-04-08、2019/4/8 或 2019年4月8日") from None


def date_range(start: str, end: str) -> DateRange:
    """The days from ``start`` to ``end``, both included (``--from``/``--to``); at most MAX_DAYS of them."""
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise DateRangeError(f"--to {last} 早于 --from {first}")
    if (last - first).days + 1 > MAX_DAYS:
        raise DateRangeError(f"--from {first} 到 --to {last} 超过 {MAX_DAYS} 天（约十年），请检查年份")
    return DateRange(first, last)
