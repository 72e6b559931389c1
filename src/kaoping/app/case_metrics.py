"""数字城管指标: the case metrics of every unit for a period — the office's table on screen and in Excel.

The numbers are the engine's: the counts of :data:`~kaoping.cases.metric_defs.COUNT_DEFS` over the cases
dispatched in the period and the rates of :func:`~kaoping.cases.metrics.rates`, so the table says what the
score used.  Without a category they come from the kept case cells (:mod:`kaoping.store.case_cells`):
a year of a city's million cases is a few thousand sums, read in a moment.

Cells keep no category, so a *category filter* cannot use them: that category's cases dispatched in the
period are read from the ``cases`` table (bounded to the period through the index on ``dispatched_at``, only
the columns the counts need, as one columnar frame) and counted by the same
:func:`~kaoping.cases.metrics.case_counts`.  A category's table is therefore as exact as the whole one, and
slower only by the rows of one category of one period.

Units without a case dispatched in the period are listed with zero counts and no rates (shown "—"):
the engine scores them with perfect rates (nothing left undone), but a table of 100 % over no case would
read as a result.  The column :data:`NOT_ON_TIME` (应结案数 − 按期处置数) is the table's only derived
number: the cases not disposed within their deadline by the end of the period — disposed late, still open
past the deadline, or still open with time left or without a deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.caching import Bounded
from kaoping.cases.cells import cell_counts
from kaoping.cases.metrics import COUNTS, RATES, case_counts, rates
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.periods import Period
from kaoping.store.case_cells import CASE_COLUMNS, read_cells, refresh_and_commit
from kaoping.store.columnar import read_frame
from kaoping.store.tables import AuditEntry, CaseCell, CaseRow, Unit

NOT_ON_TIME = "未按期处置数"
UNIT, GROUP = "单位", "分组"
NUMBERS: tuple[str, ...] = (*COUNTS, NOT_ON_TIME, *RATES)
SORT_KEYS: tuple[str, ...] = (UNIT, GROUP, *NUMBERS)
"""The columns the table can be sorted by (the only values ``sort=`` accepts)."""
TOTAL = "合计"


@dataclass(frozen=True)
class MetricsRow:
    """One line of the table: a unit, or a subtotal (``unit_id`` empty) of a group or of all units shown."""

    unit_id: str
    name: str
    group: str
    values: dict[str, Decimal | None]
    """Every name of :data:`NUMBERS`; rates None when no case was dispatched."""

    @property
    def dispatched(self) -> int:
        return int(self.values[COUNTS[0]] or 0)


def metric_values(counts: dict[str, int]) -> dict[str, Decimal | None]:
    """Every column of :data:`NUMBERS` from one line's counts (rates None without a case dispatched)."""
    out: dict[str, Decimal | None] = {c: Decimal(counts[c]) for c in COUNTS}
    out[NOT_ON_TIME] = Decimal(counts["应结案数"] - counts["按期处置数"])
    figured = rates(counts) if counts["应结案数"] else {}
    out.update({r: figured.get(r) for r in RATES})
    return out


def _span(period: Period) -> tuple[datetime, datetime]:
    return (
        datetime.combine(period.start(), datetime.min.time()),
        datetime.combine(period.end_exclusive(), datetime.min.time()),
    )


def category_cases(session: Session, period: Period, category: str) -> pl.DataFrame:
    """The cases of ``category`` dispatched in ``period``, the columns the counts read."""
    start, end = _span(period)
    stmt = select(*[getattr(CaseRow, c) for c in CASE_COLUMNS], CaseRow.id.label(ROW)).where(
        CaseRow.dispatched_at >= start, CaseRow.dispatched_at < end, CaseRow.category == category
    )
    return read_frame(session, stmt, dict(SCHEMAS["cases"]))


def unit_counts(session: Session, period: Period, category: str = "") -> dict[str, dict[str, int]]:
    """Per unit with a case dispatched in the period, its counts: from the cells, or from one category's rows."""
    if category:
        counted = case_counts(category_cases(session, period, category), period)
    else:
        counted = cell_counts(read_cells(session, (period.start(), period.end_exclusive())), period)
    return {r["unit_id"]: {c: int(r[c]) for c in COUNTS} for r in counted.iter_rows(named=True)}


def metric_rows(
    session: Session,
    period: Period,
    category: str = "",
    group: str = "",
    counts: dict[str, dict[str, int]] | None = None,
) -> list[MetricsRow]:
    """Every unit (of ``group``, when given) with its metrics for the period, in unit order; from ``counts``
    when given (a published version's, :mod:`kaoping.app.published_cases`), else counted live."""
    counts = unit_counts(session, period, category) if counts is None else counts
    stmt = select(Unit).order_by(Unit.group, Unit.unit_id)
    if group:
        stmt = stmt.where(Unit.group == group)
    zero = dict.fromkeys(COUNTS, 0)
    units = session.scalars(stmt)
    return [MetricsRow(u.unit_id, u.name, u.group, metric_values(counts.get(u.unit_id, zero))) for u in units]


def _summed(rows: Sequence[MetricsRow]) -> dict[str, Decimal | None]:
    return metric_values({c: sum(int(r.values[c] or 0) for r in rows) for c in COUNTS})


def subtotals(rows: Sequence[MetricsRow]) -> list[MetricsRow]:
    """A line per group (when more than one is shown), then the total of every unit shown: rates of the
    summed counts (the city's 结案率 is its cases closed over its cases, not a mean of the units' rates)."""
    groups: dict[str, list[MetricsRow]] = {}
    for r in rows:
        groups.setdefault(r.group, []).append(r)
    out = [MetricsRow("", name, name, _summed(members)) for name, members in groups.items()] if len(groups) > 1 else []
    return [*out, MetricsRow("", TOTAL, "", _summed(rows))]


def sort_rows(rows: Sequence[MetricsRow], key: str, descending: bool) -> list[MetricsRow]:
    """``rows`` ordered by column ``key`` (one of :data:`SORT_KEYS`); rows without the value (a rate of a
    unit with no case) last either way, ties by unit."""
    if key == UNIT:
        return sorted(rows, key=lambda r: (r.name, r.unit_id), reverse=descending)
    if key == GROUP:
        return sorted(rows, key=lambda r: (r.group, r.unit_id), reverse=descending)
    present = sorted((r for r in rows if r.values[key] is not None), key=lambda r: r.unit_id)
    present.sort(key=lambda r: r.values[key] or Decimal(0), reverse=descending)
    return present + [r for r in rows if r.values[key] is None]


def case_months(session: Session) -> set[int]:
    """The months (index year × 12 + month − 1) in which some case was dispatched: the period picker's."""
    refresh_and_commit(session)
    stmt = select(CaseCell.month).where(CaseCell.measure == COUNTS[0]).distinct()
    return {int(m) for m in session.scalars(stmt)}


_kept_categories: Bounded[tuple[str, str, int, int], tuple[str, ...]] = Bounded(32)


def period_categories(session: Session, period: Period) -> list[str]:
    """The categories of the cases dispatched in the period (the category filter's choices).

    Finding them scans the period's cases (a year of a city's), which a click on a column header should not
    do again: they are kept until a case is added (the highest case id) or a write is audited (the highest
    audit id: a category corrected through the application)."""
    top = [int(session.scalar(select(func.coalesce(func.max(c), 0))) or 0) for c in (CaseRow.id, AuditEntry.id)]
    key = (str(session.get_bind().engine.url), str(period), top[0], top[1])
    start, end = _span(period)
    stmt = (
        select(CaseRow.category)
        .where(CaseRow.dispatched_at >= start, CaseRow.dispatched_at < end)
        .distinct()
        .order_by(CaseRow.category)
    )
    return list(_kept_categories.get_or_make(key, lambda: tuple(session.scalars(stmt))))


def groups(session: Session) -> list[str]:
    """Every group of units (the group filter's choices): 城区, 街道, 部门 … as the office registered them."""
    return list(session.scalars(select(Unit.group).distinct().order_by(Unit.group)))
