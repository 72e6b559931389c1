"""`kaoping verify` catches what is changed behind the application's back (issue 12, point 5), on SQLite and
PostgreSQL: ``--period`` recomputes a published period from the facts and scheme it was published with and
compares byte for byte, and tells drift through the application (audited) from a direct edit of a fact row;
``--audit`` compares every fact row with the last write the trail recorded for it."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.facts import facts_from_frames
from kaoping.store.audit import AuditWriter
from kaoping.store.db import transaction
from kaoping.store.facts import write_facts
from kaoping.store.tables import ScoreRow
from store_testing import published_example_store

runner = CliRunner()
ITEM = "生活垃圾收运(含城乡环卫一体化)"


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    return published_example_store(db_url)


def verify(db_url: str, *args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["verify", *args, "--db", db_url])
    return r.exit_code, r.output


def d1_score_id(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        stmt = select(ScoreRow.id).where(
            ScoreRow.unit_id == "d1", ScoreRow.period == "2024-Q2", ScoreRow.part == "部门考评", ScoreRow.item == ITEM
        )
        return int(s.scalars(stmt).one())


def test_an_untouched_store_verifies(store: sessionmaker[Session], db_url: str) -> None:
    code, out = verify(db_url, "--period", "2024-Q2")
    assert code == 0, out
    assert "city-1000 2024-Q2 第 1 版：复算结果与已发布结果逐字节一致" in out
    code, out = verify(db_url, "--audit")
    assert code == 0, out
    assert "审计链完整" in out and "数据与审计记录一致" in out


def test_an_audited_change_is_drift_not_tampering(store: sessionmaker[Session], db_url: str) -> None:
    row = {"period": "2024-Q2", "unit_id": "d1", "part": "部门考评", "item": ITEM, "score": 40.0, "source": "市城管局"}
    frame = facts_from_frames(scores=pl.DataFrame([row])).scores
    with transaction(store) as s:
        audit = AuditWriter(s, "录入员", reason="更正录入")
        assert write_facts(s, "scores", frame, audit=audit).updated == 1
        audit.flush()
    code, out = verify(db_url, "--period", "2024-Q2")
    assert code == 0, out
    assert "逐字节一致" in out and "发布后经系统改动 1 行" in out
    assert verify(db_url, "--audit")[0] == 0


def test_a_direct_edit_of_a_fact_row_is_caught_by_both(store: sessionmaker[Session], db_url: str) -> None:
    target = d1_score_id(store)
    with transaction(store) as s:
        s.execute(text(f"UPDATE scores SET score = 10 WHERE id = {target}"))
    code, out = verify(db_url, "--period", "2024-Q2")
    assert code == 1, out
    assert f"scores 行 {target}（修改）" in out and "发布后有 1 行数据未经系统改动" in out
    code, out = verify(db_url, "--audit")
    assert code == 1, out
    assert "审计链完整" in out  # the trail itself is intact: the edit is beside it
    assert f"scores 行 {target}：与最后一次审计记录" in out and "score: 140.0 → 10.0" in out


def test_a_row_slipped_in_without_the_application_is_caught(store: sessionmaker[Session], db_url: str) -> None:
    with transaction(store) as s:
        s.execute(
            text(
                "INSERT INTO scores (nkey, src_file, src_row, period, unit_id, part, item, score, source, note) "
                "VALUES ('x', '', 0, '2024-Q2', 'd2', '部门考评', :item, 1, '市城管局', '')"
            ),
            {"item": ITEM},
        )
    code, out = verify(db_url, "--period", "2024-Q2")
    assert code == 1 and "（新增）：无审计记录" in out, out
    code, out = verify(db_url, "--audit")
    assert code == 1 and "无审计记录" in out, out


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("UPDATE published_results SET document = :doc", "结果被改动"),
        ("UPDATE fact_snapshots SET data = :data", "快照被改动"),
        ("UPDATE scheme_versions SET text = text || :more", "方案被改动"),
    ],
)
def test_an_edit_of_the_published_version_itself_is_caught(
    store: sessionmaker[Session], db_url: str, sql: str, named: str
) -> None:
    with transaction(store) as s:
        s.execute(text(sql), {"doc": '{"groups": []}', "data": b"PK-not-the-snapshot", "more": "\n# edited\n"})
    code, out = verify(db_url, "--period", "2024-Q2")
    assert code == 1, out
    assert named in out


def test_verify_needs_a_published_period(store: sessionmaker[Session], db_url: str) -> None:
    code, out = verify(db_url, "--period", "2024-Q1")
    assert code == 2 and "尚未发布" in out
    code, out = verify(db_url)
    assert code == 2 and "--period" in out


def _without_base(document: Any) -> Any:
    """A result document as versions published before ``base`` was added hold it."""
    if isinstance(document, dict):
        return {k: _without_base(v) for k, v in document.items() if k != "base"}
    if isinstance(document, list):
        return [_without_base(v) for v in document]
    return document


def test_a_version_published_before_a_key_was_added_still_verifies(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaoping.app import publish as publish_module

    plain = publish_module.result_document
    monkeypatch.setattr(publish_module, "result_document", lambda *a: _without_base(plain(*a)))
    published_example_store(db_url)
    monkeypatch.undo()
    code, out = verify(db_url, "--period", "2024-Q2")
    assert code == 0, out
    assert "逐字节一致" in out
