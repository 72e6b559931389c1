"""Working time for case deadlines (处置时限): China's working days, each year's 调休, and office hours.

The ``holidays`` package knows China's public holidays and make-up working days (调休) for the years the
State Council has announced; nobody knows next year's until December.  So the calendar is the package's
days plus an editable override table (a YAML file the office keeps: extra holidays, extra working days,
days that are not holidays after all), and the override always wins.

Deadlines in the 处置手册 are either working days (私搭乱建 拆除 20 working days: the same clock time on the
20th working day after dispatch) or working hours (暴露垃圾 4 working hours: counted only inside office
hours on working days).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import yaml

DEFAULT_HOURS = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
"""Office hours (上班时间) used for working-hour deadlines unless the office sets its own."""


@dataclass(frozen=True)
class Overrides:
    """The office's corrections: 调休 days the package does not know yet, local holidays, mistakes."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    not_holidays: frozenset[date] = frozenset()

    @classmethod
    def load(cls, path: Path) -> Overrides:
        """Read ``holidays:``, ``workdays:`` and ``not_holidays:`` lists of dates from a YAML file."""
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}

        def dates(key: str) -> frozenset[date]:
            values = data.get(key) or []
            return frozenset(v if isinstance(v, date) else date.fromisoformat(str(v)) for v in values)

        return cls(dates("holidays"), dates("workdays"), dates("not_holidays"))


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days and when the office works; pure and immutable."""

    holidays: frozenset[date]
    workdays: frozenset[date] = frozenset()
    """Make-up working days on weekends (调休上班)."""
    hours: tuple[tuple[time, time], ...] = DEFAULT_HOURS
    _cache: dict[date, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def china(
        cls,
        years: Iterable[int],
        overrides: Overrides = Overrides(),
        hours: tuple[tuple[time, time], ...] = DEFAULT_HOURS,
    ) -> WorkCalendar:
        """China's calendar for ``years`` from the holidays package, then the office's overrides."""
        import holidays as holiday_lib  # loaded when a calendar is built, not by every engine import

        cn = holiday_lib.country_holidays("CN", years=list(years))
        days = set(cn.keys())
        workdays = set(getattr(cn, "weekend_workdays", set()))
        days = (days | overrides.holidays) - overrides.not_holidays - overrides.workdays
        workdays = (workdays | overrides.workdays) - overrides.holidays
        return cls(frozenset(days), frozenset(workdays), hours)

    def is_workday(self, d: date) -> bool:
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same clock time on the ``days``-th working day after ``start``'s day."""
        d = start.date()
        left = days
        while left > 0:
            d += timedelta(days=1)
            if self.is_workday(d):
                left -= 1
        return datetime.combine(d, start.time())

    def add_working_hours(self, start: datetime, hours: Decimal | float | int) -> datetime:
        """``start`` plus ``hours`` counted only inside office hours on working days."""
        left = timedelta(hours=float(hours))
        moment = start
        while True:
            for begin, end in self._windows(moment.date()):
                if moment >= end:
                    continue
                moment = max(moment, begin)
                room = end - moment
                if left <= room:
                    return moment + left
                left -= room
                moment = end
            moment = datetime.combine(moment.date() + timedelta(days=1), time(0, 0))

    def working_hours_between(self, a: datetime, b: datetime) -> Decimal:
        """Office hours elapsed from ``a`` to ``b`` (0 if b is not after a)."""
        if b <= a:
            return Decimal(0)
        total = timedelta()
        d = a.date()
        while d <= b.date():
            for begin, end in self._windows(d):
                lo, hi = max(begin, a), min(end, b)
                if hi > lo:
                    total += hi - lo
            d += timedelta(days=1)
        return Decimal(total.total_seconds()) / 3600

    def _windows(self, d: date) -> list[tuple[datetime, datetime]]:
        if not self.is_workday(d):
            return []
        return [(datetime.combine(d, s), datetime.combine(d, e)) for s, e in self.hours]
