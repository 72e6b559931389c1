"""Filing a posted request as a case: through the application's counted write
(:func:`kaoping.app.fact_cells.write_counted`, the path a form, ``POST /api/cases``, a batch and the case-flow
steps share: ``write_facts`` audited, the case counted into the case cells by its own difference, marks
other writers left counted again), in the same transaction as its Open311 fields, so a request is never
half-filed and leaves no stale cell for a later reader to recount.

A realtime service files the case at once and answers with its id (the case_id).  A batch service
(私搭乱建: the centre reviews these before they count as cases) answers with a token and files the case
right after the answer, in a background task — and ``process_pending`` files anything a crash left
behind, claiming each request with a conditional UPDATE so two workers never file one request twice.
A blackbox service files the case but gives the client no id to follow.  The batch case is a pending
intake in the 受理员's queue: its token names it (``/tokens/{token}``) only once registered (立案,
:mod:`kaoping.app.case_flow`).

New cases start 信息收集 (reported): the centre's 立案 is a decision a web form cannot make.  Their id is
``311-YYYYMMDD-`` plus 8 random hex digits — unguessable, so ids cannot be enumerated by GET requests.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any, cast

import polars as pl
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from kaoping.app.fact_cells import write_counted
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.open311.formats import Node, Open311Error
from kaoping.open311.params import NewRequest
from kaoping.open311.services import BY_CODE, Service
from kaoping.open311.settings import Open311Context, Open311Settings
from kaoping.open311.tables import Open311Request
from kaoping.store.audit import AuditWriter
from kaoping.store.db import transaction
from kaoping.store.tables import Unit

LABEL = "open311"
"""``src_file`` of cases filed here: provenance, as an import's file name is for imported rows."""
log = logging.getLogger("kaoping.open311")


class _Claimed(Exception):
    """Another worker filed this batch request first: roll this attempt back."""


def intake_unit(session: Session, settings: Open311Settings) -> str:
    """The unit that holds new reports; 503 while it is not configured or not in the store."""
    unit = settings.intake_unit
    if unit is None:
        raise Open311Error(503, "this endpoint takes no requests yet: KAOPING_OPEN311_UNIT is not set")
    if session.get(Unit, unit) is None:
        raise Open311Error(503, f"this endpoint takes no requests yet: intake unit '{unit}' is not in the store")
    return unit


def file_case(
    session: Session, unit: str, service: Service, reported_at: datetime, client: str, channel: str = ""
) -> str:
    """Insert the case row (reported, no deadline yet), its audit row and its cells; the new case_id.  Its ``channel``
    (案件来源) is the endpoint's (KAOPING_OPEN311_CHANNEL) or else the client's name: a hotline client named
    ``12345`` files 12345 work orders (工单)."""
    case_id = f"311-{reported_at:%Y%m%d}-{secrets.token_hex(4)}"
    row: dict[str, Any] = {
        "case_id": case_id,
        "unit_id": unit,
        "kind": service.kind,
        "category": service.name,
        "reported_at": reported_at,
        "rework_count": 0,
        "verify_failed": 0,
        "postponed": 0,
        "channel": (channel or client)[:50],
        "satisfaction": "",
        "repeat_of": "",
        ROW: 0,
    }
    frame = pl.DataFrame([row], schema=SCHEMAS["cases"])
    audit = AuditWriter(session, f"open311:{client}", reason=f"Open311 {service.code} {service.name}")
    write_counted(session, "cases", frame, audit, LABEL)
    return case_id


def submit(ctx: Open311Context, new: NewRequest, client: str) -> dict[str, Node]:
    """File ``new``; the POST answer (service_request_id, or token for batch, or neither for blackbox)."""
    service = new.service
    with transaction(ctx.factory) as session:
        unit = intake_unit(session, ctx.settings)
        now = ctx.settings.now()
        record = Open311Request(
            service_code=service.code,
            requested_at=now,
            latitude=new.latitude,
            longitude=new.longitude,
            address_string=new.address_string,
            address_id=new.address_id,
            description=new.description,
            media_url=new.media_url,
            attributes=new.attributes,
            account_id=new.account_id,
            contact=new.contact,
            client=client,
        )
        if service.type == "batch":
            record.token = secrets.token_urlsafe(16)
        else:
            record.case_id = file_case(session, unit, service, now, client, ctx.settings.channel)
        session.add(record)
    answer: dict[str, Node] = {}
    if service.type == "batch":
        answer["token"] = record.token
    elif service.type == "realtime":
        answer["service_request_id"] = record.case_id
    answer["service_notice"] = service.notice
    answer["account_id"] = new.account_id or None
    return answer


def process_pending(ctx: Open311Context, token: str | None = None) -> int:
    """File the batch requests that have no case yet (only ``token``'s, if given); how many were filed."""
    with ctx.factory() as session:
        stmt = select(Open311Request.id).where(Open311Request.case_id.is_(None))
        if token is not None:
            stmt = stmt.where(Open311Request.token == token)
        pending = list(session.scalars(stmt.order_by(Open311Request.id)))
    filed = 0
    for request_id in pending:
        try:
            with transaction(ctx.factory) as session:
                code, requested_at, client = session.execute(
                    select(Open311Request.service_code, Open311Request.requested_at, Open311Request.client).where(
                        Open311Request.id == request_id
                    )
                ).one()
                unit = intake_unit(session, ctx.settings)
                case_id = file_case(session, unit, BY_CODE[code], requested_at, client, ctx.settings.channel)
                claim = update(Open311Request).where(Open311Request.id == request_id, Open311Request.case_id.is_(None))
                result = cast(CursorResult[Any], session.execute(claim.values(case_id=case_id)))
                if result.rowcount != 1:
                    raise _Claimed
        except _Claimed:
            continue
        filed += 1
    return filed


def process_in_background(ctx: Open311Context, token: str) -> None:
    """The batch step run after a POST is answered: its failure is logged, and the request stays pending."""
    try:
        process_pending(ctx, token)
    except Exception:
        log.exception("open311: batch request %s could not be filed; process_pending will retry it", token)
