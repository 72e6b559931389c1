"""一键发布季度及各月 (app/publish_batch.py) and `kaoping publish advance`, on SQLite and PostgreSQL.

district-performance ranks months and quarters; its example data covers April–June 2024, so 2024-Q2 is four
results: 2024-04, 2024-05, 2024-06 and 2024-Q2.  With separation of duties on, 甲's action computes the four
drafts and stops; 甲 again can do nothing (a conflict, and no refusal recorded — nothing was tried); 乙's
action reviews and publishes all four.  A month that cannot be computed undoes the whole action.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.app.policy import Principal, Via
from kaoping.app.publish import compute_draft, publish, review
from kaoping.app.publish_batch import Did, Stop, advance
from kaoping.cli import app
from kaoping.errors import Conflict
from kaoping.io.readers import read_facts
from kaoping.roles import Role
from kaoping.statuses import ResultStatus
from kaoping.store.audit import trail
from kaoping.store.db import open_store, transaction
from kaoping.store.publishing import PublishError
from kaoping.store.tables import CaseRow, PublishedResult
from store_testing import write_all_facts

SCHEME = "district-performance"
FOUR = ["2024-04", "2024-05", "2024-06", "2024-Q2"]
runner = CliRunner()


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    factory = open_store(db_url)
    with transaction(factory) as s:
        write_all_facts(s, read_facts(EXAMPLES / SCHEME), "importer", "")
    return factory


def office(name: str, role: Role = Role.ADMIN) -> Principal:
    return Principal(username=name, role=role, via=Via.CLI)


def statuses(factory: sessionmaker[Session]) -> dict[str, list[tuple[int, str, str, str | None]]]:
    """Per period, its versions as (version, status, computed by, reviewed by)."""
    with factory() as s:
        rows = s.scalars(select(PublishedResult).order_by(PublishedResult.period, PublishedResult.version))
        out: dict[str, list[tuple[int, str, str, str | None]]] = {}
        for r in rows:
            out.setdefault(r.period, []).append((r.version, r.status, r.created_by, r.reviewed_by))
        return out


def actions(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    with factory() as s:
        return [(e.actor, e.action) for e in trail(s) if e.table_name == "published_results"]


def test_two_people_publish_the_quarter_and_its_months(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        first = advance(s, office("甲"), scheme=SCHEME, period="2024-Q2", with_months=True)
    assert [st.period for st in first.steps] == FOUR
    assert all(st.done == (Did.COMPUTED,) and st.stop == Stop.SECOND_PERSON for st in first.steps)
    assert statuses(store) == {p: [(1, "draft", "甲", None)] for p in FOUR}

    with pytest.raises(PublishError, match="职责分离"), transaction(store) as s:
        advance(s, office("甲"), scheme=SCHEME, period="2024-Q2", with_months=True)
    assert ("甲", "denied") not in actions(store)  # nothing was tried, so nothing was refused

    with transaction(store) as s:
        second = advance(s, office("乙"), scheme=SCHEME, period="2024-Q2", with_months=True)
    assert all(st.done == (Did.REVIEWED, Did.PUBLISHED) and st.stop == Stop.DONE for st in second.steps)
    assert statuses(store) == {p: [(1, "published", "甲", "乙")] for p in FOUR}
    done = actions(store)
    assert done.count(("甲", "draft")) == 4 and done.count(("乙", "review")) == 4
    assert done.count(("乙", "publish")) == 4 and done.count(("甲", "advance")) == 1
    assert done.count(("乙", "advance")) == 1
    with store() as s:
        event = next(e for e in trail(s) if e.action == "advance" and e.actor == "乙")
        assert event.row_key == f"{SCHEME}/2024-Q2" and event.period == "2024-Q2"
        assert (event.after or {})["periods"]["2024-05"] == ["reviewed", "published"]


def test_one_person_without_separation_does_it_all(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        done = advance(s, office("甲"), scheme=SCHEME, period="2024-Q2", with_months=True, separate_duties=False)
    assert all(st.done == (Did.COMPUTED, Did.REVIEWED, Did.PUBLISHED) for st in done.steps)
    assert statuses(store) == {p: [(1, "published", "甲", "甲")] for p in FOUR}


def test_published_months_are_left_and_a_draft_by_another_is_reviewed(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        may = compute_draft(s, scheme=SCHEME, period="2024-05", actor="丙").id
        review(s, may, actor="丁")
        publish(s, may, actor="丁")
        compute_draft(s, scheme=SCHEME, period="2024-06", actor="丙")
    with transaction(store) as s:
        done = advance(s, office("甲"), scheme=SCHEME, period="2024-Q2", with_months=True)
    by = {st.period: st for st in done.steps}
    assert by["2024-05"].done == () and by["2024-05"].stop == Stop.ALREADY
    assert by["2024-06"].done == (Did.REVIEWED, Did.PUBLISHED)  # 丙 computed it: 甲 may review
    assert by["2024-04"].done == (Did.COMPUTED,) and by["2024-Q2"].stop == Stop.SECOND_PERSON
    assert statuses(store)["2024-05"] == [(1, "published", "丙", "丁")]


def test_without_months_only_the_quarter(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        done = advance(s, office("甲"), scheme=SCHEME, period="2024-Q2", with_months=False, separate_duties=False)
    assert [st.period for st in done.steps] == ["2024-Q2"]
    assert set(statuses(store)) == {"2024-Q2"}


def test_a_month_that_cannot_be_computed_undoes_everything(store: sessionmaker[Session]) -> None:
    """2024-Q3: one case in July (computable), nothing in August: the July draft is not kept either."""
    with transaction(store) as s:
        at = datetime(2024, 7, 3, 9, 0)
        s.add(CaseRow(nkey="t-jul", case_id="JUL-1", unit_id="s1", kind="event", category="小广告", reported_at=at,
                      dispatched_at=at, rework_count=0, verify_failed=0, postponed=0))  # fmt: skip
    with pytest.raises(PublishError, match="2024-08"), transaction(store) as s:
        advance(s, office("甲"), scheme=SCHEME, period="2024-Q3", with_months=True)
    assert statuses(store) == {} and ("甲", "advance") not in actions(store)


def test_a_role_without_the_permission_does_nothing(store: sessionmaker[Session]) -> None:
    with pytest.raises(PublishError, match="无权"), transaction(store) as s:
        advance(s, office("某单位", Role.UNIT), scheme=SCHEME, period="2024-Q2", with_months=True)
    assert statuses(store) == {}


def test_cli_two_actors(store: sessionmaker[Session], db_url: str) -> None:
    args = ["publish", "advance", "--scheme", SCHEME, "--period", "2024-Q2", "--db", db_url]
    first = runner.invoke(app, [*args, "--actor", "甲"])
    assert first.exit_code == 0, first.output
    assert "2024-04" in first.output and "计算草稿" in first.output and "职责分离" in first.output
    again = runner.invoke(app, [*args, "--actor", "甲"])
    assert again.exit_code == 2 and "没有可以进行的步骤" in again.output
    second = runner.invoke(app, [*args, "--actor", "乙", "--without-months"])
    assert second.exit_code == 0, second.output
    assert statuses(store)["2024-Q2"][0][1] == ResultStatus.PUBLISHED
    assert statuses(store)["2024-04"][0][1] == ResultStatus.DRAFT  # --without-months: the months wait
    english = runner.invoke(app, ["--lang", "en", *args, "--actor", "乙"])
    assert english.exit_code == 0 and "publish in one step" in english.output and "reviewed" in english.output


def test_reviewers_racing_publish_each_period_once(store: sessionmaker[Session]) -> None:
    """Four reviewers click at once after 甲's drafts: one action goes through whole, the others are
    conflicts that leave nothing behind (each step's row and period locks, taken in the same order)."""
    with transaction(store) as s:
        advance(s, office("甲"), scheme=SCHEME, period="2024-Q2", with_months=True)
    start = threading.Barrier(4)
    outcomes: list[str] = [""] * 4

    def reviewer(i: int) -> None:
        start.wait()
        with store() as session:
            try:
                advance(session, office(f"审核{i}"), scheme=SCHEME, period="2024-Q2", with_months=True)
                session.commit()
                outcomes[i] = "ok"
            except Conflict:
                session.rollback()
                outcomes[i] = "conflict"
            except Exception as exc:  # anything else is a failure of the test
                session.rollback()
                outcomes[i] = repr(exc)

    threads = [threading.Thread(target=reviewer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"], outcomes
    winner = f"审核{outcomes.index('ok')}"
    assert statuses(store) == {p: [(1, "published", "甲", winner)] for p in FOUR}
    assert [a for a in actions(store) if a[1] == "advance"] == [("甲", "advance"), (winner, "advance")]
