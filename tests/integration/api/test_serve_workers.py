"""`kaoping serve --workers N` (issue 13, point 4): several uvicorn worker processes on one store, migrated
once by the parent, and one sign-in valid whichever worker answers (they share the secret even when
KAOPING_SECRET is not set).  A real server in a subprocess; every request on a new connection."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from serving import kaoping_serve

PASSWORD = "workers-pass-1"


def _kaoping(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaoping.cli", *args], input=stdin, env=env, capture_output=True, text=True, timeout=120
    )


def test_two_workers_share_one_sign_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    env = {k: v for k, v in os.environ.items() if k != "KAOPING_SECRET"}
    added = _kaoping(
        "user", "add", "office", "--role", "admin", "--password-stdin", "--db", url, env=env, stdin=PASSWORD + "\n"
    )
    assert added.returncode == 0, added.stderr
    with kaoping_serve("--db", url, "--workers", "2", env=env) as server:
        login = httpx.post(
            f"{server.base}/api/auth/login", json={"username": "office", "password": PASSWORD}, timeout=10
        )
        assert login.status_code == 200, login.text
        bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
        answers = [httpx.get(f"{server.base}/api/auth/me", headers=bearer, timeout=10).status_code for _ in range(16)]
        assert answers == [200] * 16
    assert "KAOPING_SECRET 未设置" in server.stderr
    assert server.stderr.count("Started server process") == 2, server.stderr  # two workers answered
