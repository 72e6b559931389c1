"""整改 deadlines and the per-report charge of a rectification penalty (``charge: report``).

A problem's notifications form runs (a run ends when the problem is rectified; notified again later, a new run
starts — the same rule as :func:`kaoping.engine.penalties.notice_costs`).  A run is due ``rectify_days`` after
its first notification, in calendar days or working days of :class:`~kaoping.cases.calendar.WorkCalendar` (China's
holidays and 调休, corrected by the scheme's ``calendar``).  It is *overdue* on every day after that until it is
rectified, the day of a late rectification included.

The plans charge an unrectified problem where it is reported: 区现场 "在每月…考评情况报告中…通报…如整改不达标的,
每例…扣2分; 连续3次通报后仍未整改的, 双倍扣分" — every monthly report a problem is overdue in costs once (the 4th
report in a row and later double), and every failed re-inspection (整改不达标: ``failed_reinspections`` of a notice
row, which the workflow writes) costs what a report of that period costs.  G1000 "对问题整改超时、不到位的, 要予以
加倍扣分, 直至整改到位": ``times_original: 2`` charges twice the notice's own deduction for each of them.

Pure: takes the rule, the notices frame and the period; the store's workflow (plans, re-inspections, 督办) writes
the notices' rows and rectification dates through the ordinary fact use cases, so ``kaoping verify`` sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import polars as pl

from kaoping.cases.calendar import Overrides, WorkCalendar
from kaoping.periods import Period, period_of
from kaoping.scheme.model import RectificationPenalty, WorkdayOverrides


@dataclass(frozen=True)
class Run:
    """One problem of one unit from its first notification until it is rectified (整改一次)."""

    unit_id: str
    problem_id: str
    first_notified: date
    rows: tuple[tuple[date, int, int], ...]
    """Every notification of the run: (date, file row, failed re-inspections that day), in date order; the first
    opened it."""
    rectified_on: date | None
    original: Decimal | None
    """The run's original deduction (原扣分, ``points`` of its first notice that has one)."""


def calendar_for(overrides: WorkdayOverrides, first: date, last: date) -> WorkCalendar:
    """China's working days from ``first``'s year to the year after ``last``, with the scheme's corrections."""
    fixes = Overrides(frozenset(overrides.holidays), frozenset(overrides.workdays), frozenset(overrides.not_holidays))
    return WorkCalendar.china(range(first.year, last.year + 2), fixes)


def due_date(rule: RectificationPenalty, notified_on: date, calendar: WorkCalendar | None) -> date:
    """The last day a notification may be rectified in time: ``rectify_days`` later, working days if the
    rule says so (then ``calendar`` is needed)."""
    if not rule.working_days:
        return notified_on + timedelta(days=rule.rectify_days)
    if calendar is None:
        raise ValueError("working-day deadlines need a calendar")
    return calendar.add_working_days(datetime.combine(notified_on, datetime.min.time()), rule.rectify_days).date()


def runs_of(notices: pl.DataFrame) -> list[Run]:
    """The runs of every problem: a notification after the previous one's rectification starts a new run."""
    key = ["unit_id", "problem_id"]
    prev = pl.col("rectified_on").shift(1).over(key)
    new_run = prev.is_not_null() & (prev <= pl.col("notified_on"))
    frame = notices.sort(*key, "notified_on", "_row").with_columns(run=new_run.cast(pl.Int64).cum_sum().over(key))
    out: list[Run] = []
    for (unit, problem, _), part in frame.group_by([*key, "run"], maintain_order=True):
        failed = part["failed_reinspections"].to_list()
        rows = tuple(zip(part["notified_on"].to_list(), part["_row"].to_list(), failed, strict=True))
        done = part["rectified_on"].drop_nulls()
        originals = part["points"].drop_nulls()
        original = Decimal(str(originals[0])) if len(originals) else None
        rectified = done.min() if len(done) else None
        out.append(Run(str(unit), str(problem), rows[0][0], rows, rectified, original))  # type: ignore[arg-type]
    return out


def overdue_in(due: date, rectified_on: date | None, start: date, end_exclusive: date) -> bool:
    """Whether a run due on ``due`` is overdue on some day in [start, end_exclusive): past due, and not
    rectified before the period began (rectified late inside it still counts)."""
    if due + timedelta(days=1) >= end_exclusive:
        return False
    return rectified_on is None or (rectified_on > due and rectified_on >= start)


def report_ordinal(due: date, period: Period) -> int:
    """Which report in a row ``period`` is for a run overdue from the day after ``due`` (1 = the first)."""
    first = period_of(due + timedelta(days=1), period.kind)
    size = period.last - period.first + 1
    return (period.first - first.first) // size + 1


def charge(rule: RectificationPenalty, run: Run, ordinal: int) -> Decimal:
    """What one report (or one failed re-inspection) of ``run`` costs when it is report ``ordinal`` in a row."""
    base = rule.points
    if rule.times_original is not None and run.original:
        base = rule.times_original * run.original
    if rule.escalate_after is not None and rule.escalated_points is not None and ordinal > rule.escalate_after:
        return rule.escalated_points
    return base


@dataclass(frozen=True)
class Charge:
    """One charged event: the run's report in the period, or one failed re-inspection."""

    run: Run
    on: date
    """The report's period end (last day) or the re-inspection day."""
    ordinal: int
    cost: Decimal
    row: int
    failed_reinspection: bool


def report_charges(
    rule: RectificationPenalty, runs: list[Run], period: Period, cal: WorkCalendar | None
) -> list[Charge]:
    """Every charge of ``period``: each run overdue in it once, and each failed re-inspection dated in it."""
    start, end = period.start(), period.end_exclusive()
    out: list[Charge] = []
    for run in runs:
        due = due_date(rule, run.first_notified, cal)
        ordinal = report_ordinal(due, period) if due < end else 0
        if overdue_in(due, run.rectified_on, start, end):
            last = end - timedelta(days=1)
            out.append(Charge(run, last, ordinal, charge(rule, run, ordinal), run.rows[0][1], False))
        for day, row, failed in run.rows:
            if start <= day < end:
                place = ordinal if day > due else 0
                out += [Charge(run, day, place, charge(rule, run, place), row, True)] * failed
    return out


def deadline_rule(rules: list[RectificationPenalty]) -> RectificationPenalty | None:
    """The rule whose deadline a notice is held to: the strictest (fewest days) of a scheme's rules."""
    return min(rules, key=lambda r: r.rectify_days, default=None)


def due_dates(rules: list[RectificationPenalty], overrides: WorkdayOverrides, notified: pl.Series) -> pl.Series:
    """The due day of each notification date in ``notified`` (the same date without a rule: due that day)."""
    rule = deadline_rule(rules)
    days = notified.drop_nulls().unique().to_list()
    if rule is None or not days:
        return notified.alias("due")
    cal = calendar_for(overrides, min(days), max(days)) if rule.working_days else None
    table = {d: due_date(rule, d, cal) for d in days}
    return notified.replace_strict(table, default=None, return_dtype=pl.Date).alias("due")
