"""Open311 fixtures: a REAL HTTP server (uvicorn on 127.0.0.1, a free port, in a background thread) on a
seeded store — SQLite and PostgreSQL via ``db_url`` — driven over the wire by httpx.

The app's clock is fixed (NOW), so the 90-day window is exact.  The store holds the intake unit
``center`` (指挥中心), a district ``d1``, and four imported cases (as cases.csv would bring them: no
transitions, status read from their timestamps).  ``Server.advance`` moves a case through the lifecycle
the way the centre's tools do: ``lifecycle.apply``, the transition appended to case_transitions, the
case row updated through ``write_facts`` (audited).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import polars as pl
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db_testing import Build, opened_store
from kaoping.cases.lifecycle import Case, Event, Status, apply
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.open311 import Open311Context, load_settings, open311_app
from kaoping.open311.tables import Open311Request
from kaoping.store.audit import AuditWriter
from kaoping.store.db import transaction
from kaoping.store.facts import write_facts
from kaoping.store.tables import CaseRow, CaseTransition, Unit

NOW = datetime(2024, 6, 14, 10, 0)  # a Friday
KEY = "test-key-0123456789"
PREFIX = "/open311/v2"
CASE_FIELDS = [c for c in SCHEMAS["cases"].names() if c != ROW]
LIFECYCLE_FIELDS = [c for c in CASE_FIELDS if c in Case.__dataclass_fields__]
"""The columns the lifecycle's Case carries; the rest (a 12345 order's channel, satisfaction...) stay as stored."""

IMPORTED: list[dict[str, Any]] = [
    # older than the default 90-day window (NOW - 90 days = 2024-03-16 10:00)
    {"case_id": "IMP-OLD", "category": "暴露垃圾", "reported_at": datetime(2024, 1, 10, 9), "closed": True},
    # closed (closed_at) in the window, under an alias of CP0101 井盖
    {"case_id": "IMP-CLOSED", "category": "井盖破损", "reported_at": datetime(2024, 5, 2, 8), "closed": True},
    # dispatched, still open
    {"case_id": "IMP-OPEN", "category": "占道经营", "reported_at": datetime(2024, 6, 3, 9), "closed": False},
    # a category no service answers to: never published
    {"case_id": "IMP-HIDDEN", "category": "噪声扰民", "reported_at": datetime(2024, 6, 4, 9), "closed": False},
]


def case_frame(values: dict[str, Any]) -> pl.DataFrame:
    text = {c for c, t in SCHEMAS["cases"].items() if t == pl.String}
    row = {c: values.get(c, "" if c in text else None) for c in CASE_FIELDS} | {ROW: 0}
    return pl.DataFrame([row], schema=SCHEMAS["cases"])


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run ``app`` under uvicorn in a thread on a free port; its base URL.  Stopped (and joined) on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            assert thread.is_alive(), "uvicorn stopped while starting"
            assert time.monotonic() < deadline, "uvicorn did not start within 15 s"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        assert not thread.is_alive(), "uvicorn did not stop within 15 s"


def rows_of(element: ET.Element) -> list[dict[str, str | None]]:
    """``<service_requests><request>…`` (or services, errors) as one dict of element texts per member."""
    return [{child.tag: child.text for child in member} for member in element]


def as_xml_text(value: Any) -> str | None:
    """What a JSON value looks like as the text of an XML element (None: an empty element)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Server:
    """The running server, a client for it, and the helpers tests use (pytest loads this file by path, so
    tests reach helpers and constants through the fixture, not by import)."""

    base: str
    http: httpx.Client
    ctx: Open311Context
    NOW = NOW
    KEY = KEY
    rows_of = staticmethod(rows_of)
    as_xml_text = staticmethod(as_xml_text)

    @property
    def factory(self) -> sessionmaker[Session]:
        return self.ctx.factory

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.http.get(PREFIX + path, params=params)

    def filed(self, token: str) -> str:
        """The case the background task filed for ``token`` (waits for it: the task runs after the answer)."""
        deadline = time.monotonic() + 10
        while True:
            with self.factory() as s:
                case_id = s.scalar(select(Open311Request.case_id).where(Open311Request.token == token))
            if case_id or time.monotonic() > deadline:
                assert case_id, "the batch request was not filed"
                return str(case_id)
            time.sleep(0.05)

    def post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        return self.http.post(PREFIX + path, data=data)

    def publish(self, period: str) -> None:
        """Mark ``period`` published (a stored version of a built-in scheme), as the office's publication
        would: from then on the public sees who answers for the requests of its months."""
        from kaoping.store.audit import now
        from kaoping.store.publishing import store_scheme
        from kaoping.store.tables import PublishedResult

        with transaction(self.factory) as s:
            version = store_scheme(s, "district-onsite", actor="考评办")
            s.add(
                PublishedResult(
                    scheme=version.name,
                    scheme_version_id=version.id,
                    period=period,
                    version=1,
                    status="published",
                    document={"groups": []},
                    created_at=now(),
                    created_by="考评办",
                    published_at=now(),
                    published_by="考评办",
                )
            )

    def xml(self, response: httpx.Response) -> ET.Element:
        assert response.headers["content-type"] == "text/xml; charset=utf-8"
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        return ET.fromstring(response.content)

    def ids(self, path: str = "/requests.json", **params: str) -> list[str]:
        r = self.get(path, **params)
        assert r.status_code == 200, r.text
        return [row["service_request_id"] for row in r.json()]

    def advance(self, case_id: str, event: Event, at: datetime, deadline: datetime | None = None) -> Case:
        """One lifecycle step, persisted: transition appended, case row updated through write_facts."""
        with transaction(self.factory) as s:
            row = s.scalars(select(CaseRow).where(CaseRow.case_id == case_id)).one()
            last = s.scalars(
                select(CaseTransition.to_status)
                .where(CaseTransition.case_id == case_id)
                .order_by(CaseTransition.id.desc())
                .limit(1)
            ).first()
            case = Case(
                **{c: getattr(row, c) for c in LIFECYCLE_FIELDS},
                status=Status(last) if last else Status.REPORTED,
            )
            new = apply(case, event, at=at, actor="指挥中心值班长", deadline=deadline)
            step = new.history[-1]
            s.add(
                CaseTransition(
                    case_id=case_id,
                    from_status=step.from_status.value,
                    to_status=step.to_status.value,
                    at=step.at,
                    actor=step.actor,
                    note=step.note,
                )
            )
            audit = AuditWriter(s, step.actor, reason=f"lifecycle: {event.value}")
            stored = {c: getattr(row, c) for c in CASE_FIELDS}
            changed = {c: getattr(new, c) for c in LIFECYCLE_FIELDS}
            write_facts(s, "cases", case_frame(stored | changed), audit=audit, label="lifecycle")
            audit.flush()
        return new


def seed(url: str) -> None:
    """The intake unit, a district, and the four imported cases."""
    with opened_store(url) as factory:
        _seed(factory)


def _seed(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        s.add_all([Unit(unit_id="center", name="指挥中心", group="区"), Unit(unit_id="d1", name="甲区", group="区")])
        s.flush()
        audit = AuditWriter(s, "importer", reason="cases.csv")
        for c in IMPORTED:
            reported: datetime = c["reported_at"]
            values = {
                "case_id": c["case_id"],
                "unit_id": "d1",
                "kind": "event",
                "category": c["category"],
                "reported_at": reported,
                "dispatched_at": reported.replace(minute=30),
                "deadline": reported.replace(hour=reported.hour + 4),
                "disposed_at": reported.replace(hour=reported.hour + 2) if c["closed"] else None,
                "closed_at": reported.replace(hour=reported.hour + 3) if c["closed"] else None,
                "rework_count": 0,
                "verify_failed": 0,
                "postponed": 0,
            }
            write_facts(s, "cases", case_frame(values), audit=audit, label="cases.csv")
        audit.flush()


@pytest.fixture
def server(db_url: str, restore_snapshot: Callable[[Build], None]) -> Iterator[Server]:
    restore_snapshot(seed)  # built once per session and database, copied for each test
    settings = load_settings(api_keys={KEY: "test-app"}, intake_unit="center", clock=lambda: NOW)
    app = open311_app(db_url, settings=settings)
    ctx: Open311Context = app.state.open311
    with serve(app) as base, httpx.Client(base_url=base, timeout=30) as http:
        yield Server(base, http, ctx)


@pytest.fixture
def serving() -> Callable[[FastAPI], AbstractContextManager[str]]:
    """``serve`` for tests that build their own app: ``with serving(app) as base_url: ...``."""
    return serve
