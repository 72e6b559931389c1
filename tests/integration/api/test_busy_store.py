"""Two writers colliding in the database (SQLite's "database is locked" after its busy timeout, a
PostgreSQL deadlock victim) answer 409 with a Retry-After, not 500; other database errors stay errors."""

from __future__ import annotations

import sqlite3

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from kaoping.api.errors import install


def _app() -> FastAPI:
    app = FastAPI()
    install(app)

    @app.get("/locked")
    def locked() -> None:
        raise OperationalError("UPDATE units", {}, sqlite3.OperationalError("database is locked"))

    @app.get("/broken")
    def broken() -> None:
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: units"))

    return app


def test_a_locked_database_is_a_conflict_to_retry() -> None:
    client = TestClient(_app(), raise_server_exceptions=False)
    r = client.get("/locked")
    assert r.status_code == 409 and r.headers["retry-after"] == "1"
    assert "请稍后重试" in r.json()["detail"]
    assert client.get("/broken").status_code == 500
