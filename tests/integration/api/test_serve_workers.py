"""`kaoping serve --workers N` (issue 13, point 4): several uvicorn worker processes on one store, migrated
once by the parent, and one sign-in valid whichever worker answers (they share the secret even when
KAOPING_SECRET is not set).  A real server in a subprocess; every request on a new connection."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PASSWORD = "workers-pass-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kaoping.cli", "serve", "--db", url, "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/auth/csrf", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        login = httpx.post(f"{base}/api/auth/login", json={"username": "office", "password": PASSWORD}, timeout=10)
        assert login.status_code == 200, login.text
        bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
        answers = [httpx.get(f"{base}/api/auth/me", headers=bearer, timeout=10).status_code for _ in range(16)]
        assert answers == [200] * 16
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert "KAOPING_SECRET 未设置" in err
    assert err.count("Started server process") == 2, err  # two workers answered
