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
from kaoping.engine.rectification import calendar_for, deadline_rule, due_date, overdue_in, runs_of
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
    """整改超期: every problem overdue on some day of the period (the bulletin's appendix).

    A problem's run (:func:`kaoping.engine.rectification.runs_of`) is due ``rectify_days`` after its first
    notification (working days if the scheme's rule says so; the same day without a rule) and overdue from the
    day after until it is rectified — so a problem rectified late inside the period is listed too, with its
    ``rectified_on``.  ``notices`` counts the run's notifications; ``days_open`` runs from the first notification
    to the rectification or the period's last day, both counted.
    """
    notices = facts.notices.filter(pl.col("unit_id").is_in(list(units)))
    if notices.is_empty():
        return []
    rule = deadline_rule(scheme.penalties)
    start, end = period.start(), period.end_exclusive()
    runs = runs_of(notices)
    cal = None
    if rule is not None and rule.working_days:
        cal = calendar_for(scheme.calendar, min(r.first_notified for r in runs), end)
    out: list[dict[str, object]] = []
    for run in runs:
        due = due_date(rule, run.first_notified, cal) if rule is not None else run.first_notified
        if not overdue_in(due, run.rectified_on, start, end):
            continue
        last = min(run.rectified_on or end, end - timedelta(days=1))
        out.append(
            {
                "problem_id": run.problem_id,
                "unit_id": run.unit_id,
                "unit": units.get(run.unit_id, ""),
                "notified_on": run.first_notified,
                "last_notified_on": run.rows[-1][0],
                "notices": len(run.rows),
                "days_open": (last - run.first_notified).days + 1,
                "due": due,
                "rectified_on": run.rectified_on,
            }
        )
    return sorted(out, key=lambda o: (-int(str(o["days_open"])), str(o["unit_id"]), str(o["problem_id"])))


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
