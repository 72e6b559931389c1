"""`kaoping score --db` reads the store's kept results (issue 13), and prints what a recompute from every
stored row prints: the ranking document byte for byte and a unit's explanation with every row it cites, for
months, quarters and the year, published periods included (live numbers), also after a late entry — on
SQLite and PostgreSQL.  The recompute path is made to fail while the command runs, so it cannot be used."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from kaoping.app import scoring
from kaoping.app.fact_cells import write_counted
from kaoping.app.scoring import score_store
from kaoping.cli import app
from kaoping.demo.build import build_demo
from kaoping.demo.city import SCHEME
from kaoping.facts import facts_from_frames
from kaoping.output.document import explain_document, result_json
from kaoping.store import users
from kaoping.store.audit import AuditWriter
from kaoping.store.db import close_store, open_store, transaction

PERIODS = ("2024-03", "2024-Q2", "2024-11", "2024-Q4", "2024")
LATE = {"date": date(2024, 5, 14), "unit_id": "dh", "part": "日常巡查", "item": "市容秩序", "points": 3,
        "source": "督查员", "problem": "补录的扣分"}  # fmt: skip


@pytest.fixture
def demo(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    build_demo(db_url, cases=400)  # Q1–Q3 published
    return db_url


def _kept(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """The command's output, with the recompute from every row made to fail meanwhile."""

    def refused(*_args: object) -> object:
        raise AssertionError("score --db recomputed from every row")

    with monkeypatch.context() as m:
        m.setattr(scoring, "store_facts", refused)
        done = CliRunner().invoke(app, ["score", "--scheme", SCHEME, *args])
    assert done.exit_code == 0, done.output
    return done.stdout


def _same_as_recomputed(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for period in PERIODS:
        sch, full = score_store(SCHEME, url, period)
        assert _kept(monkeypatch, "--db", url, "--period", period, "--format", "json") == result_json(sch, full) + "\n"
        unit = full.unit("dh")
        assert unit is not None
        shown = json.loads(_kept(monkeypatch, "--db", url, "--period", period, "--format", "json", "--explain", "dh"))
        assert shown == json.loads(json.dumps(explain_document(full, unit, scheme=sch), ensure_ascii=False))
        assert any(line["rows"] for line in shown["lines"]), period  # rows cited, read for this one unit


def test_score_db_prints_from_kept_results_what_a_recompute_prints(demo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _same_as_recomputed(demo, monkeypatch)
    before = _kept(monkeypatch, "--db", demo, "--period", "2024-Q2", "--format", "json")
    factory = open_store(demo)
    try:
        with transaction(factory) as s:
            audit = AuditWriter(s, "录入员", reason="补录")
            write_counted(s, "deductions", facts_from_frames(deductions=pl.DataFrame([LATE])).deductions, audit, "")
    finally:
        close_store(factory)
    _same_as_recomputed(demo, monkeypatch)  # Q2 is published: --db prints the store's numbers now
    assert _kept(monkeypatch, "--db", demo, "--period", "2024-Q2", "--format", "json") != before
