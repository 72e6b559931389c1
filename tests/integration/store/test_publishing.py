"""Publishing on SQLite and PostgreSQL: compute → review → publish, frozen documents, corrections, audit.

What an office relies on: a published ranking never changes under it (facts fixed later do not move it),
nothing is published unreviewed, a correction needs a reason, and the superseded version stays visible.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from examples_testing import EXAMPLES, ROOT
from kaoping.app.publish import compute_draft, publish, review
from kaoping.app.scoring import score_facts
from kaoping.cli import app
from kaoping.facts import FILE_NAMES, Facts
from kaoping.io.readers import read_facts
from kaoping.output.document import result_document
from kaoping.scheme import load_scheme
from kaoping.store.audit import trail
from kaoping.store.db import open_store, transaction
from kaoping.store.publishing import (
    PublishError,
    UnknownResult,
    current,
    published_periods,
    store_scheme,
    versions,
)
from kaoping.store.tables import PublishedResult, SchemeVersion
from store_testing import write_all_facts

CITY = EXAMPLES / "city-1000"
SCHEME, PERIOD = "city-1000", "2024-Q2"
runner = CliRunner()


def write_all(factory: sessionmaker[Session], facts: Facts, actor: str = "importer", reason: str = "") -> None:
    with transaction(factory) as s:
        write_all_facts(s, facts, actor, reason)


def expected(facts: Facts) -> dict[str, Any]:
    scheme = load_scheme(SCHEME)
    return result_document(scheme, score_facts(scheme, facts, PERIOD))


def d1_total(document: dict[str, Any]) -> float:
    return float(next(u["total"] for g in document["groups"] for u in g["ranking"] if u["unit_id"] == "d1"))


def lowered_d1(facts: Facts) -> Facts:
    """d1's first 部门考评 row 140 → 100: a fix that moves d1's total."""
    scores = facts.scores.with_columns(score=facts.scores.get_column("score").scatter(0, 100.0))
    assert scores.row(0, named=True)["unit_id"] == "d1"
    return Facts(**{k: scores if k == "scores" else getattr(facts, k) for k in FILE_NAMES}, labels=facts.labels)


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    factory = open_store(db_url)
    write_all(factory, read_facts(CITY))
    return factory


def publish_v1(store: sessionmaker[Session]) -> int:
    with transaction(store) as s:
        rid = compute_draft(s, scheme=SCHEME, period=PERIOD, actor="计算员").id
    with transaction(store) as s:
        review(s, rid, actor="审核员")
    with transaction(store) as s:
        publish(s, rid, actor="考评办")
    return rid


def test_compute_review_publish(store: sessionmaker[Session]) -> None:
    facts = read_facts(CITY)
    with transaction(store) as s:
        draft = compute_draft(s, scheme=SCHEME, period="2024-q2", actor="计算员")
        rid = draft.id
    with store() as s:
        row = s.get_one(PublishedResult, rid)
        assert (row.scheme, row.period, row.version, row.status) == (SCHEME, PERIOD, 1, "draft")
        assert row.created_by == "计算员"
        assert row.document == expected(facts)
        assert current(s, scheme=SCHEME, period=PERIOD) is None
        assert published_periods(s) == []
        sv = s.get_one(SchemeVersion, row.scheme_version_id)
        builtin = ROOT / "src" / "kaoping" / "scheme" / "builtin" / "city-1000.yaml"
        assert sv.name == SCHEME and sv.text == builtin.read_text(encoding="utf-8")
    with transaction(store) as s:
        assert review(s, rid, actor="审核员").status == "reviewed"
    with transaction(store) as s:
        done = publish(s, rid, actor="考评办")
        assert done.status == "published" and done.published_by == "考评办" and done.published_at is not None
    with store() as s:
        now = current(s, scheme=SCHEME, period=PERIOD)
        assert now is not None and now.id == rid and now.reviewed_by == "审核员"
        assert published_periods(s) == [(SCHEME, PERIOD)]
        assert [v.status for v in versions(s, scheme=SCHEME, period=PERIOD)] == ["published"]


def test_recomputing_an_unpublished_draft_replaces_it(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        first = compute_draft(s, scheme=SCHEME, period=PERIOD, actor="a").id
        review(s, first, actor="b")
    write_all(store, lowered_d1(read_facts(CITY)), actor="fixer")
    with transaction(store) as s:
        again = compute_draft(s, scheme=SCHEME, period=PERIOD, actor="c")
        assert (again.id, again.version, again.status, again.reviewed_by) == (first, 1, "draft", None)
    with store() as s:
        (only,) = versions(s, scheme=SCHEME, period=PERIOD)
        assert only.document == expected(lowered_d1(read_facts(CITY)))
        assert s.scalar(select(func.count()).select_from(SchemeVersion)) == 1  # same text → same row
        assert store_scheme(s, SCHEME, actor="x").id == only.scheme_version_id


def test_wrong_status_is_refused(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        rid = compute_draft(s, scheme=SCHEME, period=PERIOD, actor="a").id
    with pytest.raises(PublishError, match=r"只有已审核的结果可以发布；请先审核"), transaction(store) as s:
        publish(s, rid, actor="b")
    with transaction(store) as s:
        review(s, rid, actor="b")
    with pytest.raises(PublishError, match="其状态为已审核，只有草稿的结果可以审核"), transaction(store) as s:
        review(s, rid, actor="b")
    with transaction(store) as s:
        publish(s, rid, actor="c")
    with pytest.raises(PublishError, match=r"已发布.*已冻结"), transaction(store) as s:
        publish(s, rid, actor="c")
    with pytest.raises(UnknownResult), transaction(store) as s:
        review(s, rid + 100, actor="c")
    with store() as s:
        assert s.get_one(PublishedResult, rid).status == "published"


def test_published_document_is_frozen(store: sessionmaker[Session]) -> None:
    rid = publish_v1(store)
    before = expected(read_facts(CITY))
    write_all(store, lowered_d1(read_facts(CITY)), actor="fixer", reason="复核更正")
    with store() as s:
        published = current(s, scheme=SCHEME, period=PERIOD)
        assert published is not None and published.id == rid
        assert published.document == before
    with (
        pytest.raises(PublishError, match="已发布并冻结，不能修改"),
        transaction(store) as s,
    ):  # ORM writes are refused too
        row = s.get_one(PublishedResult, rid)
        row.document = {"groups": []}
        row.reason = "tampered"
    with pytest.raises(PublishError, match="永不删除"), transaction(store) as s:
        s.delete(s.get_one(PublishedResult, rid))
    with store() as s:
        assert s.get_one(PublishedResult, rid).document == before


def test_new_draft_after_publication_needs_a_reason(store: sessionmaker[Session]) -> None:
    publish_v1(store)
    for reason in ("", "   "):
        with pytest.raises(PublishError, match="须填写更正原因"), transaction(store) as s:
            compute_draft(s, scheme=SCHEME, period=PERIOD, actor="a", reason=reason)
    with store() as s:
        assert len(versions(s, scheme=SCHEME, period=PERIOD)) == 1


def test_correction_supersedes_and_keeps_the_old_version(store: sessionmaker[Session]) -> None:
    v1_id = publish_v1(store)
    write_all(store, lowered_d1(read_facts(CITY)), actor="fixer", reason="复核更正")
    with transaction(store) as s:
        v2_id = compute_draft(s, scheme=SCHEME, period=PERIOD, actor="计算员", reason="d1 部门考评复核更正").id
        review(s, v2_id, actor="审核员")
    with store() as s:  # until the correction is published, v1 is still what the public sees
        still = current(s, scheme=SCHEME, period=PERIOD)
        assert still is not None and still.id == v1_id
    with transaction(store) as s:
        publish(s, v2_id, actor="考评办")
    with store() as s:
        v2, v1 = versions(s, scheme=SCHEME, period=PERIOD)
        assert (v2.id, v2.version, v2.status, v2.reason) == (v2_id, 2, "published", "d1 部门考评复核更正")
        assert (v1.id, v1.version, v1.status) == (v1_id, 1, "superseded")
        assert v1.document == expected(read_facts(CITY))
        assert v2.document == expected(lowered_d1(read_facts(CITY)))
        assert d1_total(v2.document) < d1_total(v1.document)
        now = current(s, scheme=SCHEME, period=PERIOD)
        assert now is not None and now.id == v2_id
        assert published_periods(s) == [(SCHEME, PERIOD)]
        events = [e for e in trail(s, period=PERIOD) if e.table_name == "published_results"]
    assert [(e.action, e.actor, e.row_key) for e in events] == [
        ("draft", "计算员", "city-1000/2024-Q2/v1"),
        ("review", "审核员", "city-1000/2024-Q2/v1"),
        ("publish", "考评办", "city-1000/2024-Q2/v1"),
        ("draft", "计算员", "city-1000/2024-Q2/v2"),
        ("review", "审核员", "city-1000/2024-Q2/v2"),
        ("correct", "考评办", "city-1000/2024-Q2/v2"),
    ]
    correct = events[-1]
    assert correct.reason == "d1 部门考评复核更正"
    assert correct.after is not None and correct.after["supersedes"] == 1 and correct.after["status"] == "published"
    assert events[2].reason == ""


def test_cli_publish_flow(db_url: str) -> None:
    write_all(open_store(db_url), read_facts(CITY))

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, ["publish", *args, "--db", db_url])
        return result.exit_code, result.stdout, result.stderr

    code, out, _ = run("compute", "--scheme", SCHEME, "--period", PERIOD, "--actor", "计算员")
    assert code == 0 and "草稿 v1" in out and "编号 1" in out
    code, _, err = run("release", "1")
    assert code == 2 and "请先审核" in err
    assert run("review", "1", "--actor", "审核员")[0] == 0
    assert run("release", "1", "--actor", "考评办")[0] == 0
    code, _, err = run("compute", "--scheme", SCHEME, "--period", PERIOD)
    assert code == 2 and "须填写更正原因" in err
    english = runner.invoke(
        app, ["--lang", "en", "publish", "compute", "--scheme", SCHEME, "--period", PERIOD, "--db", db_url]
    )
    assert english.exit_code == 2 and "a new draft is a correction and needs a reason" in english.stderr
    code, out, _ = run("compute", "--scheme", SCHEME, "--period", PERIOD, "--reason", "更正")
    assert code == 0 and "草稿 v2" in out
    assert run("review", "2", "--actor", "审核员")[0] == 0  # another account than the one that computed v2
    code, out, _ = run("release", "2")
    assert code == 0 and "取代 v1" in out
    code, out, _ = run("list", "--scheme", SCHEME, "--period", PERIOD)
    assert code == 0
    lines = [ln for ln in out.splitlines() if ln.startswith("│")]
    assert "v2" in lines[0] and "已发布" in lines[0] and "更正" in lines[0]
    assert "v1" in lines[1] and "已被更正" in lines[1] and "审核员" in lines[1] and "考评办" in lines[1]
    code, _, err = run("compute", "--scheme", "no-such-scheme", "--period", PERIOD, "--reason", "x")
    assert code == 2 and "no such scheme" in err
