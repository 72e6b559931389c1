"""The rows a unit's case lines cite, read by id from the store (issue 13: a unit's quarter of a 10 M-case
city is ~190,000 cases, too many to read whole for its page), are exactly those the engine's own counts
cite from the case frame — for cases on every edge: dispatched, closed or disposed at a period's first
instant, its last microsecond or the next period's first; open cases disposed in the period; failed checks
and reworks missing, zero or counted; another unit's cases.  On SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import polars as pl
from sqlalchemy import select

from kaoping.cases.metrics import case_counts, failed_verifications
from kaoping.facts import facts_from_frames
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.periods import parse_period
from kaoping.store.audit import AuditWriter
from kaoping.store.case_cells import CASE_COLUMNS, cited_case_rows
from kaoping.store.columnar import read_frame
from kaoping.store.db import close_store, transaction
from kaoping.store.facts import write_facts
from kaoping.store.tables import CaseRow
from store_testing import example_store

PERIODS = ("2024-03", "2024-04", "2024-Q2", "2024-H1", "2024")
EDGES = [datetime(2024, m, 1) + d for m in (3, 4, 6, 7) for d in (timedelta(0), timedelta(microseconds=-1))]


def _moment(rng: random.Random) -> datetime | None:
    """A time on a period's edge, anywhere in the spring, or none."""
    roll = rng.random()
    if roll < 0.15:
        return None
    if roll < 0.55:
        return rng.choice(EDGES)
    return datetime(2024, 2, 20) + timedelta(minutes=rng.randrange(200 * 24 * 60))


def _cases(n: int) -> list[dict[str, Any]]:
    rng = random.Random(13)
    out = []
    for i in range(n):
        dispatched = _moment(rng)
        out.append({
            "case_id": f"edge-{i}", "unit_id": rng.choice(["dh", "nq"]), "kind": "event", "category": "暴露垃圾",
            "reported_at": dispatched or datetime(2024, 3, 5), "dispatched_at": dispatched,
            "deadline": datetime(2024, 5, 1), "disposed_at": _moment(rng), "closed_at": _moment(rng),
            "rework_count": rng.choice([0, 0, 1, 2]), "verify_failed": rng.choice([None, 0, 1, 3]),
        })  # fmt: skip
    return out


def test_the_store_cites_the_rows_the_engine_counts(db_url: str) -> None:
    factory = example_store(db_url, "demo-city")
    try:
        with transaction(factory) as s:
            audit = AuditWriter(s, "录入员", reason="edges")
            write_facts(s, "cases", facts_from_frames(cases=pl.DataFrame(_cases(400))).cases, audit=audit)
            audit.flush()
        with factory() as s:
            stmt = select(*[getattr(CaseRow, c) for c in CASE_COLUMNS], CaseRow.id.label(ROW))
            frame = read_frame(s, stmt, dict(SCHEMAS["cases"]))
            checked = 0
            for text in PERIODS:
                period = parse_period(text)
                span = (period.start(), period.end_exclusive())
                for unit in ("dh", "nq"):
                    for failed, count in ((False, case_counts), (True, failed_verifications)):
                        found = count(frame.filter(pl.col("unit_id") == unit), period).get_column("rows").to_list()
                        expected = tuple(found[0]) if found else ()
                        assert cited_case_rows(s, unit, span, failed=failed) == expected, (text, unit, failed)
                        checked += len(expected)
            assert checked > 400  # the edges were exercised, not an empty store
    finally:
        close_store(factory)
