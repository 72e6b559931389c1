"""`kaoping bench --writes` (issue 13 point 4): a bounded loopback load on a real `kaoping serve --workers 2`
over PostgreSQL.  Not a timing test: a tiny load, checked for what it sent and counted, never for speed."""

from __future__ import annotations

import os

from typer.testing import CliRunner

from kaoping.bench_writes import WriteLoad, run_writes_bench
from kaoping.cli import app

PG_URL = os.environ.get("KAOPING_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def test_a_tiny_load_is_bounded_accepted_and_counted() -> None:
    load = WriteLoad(cases=300, clients=3, requests=30, seconds=60, workers=2, batch=5)
    found = run_writes_bench(PG_URL, load)
    assert found.refused == 0, found.refusals
    assert found.requests == 30  # the request bound, not the time cap, ended it
    assert len(found.latencies_ms) == 30
    assert 30 <= found.events <= 30 * 5  # single rows count 1, batches 5
    assert found.events_per_s > 0 and found.p99_ms >= found.p50_ms > 0
    assert found.cpu_s > 0  # the server's processes were found and read


def test_writes_needs_a_postgresql_store() -> None:
    result = CliRunner().invoke(app, ["bench", "--writes", "--db", "sqlite://"])
    assert result.exit_code == 2
    assert "PostgreSQL" in result.output
