"""Inspection windows (考评时段): deductions found outside the hours a scheme counts are excluded.

城管局市容环境: inspections count only 7:00–22:00 in spring and summer and 7:00–21:30 in autumn and
winter.  A deduction row with a `time` outside its month's window is not counted — and is reported (in
the result's ``excluded`` list and the unit's explanation), never silently dropped.  Rows without a time,
or in a month no window covers, count.
"""

from __future__ import annotations

from datetime import time

import polars as pl

from kaoping.facts import Facts
from kaoping.periods import Period
from kaoping.scheme.model import InspectionWindow, Scheme


def _clock(text: str) -> time:
    h, m = (int(x) for x in text.split(":"))
    return time(h, m)


def outside_windows(windows: list[InspectionWindow]) -> pl.Expr:
    """True for deduction rows whose time lies outside the window of their month."""
    if not windows:
        return pl.lit(False)
    month = pl.col("date").dt.month()
    covered = pl.lit(False)
    inside = pl.lit(False)
    for w in windows:
        in_months = month.is_in(w.months)
        covered = covered | in_months
        inside = inside | (in_months & pl.col("time").is_between(_clock(w.start), _clock(w.end), closed="both"))
    return pl.col("time").is_not_null() & covered & ~inside


def excluded_deductions(scheme: Scheme, facts: Facts, period: Period) -> pl.DataFrame:
    """Deduction rows of ``period`` that fall outside the scheme's inspection windows."""
    if not scheme.inspection_windows:
        return facts.deductions.clear()
    return facts.deductions.filter(period.holds("date") & outside_windows(scheme.inspection_windows)).sort("_row")


def window_text(scheme: Scheme, month: int) -> str:
    for w in scheme.inspection_windows:
        if month in w.months:
            return f"{w.start}–{w.end}"
    return "any time"
