"""Imports written in bulk and audited once per batch (issue 13, point 5), on SQLite and PostgreSQL: the same
file again changes nothing, a corrected file updates exactly its changed rows, a failure in the last chunk
leaves nothing, and ``verify --audit`` / ``verify --period`` still tell a direct edit of an imported row
from a change made through the application."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.app.imports import ALREADY, IMPORTED, import_data
from kaoping.app.publish import compute_draft, publish, review
from kaoping.cli import app
from kaoping.facts import facts_from_frames
from kaoping.store import batch_write
from kaoping.store.audit import AuditWriter
from kaoping.store.db import open_store, transaction
from kaoping.store.facts import write_facts
from kaoping.store.tables import AuditEntry, ImportBatch, ImportRow, ScoreRow

CITY = EXAMPLES / "city-1000"
UNITS = ["d1", "d2", "d3", "d4", "d5", "c1", "c2", "c3", "c4", "s1"]
ROWS = 250
runner = CliRunner()


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 40 rows, so 250 rows take seven chunks and the last one is short."""
    monkeypatch.setattr(batch_write, "CHUNK", 40)


def scores_folder(folder: Path, changed: dict[int, str] | None = None) -> Path:
    """units.csv of city-1000 and ``ROWS`` scores; ``changed``: data row index → another score."""
    folder.mkdir()
    shutil.copy(CITY / "units.csv", folder / "units.csv")
    with (folder / "scores.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["period", "unit_id", "part", "item", "score", "source", "note"])
        for i in range(ROWS):
            score = (changed or {}).get(i, f"{(i % 400) / 4}")
            w.writerow(["2024-04", UNITS[i % 10], "专家评议", f"第{i}项", score, f"专家{i % 7}", ""])
    return folder


def counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as s:
        return {
            name: s.scalar(select(func.count()).select_from(table)) or 0
            for name, table in (
                ("scores", ScoreRow),
                ("imports", ImportBatch),
                ("audit", AuditEntry),
                ("rows", ImportRow),
            )
        }


def verify(db_url: str, *args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["verify", *args, "--db", db_url])
    return r.exit_code, r.output


def import_entries(factory: sessionmaker[Session]) -> list[AuditEntry]:
    with factory() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id)))


def score_id(factory: sessionmaker[Session], item: str) -> int:
    with factory() as s:
        return int(s.scalars(select(ScoreRow.id).where(ScoreRow.item == item)).one())


def test_one_audit_entry_per_batch_and_the_same_file_again_changes_nothing(db_url: str, tmp_path: Path) -> None:
    factory = open_store(db_url)
    folder = scores_folder(tmp_path / "a")
    first = import_data(factory, folder, actor="importer")
    assert first.file("scores").inserted == ROWS
    once = counts(factory)
    # 10 units audited row by row; the 250 scores by one entry, each row's hash kept
    assert once == {"scores": ROWS, "imports": 2, "audit": 10 + 1, "rows": ROWS}
    [entry] = import_entries(factory)
    with factory() as s:
        batch = s.scalars(select(ImportBatch).where(ImportBatch.kind == "scores")).one()
    assert entry.row_key == f"imports:{batch.id}" and entry.table_name == "scores" and entry.actor == "importer"
    assert entry.after is not None
    assert (
        entry.after["sha256"] == batch.sha256 and entry.after["inserted"] == ROWS and len(entry.after["digest"]) == 64
    )
    again = import_data(factory, folder, actor="importer")
    assert again.file("scores").status == ALREADY and counts(factory) == once
    assert verify(db_url, "--audit")[0] == 0


def test_a_corrected_file_updates_exactly_the_changed_rows(db_url: str, tmp_path: Path) -> None:
    factory = open_store(db_url)
    import_data(factory, scores_folder(tmp_path / "a"), actor="importer")
    before = counts(factory)
    fixes = {3: "1.25", 120: "2.5", ROWS - 1: "99"}  # first, middle and last chunk
    report = import_data(factory, scores_folder(tmp_path / "b", fixes), actor="corrector")
    scores = report.file("scores")
    assert (scores.status, scores.inserted, scores.updated, scores.unchanged) == (IMPORTED, 0, 3, ROWS - 3)
    after = counts(factory)
    # three update entries (before/after) and the new batch's entry; three more row hashes
    assert after == before | {"imports": before["imports"] + 1, "audit": before["audit"] + 4, "rows": ROWS + 3}
    with factory() as s:
        updates = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "update")))
        stored = {i: float(s.scalars(select(ScoreRow.score).where(ScoreRow.item == f"第{i}项")).one()) for i in fixes}
    assert sorted(str(u.after["item"]) for u in updates if u.after) == sorted(f"第{i}项" for i in fixes)
    assert stored == {i: float(v) for i, v in fixes.items()}
    code, out = verify(db_url, "--audit")
    assert code == 0, out


def test_a_constraint_error_in_the_last_chunk_leaves_nothing(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = open_store(db_url)
    import_data(factory, CITY, actor="importer")
    before = counts(factory)
    real = batch_write.insert_rows

    def last_chunk_names_no_unit(session: Session, table: Any, frame: pl.DataFrame) -> None:
        """The short last chunk (250 = 6 × 40 + 10) names a unit the store does not have: the database refuses."""
        if table.name == "scores" and frame.height == ROWS % 40:
            frame = frame.with_columns(unit_id=pl.lit("no-such-unit"))
        real(session, table, frame)

    monkeypatch.setattr(batch_write, "insert_rows", last_chunk_names_no_unit)
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        import_data(factory, scores_folder(tmp_path / "a"), actor="importer")
    assert counts(factory) == before
    monkeypatch.setattr(batch_write, "insert_rows", real)
    assert import_data(factory, scores_folder(tmp_path / "b"), actor="importer").file("scores").inserted == ROWS


def test_verify_audit_names_a_directly_edited_imported_row(db_url: str, tmp_path: Path) -> None:
    factory = open_store(db_url)
    import_data(factory, scores_folder(tmp_path / "a"), actor="importer")
    code, out = verify(db_url, "--audit")
    assert code == 0 and "数据与审计记录一致" in out, out
    target = score_id(factory, "第77项")
    with transaction(factory) as s:
        s.execute(text(f"UPDATE scores SET score = 3 WHERE id = {target}"))
    code, out = verify(db_url, "--audit")
    assert code == 1, out
    assert "审计链完整" in out and f"scores 行 {target}：与导入批次" in out and "源行 79" in out
    assert "1 行" in out  # only that row


def test_verify_audit_names_the_batch_when_its_row_hashes_are_edited(db_url: str, tmp_path: Path) -> None:
    factory = open_store(db_url)
    import_data(factory, scores_folder(tmp_path / "a"), actor="importer")
    target = score_id(factory, "第5项")
    with transaction(factory) as s:
        # the row and its kept hash edited together: the batch's digest no longer holds
        s.execute(text(f"UPDATE scores SET score = 3 WHERE id = {target}"))
        s.execute(text("UPDATE import_rows SET row_hash = :h WHERE src_row = 7"), {"h": "0" * 32})
    code, out = verify(db_url, "--audit")
    assert code == 1, out
    assert "的逐行哈希与审计记录的摘要不符" in out


def test_a_form_write_after_the_import_is_checked_row_by_row(db_url: str, tmp_path: Path) -> None:
    factory = open_store(db_url)
    import_data(factory, scores_folder(tmp_path / "a"), actor="importer")
    row = {"period": "2024-04", "unit_id": "d1", "part": "专家评议", "item": "第10项", "score": 7.0, "source": "专家3"}
    with transaction(factory) as s:
        audit = AuditWriter(s, "录入员", reason="更正")
        assert write_facts(s, "scores", facts_from_frames(scores=pl.DataFrame([row])).scores, audit=audit).updated == 1
        audit.flush()
    assert verify(db_url, "--audit")[0] == 0  # the batch's other rows still match it; this one its own entry
    target = score_id(factory, "第10项")
    with transaction(factory) as s:
        s.execute(text(f"UPDATE scores SET score = 8 WHERE id = {target}"))
    code, out = verify(db_url, "--audit")
    assert code == 1 and f"scores 行 {target}：与最后一次审计记录" in out and "score: 7.0 → 8.0" in out, out


def test_verify_period_tells_a_corrected_import_from_a_direct_edit(db_url: str, tmp_path: Path) -> None:
    factory = open_store(db_url)
    import_data(factory, CITY, actor="importer")
    with transaction(factory) as s:
        rid = compute_draft(s, scheme="city-1000", period="2024-Q2", actor="计算员").id
        review(s, rid, actor="审核员")
        publish(s, rid, actor="发布员")
    corrected = tmp_path / "corrected"
    shutil.copytree(CITY, corrected)
    old = "2024-Q2,d2,部门考评,生活垃圾收运(含城乡环卫一体化),150"
    body = (corrected / "scores.csv").read_text(encoding="utf-8")
    assert old in body
    (corrected / "scores.csv").write_text(body.replace(old, old[:-3] + "149.5", 1), encoding="utf-8")
    report = import_data(factory, corrected, actor="importer", confirm_reason="更正 d2 得分")  # a published period
    assert report.file("scores").updated == 1
    code, out = verify(db_url, "--period", "2024-Q2")
    assert code == 0 and "发布后经系统改动 1 行" in out, out
    with factory() as s:
        q2 = select(ScoreRow.id).where(ScoreRow.period == "2024-Q2").order_by(ScoreRow.id)
        untouched = int(s.scalars(q2.where(ScoreRow.unit_id == "d3")).first() or 0)
        corrected_row = int(
            s.scalars(q2.where(ScoreRow.unit_id == "d2", ScoreRow.part == "部门考评", ScoreRow.score == 149.5)).one()
        )
    with transaction(factory) as s:
        s.execute(text(f"UPDATE scores SET score = score + 1 WHERE id IN ({untouched}, {corrected_row})"))
    code, out = verify(db_url, "--period", "2024-Q2")
    assert code == 1 and "发布后有 2 行数据未经系统改动" in out, out
    # imported before publication and edited since: no audited write after it
    assert f"scores 行 {untouched}（修改）：发布后没有此行的审计记录" in out
    # re-imported after publication, then edited: the row is not what that batch wrote
    assert f"scores 行 {corrected_row}（修改）：与导入批次" in out


def test_values_the_store_rounds_are_no_false_alarm(db_url: str, tmp_path: Path) -> None:
    """The store keeps 6 decimals and no negative zero: the canonical text rounds the same way, so neither
    ``verify --audit`` nor a re-saved copy of the file sees a change that is not there."""
    factory = open_store(db_url)
    odd = {0: "1.23456789", 1: "-0.0", 2: "0.30000000000000004"}
    import_data(factory, scores_folder(tmp_path / "a", odd), actor="importer")
    code, out = verify(db_url, "--audit")
    assert code == 0, out
    copy = scores_folder(tmp_path / "b", odd)
    (copy / "scores.csv").write_bytes(b"\xef\xbb\xbf" + (copy / "scores.csv").read_bytes())  # other bytes, same rows
    scores = import_data(factory, copy, actor="importer").file("scores")
    assert (scores.status, scores.updated, scores.unchanged) == (IMPORTED, 0, ROWS)
