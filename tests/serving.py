"""`kaoping serve` in a subprocess for the tests that need a real server (real concurrency, worker processes):
started on a free port, waited for until it answers, stopped afterwards with what it wrote to stderr."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
