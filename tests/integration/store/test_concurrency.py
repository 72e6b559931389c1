"""Concurrent writes (issue 14, point 3): fifty clients at once lose no update and get no 500.

Each client is a thread with a session of its own — real concurrency on the database, which is where
the races were (the app layer's functions, not a TestClient: what is raced is the store's transactions).
Every client's outcome is either done or a clean Conflict; anything else fails the test.  Bounded: a few
seconds per database.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from kaoping.app.appeals import answer_appeal
from kaoping.app.facts import one_row, write_row
from kaoping.app.policy import Principal
from kaoping.app.publish import compute_draft, publish, review
from kaoping.cli import app
from kaoping.errors import Conflict
from kaoping.roles import Role
from kaoping.statuses import AppealStatus, ResultStatus
from kaoping.store import case_cells, deduction_cells
from kaoping.store.chain import check_trail
from kaoping.store.db import transaction
from kaoping.store.facts import TABLES, columns
from kaoping.store.tables import Appeal, AuditEntry, PublishedResult, SchemeVersion
from store_testing import example_store

CLIENTS = 50


def race(factory: sessionmaker[Session], work: Callable[[Session, int], Any], clients: int = CLIENTS) -> list[str]:
    """``work(session, i)`` in ``clients`` threads started together; each outcome "ok", "conflict" or the
    repr of any other exception (each thread has its own session, committed by ``work``)."""
    start = threading.Barrier(clients)
    outcomes: list[str] = [""] * clients

    def client(i: int) -> None:
        start.wait()
        with factory() as session:
            try:
                work(session, i)
                outcomes[i] = "ok"
            except Conflict:
                session.rollback()
                outcomes[i] = "conflict"
            except Exception as exc:
                session.rollback()
                outcomes[i] = repr(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.fixture
def factory(db_url: str) -> sessionmaker[Session]:
    return example_store(db_url)


def test_fifty_writers_of_one_fact_lose_no_update(factory: sessionmaker[Session]) -> None:
    table: Any = TABLES["scores"]
    with factory() as s:
        first = s.scalars(select(table).order_by(table.id).limit(1)).one()
        values = {c: getattr(first, c) for c in columns("scores")}
        key = first.nkey
    rounds = 3

    def write(session: Session, i: int) -> None:
        for r in range(rounds):  # every value distinct: each accepted write is an update with its own audit row
            row = values | {"score": float(1 + i * rounds + r) / 10}
            write_row(session, "scores", one_row("scores", row), actor=f"w{i}", reason="race")
            session.commit()

    outcomes = race(factory, write)
    assert [o for o in outcomes if o not in ("ok", "conflict")] == []
    with factory() as s:
        stored = s.scalars(select(table).where(table.nkey == key)).one()
        trail = list(s.scalars(select(AuditEntry).where(AuditEntry.row_key == key).order_by(AuditEntry.id)))
    updates = [e for e in trail if e.action == "update"]
    assert len(updates) == outcomes.count("ok") * rounds  # no accepted write was lost
    assert updates[0].before["score"] == pytest.approx(float(values["score"]))
    for prev, entry in itertools.pairwise(updates):  # each "before" is the previous "after"
        assert entry.before == prev.after, (prev.id, entry.id)
    assert float(stored.score) == pytest.approx(updates[-1].after["score"])


def test_fifty_inserts_of_one_new_key_make_one_row(factory: sessionmaker[Session]) -> None:
    """The insert race: the key is new to all of them; one inserts, the rest update it — no unique-key 500."""
    table: Any = TABLES["scores"]
    with factory() as s:
        first = s.scalars(select(table).order_by(table.id).limit(1)).one()
        values = {c: getattr(first, c) for c in columns("scores")} | {"period": "2031-Q1"}

    def write(session: Session, i: int) -> None:
        write_row(session, "scores", one_row("scores", values | {"score": float(i)}), actor=f"w{i}", reason="race")
        session.commit()

    outcomes = race(factory, write)
    assert [o for o in outcomes if o not in ("ok", "conflict")] == []
    with factory() as s:
        rows = list(s.scalars(select(table).where(table.period == "2031-Q1")))
        assert len(rows) == 1
        trail = list(s.scalars(select(AuditEntry).where(AuditEntry.row_key == rows[0].nkey).order_by(AuditEntry.id)))
    assert [e.action for e in trail][:1] == ["insert"]
    for prev, entry in itertools.pairwise(trail):
        assert entry.before == prev.after
    assert float(rows[0].score) == pytest.approx(trail[-1].after["score"])


def test_fifty_reviews_then_fifty_publications_accept_one_each(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        draft_id = compute_draft(s, scheme="city-1000", period="2024-Q2", actor="computer").id

    def do_review(session: Session, i: int) -> None:
        review(session, draft_id, actor=f"reviewer{i}", separate_duties=False)
        session.commit()

    def do_publish(session: Session, i: int) -> None:
        publish(session, draft_id, actor=f"publisher{i}")
        session.commit()

    for step, work in (("review", do_review), ("publish", do_publish)):
        outcomes = race(factory, work)
        assert sorted(set(outcomes)) == ["conflict", "ok"], (step, set(outcomes))
        assert outcomes.count("ok") == 1, step
    with factory() as s:
        row = s.get(PublishedResult, draft_id)
        assert row is not None and row.status == ResultStatus.PUBLISHED
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.table_name == "published_results")))
    assert actions.count("review") == 1 and actions.count("publish") == 1


def _open_appeal(s: Session) -> int:
    """An appeal of d1 against 2024-Q2, waiting for its answer; its id."""
    appeal = Appeal(
        unit_id="d1", period="2024-Q2", target="", text="申诉", status=AppealStatus.OPEN,
        created_at=datetime(2024, 7, 1), created_by="d1-user", answer="",
    )  # fmt: skip
    s.add(appeal)
    s.flush()
    return appeal.id


def test_fifty_answers_to_one_appeal_accept_one(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        appeal_id = _open_appeal(s)
    ctx: Any = SimpleNamespace(settings=SimpleNamespace(clock=lambda: datetime(2024, 7, 2)))
    office = Principal(username="office", role=Role.ADMIN)

    def answer(session: Session, i: int) -> None:
        answer_appeal(ctx, session, office, appeal_id, status=AppealStatus.REJECTED, answer=f"答复 {i}")

    outcomes = race(factory, answer)
    assert outcomes.count("ok") == 1 and outcomes.count("conflict") == CLIENTS - 1, set(outcomes)
    with factory() as s:
        answers = list(s.scalars(select(AuditEntry).where(AuditEntry.row_key == f"appeal:{appeal_id}")))
    assert len(answers) == 1


def test_drafts_computed_at_once_make_one_version(factory: sessionmaker[Session]) -> None:
    """The first drafts of a period computed at once: one scheme text stored, one v1 (the others redraft
    it), no unique-key error — computing takes the period's lock before it reads the versions."""

    def compute(session: Session, i: int) -> None:
        compute_draft(session, scheme="city-1000", period="2024-Q2", actor=f"computer{i}")
        session.commit()

    outcomes = race(factory, compute, clients=10)
    assert outcomes == ["ok"] * 10
    with factory() as s:
        rows = list(s.scalars(select(PublishedResult)))
        assert [(r.version, r.status) for r in rows] == [(1, ResultStatus.DRAFT)]
        assert len(list(s.scalars(select(SchemeVersion)))) == 1


def test_answers_racing_to_accept_one_appeal_start_one_correction(factory: sessionmaker[Session]) -> None:
    """Accepting computes a correction: of ten office clients accepting one appeal at once, one wins, the
    rest get a clean conflict, and the period has one correction draft naming that appeal and that answer."""
    from kaoping.app.appeals import AcceptChoice
    from kaoping.app.context import AppContext, load_office_schemes, load_settings

    with transaction(factory) as s:
        rid = compute_draft(s, scheme="city-1000", period="2024-Q2", actor="计算员").id
        review(s, rid, actor="审核员")
        publish(s, rid, actor="发布员")
        appeal_id = _open_appeal(s)
    settings = load_settings(None, secret="s" * 32, schemes=["city-1000"], separation_of_duties=False)
    ctx = AppContext(settings, factory, load_office_schemes(settings.schemes))
    office = Principal(username="office", role=Role.ADMIN)

    def answer(session: Session, i: int) -> None:
        accepted = AppealStatus.ACCEPTED
        answer_appeal(ctx, session, office, appeal_id, status=accepted, answer=f"答复 {i}", accept=AcceptChoice())

    outcomes = race(factory, answer, clients=10)
    assert outcomes.count("ok") == 1 and outcomes.count("conflict") == 9, set(outcomes)
    with factory() as s:
        answered = s.get(Appeal, appeal_id)
        assert answered is not None
        drafts = [r for r in s.scalars(select(PublishedResult)) if r.status == ResultStatus.DRAFT]
    assert answered.status == AppealStatus.ACCEPTED
    assert [r.reason for r in drafts] == [f"受理申诉 #{appeal_id}（甲区）：{answered.answer}"]


def test_fifty_writers_of_cases_and_deductions_keep_the_chain_and_the_cells(
    factory: sessionmaker[Session], db_url: str
) -> None:
    """Writers of different rows at once, each a case moved on in a second transaction or a deduction: the
    cells' difference is worked out before the audit chain's lock and the chain's head read under it, so
    every entry still follows the one before (the trail checks intact, one entry per write), and the kept
    case and deduction cells equal a recount."""
    with factory() as s:
        unit = s.scalars(select(TABLES["units"].unit_id).order_by(TABLES["units"].unit_id).limit(1)).one()  # type: ignore[attr-defined]
        entries_before = len(list(s.scalars(select(AuditEntry.id))))

    def write(session: Session, i: int) -> None:
        if i % 2:
            day = datetime(2024, 1 + i % 12, 1 + i % 27, 9)
            case = {"case_id": f"RACE-{i}", "unit_id": unit, "kind": "event", "category": "井盖"}
            case |= {"reported_at": day, "dispatched_at": day, "deadline": day.replace(hour=18)}
            write_row(session, "cases", one_row("cases", case), actor=f"w{i}", reason="race")
            session.commit()
            closed = case | {"disposed_at": day.replace(hour=12), "closed_at": day.replace(hour=13)}
            write_row(session, "cases", one_row("cases", closed), actor=f"w{i}", reason="race")
        else:
            row = {"date": datetime(2024, 1 + i % 12, 2).date(), "unit_id": unit, "part": "日常巡查"}
            row |= {"item": "市容秩序", "points": 0.5, "source": "督查员", "problem": f"race {i}"}
            write_row(session, "deductions", one_row("deductions", row), actor=f"w{i}", reason="race")
        session.commit()

    outcomes = race(factory, write)
    assert [o for o in outcomes if o not in ("ok", "conflict")] == []
    with factory() as s:
        report = check_trail(s)
        entries = len(list(s.scalars(select(AuditEntry.id))))
        assert report.intact, report
        assert report.entries == entries
        ok = [i for i, o in enumerate(outcomes) if o == "ok"]
        assert entries - entries_before == sum(2 if i % 2 else 1 for i in ok)
        assert case_cells.differing_cells(s).is_empty()
        assert deduction_cells.differing_cells(s).is_empty()
    verified = CliRunner().invoke(app, ["verify", "--audit", "--cells", "--db", db_url])
    assert verified.exit_code == 0, verified.output
