"""`kaoping serve`, and an office running more than one scheme."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kaoping.cli import app as cli
from kaoping.server import create_app
from serving import free_port

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api


def test_serve_prints_the_url_and_runs_uvicorn(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setenv("KAOPING_SECRET", "serve-test-secret")
    port = free_port()  # serve checks it is free before printing its URL
    result = CliRunner().invoke(cli, ["serve", "--db", db_url, "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{port}/api/docs" in result.output
    assert [(c["host"], c["port"]) for c in calls] == [("127.0.0.1", port)]
    assert calls[0]["app"].openapi_url == "/api/openapi.json"


def test_a_row_is_accepted_when_one_of_the_offices_schemes_takes_it(api: Api, db_url: str) -> None:
    office = str(Path(__file__).with_name("office.yaml"))
    two = create_app(db_url, secret="two-schemes", schemes=[office, "district-onsite"])
    with TestClient(two) as client:
        token = client.post("/api/auth/login", json={"username": "admin", "password": api.PASSWORD}).json()
        admin = {"Authorization": f"Bearer {token['access_token']}"}
        assert [s["scheme"] for s in client.get("/api/schemes").json()] == ["test-office", "district-onsite"]
        unit = {"unit_id": "u9", "name": "城东街道办事处", "group": "责任单位"}  # a district-onsite group
        assert client.post("/api/units", json=unit, headers=admin).status_code == 201
        onsite = {"date": "2024-05-06", "unit_id": "u9", "part": "日常考评", "item": "道路保洁", "points": 3}
        assert client.post("/api/deductions", json=onsite, headers=admin).status_code == 201
        # a test-office part for a district-onsite unit fits neither scheme; both say why
        wrong = api.score_row(unit_id="u9")
        r = client.post("/api/scores", json=wrong, headers=admin)
        assert r.status_code == 422
        assert {e["scheme"] for e in r.json()["errors"]} == {"test-office", "district-onsite"}
        lost = {"unit_id": "u10", "name": "无组", "group": "第九组"}
        assert client.post("/api/units", json=lost, headers=admin).status_code == 422


def test_numbers_must_be_finite(api: Api) -> None:
    body = '{"period": "2024-Q2", "unit_id": "d1", "part": "部门考评", "item": "交通秩序管理", "score": NaN}'
    headers = api.as_("admin") | {"Content-Type": "application/json"}
    r = api.client.post("/api/scores", content=body, headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["column"] == "score"


def test_main_app_serves_open311(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from kaoping.server import create_app

    client = TestClient(create_app(f"sqlite:///{tmp_path / 'k.db'}", secret="s" * 32))
    services = client.get("/open311/v2/services.json")
    assert services.status_code == 200 and any(s["service_code"] == "EV0102" for s in services.json())
    assert client.get("/open311/v2/requests/nope.json").status_code == 404
