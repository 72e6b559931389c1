"""Separation of duties (职责分离) in the use case and the CLI, on SQLite and PostgreSQL.

The rule itself is the policy table's (``kaoping.app.policy.duty_conflict``); ``kaoping.app.publish`` asks
it at review and at a recomputation of an open version, and a refusal leaves a committed ``denied`` event
even though the caller's transaction is rolled back (the CLI runs each command in one transaction).
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.app.duties import Step, duty_conflict
from kaoping.app.publish import compute_draft, review
from kaoping.cli import app
from kaoping.errors import Denied
from kaoping.io.readers import read_facts
from kaoping.statuses import ResultStatus
from kaoping.store.audit import trail
from kaoping.store.db import open_store, transaction
from kaoping.store.publishing import get
from store_testing import write_all_facts

SCHEME, PERIOD = "city-1000", "2024-Q2"
runner = CliRunner()


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    factory = open_store(db_url)
    with transaction(factory) as s:
        write_all_facts(s, read_facts(EXAMPLES / "city-1000"), "importer", "")
    return factory


def denied(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    with factory() as s:
        return [(e.actor, str((e.after or {}).get("attempted"))) for e in trail(s) if e.action == "denied"]


def test_the_rule() -> None:
    assert duty_conflict(Step.REVIEW, "a", computed_by="a", reviewed_by=None, enabled=True)
    assert duty_conflict(Step.REVIEW, "b", computed_by="a", reviewed_by=None, enabled=True) is None
    assert duty_conflict(Step.COMPUTE, "b", computed_by="a", reviewed_by="b", enabled=True)
    assert duty_conflict(Step.COMPUTE, "a", computed_by="a", reviewed_by="b", enabled=True) is None
    assert duty_conflict(Step.REVIEW, "a", computed_by="a", reviewed_by=None, enabled=False) is None
    assert duty_conflict(Step.COMPUTE, "b", computed_by="a", reviewed_by="b", enabled=False) is None


def test_review_by_the_computing_account_is_refused_and_audited(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        rid = compute_draft(s, scheme=SCHEME, period=PERIOD, actor="计算员").id
    with pytest.raises(Denied, match="职责分离"), transaction(store) as s:
        review(s, rid, actor="计算员")
    assert denied(store) == [("计算员", "review")]
    with store() as s:
        assert get(s, rid).status == ResultStatus.DRAFT
    with transaction(store) as s:
        assert review(s, rid, actor="审核员").status == ResultStatus.REVIEWED


def test_recompute_by_the_reviewer_is_refused_and_audited(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        rid = compute_draft(s, scheme=SCHEME, period=PERIOD, actor="计算员").id
        review(s, rid, actor="审核员")
    with pytest.raises(Denied, match="职责分离"), transaction(store) as s:
        compute_draft(s, scheme=SCHEME, period=PERIOD, actor="审核员")
    assert denied(store) == [("审核员", "compute")]
    with store() as s:
        assert get(s, rid).status == ResultStatus.REVIEWED


def test_off_one_account_does_both(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        rid = compute_draft(s, scheme=SCHEME, period=PERIOD, actor="考评办", separate_duties=False).id
        review(s, rid, actor="考评办", separate_duties=False)
        compute_draft(s, scheme=SCHEME, period=PERIOD, actor="考评办", separate_duties=False)
    assert denied(store) == []


def test_cli_follows_the_setting(store: sessionmaker[Session], db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["publish", *args, "--db", db_url])
        return result.exit_code, result.stderr

    monkeypatch.delenv("KAOPING_SEPARATION_OF_DUTIES", raising=False)
    assert run("compute", "--scheme", SCHEME, "--period", PERIOD, "--actor", "计算员")[0] == 0
    code, err = run("review", "1", "--actor", "计算员")
    assert code == 2 and "职责分离" in err
    assert denied(store) == [("计算员", "review")]
    monkeypatch.setenv("KAOPING_SEPARATION_OF_DUTIES", "off")
    assert run("review", "1", "--actor", "计算员")[0] == 0
