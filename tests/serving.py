"""Real servers for the tests: `kaoping serve` in a subprocess for those that need real concurrency and worker
processes (started on a free port, waited for until it answers, stopped afterwards with what it wrote to stderr),
and one app served by uvicorn on a thread for the end-to-end tests that drive it in Chromium."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn
from starlette.types import ASGIApp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served_app(app: ASGIApp) -> Iterator[str]:
    """``app`` served by uvicorn on a thread, on a free port of 127.0.0.1: its base URL while the block runs.

    The end-to-end tests build the app themselves (their store, clock and settings) and need it on a real
    socket for Chromium; one place to start it, wait for it and stop it."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Served:
    """The server's base URL; ``stderr`` is filled in when it has stopped."""

    base: str
    stderr: str = ""


@contextmanager
def kaoping_serve(*args: str, env: dict[str, str] | None = None, wait: float = 60) -> Iterator[Served]:
    """``kaoping serve <args> --port <free>`` until the block ends; fails if it does not answer in ``wait`` s."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kaoping.cli", "serve", *args, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    served = Served(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                if httpx.get(f"{served.base}/api/auth/csrf", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        yield served
    finally:
        server.terminate()
        _, served.stderr = server.communicate(timeout=30)
