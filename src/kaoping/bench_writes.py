"""`kaoping bench --writes`: a bounded loopback load on the API's writes (写入压力测试), against the goal of
issue 13 point 4 — 1,000 events/s with p99 < 100 ms on PostgreSQL.

A fresh store (a new PostgreSQL schema, dropped afterwards) gets a synthetic city of 200 units and ``cases``
cases (:func:`kaoping.bench_files.write_city`, imported as ``kaoping import`` would); then ``kaoping serve
--workers N`` is started on 127.0.0.1 on a free port, and ``clients`` threads, each with its own keep-alive
connection, send a mix of events: 50 % new cases, 30 % transitions (a case this client created, posted again
disposed and closed — an update of its row), 20 % deductions, as single rows (``POST /api/<kind>``) and as
batches (``POST /api/<kind>/batch``).  The load is bounded three ways: the number of clients, the number of
requests, and a time cap.  Nothing leaves the machine: the server listens on 127.0.0.1 only.

Reported: events/s (an event is one row; a batch of 50 counts 50), p50 and p99 of the request latency (a
batch is one request), the kaoping server's CPU per event (user + system time of the server process and its
workers, read from /proc; PostgreSQL's own backends are not counted), and the requests refused (any answer
but 201).  A benchmark, never a timed test: the figures depend on the machine and what else runs on it.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

SCHEME = "demo-city"
USER, PASSWORD = "bench-writer", "bench-writes-pass-1"
DEDUCTION_ITEMS = ("市容秩序", "环境卫生", "园林绿化")
MIX = (("new", 0.5), ("transition", 0.3), ("deduction", 0.2))
"""Event kinds and their shares (issue 13: 50 % new cases, 30 % transitions, 20 % deductions)."""


@dataclass(frozen=True)
class WriteLoad:
    """The bounds of one run."""

    cases: int = 20_000
    """Cases in the store before the load."""
    clients: int = 16
    requests: int = 2_000
    """Requests in all, across clients (the load stops at this count or at ``seconds``, whichever first)."""
    seconds: float = 30.0
    workers: int = 2
    batch: int = 20
    """Events per batch request."""
    batch_share: float = 0.5
    """Share of requests sent as batches (the rest are single rows)."""
    seed: int = 1


@dataclass
class WritesBench:
    """What one run measured."""

    events: int
    requests: int
    refused: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    cpu_s: float
    load: WriteLoad
    refusals: list[str] = field(default_factory=list)
    """The first few refusals (status and the start of the answer), to tell a refused mix from a slow one."""

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    @property
    def p50_ms(self) -> float:
        return self.percentile(0.50)

    @property
    def p99_ms(self) -> float:
        return self.percentile(0.99)

    @property
    def cpu_ms_per_event(self) -> float:
        return 1000 * self.cpu_s / self.events if self.events else 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tree_cpu_s(root: int) -> float:
    """User + system seconds of ``root`` and every process below it (from /proc; 0 where unreadable)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    ours = {root}
    grew = True
    while grew:
        below = {pid for pid, parent in parents.items() if parent in ours} - ours
        grew = bool(below)
        ours |= below
    return sum(times.get(pid, 0.0) for pid in ours)


def _seed(url: str, cases: int, work: Path) -> list[str]:
    """The synthetic city imported into the store at ``url``, and the account the clients sign in as."""
    from kaoping.app.imports import import_data
    from kaoping.bench_files import write_city
    from kaoping.scheme import load_scheme
    from kaoping.store.db import close_store, open_store, transaction
    from kaoping.store.users import create_user

    folder = work / "city"
    write_city(folder, cases)
    for extra in ("scores.csv",):  # the load is about cases and deductions; 50 k score rows only slow the seed
        (folder / extra).unlink()
    factory = open_store(url)
    try:
        import_data(factory, folder, actor="bench", scheme=load_scheme(SCHEME))
        with transaction(factory) as s:
            create_user(s, username=USER, password=PASSWORD, role="admin", display_name="压力测试")
    finally:
        close_store(factory)
    return [line.split(",", 1)[0] for line in (folder / "units.csv").read_text().splitlines()[1:]]


@contextmanager
def _server(url: str, workers: int, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``kaoping serve`` on 127.0.0.1 and a free port until the block ends (its messages go to ``log``)."""
    port = _free_port()
    env = os.environ | {"KAOPING_SECRET": "bench-writes-" + "w" * 32, "KAOPING_SCHEMES": SCHEME}
    command = [sys.executable, "-m", "kaoping.cli", "serve", "--db", url, "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        server = subprocess.Popen([*command, "--workers", str(workers)], env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base}/api/auth/csrf", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kaoping serve did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=60)


class _Client:
    """One client: its connection, its random stream, the cases it created (for transitions)."""

    def __init__(self, base: str, token: str, units: list[str], number: int, load: WriteLoad) -> None:
        self.http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        self.rng = random.Random(load.seed * 1000 + number)
        self.units, self.number, self.load = units, number, load
        self.made: list[dict[str, Any]] = []
        """Cases this client created and the server accepted: what a transition may move on."""
        self.pending: list[dict[str, Any]] = []
        self.serial = 0

    def new_case(self) -> dict[str, Any]:
        self.serial += 1
        day = datetime(2024, 1, 1) + timedelta(days=self.rng.randrange(330), hours=8 + self.rng.randrange(8))
        case = {
            "case_id": f"W{self.number:03d}-{self.serial:07d}",
            "unit_id": self.rng.choice(self.units),
            "kind": "event",
            "category": "井盖",
            "reported_at": day.isoformat(),
            "dispatched_at": (day + timedelta(hours=1)).isoformat(),
            "deadline": (day + timedelta(days=1)).isoformat(),
        }
        self.pending.append(case)
        return case

    def event(self, kind: str) -> tuple[str, dict[str, Any]]:
        if kind == "transition" and self.made:
            case = self.made.pop(self.rng.randrange(len(self.made)))
            done = datetime.fromisoformat(case["dispatched_at"]) + timedelta(hours=self.rng.randrange(1, 30))
            return "cases", case | {"disposed_at": done.isoformat(), "closed_at": done.isoformat()}
        if kind == "deduction":
            day = datetime(2024, 1, 1) + timedelta(days=self.rng.randrange(330))
            row = {
                "date": day.date().isoformat(),
                "unit_id": self.rng.choice(self.units),
                "part": "日常巡查",
                "item": self.rng.choice(DEDUCTION_ITEMS),
                "points": 0.5,
                "source": "督查员",
                "problem": f"压力测试 {self.number}-{self.serial}-{self.rng.random():.9f}",
                "time": "10:30",
            }
            self.serial += 1
            return "deductions", row
        return "cases", self.new_case()

    def kind(self) -> str:
        return self.rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]

    def request(self) -> tuple[int, float, str]:
        """One request: (events it carried, its latency in ms, "" if accepted else its status and reason)."""
        if self.rng.random() < self.load.batch_share:
            kind = self.kind()
            table = "deductions" if kind == "deduction" else "cases"
            rows = [r for _, r in (self.event(kind) for _ in range(self.load.batch)) if r]
            path, body = f"/api/{table}/batch", {"rows": rows, "reason": "压力测试"}
        else:
            table, row = self.event(self.kind())
            path, body, rows = f"/api/{table}", row | {"reason": "压力测试"}, [row]
        started = time.perf_counter()
        answer = self.http.post(path, json=body)
        ms = 1000 * (time.perf_counter() - started)
        if answer.status_code == 201:
            self.made.extend(self.pending)
        self.pending.clear()
        return len(rows), ms, "" if answer.status_code == 201 else f"{answer.status_code} {answer.text[:300]}"


@dataclass
class _Tally:
    events: int = 0
    requests: int = 0
    refused: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


def _drive(base: str, token: str, units: list[str], load: WriteLoad) -> tuple[_Tally, float]:
    """Run the clients until the request count or the time cap; what they did, and the seconds it took."""
    lock = threading.Lock()
    left = [load.requests]
    tally = _Tally()
    started = time.perf_counter()
    stop_at = started + load.seconds

    def run(number: int) -> None:
        client = _Client(base, token, units, number, load)
        with client.http:
            while time.perf_counter() < stop_at:
                with lock:
                    if left[0] <= 0:
                        return
                    left[0] -= 1
                events, ms, refusal = client.request()
                with lock:
                    tally.requests += 1
                    tally.events += 0 if refusal else events
                    tally.latencies.append(ms)
                    if refusal:
                        tally.refused.append(refusal)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(load.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def run_writes_bench(url: str, load: WriteLoad) -> WritesBench:
    """Seed a fresh store on ``url``'s server, serve it, drive the load; what it measured."""
    from kaoping.bench_import import fresh_store

    with tempfile.TemporaryDirectory(prefix="kaoping-writes-") as tmp, fresh_store(url, Path(tmp), "writes") as store:
        units = _seed(store, load.cases, Path(tmp))
        with _server(store, load.workers, Path(tmp) / "serve.log") as (base, server):
            login = httpx.post(f"{base}/api/auth/login", json={"username": USER, "password": PASSWORD}, timeout=60)
            login.raise_for_status()
            token = login.json()["access_token"]
            warm = _Client(base, token, units, 999, load)  # every worker imports, connects and loads its scheme
            with warm.http:
                for _ in range(4 * load.workers):
                    warm.request()
            cpu_before = _tree_cpu_s(server.pid)
            tally, seconds = _drive(base, token, units, load)
            cpu = _tree_cpu_s(server.pid) - cpu_before
    refused = len(tally.refused)
    return WritesBench(tally.events, tally.requests, refused, seconds, tally.latencies, cpu, load, tally.refused[:3])
