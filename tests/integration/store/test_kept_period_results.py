"""A published period is served from its kept result (issue 13), on SQLite and PostgreSQL: the result kept when
the version was computed is the one its snapshot gives (same bytes, same document), a fresh process reads it
without unpacking the snapshot, the freeze holds for it, ``kaoping verify --period`` proves it and names one
altered in the database, and versions kept before (no kept result) are still recomputed from their snapshots.
Migration 0022_kept_period_results makes the models' table and goes down again."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from pydantic_core import PydanticSerializationError
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from kaoping.app import frozen
from kaoping.app.publish import compute_draft, document_bytes, publish, review
from kaoping.app.results import scored
from kaoping.app.scoring import score_facts
from kaoping.cli import app
from kaoping.engine import result_codec
from kaoping.output.document import result_document
from kaoping.scheme import load_scheme
from kaoping.store import period_results, snapshots
from kaoping.store.db import alembic_config, transaction
from kaoping.store.publishing import PublishError, current
from kaoping.store.result_tables import KeptPeriodResult
from kaoping.store.tables import Base
from store_testing import example_store, published_example_store, schema_diffs

runner = CliRunner()


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    return published_example_store(db_url)


@pytest.fixture
def cold(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process as a fresh one: no result, scheme or snapshot kept in memory."""
    monkeypatch.setattr(frozen, "_results", type(frozen._results)(32))
    monkeypatch.setattr(frozen, "_schemes", type(frozen._schemes)(32))
    monkeypatch.setattr(snapshots, "_cache", type(snapshots._cache)(8))


def _recomputed(s: Session) -> tuple[Any, Any]:
    """The published version and the result its snapshot gives (what was shown before results were kept)."""
    row = current(s, scheme="city-1000", period="2024-Q2")
    assert row is not None and row.snapshot_id is not None
    scheme = frozen.stored_scheme(s, row.scheme_version_id)
    return scheme, score_facts(scheme, snapshots.snapshot_facts(s, row.snapshot_id), row.period)


def test_the_migrated_schema_is_the_models(db_url: str) -> None:
    assert KeptPeriodResult.__tablename__ in Base.metadata.tables
    assert [d for d in schema_diffs(db_url) if "kept_period_results" in repr(d)] == []


def test_up_and_down_again(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "head")
    assert "kept_period_results" in inspect(engine).get_table_names()
    command.downgrade(config, "0021_cases_reported_unit")
    assert "kept_period_results" not in inspect(engine).get_table_names()
    command.upgrade(config, "head")
    assert "kept_period_results" in inspect(engine).get_table_names()
    engine.dispose()


def test_the_kept_result_is_what_the_snapshot_gives(store: sessionmaker[Session], cold: None) -> None:
    with store() as s:
        kept = frozen.published_frozen(s, "city-1000", "2024-Q2")
        assert kept is not None
        scheme, again = _recomputed(s)
        assert result_codec.dump(kept.result) == result_codec.dump(again)
        published = document_bytes(result_document(scheme, kept.result))
        assert published == document_bytes(result_document(scheme, again))
        assert published == document_bytes(current(s, scheme="city-1000", period="2024-Q2").document)  # type: ignore[union-attr]


def test_a_published_ranking_is_read_without_unpacking_the_snapshot(
    store: sessionmaker[Session], cold: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store() as s:
        _scheme, expected = _recomputed(s)
    monkeypatch.setattr(frozen, "_results", type(frozen._results)(32))

    def refuse(*_args: object) -> None:
        raise AssertionError("the snapshot was unpacked")

    monkeypatch.setattr(snapshots, "snapshot_facts", refuse)
    monkeypatch.setattr(snapshots, "unpack", refuse)
    with store() as s:
        shown = scored(s, load_scheme("city-1000"), "2024-Q2")
        assert shown.version == 1
        assert result_codec.dump(shown.result) == result_codec.dump(expected)
        with pytest.raises(AssertionError, match="unpacked"):
            shown.facts  # noqa: B018  (rows are read only when asked for)


def test_the_facts_are_read_through_the_callers_session(store: sessionmaker[Session], cold: None) -> None:
    with store() as s:
        first = frozen.published_frozen(s, "city-1000", "2024-Q2")
        assert first is not None
    with store() as s:  # the result cached above, its facts read through this session
        again = frozen.published_frozen(s, "city-1000", "2024-Q2")
        assert again is not None and again.result is first.result
        assert again.facts.scores.height > 0 and again.facts.has_cases() == again.facts.has_cases()


def _kept_row(s: Session) -> KeptPeriodResult:
    return s.scalars(select(KeptPeriodResult)).one()


def test_the_kept_result_of_a_published_version_is_frozen(store: sessionmaker[Session]) -> None:
    with store() as s:
        row = _kept_row(s)
        row.data = b"{}"
        with pytest.raises(PublishError, match="冻结"):
            s.flush()
        s.rollback()
        s.delete(_kept_row(s))
        with pytest.raises(PublishError, match="永不删除"):
            s.flush()
        s.rollback()
        version = _kept_row(s).result_id
        s.execute(text("DELETE FROM kept_period_results"))
        with pytest.raises(PublishError, match="冻结"):  # nor is another one added afterwards
            period_results.keep(
                s, version, snapshot_sha256="0" * 64, scheme_sha256="0" * 64, period="2024-Q2", fmt=1, data=b"{}"
            )


def test_a_draft_computed_again_replaces_its_kept_result(db_url: str) -> None:
    factory = example_store(db_url)
    with transaction(factory) as s:
        first = compute_draft(s, scheme="city-1000", period="2024-Q2", actor="计算员")
        kept_id = _kept_row(s).id
        s.execute(text("UPDATE scores SET score = score - 1 WHERE unit_id = 'd1'"))
        again = compute_draft(s, scheme="city-1000", period="2024-Q2", actor="计算员")
        assert again.id == first.id
        row = _kept_row(s)
        assert row.id == kept_id and row.snapshot_sha256 == again.snapshot.sha256  # type: ignore[union-attr]


def verify(db_url: str, *args: str) -> tuple[int, str]:
    r = runner.invoke(app, [*args, "verify", "--period", "2024-Q2", "--db", db_url])
    return r.exit_code, r.output


def _tampered(s: Session) -> bytes:
    """The kept result with d1's total changed: valid bytes of another result."""
    result = result_codec.load(_kept_row(s).data)
    unit = result.unit("d1")
    assert unit is not None
    unit.shown_total += 7
    return result_codec.dump(result)


@pytest.mark.parametrize("with_digest", [False, True], ids=["bytes", "bytes-and-digest"])
def test_verify_names_a_kept_result_altered_in_the_database(
    store: sessionmaker[Session], db_url: str, with_digest: bool, cold: None
) -> None:
    assert verify(db_url)[0] == 0
    with transaction(store) as s:
        data = _tampered(s)
        sql = "UPDATE kept_period_results SET data = :data" + (", sha256 = :sha" if with_digest else "")
        s.execute(text(sql), {"data": data, "sha": hashlib.sha256(data).hexdigest()})
    code, out = verify(db_url)
    assert code == 1, out
    assert "保留结果被改动" in out and "结果与保留结果不一致" in out
    code, out = verify(db_url, "--lang", "en")
    assert code == 1 and "the kept result was altered" in out and "保留结果" not in out, out
    with store() as s:  # the pages show what the snapshot gives, or the tampered bytes until verified
        shown = frozen.published_frozen(s, "city-1000", "2024-Q2")
        assert shown is not None
        _scheme, expected = _recomputed(s)
        assert (result_codec.dump(shown.result) == result_codec.dump(expected)) is not with_digest


def test_a_version_computed_before_results_were_kept_is_recomputed(
    db_url: str, cold: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaoping.app import publish as publish_module

    monkeypatch.setattr(publish_module, "keep_result", lambda *_a, **_k: False)
    factory = published_example_store(db_url)
    monkeypatch.undo()
    with factory() as s:
        assert s.scalars(select(KeptPeriodResult)).first() is None
        shown = frozen.published_frozen(s, "city-1000", "2024-Q2")
        assert shown is not None
        _scheme, expected = _recomputed(s)
        assert result_codec.dump(shown.result) == result_codec.dump(expected)
    code, out = verify(db_url)
    assert code == 0 and "逐字节一致" in out, out


def test_verify_names_a_kept_result_deleted_in_the_database(store: sessionmaker[Session], db_url: str) -> None:
    with transaction(store) as s:
        s.execute(text("DELETE FROM kept_period_results"))
    code, out = verify(db_url)
    assert code == 1 and "保留结果被删除" in out, out  # its publication recorded one: its loss is named


@pytest.mark.parametrize("seed", ["0", "1"])
def test_another_process_recomputes_the_same_bytes(store: sessionmaker[Session], db_url: str, seed: str) -> None:
    """The kept bytes do not depend on the process that wrote them (string hashing, set order): verified by a
    process with another hash seed."""
    env = {**os.environ, "PYTHONHASHSEED": seed, "KAOPING_LANG": "zh"}
    args = [
        sys.executable,
        "-c",
        "from kaoping.cli import main; main()",
        "verify",
        "--period",
        "2024-Q2",
        "--db",
        db_url,
    ]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "逐字节一致" in done.stdout


def test_a_result_without_a_kept_form_is_published_all_the_same(
    db_url: str, cold: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value the format cannot hold (say a float among a line's parameters) keeps nothing — the draft is
    computed and published as ever, and read back from its snapshot."""

    def refuse(_result: object) -> bytes:
        raise PydanticSerializationError("line parameter of type float has no kept form")

    monkeypatch.setattr(result_codec, "dump", refuse)
    factory = example_store(db_url)
    with transaction(factory) as s:
        rid = compute_draft(s, scheme="city-1000", period="2024-Q2", actor="计算员").id
        review(s, rid, actor="审核员")
        publish(s, rid, actor="发布员")
    with factory() as s:
        assert s.scalars(select(KeptPeriodResult)).first() is None
        assert frozen.published_frozen(s, "city-1000", "2024-Q2") is not None
