"""待办事项: what the office still has to do, on top of its dashboard — appeals to answer (how many, the
nearest deadline, how many are late), data changed after the shown period was published (the drift the
dashboard computes from :mod:`kaoping.app.frozen`), versions waiting for review or publication, and
notifications past their rectification deadline and still open (:mod:`kaoping.app.rectifications`).

Each item links to the page where it is done.  Cheap to build: one query for the appeals, one for the
versions of the scheme; the drift is the dashboard's own, passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from kaoping.app.appeals import AppealsDue, appeals_due
from kaoping.app.context import AppContext
from kaoping.app.owed import OwedReport, owed_report
from kaoping.app.period_states import PeriodStanding, PeriodState, period_standings
from kaoping.app.policy import Principal
from kaoping.app.rectifications import OverdueRectifications, overdue_rectifications
from kaoping.app.rectify_flow import open_items
from kaoping.periods import parse_period


@dataclass(frozen=True)
class Todo:
    """The panel: appeals due, the shown period's changed rows, the versions not yet published."""

    appeals: AppealsDue
    drift: int
    unpublished: list[PeriodStanding]
    now: datetime
    overdue: list[OverdueRectifications] = field(default_factory=list)
    """Units with notifications past the scheme's rectification deadline and still open (逾期未整改)."""
    supervised: int = 0
    """Open problems under 督办 (app/rectify_flow.supervise_overdue), re-inspected from /reinspect."""
    owed: OwedReport | None = None
    """The shown period's scores owed (应报分数), when the scheme chases any."""

    @property
    def owed_count(self) -> int:
        return len(self.owed.owed) if self.owed is not None else 0

    @property
    def owed_missing(self) -> int:
        return len(self.owed.missing) if self.owed is not None else 0

    @property
    def overdue_total(self) -> int:
        return sum(o.count for o in self.overdue)

    @property
    def empty(self) -> bool:
        return not (
            self.appeals.waiting or self.drift or self.unpublished or self.overdue or self.supervised or self.owed_count
        )


def _waiting_version(standing: PeriodStanding) -> bool:
    return standing.state in (PeriodState.DRAFT, PeriodState.REVIEWED) or standing.pending is not None


def office_todo(
    ctx: AppContext, session: Session, who: Principal, scheme: str, drift: int, period: str | None = None
) -> Todo:
    """The to-do panel of ``scheme``'s dashboard; ``drift``: rows changed since the shown period's publication;
    ``period``: the shown period, whose scores still owed (应报分数) are listed."""
    now = ctx.settings.clock()
    due = appeals_due(session, who, ctx.settings.answer_days, now)
    standings = period_standings(session, scheme).values()
    unpublished = sorted((s for s in standings if _waiting_version(s)), key=lambda s: parse_period(s.period))
    office = ctx.schemes.get(scheme)
    overdue = overdue_rectifications(session, office.scheme, now.date()) if office is not None else []
    supervised = 0
    if office is not None:
        supervised = sum(1 for i in open_items(session, office.scheme, now.date()) if i.supervised_on is not None)
    owed = owed_report(session, office.scheme, period, today=now.date()) if office and period else None
    return Todo(due, drift, unpublished, now, overdue, supervised, owed if owed is not None and owed.chased else None)
