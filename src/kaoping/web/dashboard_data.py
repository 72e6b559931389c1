"""The office dashboard's view model, as pure functions of period results and fact frames.

Kept apart from the routes so that every number the dashboard shows (rank change, trend, part means, the
deductions and cases per unit) can be tested without a database or a browser, and so the route reads as
"load, compute, render".  Chart data leaves here as plain JSON values (floats, strings, None): the page
embeds it in ``<script type="application/json">`` islands that ``static/dashboard.js`` draws.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import polars as pl

from kaoping.cases.cells import period_counts
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts, spec_of
from kaoping.facts.columns import COLUMN_NAMES
from kaoping.facts.snapshot import ChangedRow, RowChange
from kaoping.periods import Period, PeriodKind, period_of

KIND_NAMES = {kind: kind.label for kind in PeriodKind}


# --- periods ------------------------------------------------------------------------------------------


def latest_period(months: Iterable[int], kind: PeriodKind) -> Period | None:
    """The period of ``kind`` holding the latest month with a fact (month index = year * 12 + month - 1)."""
    last = max(months, default=None)
    return None if last is None else period_of(Period(last, last).start(), kind)


def period_options(months: Iterable[int], kind: PeriodKind) -> list[str]:
    """The picker's periods of ``kind`` that hold a month with evaluated data, newest first.

    Only those: a period without data would show an empty (or all-tied) ranking as if it were a result.
    """
    found = {period_of(Period(m, m).start(), kind) for m in months}
    return [str(p) for p in sorted(found, reverse=True)]


def convert_period(period: Period, kind: PeriodKind) -> Period:
    """The period of ``kind`` that holds ``period``'s last month (switching 2024-Q2 to months gives 2024-06).

    Lets the picker work without JavaScript: a changed kind arrives with a period of the old kind.
    """
    if period.kind == kind:
        return period
    return period_of(Period(period.last, period.last).start(), kind)


# --- rank change --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A unit's move in its group since the previous period: ``steps`` places up (negative: down)."""

    kind: Literal["up", "down", "same", "new"]
    steps: int = 0

    @property
    def symbol(self) -> str:
        """↑2, ↓1, — or 新 (the template translates 新)."""
        return {"up": f"↑{self.steps}", "down": f"↓{-self.steps}", "same": "—", "new": "新"}[self.kind]


def rank_changes(current: PeriodResult, previous: PeriodResult | None) -> dict[str, Change]:
    """Change of rank per unit id against ``previous``; empty when the previous period has no data at all.

    Ranks are per group, so a unit compares with its rank in the same group; one that was not ranked there
    (new, moved group, or 未考评 then) is ``new``.
    """
    if previous is None or not previous.evaluated:
        return {}
    before = {(g.group, u.unit_id): u.rank for g in previous.groups for u in g.ranking}
    out: dict[str, Change] = {}
    for g in current.groups:
        for u in g.ranking:
            was = before.get((g.group, u.unit_id))
            if was is None:
                out[u.unit_id] = Change("new")
            elif was == u.rank:
                out[u.unit_id] = Change("same")
            else:
                out[u.unit_id] = Change("up" if was > u.rank else "down", was - u.rank)
    return out


# --- activity: deductions and cases per unit ----------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """What happened to a unit in the period: deduction rows and points, cases dispatched, disposed on time."""

    deductions: int = 0
    points: float = 0.0
    cases: int = 0
    on_time: int = 0


def excluded_rows(facts: Facts, result: PeriodResult) -> list[int]:
    """Row numbers of the deductions the score of ``result`` left out (outside an inspection window)."""
    label = facts.label("deductions")
    return [e.row for e in result.excluded if e.file == label]


def activity(facts: Facts, period: Period, result: PeriodResult) -> dict[str, Activity]:
    """Per unit id: the deductions dated in the period that the score counted, and cases as
    ``kaoping.cases.metrics`` counts them.

    A deduction the score excluded (found at 23:45, outside the inspection window) is left out here too:
    the map and tiles must not paint a unit for points its score did not lose.  Cases follow the engine's
    base (dispatched in the period) so the dashboard's 按期处置率 is the one the scheme scores.
    """
    counted = facts.deductions.filter(period.holds("date") & ~pl.col("_row").is_in(excluded_rows(facts, result)))
    ded = counted.group_by("unit_id").agg(n=pl.len(), points=pl.col("points").sum())
    found: dict[str, dict[str, Any]] = {}
    for row in ded.iter_rows(named=True):
        found.setdefault(row["unit_id"], {}).update(deductions=int(row["n"]), points=float(row["points"] or 0))
    for row in period_counts(facts.cases, facts.case_cells, period).iter_rows(named=True):
        found.setdefault(row["unit_id"], {}).update(cases=int(row["应结案数"]), on_time=int(row["按期处置数"]))
    return {unit_id: Activity(**values) for unit_id, values in found.items()}


# --- KPI tiles ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpis:
    """The tiles above the rankings."""

    units: int
    unrated: int
    mean_total: Decimal | None
    deductions: int
    deduction_points: float
    has_cases: bool
    """The store holds cases for this scheme at all (otherwise the case tiles are not shown)."""
    cases: int
    on_time_rate: float | None
    """按期处置率 in percent over the period's dispatched cases; None without any."""
    excluded: int = 0
    """Deductions of the period the score left out (outside an inspection window), not in the counts."""


def kpis(result: PeriodResult, acts: Mapping[str, Activity], has_cases: bool, excluded: int = 0) -> Kpis:
    ranked = result.units()
    totals = [u.shown_total for u in ranked]
    cases = sum(a.cases for a in acts.values())
    on_time = sum(a.on_time for a in acts.values())
    return Kpis(
        units=len(ranked),
        unrated=sum(len(g.unrated) for g in result.groups),
        mean_total=sum(totals, Decimal(0)) / len(totals) if totals else None,
        deductions=sum(a.deductions for a in acts.values()),
        deduction_points=round(sum(a.points for a in acts.values()), 4),
        has_cases=has_cases,
        cases=cases,
        on_time_rate=round(100 * on_time / cases, 1) if cases else None,
        excluded=excluded,
    )


DRIFT_FIELDS = (
    "date",
    "period",
    "part",
    "item",
    "points",
    "score",
    "kind",
    "level",
    "title",
    "notified_on",
    "rectified_on",
    "reported_at",
    "closed_at",
    "time",
    "problem",
)
"""The columns a drift line names, in this order (the ones an office recognises a row by)."""


def changed_row(row: ChangedRow, units: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One drifted row for the page: kind, id, unit (by name), 新增/修改/删除 and "column: before → after",
    columns by their Chinese names."""
    shown = [f for f in row.fields if f in DRIFT_FIELDS] or row.fields
    details = []
    for name in shown:
        before, after = row.before.get(name), row.after.get(name)
        if row.change == RowChange.CHANGED:
            details.append(f"{_column(name)}：{_cell(before)} → {_cell(after)}")
        else:
            details.append(f"{_column(name)}：{_cell(after if after is not None else before)}")
    return {
        "kind": spec_of(row.kind).label,
        "row_id": row.row_id,
        "unit_id": row.unit_id,
        "unit": (units or {}).get(row.unit_id, row.unit_id),
        "change": row.change.label,
        "details": "；".join(details),
    }


def _column(name: str) -> str:
    return COLUMN_NAMES.get(name, name)


def _cell(value: Any) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
