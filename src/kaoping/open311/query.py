"""Reading cases back as GeoReport service requests: one query joins each case to its latest transition,
its unit and its Open311 fields, and filters, orders and limits in the database.

Every case whose category belongs to a service is a service request, whatever brought it in (an Open311
client, the 12345 hotline's import, a supervisor's cases.csv): GeoReport publishes a jurisdiction's
requests, not one channel's.  Cases of categories no service answers to are not published, because a
request must name its service_code.  The open/closed filter is an SQL expression mirroring
``status.current_status``, so ``status=open`` and the 1,000-row cap are applied together in the query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Literal

from sqlalchemy import ColumnElement, and_, func, not_, or_, select
from sqlalchemy.orm import Session, aliased

from kaoping.cases.calendar import Overrides, WorkCalendar
from kaoping.cases.lifecycle import Status
from kaoping.open311.formats import Node
from kaoping.open311.services import SERVICES, Limit, Service, service_for
from kaoping.open311.settings import Open311Settings
from kaoping.open311.status import CLOSED, CLOSED_VALUES, current_status, open_closed, status_notes
from kaoping.open311.tables import Open311Request
from kaoping.periods import PeriodKind, parse_period
from kaoping.store import publishing
from kaoping.store.tables import CaseRow, CaseTransition, Unit

Step = aliased(CaseTransition, name="step")


def w3c(moment: datetime, tz: tzinfo) -> str:
    """A naive local time as a W3C datetime with the office's offset (2024-05-01T08:00:00+08:00)."""
    return moment.replace(tzinfo=tz).isoformat(timespec="seconds")


@lru_cache(maxsize=32)
def _calendar(years: tuple[int, ...], overrides: Overrides) -> WorkCalendar:
    return WorkCalendar.china(years, overrides)


def expected_by(start: datetime, limit: Limit, overrides: Overrides) -> datetime:
    """When a request reported at ``start`` should be done under its service's 处置时限 (working time)."""
    calendar = _calendar((start.year, start.year + 1), overrides)
    if limit.unit == "hours":
        return calendar.add_working_hours(start, limit.amount)
    return calendar.add_working_days(start, limit.amount)


def _closed() -> ColumnElement[bool]:
    """SQL for "closed": the latest transition ended 结案/作废, or (no transitions) the row has closed_at."""
    return or_(
        and_(Step.to_status.is_not(None), Step.to_status.in_(CLOSED_VALUES)),
        and_(Step.to_status.is_(None), CaseRow.closed_at.is_not(None)),
    )


def find_requests(
    session: Session,
    settings: Open311Settings,
    *,
    ids: list[str] | None = None,
    services: Iterable[Service] = SERVICES,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: set[Literal["open", "closed"]] | None = None,
) -> list[dict[str, Node]]:
    """Requests by id (other filters ignored, as GeoReport says), else by service, window and status;
    newest first, at most ``settings.max_results``."""
    categories = [c for s in services for c in s.categories]
    latest = (
        select(CaseTransition.case_id.label("case_id"), func.max(CaseTransition.id).label("tid"))
        .group_by(CaseTransition.case_id)
        .subquery("latest")
    )
    stmt = (
        select(CaseRow, Unit.name, Step.to_status, Step.at, Open311Request)
        .join(Unit, Unit.unit_id == CaseRow.unit_id)
        .outerjoin(latest, latest.c.case_id == CaseRow.case_id)
        .outerjoin(Step, Step.id == latest.c.tid)
        .outerjoin(Open311Request, Open311Request.case_id == CaseRow.case_id)
        .where(CaseRow.category.in_(categories))
    )
    if ids is not None:
        stmt = stmt.where(CaseRow.case_id.in_(ids))
    else:
        if start is not None and end is not None:
            stmt = stmt.where(CaseRow.reported_at.between(start, end))
        if statuses == {"open"}:
            stmt = stmt.where(not_(_closed()))
        elif statuses == {"closed"}:
            stmt = stmt.where(_closed())
    stmt = stmt.order_by(CaseRow.reported_at.desc(), CaseRow.case_id).limit(settings.max_results)
    published = published_months(session)
    return [
        _request(settings, *row, accountable=_month(row[0].reported_at) in published)
        for row in session.execute(stmt).all()
    ]


def _notes(status: Status, case: CaseRow, accountable: bool) -> str:
    """The status note; reworks and postponements (they count against the unit) only when ``accountable``."""
    if not accountable:
        return status_notes(status)
    return status_notes(status, rework_count=case.rework_count, postponed=case.postponed)


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def published_months(session: Session) -> set[str]:
    """Months that some published result of the office covers: only there do the public see who answers for
    a request and how it was handled (返工, 延期) — the facts behind a unit's score stay the office's until the
    period they count in is published (issue 14: GeoReport's own fields are the public's at once)."""
    months: set[str] = set()
    for _scheme, period in publishing.published_periods(session):
        months.update(str(m) for m in parse_period(period).subperiods(PeriodKind.MONTH))
    return months


def _request(
    settings: Open311Settings,
    case: CaseRow,
    unit_name: str,
    last_status: str | None,
    last_at: datetime | None,
    extra: Open311Request | None,
    *,
    accountable: bool = True,
) -> dict[str, Node]:
    service = service_for(case.category)
    assert service is not None  # the query only selects categories of a service
    status = current_status(
        last_status, dispatched_at=case.dispatched_at, disposed_at=case.disposed_at, closed_at=case.closed_at
    )
    expected = case.deadline
    if expected is None and service.limit is not None and status not in CLOSED:
        expected = expected_by(case.reported_at, service.limit, settings.overrides)
    moments = (case.reported_at, case.dispatched_at, case.disposed_at, case.closed_at, last_at)
    updated = max(m for m in moments if m is not None)
    tz = settings.tz
    return {
        "service_request_id": case.case_id,
        "status": open_closed(status),
        "status_notes": _notes(status, case, accountable),
        "service_name": service.name,
        "service_code": service.code,
        "description": (extra.description if extra else "") or None,
        "agency_responsible": unit_name if accountable else None,
        "service_notice": service.notice,
        "requested_datetime": w3c(case.reported_at, tz),
        "updated_datetime": w3c(updated, tz),
        "expected_datetime": w3c(expected, tz) if expected else None,
        "address": (extra.address_string if extra else "") or None,
        "address_id": (extra.address_id if extra else "") or None,
        "zipcode": None,
        "lat": extra.latitude if extra else None,
        "long": extra.longitude if extra else None,
        "media_url": (extra.media_url if extra else "") or None,
    }


def token_status(session: Session, token: str) -> tuple[str, str | None] | None:
    """(token, service_request_id or None), None for an unknown token.

    A batch request waits for the centre's review: its case is a pending intake (信息收集) until the 受理员
    registers it (立案, :mod:`kaoping.app.case_flow`) or voids it — only then does the token name a service
    request.  A case with any recorded step has left intake (the first step is 立案 or 作废)."""
    row = session.execute(select(Open311Request.token, Open311Request.case_id).where(Open311Request.token == token))
    found = row.first()
    if found is None or found[0] is None:
        return None
    if found[1] is None:
        return found[0], None
    stepped = session.scalars(select(CaseTransition.id).where(CaseTransition.case_id == found[1]).limit(1)).first()
    return found[0], found[1] if stepped is not None else None
