"""扣分原因分析: why units lost points in a period, for bulletins (通报) and, later, the web.

A ranking says who is last; an office also has to say *why* — which items and problems cost each unit
most, which problems were found again and again (屡查屡犯), what changed since the previous period and
which notified problems are still not rectified (整改超期).  Everything is computed column-wise in Polars
from the same typed frames the engine scores, and only the rows the engine counted are analysed (rows
outside the inspection windows, listed in ``result.excluded``, are left out), so the analysis never
disagrees with the scores it explains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import polars as pl

from kaoping.engine.numbers import from_micro, to_micro
from kaoping.engine.rectification import due_dates
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts
from kaoping.periods import Period
from kaoping.scheme.model import Scheme

__all__ = ["Analysis", "ReasonRow", "deduction_analysis"]


@dataclass(frozen=True)
class ReasonRow:
    """One reason for lost points: ``count`` deductions totalling ``points`` (positive, as deducted)."""

    unit_id: str
    unit: str
    part: str
    item: str
    problem: str
    count: int
    points: Decimal


@dataclass(frozen=True)
class Analysis:
    """The deduction-reason analysis of one period (see the module docstring for what each field is for)."""

    period: str
    previous: str
    by_unit: dict[str, list[ReasonRow]]
    """Per unit, its (part, item, problem) reasons: points desc, then count desc, then item."""
    by_item: list[ReasonRow]
    """Across units per (part, item), ``unit_id`` and ``problem`` empty: points desc, count desc."""
    repeated: list[ReasonRow]
    """The same (unit, part, item, problem) found two or more times in the period."""
    changes: dict[str, Decimal]
    """unit_id -> shown total now minus shown total in the previous period (both rated)."""
    rank_changes: dict[str, int]
    """unit_id -> previous rank minus current rank: positive means the unit moved up."""
    overdue: list[dict[str, object]]
    """Notified problems still not rectified at the period end and past their rectification deadline."""


def _counted(facts: Facts, period: Period, result: PeriodResult) -> pl.DataFrame:
    """The deductions the engine counted for ``period``: in its dates, not excluded by an inspection window."""
    label = facts.label("deductions")
    excluded = [e.row for e in result.excluded if e.file == label]
    return facts.deductions.filter(period.holds("date") & ~pl.col("_row").is_in(excluded)).with_columns(
        micro=to_micro("points")
    )


def _reasons(frame: pl.DataFrame, keys: list[str], names: dict[str, str]) -> list[ReasonRow]:
    """Aggregate ``frame`` by ``keys`` into sorted ReasonRows (one Python step per group, not per fact row)."""
    grouped = (
        frame.group_by(keys)
        .agg(count=pl.len(), micro=pl.col("micro").sum())
        .sort(
            ["micro", "count", "item", *[k for k in keys if k != "item"]],
            descending=[True, True, False, *[False] * (len(keys) - 1)],
        )
    )
    out: list[ReasonRow] = []
    for r in grouped.iter_rows(named=True):
        unit_id = str(r.get("unit_id", ""))
        out.append(
            ReasonRow(
                unit_id=unit_id,
                unit=names.get(unit_id, ""),
                part=str(r["part"]),
                item=str(r["item"]),
                problem=str(r.get("problem", "")),
                count=int(r["count"]),
                points=from_micro(int(r["micro"])),
            )
        )
    return out


def _overdue(scheme: Scheme, facts: Facts, period: Period, units: dict[str, str]) -> list[dict[str, object]]:
    """Open notices per (unit, problem) as of the period's last day.

    A notice is overdue when its deadline (``rectify_days`` after ``notified_on``, working days if the
    scheme's rule says so: :func:`kaoping.engine.rectification.due_dates`; the same day without a rule) is on
    or before the last day and it was not rectified by then.  Repeated
    notices of one problem are one row: ``notified_on`` is the first still-open notice (the problem has
    been open since then), ``notices`` how many open notices it has; ``days_open`` counts the
    notification day, so a problem notified on the last day is open 1 day.
    """
    last_day = period.end_exclusive() - timedelta(days=1)
    open_at_end = pl.col("rectified_on").is_null() | (pl.col("rectified_on") > last_day)
    due = pl.col("due") <= last_day
    notices = facts.notices.with_columns(due_dates(scheme.penalties, scheme.calendar, facts.notices["notified_on"]))
    rows = (
        notices.filter(pl.col("unit_id").is_in(list(units)) & due & open_at_end)
        .group_by("unit_id", "problem_id")
        .agg(
            notified_on=pl.col("notified_on").min(),
            last_notified_on=pl.col("notified_on").max(),
            notices=pl.len(),
        )
        .with_columns(days_open=(pl.lit(period.end_exclusive()) - pl.col("notified_on")).dt.total_days())
        .sort(["days_open", "unit_id", "problem_id"], descending=[True, False, False])
    )
    return [
        {
            "problem_id": r["problem_id"],
            "unit_id": r["unit_id"],
            "unit": units.get(r["unit_id"], ""),
            "notified_on": r["notified_on"],
            "last_notified_on": r["last_notified_on"],
            "notices": int(r["notices"]),
            "days_open": int(r["days_open"]),
        }
        for r in rows.iter_rows(named=True)
    ]


def deduction_analysis(
    scheme: Scheme, facts: Facts, period: Period, result: PeriodResult, previous: PeriodResult | None
) -> Analysis:
    """Analyse the deductions of ``period`` (already evaluated as ``result``) against ``previous``.

    ``previous`` is the result of the preceding period of the same kind, or None when there is none to
    compare with (then ``changes`` and ``rank_changes`` are empty).
    """
    names = {u.unit_id: u.name for g in result.groups for u in (*g.ranking, *g.unrated)}
    counted = _counted(facts, period, result).filter(pl.col("unit_id").is_in(list(names)))
    per_problem = _reasons(counted, ["unit_id", "part", "item", "problem"], names)
    by_unit: dict[str, list[ReasonRow]] = {}
    for row in per_problem:
        by_unit.setdefault(row.unit_id, []).append(row)
    by_item = _reasons(counted, ["part", "item"], names)
    repeated = [r for r in per_problem if r.count >= 2]

    changes: dict[str, Decimal] = {}
    rank_changes: dict[str, int] = {}
    if previous is not None and previous.evaluated:
        before = {u.unit_id: u for u in previous.units()}
        for u in result.units():
            p = before.get(u.unit_id)
            if p is not None:
                changes[u.unit_id] = u.shown_total - p.shown_total
                rank_changes[u.unit_id] = p.rank - u.rank
    return Analysis(
        period=str(period),
        previous=previous.period if previous is not None else "",
        by_unit=by_unit,
        by_item=by_item,
        repeated=repeated,
        changes=changes,
        rank_changes=rank_changes,
        overdue=_overdue(scheme, facts, period, names),
    )
