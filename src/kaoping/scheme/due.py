"""When a part's scores are owed (报送时限): 每季度末月25日前报送, 次月5日前报送.

A plan names who scores what and by when; the office then chases what has not come in.  A scores part says
it with ``due``: the day of a month counted from the period the row is given for (its ``given_per``) —
``month: last`` is that period's last month (每季度末月25日前), ``month: next`` the month after it
(次月5日前).  A day past the month's end is its last day (31 in February is the 28th or 29th).  A part
without ``due`` is owed by nobody: only the parts the office chases are counted as missing.
"""

from __future__ import annotations

import calendar
from datetime import date
from enum import StrEnum

from pydantic import Field

from kaoping.periods import Period
from kaoping.scheme.base import Strict


class DueMonth(StrEnum):
    """Which month the due day is in, counted from the period the score is given for."""

    LAST = "last"
    """The period's last month (每季度末月, 当月)."""
    NEXT = "next"
    """The month after the period (次月)."""


class Due(Strict):
    """报送时限 of a scores part: the score of a period is due by ``day`` of ``month`` (inclusive)."""

    day: int = Field(ge=1, le=31)
    month: DueMonth = DueMonth.LAST

    def deadline(self, period: Period) -> date:
        """The last day a score for ``period`` is on time."""
        index = period.last + (1 if self.month == DueMonth.NEXT else 0)
        year, month = divmod(index, 12)
        return date(year, month + 1, min(self.day, calendar.monthrange(year, month + 1)[1]))

    def text(self) -> str:
        """The rule as a plan writes it (每期末月25日前 / 次月5日前)."""
        return f"{'期末月' if self.month == DueMonth.LAST else '次月'}{self.day}日前"
