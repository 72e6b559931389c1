"""The router inside another app (as it will sit in the main kaoping API), its configuration from the
environment, 503 while no intake unit can take requests, and migration 0002 matching the table."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from types import SimpleNamespace

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, select

from kaoping.open311 import load_settings, open311_app, router
from kaoping.open311.settings import fingerprint
from kaoping.store.db import open_store, transaction
from kaoping.store.tables import AuditEntry, Base, Unit

Serving = Callable[[FastAPI], AbstractContextManager[str]]


def test_migration_creates_exactly_the_declared_table(db_url: str) -> None:
    factory = open_store(db_url)
    engine = factory.kw["bind"]
    assert isinstance(engine, Engine)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()


def test_mounted_router_configures_itself_from_the_environment_and_answers_in_its_own_shape(
    db_url: str, serving: Serving, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAOPING_OPEN311_KEYS", "partner:k-partner, k-bare")
    monkeypatch.setenv("KAOPING_OPEN311_UNIT", "center")
    monkeypatch.setenv("KAOPING_OPEN311_TZ", "UTC")
    factory = open_store(db_url)
    with transaction(factory) as s:
        s.add(Unit(unit_id="center", name="指挥中心", group="区"))
    main = FastAPI()
    main.state.ctx = SimpleNamespace(factory=factory)  # what kaoping.api keeps in app.state.ctx

    async def kaoping_shape(_request: Request, _exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": "not GeoReport", "errors": []}, status_code=422)

    main.add_exception_handler(RequestValidationError, kaoping_shape)
    main.include_router(router)
    try:
        with serving(main) as base, httpx.Client(base_url=base + "/open311/v2") as http:
            r = http.post("/requests.json", data={"api_key": "k-partner", "service_code": "EV0102", "address_id": "A"})
            assert r.status_code == 200, r.text
            case_id = r.json()[0]["service_request_id"]
            bare = http.post("/requests.xml", data={"api_key": "k-bare", "service_code": "EV0102", "address_id": "B"})
            assert bare.status_code == 200, bare.text
            [shown] = http.get(f"/requests/{case_id}.json").json()
            assert shown["requested_datetime"].endswith("+00:00")
            malformed = http.post("/requests.xml", content=b"x", headers={"content-type": "multipart/form-data"})
            assert malformed.status_code == 400  # a framework 400, answered as GeoReport errors
            assert malformed.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<errors>')
        with factory() as s:
            actors = set(s.scalars(select(AuditEntry.actor).where(AuditEntry.table_name == "cases")))
        assert actors == {"open311:partner", f"open311:{fingerprint('k-bare')}"}
    finally:
        factory.kw["bind"].dispose()


@pytest.mark.parametrize("unit", [None, "ghost"])
def test_no_usable_intake_unit_is_503_and_nothing_is_filed(db_url: str, serving: Serving, unit: str | None) -> None:
    app = open311_app(db_url, settings=load_settings(api_keys={"k": "app"}, intake_unit=unit))
    with serving(app) as base, httpx.Client(base_url=base + "/open311/v2") as http:
        r = http.post("/requests.json", data={"api_key": "k", "service_code": "EV0102", "address_id": "A"})
        assert r.status_code == 503
        assert "takes no requests yet" in r.json()[0]["description"]
        assert http.get("/requests.json").json() == []


def test_no_configured_key_refuses_every_post(db_url: str, serving: Serving, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAOPING_OPEN311_KEYS", raising=False)
    app = open311_app(db_url)
    with serving(app) as base, httpx.Client(base_url=base + "/open311/v2") as http:
        for key in ("", "anything"):
            r = http.post("/requests.json", data={"api_key": key, "service_code": "EV0102", "address_id": "A"})
            assert r.status_code == 403
        assert http.get("/services.json").status_code == 200  # reading needs no key
