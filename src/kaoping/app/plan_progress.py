"""检查进度: how far a drawn plan has got, per unit and per team, and which plans are overdue.

A visit counts as done when a deduction of the plan's checklist (part), dated in the plan's month, was
entered for the drawn unit by one of the inspectors drawn for it — as the audit trail records who entered
each row.  So done/planned per unit is min(visits planned, such deductions), and per team the same over the
team's visits.  A plan is overdue when its month is over and it is not complete (or not yet drawn).
Deductions loaded by a batch import name no inspector and do not count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.app.plans import month_of, plan_key
from kaoping.periods import parse_period
from kaoping.store.plan_tables import InspectionPlanRow, PlanVisitRow
from kaoping.store.tables import AuditEntry


@dataclass(frozen=True)
class Tally:
    """Done and planned visits of one unit or team."""

    key: str
    done: int
    planned: int


@dataclass(frozen=True)
class Progress:
    plan_id: int
    key: str
    period: str
    drawn: bool
    by_unit: tuple[Tally, ...]
    by_team: tuple[Tally, ...]
    overdue: bool

    @property
    def done(self) -> int:
        return sum(t.done for t in self.by_unit)

    @property
    def planned(self) -> int:
        return sum(t.planned for t in self.by_unit)


def _entered(session: Session, row: InspectionPlanRow) -> Counter[tuple[str, str]]:
    """(unit, inspector) → deductions of the plan's part and month that inspector entered for the unit."""
    stmt = select(AuditEntry.unit_id, AuditEntry.actor, AuditEntry.after).where(
        AuditEntry.table_name == "deductions", AuditEntry.action == "insert", AuditEntry.period == row.period
    )
    counts: Counter[tuple[str, str]] = Counter()
    for unit_id, actor, after in session.execute(stmt):
        if unit_id and isinstance(after, dict) and after.get("part") == row.part:
            counts[(unit_id, actor)] += 1
    return counts


def plan_progress(session: Session, row: InspectionPlanRow, now: datetime) -> Progress:
    """Done/planned per unit and team of a drawn plan (nothing planned before the draw)."""
    visits = list(session.scalars(select(PlanVisitRow).where(PlanVisitRow.plan_id == row.id)))
    entered = _entered(session, row) if visits else Counter()
    unit_visits: dict[str, list[PlanVisitRow]] = defaultdict(list)
    for v in visits:
        unit_visits[v.unit_id].append(v)
    by_unit: list[Tally] = []
    team_done: Counter[int] = Counter()
    team_planned: Counter[int] = Counter(v.team for v in visits)
    for unit_id, theirs in sorted(unit_visits.items()):
        people = {p for v in theirs for p in v.inspectors}
        found = sum(entered[(unit_id, p)] for p in people)
        by_unit.append(Tally(unit_id, min(found, len(theirs)), len(theirs)))
        for team in sorted({v.team for v in theirs}):
            team_people = {p for v in theirs if v.team == team for p in v.inspectors}
            planned = sum(1 for v in theirs if v.team == team)
            team_done[team] += min(planned, sum(entered[(unit_id, p)] for p in team_people))
    by_team = tuple(Tally(f"第{t}组", team_done[t], team_planned[t]) for t in sorted(team_planned))
    over = now.date() >= parse_period(row.period).end_exclusive()
    complete = bool(visits) and all(t.done >= t.planned for t in by_unit)
    return Progress(
        row.id, plan_key(row), row.period, row.drawn_at is not None, tuple(by_unit), by_team, over and not complete
    )


def office_progress(session: Session, now: datetime, period: str | None = None) -> list[Progress]:
    """Every plan (of ``period``, or all), newest month first, with its progress."""
    stmt = select(InspectionPlanRow).order_by(InspectionPlanRow.period.desc(), InspectionPlanRow.id)
    if period:
        stmt = stmt.where(InspectionPlanRow.period == month_of(period))
    return [plan_progress(session, row, now) for row in session.scalars(stmt)]
