"""A bulletin from the store (the office's download, ``kaoping report --db``) is stamped with the published
version of its period and shows that version even after a fact changes (it is built from the version's
snapshot); before publication it is a draft.  On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from db_testing import opened_store
from examples_testing import EXAMPLES
from kaoping.app.bulletins import from_store
from kaoping.app.publish import compute_draft, publish, review
from kaoping.cli import app
from kaoping.reports.data import STORE_DRAFT
from kaoping.scheme import load_scheme
from kaoping.store.db import transaction
from kaoping.store.publishing import current
from kaoping.store.tables import PublishedResult, ScoreRow
from store_testing import write_all_facts

SCHEME, PERIOD = "city-1000", "2024-Q2"


def _publish(factory: sessionmaker[Session]) -> PublishedResult:
    with transaction(factory) as s:
        rid = compute_draft(s, scheme=SCHEME, period=PERIOD, actor="计算员").id
        review(s, rid, actor="审核员")
        publish(s, rid, actor="发布员")
    with factory() as s:
        row = current(s, scheme=SCHEME, period=PERIOD)
        assert row is not None and row.audit_head
        return row


def test_stamped_with_the_published_version_whatever_changes_after(db_url: str) -> None:
    scheme = load_scheme(SCHEME)
    with opened_store(db_url) as factory:
        with transaction(factory) as s:
            write_all_facts(s, EXAMPLES / SCHEME)
        with factory() as s:
            assert from_store(s, scheme, PERIOD).stamp == STORE_DRAFT

        row = _publish(factory)
        with factory() as s:
            stamp = from_store(s, scheme, PERIOD).stamp
        assert (stamp.version, stamp.audit_head, stamp.status) == (1, row.audit_head, "published")
        assert stamp.published_at == row.published_at
        assert stamp.line().endswith(f"审计链头 {row.audit_head[:12]}")  # type: ignore[index]

        with transaction(factory) as s:  # a fact changes after publication, no correction yet
            s.execute(update(ScoreRow).where(ScoreRow.unit_id == "d1").values(score=ScoreRow.score - 10))
        with factory() as s:
            data = from_store(s, scheme, PERIOD)
        # the bulletin of a published period is its frozen version: same numbers, same stamp
        assert data.stamp == stamp
        d1 = next(u for u in data.result.units() if u.unit_id == "d1")
        published = {u["unit_id"]: u["total"] for g in row.document["groups"] for u in g["ranking"]}
        assert float(d1.shown_total) == published["d1"]


def test_report_db_writes_the_published_stamp(db_url: str, tmp_path: Path) -> None:
    with opened_store(db_url) as factory:
        with transaction(factory) as s:
            write_all_facts(s, EXAMPLES / SCHEME)
        row = _publish(factory)
    out = tmp_path / "通报.xlsx"
    args = ["report", "--scheme", SCHEME, "--db", db_url, "--period", PERIOD, "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert f"审计链头 {row.audit_head[:12]}" in result.stderr  # type: ignore[index]
    book = openpyxl.load_workbook(out)
    custom = {p.name: p.value for p in book.custom_doc_props.props}
    assert custom["audit_head"] == row.audit_head and custom["version"] == 1
    cells = [str(c.value) for c in book.worksheets[0]["A"]]
    assert any(c.startswith("第 1 版") and c.endswith(f"审计链头 {row.audit_head[:12]}") for c in cells)  # type: ignore[index]
