"""申诉处理: the office's appeals inbox — every appeal with its unit, period, the rows it disputes, the
deadline for answering, and the answer form.

The page only reads; answering goes through the API (``static/appeals.js`` → ``POST /api/appeals/{id}/
answer``), which calls the use case :func:`kaoping.app.appeals.answer_appeal`: accepting starts a correction
of the period with the appeal as its reason, rejecting needs a reason, a second answer is refused (409).
Open appeals come first, the nearest deadline first; answered ones follow, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.app.appeals import answer_deadline, list_appeals, target_row
from kaoping.app.policy import Perm
from kaoping.labels import Labelled
from kaoping.statuses import AppealStatus, ResultStatus
from kaoping.store.tables import Appeal, PublishedResult, Unit
from kaoping.web.app import render, require_page

router = APIRouter(include_in_schema=False)
Office = Annotated[Principal, require_page(Perm.APPEALS_INBOX)]


class Shown(Labelled):
    """Which appeals the inbox lists."""

    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"
    ALL = "all", "全部"


@dataclass(frozen=True)
class InboxItem:
    """One appeal as the office reads it: who, what, by when, and where its period stands."""

    appeal: Appeal
    unit_name: str
    deadline: datetime
    overdue: bool
    row: tuple[str, int] | None
    """The fact row the appeal disputes (kind, id), linked to its page when it is a deduction."""
    schemes: list[str]
    """The office's schemes that have published the period: an accepted appeal corrects one of them."""

    @property
    def open(self) -> bool:
        return self.appeal.status == AppealStatus.OPEN


def _published_schemes(session: Session, periods: set[str], offered: list[str]) -> dict[str, list[str]]:
    """Period → the office's schemes with a published version of it (one query)."""
    stmt = select(PublishedResult.period, PublishedResult.scheme).where(
        PublishedResult.period.in_(periods), PublishedResult.status == ResultStatus.PUBLISHED
    )
    out: dict[str, list[str]] = {p: [] for p in periods}
    for period, scheme in session.execute(stmt):
        if scheme in offered:
            out[period].append(scheme)
    return out


def inbox_items(session: Session, who: Principal, schemes: list[str], days: int, now: datetime) -> list[InboxItem]:
    """Every appeal the office may see, open ones first by deadline, then answered ones newest first."""
    appeals = list_appeals(session, who, unit_id=None, period=None)
    names = dict(session.execute(select(Unit.unit_id, Unit.name)).all())
    published = _published_schemes(session, {a.period for a in appeals}, schemes)
    items = [
        InboxItem(
            appeal=a,
            unit_name=names.get(a.unit_id, a.unit_id),
            deadline=answer_deadline(a, days),
            overdue=a.status == AppealStatus.OPEN and answer_deadline(a, days) < now,
            row=target_row(a.target),
            schemes=sorted(published.get(a.period, [])),
        )
        for a in appeals
    ]
    waiting = sorted((i for i in items if i.open), key=lambda i: (i.deadline, i.appeal.id))
    answered = sorted((i for i in items if not i.open), key=lambda i: -i.appeal.id)
    return waiting + answered


@router.get("/appeals")
def appeals_inbox(
    request: Request,
    session: SessionDep,
    ctx: CtxDep,
    who: Office,
    show: str = "open",
) -> Response:
    """The inbox: by default the appeals waiting for an answer; ``?show=answered`` or ``all`` for the rest
    (anything else: the default — a page answers a mistyped link with itself, not with an error)."""
    chosen = Shown(show) if show in Shown.names() else Shown.OPEN
    items = inbox_items(session, who, list(ctx.schemes), ctx.settings.answer_days, ctx.settings.clock())
    waiting = sum(1 for i in items if i.open)
    if chosen is Shown.OPEN:
        items = [i for i in items if i.open]
    elif chosen is Shown.ANSWERED:
        items = [i for i in items if not i.open]
    return render(
        request,
        "appeals_inbox.html",
        who,
        items=items,
        show=chosen,
        shown=Shown,
        waiting=waiting,
        answer_days=ctx.settings.answer_days,
        appeal_status=AppealStatus.names(),
        now=ctx.settings.clock(),
    )
