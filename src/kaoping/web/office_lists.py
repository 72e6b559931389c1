"""The office's lists: 考评期 (every period of a scheme with its state, a quarter with its months) and
被考评单位 (every unit with its group and what waits for it).

Both only read.  A period is listed when it has evaluated data (as the dashboard's picker finds it) or a
stored version; its state is :mod:`kaoping.app.period_states`'s.  Publishing itself stays on the period
page: a quarter's row names its months with their states, so the office publishes them together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.app.context import OfficeScheme
from kaoping.app.period_states import PeriodStanding, PeriodState, months_of, period_standings, standing_of
from kaoping.app.policy import Perm
from kaoping.app.results import evaluated_kinds
from kaoping.periods import PeriodError, parse_period
from kaoping.statuses import AppealStatus
from kaoping.store.tables import Appeal, Unit
from kaoping.web import dashboard_data as dd
from kaoping.web.app import error_page, render, require_page
from kaoping.web.dashboard import fact_months

router = APIRouter(include_in_schema=False)
PeriodsPage = Annotated[Principal, require_page(Perm.PERIODS)]
UnitsPage = Annotated[Principal, require_page(Perm.UNIT_LIST)]
STATE_NAMES = PeriodState.names()


@dataclass(frozen=True)
class PeriodLine:
    """One period on the periods page, with the months it is made of (a quarter's, a year's)."""

    standing: PeriodStanding
    months: list[PeriodStanding]


@dataclass(frozen=True)
class KindBlock:
    """The periods of one kind (月度, 季度, 年度), newest first."""

    kind: str
    name: str
    lines: list[PeriodLine]


def _kind_of(period: str) -> str | None:
    try:
        return str(parse_period(period).kind)
    except PeriodError:
        return None


def period_blocks(session: Session, office: OfficeScheme, months: set[int]) -> list[KindBlock]:
    """Per evaluated kind, every period with data or a version, with its standing and its months'."""
    standings = period_standings(session, office.scheme.scheme)
    kinds = evaluated_kinds(office.scheme)
    blocks = []
    for kind in reversed(kinds):  # the longest first: a quarter is published with its months
        periods = set(dd.period_options(months, kind)) | {p for p in standings if _kind_of(p) == kind}
        lines = []
        for period in sorted(periods, key=parse_period, reverse=True):
            own = standings.get(period) or standing_of(period, [])
            parts = months_of(period) if "month" in kinds else []
            lines.append(PeriodLine(own, [standings.get(m) or standing_of(m, []) for m in parts]))
        blocks.append(KindBlock(str(kind), dd.KIND_NAMES[kind], lines))
    return blocks


@router.get("/periods")
def periods_page(request: Request, session: SessionDep, ctx: CtxDep, who: PeriodsPage, scheme: str = "") -> Response:
    """Every period of the chosen scheme (the first by default) with its state and links to act on it."""
    if not ctx.schemes:
        return error_page(request, who, 404, "未找到考评方案", "本系统尚未配置考评方案。")
    name = scheme if scheme in ctx.schemes else next(iter(ctx.schemes))
    office = ctx.schemes[name]
    months = fact_months(session, office.scheme, ctx.settings.clock().date())
    return render(
        request,
        "periods.html",
        who,
        scheme=office.scheme,
        schemes=[(n, o.scheme.title) for n, o in ctx.schemes.items()],
        blocks=period_blocks(session, office, months),
        state_names=STATE_NAMES,
    )


@router.get("/units")
def unit_list(request: Request, session: SessionDep, who: UnitsPage) -> Response:
    """Every unit by group, with its open appeals, linked to its page."""
    units = list(session.scalars(select(Unit).order_by(Unit.group, Unit.unit_id)))
    waiting = select(Appeal.unit_id, func.count()).where(Appeal.status == AppealStatus.OPEN).group_by(Appeal.unit_id)
    open_appeals = Counter({unit: int(n) for unit, n in session.execute(waiting)})
    groups: dict[str, list[Unit]] = {}
    for unit in units:
        groups.setdefault(unit.group, []).append(unit)
    return render(request, "unit_list.html", who, groups=groups, open_appeals=open_appeals)
