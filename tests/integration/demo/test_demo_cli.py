"""`kaoping demo` (build, reuse, serve) and `kaoping serve --scheme`, through Typer's CliRunner.

uvicorn.run is replaced by a recorder: the tests check what would be served, on which address, without
opening a port.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.demo.build import DEMO_PASSWORD, demo_logins
from kaoping.store import users
from kaoping.store.db import open_store, transaction
from kaoping.store.tables import Unit
from serving import free_port

CASES = "800"
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda api, **kw: calls.append({"app": api, **kw}))
    return calls


def test_no_serve_builds_prints_every_login_and_a_ranking(tmp_path: Path, served: list[dict[str, Any]]) -> None:
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--db", str(db), "--cases", CASES])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert db.is_file() and not served
    assert "已生成演示数据库" in out and f"{int(CASES):,} 件案卷" in out
    for login in demo_logins():
        assert login.username in out, login.username
    for role in ("public", "admin", "department", "inspector", "third_party", "unit"):
        assert role in out
    assert DEMO_PASSWORD in out
    assert "2024-Q3 · 城区组" in out and "2024-Q3 · 县市组" in out  # the last published quarter's ranking
    assert "2024-Q4" in out  # said to be left unpublished

    again = CliRunner().invoke(app, ["demo", "--no-serve", "--db", str(db), "--period", "2024-Q1"])
    assert again.exit_code == 0, again.output
    assert "使用已有的演示数据库" in again.stdout and "已生成演示数据库" not in again.stdout
    assert "2024-Q1 · 城区组" in again.stdout


def test_demo_serves_the_app_with_the_demo_scheme(tmp_path: Path, served: list[dict[str, Any]]) -> None:
    db = tmp_path / "demo.db"
    port = free_port()  # the demo checks it is free before it builds
    result = CliRunner().invoke(app, ["demo", "--db", str(db), "--cases", CASES, "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert [(c["host"], c["port"]) for c in served] == [("127.0.0.1", port)]
    for page in (f"http://127.0.0.1:{port}/", "/public", "/dashboard", "/units/dh", "/entry", "/schemes", "/api/docs"):
        assert page in result.stdout, page
    assert "ducha" in result.stdout and DEMO_PASSWORD in result.stdout
    secret = Path(f"{db}.secret")
    assert secret.is_file() and len(secret.read_text().strip()) >= 32
    api = served[0]["app"]
    assert list(api.state.ctx.schemes) == ["demo-city"]
    with TestClient(api) as client:
        ok = client.post("/api/auth/login", json={"username": "admin", "password": DEMO_PASSWORD})
        assert ok.status_code == 200, ok.text
        bad = client.post("/api/auth/login", json={"username": "admin", "password": "not-the-password"})
        assert bad.status_code == 401

    # --fresh builds again from nothing (a different case count shows it is a new database)
    fresh = CliRunner().invoke(app, ["demo", "--db", str(db), "--cases", "300", "--fresh", "--no-serve"])
    assert fresh.exit_code == 0, fresh.output
    assert "已生成演示数据库" in fresh.stdout and "300 件案卷" in fresh.stdout


def test_demo_refuses_a_database_with_other_data(tmp_path: Path, served: list[dict[str, Any]]) -> None:
    db = tmp_path / "office.db"
    factory = open_store(f"sqlite:///{db}")
    with transaction(factory) as s:
        s.add(Unit(unit_id="u1", name="甲区", group="第一组"))
    factory.kw["bind"].dispose()
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--db", str(db), "--cases", CASES])
    assert result.exit_code == 2
    assert "已有考评对象" in result.stderr and "--fresh" in result.stderr


def test_serve_takes_schemes_and_prints_the_web_url(
    tmp_path: Path, served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAOPING_SECRET", "serve-test-secret-" + "x" * 20)
    url = f"sqlite:///{tmp_path / 'k.db'}"
    port = free_port()
    result = CliRunner().invoke(
        app, ["serve", "--db", url, "--port", str(port), "--scheme", "demo-city", "--scheme", "district-onsite"]
    )
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{port}/" in result.stdout and f"http://127.0.0.1:{port}/api/docs" in result.stdout
    assert list(served[0]["app"].state.ctx.schemes) == ["demo-city", "district-onsite"]


def test_cli_start_does_not_import_the_demo_builder() -> None:
    code = "import sys, kaoping.cli; print(sorted(m for m in sys.modules if m.startswith('kaoping.demo')))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_the_bundled_city_1000_sample_still_scores() -> None:
    from kaoping.demo import demo_data_dir

    result = CliRunner().invoke(
        app, ["score", "--scheme", "city-1000", "--data", str(demo_data_dir()), "--period", "2024-Q2"]
    )
    assert result.exit_code == 0, result.output
    assert "南部山区" in result.stdout and "第二组" in result.stdout


def test_the_build_says_each_step_with_its_count(tmp_path: Path, served: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--db", str(tmp_path / "demo.db"), "--cases", "300"])
    assert result.exit_code == 0, result.output
    steps = result.stderr  # progress is not the command's output: stdout keeps the summary and the ranking
    counted = [("写入被考评单位", "13"), ("写入数字城管案卷", "300"), ("计算并发布结果", "12")]
    for step, count in counted:
        assert re.search(rf"✓ {re.escape(step)}.*\s{count}\s+\d+\.\d s", steps), (step, steps)
    facts = re.search(r"✓ 写入考评数据.*?\s([\d,]+)\s+\d+\.\d s", steps)
    assert facts is not None and int(facts.group(1).replace(",", "")) > 1000, steps
    assert steps.index("写入被考评单位") < steps.index("写入数字城管案卷") < steps.index("计算并发布结果")
    assert "✓" not in result.stdout


def test_a_taken_port_is_refused_before_the_build_and_the_url(tmp_path: Path, served: list[dict[str, Any]]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        db = tmp_path / "demo.db"
        result = CliRunner().invoke(app, ["demo", "--db", str(db), "--cases", CASES, "--port", str(port)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert f"端口 {port} 已被占用" in result.stderr and "--port" in result.stderr
    assert "http://" not in result.stdout and not served
    assert not db.exists()  # said before the minute of building, not after it


def test_serve_refuses_a_taken_port_before_printing_its_url(tmp_path: Path, served: list[dict[str, Any]]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'k.db'}", "--port", str(port)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert f"端口 {port} 已被占用" in result.stderr and "--port" in result.stderr
    assert "http://" not in result.stdout and not served


def test_what_the_demo_writes_in_the_working_folder_is_git_ignored(
    tmp_path: Path, served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and the repository")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo", "--cases", "300", "--port", str(free_port())])
    assert result.exit_code == 0, result.output
    written = {p.name for p in tmp_path.iterdir()} | {"kaoping-demo.db-wal", "kaoping-demo.db-shm"}  # while serving
    assert {"kaoping-demo.db", "kaoping-demo.db.secret"} <= written
    check = subprocess.run(
        ["git", "check-ignore", "--no-index", "--verbose", "--non-matching", *sorted(written)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    not_ignored = [line for line in check.stdout.splitlines() if line.startswith("::")]
    assert check.stdout and not not_ignored, check.stdout
