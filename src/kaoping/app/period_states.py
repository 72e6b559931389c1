"""Where each period of a scheme stands (考评期状态): not computed, draft, reviewed, published or corrected.

Read from the versions kept in ``published_results`` (one query for a scheme), so the periods page, the
period page's list of a quarter's months and the to-do panel name a period's state the same way.  A
period with a correction under way is still "published" (or "corrected"), with ``pending`` set.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.labels import Labelled
from kaoping.periods import Period, PeriodKind, parse_period
from kaoping.statuses import OPEN_RESULTS, ResultStatus
from kaoping.store.tables import PublishedResult


class PeriodState(Labelled):
    """A period's state, from its versions."""

    NOT_COMPUTED = "none", "未计算"
    DRAFT = "draft", "草稿"
    REVIEWED = "reviewed", "已审核"
    PUBLISHED = "published", "已发布"
    CORRECTED = "corrected", "已更正"


@dataclass(frozen=True)
class PeriodStanding:
    """A period's state, its published version (None: none) and whether a new version is open."""

    period: str
    state: PeriodState
    published_version: int | None = None
    pending: ResultStatus | None = None
    """The open version's status (draft / reviewed) when one is being prepared beside a published one."""


def standing_of(period: str, statuses: list[tuple[int, str]]) -> PeriodStanding:
    """The standing of ``period`` from its versions as (version, status) pairs."""
    if not statuses:
        return PeriodStanding(period, PeriodState.NOT_COMPUTED)
    open_status = next((ResultStatus(s) for _, s in statuses if s in OPEN_RESULTS), None)
    live = next((v for v, s in statuses if s == ResultStatus.PUBLISHED), None)
    if live is None:
        state = PeriodState.REVIEWED if open_status is ResultStatus.REVIEWED else PeriodState.DRAFT
        return PeriodStanding(period, state)
    corrected = any(s == ResultStatus.SUPERSEDED for _, s in statuses)
    state = PeriodState.CORRECTED if corrected else PeriodState.PUBLISHED
    return PeriodStanding(period, state, live, open_status)


def period_standings(session: Session, scheme: str) -> dict[str, PeriodStanding]:
    """Every period of ``scheme`` that has a version, with its standing."""
    stmt = select(PublishedResult.period, PublishedResult.version, PublishedResult.status).where(
        PublishedResult.scheme == scheme
    )
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for period, version, status in session.execute(stmt):
        found[period].append((version, status))
    return {p: standing_of(p, found[p]) for p in found}


def months_of(period: str) -> list[str]:
    """The months a quarter or year is made of (a month: none), in order."""
    p = parse_period(period)
    if p.kind is PeriodKind.MONTH:
        return []
    return [str(Period(m, m)) for m in range(p.first, p.last + 1)]
