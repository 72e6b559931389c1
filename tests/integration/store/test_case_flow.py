"""数字城管 case flow (issue #17) on SQLite and PostgreSQL: intake → 立案 → 派遣 (the handbook's unit and
deadline) → 处置反馈 with a photo → 核查 failed (返工) → feedback again → 核查 passed → 结案, and the unit's
month scored from the recorded steps by province-cases (no import).

Spring Festival 2025: holidays 01-28 … 02-04, 调休 working days Sun 01-26 and Sat 02-08; office hours
08:30–12:00, 13:30–17:30.  垃圾箱 (部件): the handbook's hwc (市环境卫生管理处), 1 working day.

  A: dispatched Fri 02-07 15:00 → deadline Sat 02-08 15:00 (the 调休 Saturday is the next working day).
     Fed back 02-08 10:00, verification failed 11:00 (返工 1, 核查不通过 1), fed back again 14:00 (on time),
     passed Mon 02-10 09:00 → 结案.
  B: dispatched Mon 02-10 09:00 → deadline Tue 02-11 09:00; fed back Wed 02-12 10:00 (late), passed 11:00.

province-cases, hwc, 2025-02 (cases dispatched in February): 应结案 2, 结案 2, 按期处置 1 (A), 返工 1 (A),
核查不通过 1.  结案率 100, 按期处置率 50, 核查通过率 2/(2+1) = 66.667, 返工率 50 → 返工控制 50.
Total = 100×30% + 50×30% + 66.667×20% + 50×20% = 30 + 15 + 13.333 + 10 = 68.33.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db_testing import opened_store
from images_testing import image
from kaoping.app import case_approvals as approvals
from kaoping.app import case_flow as flow
from kaoping.app import case_queues as queues
from kaoping.app.case_rules import office_rules
from kaoping.app.case_steps import status_of
from kaoping.app.errors import Conflict, Denied, Invalid
from kaoping.app.policy import Principal
from kaoping.cases.lifecycle import Status
from kaoping.engine.evaluate import evaluate
from kaoping.periods import parse_period
from kaoping.roles import Role
from kaoping.scheme import load_scheme
from kaoping.store.case_flow_tables import CaseRequest
from kaoping.store.db import transaction
from kaoping.store.facts import load_facts
from kaoping.store.tables import AuditEntry, CaseRow, CaseTransition, Evidence, Unit

RULES = office_rules([])
ACCEPTOR = Principal(username="shouli", role=Role.ACCEPTOR)
DISPATCHER = Principal(username="paiqian", role=Role.DISPATCHER)
SUPERVISOR = Principal(username="jiandu", role=Role.SUPERVISOR)
HWC = Principal(username="hwc-acct", role=Role.UNIT, unit_id="hwc")
LDC = Principal(username="ldc-acct", role=Role.UNIT, unit_id="ldc")
OFFICE = Principal(username="office", role=Role.ADMIN)
PHOTO = flow.Photo("done.png", image("PNG", (48, 32)))


@pytest.fixture
def store(db_url: str) -> Iterator[sessionmaker[Session]]:
    with opened_store(db_url) as factory:
        with transaction(factory) as s:
            for unit_id, name in (("center", "指挥中心"), ("hwc", "市环境卫生管理处"), ("ldc", "市路灯管理处")):
                s.add(Unit(unit_id=unit_id, name=name, group="地市"))
        yield factory


def _new(s: Session, at: datetime) -> str:
    row = flow.take_in(s, ACCEPTOR, flow.NewIntake("center", "component", "垃圾箱", "垃圾箱破损"), at)
    return row.case_id


def _through(s: Session, case_id: str, dispatched: datetime) -> None:
    flow.register(s, ACCEPTOR, case_id, dispatched)
    flow.dispatch(s, DISPATCHER, RULES, case_id, "hwc", dispatched, expected=Status.REGISTERED)


def test_a_case_through_rework_to_closed_and_the_months_score(store: sessionmaker[Session]) -> None:
    with store() as s:
        a = _new(s, datetime(2025, 2, 7, 9))
        assert [i.case_id for i in queues.intake_queue(s, ACCEPTOR, datetime(2025, 2, 7, 9, 5))] == [a]
        flow.register(s, ACCEPTOR, a, datetime(2025, 2, 7, 9, 10), expected=Status.REPORTED)
        [waiting] = queues.dispatch_queue(s, DISPATCHER, RULES, datetime(2025, 2, 7, 10))
        assert waiting.suggestion is not None and (waiting.suggestion.unit, waiting.suggestion.limit) == (
            "hwc",
            "1 个工作日",
        )
        flow.dispatch(s, DISPATCHER, RULES, a, "hwc", datetime(2025, 2, 7, 15), expected=Status.REGISTERED)
        row = s.scalars(select(CaseRow).where(CaseRow.case_id == a)).one()
        assert (row.unit_id, row.dispatched_at, row.deadline) == (
            "hwc",
            datetime(2025, 2, 7, 15),
            datetime(2025, 2, 8, 15),
        )
        assert [i.case_id for i in queues.unit_todo(s, HWC, None, datetime(2025, 2, 8, 9))] == [a]
        assert queues.unit_todo(s, LDC, None, datetime(2025, 2, 8, 9)) == []  # each unit sees only its own

        held, kept = flow.feedback(s, HWC, a, "已更换", [PHOTO], datetime(2025, 2, 8, 10), expected=Status.DISPATCHED)
        assert held.case.status is Status.FEEDBACK and [e.target for e in kept] == [f"case:{a}"]
        assert [i.case_id for i in queues.verify_queue(s, SUPERVISOR, datetime(2025, 2, 8, 10, 30))] == [a]
        flow.verify(s, SUPERVISOR, a, False, datetime(2025, 2, 8, 11), note="桶盖仍缺", expected=Status.FEEDBACK)
        row = s.scalars(select(CaseRow).where(CaseRow.case_id == a).execution_options(populate_existing=True)).one()
        assert (row.rework_count, row.verify_failed, row.disposed_at, status_of(s, row)) == (
            1,
            1,
            None,
            Status.DISPATCHED,
        )
        assert [i.rework_count for i in queues.unit_todo(s, HWC, None, datetime(2025, 2, 8, 12))] == [
            1
        ]  # back on its list
        flow.feedback(
            s, HWC, a, "已补桶盖", [flow.Photo("again.png", image("PNG", (50, 30)))], datetime(2025, 2, 8, 14)
        )
        flow.verify(s, SUPERVISOR, a, True, datetime(2025, 2, 10, 9))

        b = _new(s, datetime(2025, 2, 10, 8))
        _through(s, b, datetime(2025, 2, 10, 9))
        flow.feedback(s, HWC, b, "", [flow.Photo("b.png", image("PNG", (52, 30)))], datetime(2025, 2, 12, 10))
        flow.verify(s, SUPERVISOR, b, True, datetime(2025, 2, 12, 11))

        rows = {r.case_id: r for r in s.scalars(select(CaseRow).execution_options(populate_existing=True))}
        assert (rows[a].closed_at, rows[a].disposed_at) == (datetime(2025, 2, 10, 9), datetime(2025, 2, 8, 14))
        assert (rows[b].deadline, rows[b].disposed_at) == (datetime(2025, 2, 11, 9), datetime(2025, 2, 12, 10))
        steps = s.scalars(
            select(CaseTransition.to_status).where(CaseTransition.case_id == a).order_by(CaseTransition.id)
        )
        assert list(steps) == [
            "registered", "dispatched", "feedback", "verifying", "dispatched", "feedback", "verifying", "closed",
        ]  # fmt: skip
        actions = [e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.row_key == a))]
        assert actions.count("case_step") == 8
        assert s.query(Evidence).count() == 3

        result = evaluate(load_scheme("province-cases"), load_facts(s), parse_period("2025-02"))
        hwc = result.unit("hwc")
        assert hwc is not None
        cent = Decimal("0.01")
        assert {k: v.quantize(cent) for k, v in hwc.parts.items()} == {
            "结案率指标": Decimal(100),
            "按期处置率指标": Decimal(50),
            "核查通过率指标": Decimal("66.67"),
            "返工控制": Decimal(50),
        }
        assert hwc.total.quantize(cent) == Decimal("68.33")


def test_the_handbook_unit_is_suggested_another_needs_a_reason(store: sessionmaker[Session]) -> None:
    with store() as s:
        a = _new(s, datetime(2025, 2, 7, 9))
        flow.register(s, ACCEPTOR, a, datetime(2025, 2, 7, 9, 10))
        with pytest.raises(Invalid, match="须说明理由"):
            flow.dispatch(s, DISPATCHER, RULES, a, "ldc", datetime(2025, 2, 7, 15))
        held = flow.dispatch(s, DISPATCHER, RULES, a, "ldc", datetime(2025, 2, 7, 15), reason="路灯杆上的垃圾箱")
        assert held.row.unit_id == "ldc"
        note = s.scalars(select(CaseTransition.note).where(CaseTransition.to_status == "dispatched")).one()
        assert note == "改派理由：路灯杆上的垃圾箱"


def test_roles_and_stale_steps_are_refused(store: sessionmaker[Session]) -> None:
    with store() as s:
        a = _new(s, datetime(2025, 2, 7, 9))
        with pytest.raises(Denied):
            flow.register(s, SUPERVISOR, a, datetime(2025, 2, 7, 9, 10))
        with pytest.raises(Denied):
            flow.take_in(s, HWC, flow.NewIntake("center", "component", "垃圾箱"), datetime(2025, 2, 7, 9))
        flow.register(s, ACCEPTOR, a, datetime(2025, 2, 7, 9, 10))
        with pytest.raises(Conflict, match="已被他人处理"):  # the page showed it still pending
            flow.register(s, ACCEPTOR, a, datetime(2025, 2, 7, 9, 11), expected=Status.REPORTED)
        with pytest.raises(Conflict, match="不能立案"):
            flow.register(s, ACCEPTOR, a, datetime(2025, 2, 7, 9, 11))
        flow.dispatch(s, ACCEPTOR, RULES, a, "hwc", datetime(2025, 2, 7, 15))  # no dispatcher: the acceptor may
        with pytest.raises(Denied):  # another unit's case
            flow.feedback(s, LDC, a, "", [PHOTO], datetime(2025, 2, 8, 10))
        with pytest.raises(Invalid, match="照片"):
            flow.feedback(s, HWC, a, "", [], datetime(2025, 2, 8, 10))
        with pytest.raises(Denied):
            flow.verify(s, HWC, a, True, datetime(2025, 2, 8, 10))
        with pytest.raises(Invalid, match="理由"):  # a failed verification says why
            flow.feedback(s, HWC, a, "", [PHOTO], datetime(2025, 2, 8, 10))
            flow.verify(s, SUPERVISOR, a, False, datetime(2025, 2, 8, 11))
        denied = [e for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))]
        assert len(denied) == 4


def test_postpone_suspend_and_invalidate_need_the_offices_approval(store: sessionmaker[Session]) -> None:
    with store() as s:
        a = _new(s, datetime(2025, 2, 7, 9))
        _through(s, a, datetime(2025, 2, 7, 15))
        with pytest.raises(Invalid, match="晚于原处置时限"):
            approvals.ask(
                s,
                HWC,
                approvals.NewAsk(a, approvals.Ask.POSTPONE, "缺配件", datetime(2025, 2, 8, 9)),
                datetime(2025, 2, 7, 16),
            )
        asked = approvals.ask(
            s,
            HWC,
            approvals.NewAsk(a, approvals.Ask.POSTPONE, "缺配件", datetime(2025, 2, 12, 17)),
            datetime(2025, 2, 7, 16),
        )
        with pytest.raises(Denied):
            approvals.decide(s, DISPATCHER, asked.id, True, "", datetime(2025, 2, 7, 17))
        row = s.scalars(select(CaseRow).where(CaseRow.case_id == a)).one()
        assert (row.deadline, row.postponed) == (datetime(2025, 2, 8, 15), 0)  # not before the approval
        approvals.decide(s, OFFICE, asked.id, True, "同意", datetime(2025, 2, 7, 17))
        row = s.scalars(select(CaseRow).where(CaseRow.case_id == a).execution_options(populate_existing=True)).one()
        assert (row.deadline, row.postponed) == (datetime(2025, 2, 12, 17), 1)
        with pytest.raises(Conflict):  # decided once
            approvals.decide(s, OFFICE, asked.id, False, "不同意", datetime(2025, 2, 7, 18))

        suspend = approvals.ask(
            s, HWC, approvals.NewAsk(a, approvals.Ask.SUSPEND, "需市政立项"), datetime(2025, 2, 8, 9)
        )
        approvals.decide(s, OFFICE, suspend.id, False, "先处置", datetime(2025, 2, 8, 10))
        assert status_of(s, row) is Status.DISPATCHED
        assert s.get(CaseRequest, suspend.id).status == "refused"  # type: ignore[union-attr]
        longterm = approvals.ask(
            s, HWC, approvals.NewAsk(a, approvals.Ask.SUSPEND, "需市政立项"), datetime(2025, 2, 8, 11)
        )
        approvals.decide(s, OFFICE, longterm.id, True, "", datetime(2025, 2, 8, 12))
        assert status_of(s, row) is Status.SUSPENDED
        assert queues.unit_todo(s, HWC, None, datetime(2025, 2, 8, 12)) == []  # 挂账: off the to-do list
        with pytest.raises(Denied):
            approvals.resume(s, HWC, a, datetime(2025, 3, 3, 9))
        resumed = approvals.resume(s, OFFICE, a, datetime(2025, 3, 3, 9))
        assert (resumed.case.status, resumed.row.deadline) == (Status.DISPATCHED, datetime(2025, 2, 12, 17))

        b = _new(s, datetime(2025, 2, 8, 9))
        void = approvals.ask(
            s, ACCEPTOR, approvals.NewAsk(b, approvals.Ask.INVALIDATE, "重复上报"), datetime(2025, 2, 8, 9)
        )
        assert [r.id for r in approvals.pending(s)] == [void.id]
        approvals.decide(s, OFFICE, void.id, True, "", datetime(2025, 2, 8, 10))
        b_row = s.scalars(select(CaseRow).where(CaseRow.case_id == b)).one()
        assert status_of(s, b_row) is Status.INVALID
        assert queues.intake_queue(s, ACCEPTOR, datetime(2025, 2, 8, 11)) == []


def test_two_dispatchers_at_once_dispatch_a_case_once(store: sessionmaker[Session]) -> None:
    """Eight dispatchers press 派遣 on one registered case at the same moment: the row lock lets one through;
    the others find it dispatched and are refused (Conflict) — one step recorded, nothing else raised."""
    with store() as s:
        case_id = _new(s, datetime(2025, 2, 7, 9))
        flow.register(s, ACCEPTOR, case_id, datetime(2025, 2, 7, 9, 10))
    clients = 8
    start = threading.Barrier(clients)
    outcomes = [""] * clients

    def client(i: int) -> None:
        start.wait()
        with store() as session:
            try:
                flow.dispatch(session, DISPATCHER, RULES, case_id, "hwc", datetime(2025, 2, 7, 15, i))
                outcomes[i] = "ok"
            except Conflict:
                session.rollback()
                outcomes[i] = "conflict"
            except Exception as exc:  # anything else fails the test below
                session.rollback()
                outcomes[i] = repr(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["conflict"] * (clients - 1) + ["ok"], outcomes
    with store() as s:
        steps = s.scalars(select(CaseTransition).where(CaseTransition.to_status == "dispatched")).all()
        assert len(steps) == 1


def test_a_pass_drawn_for_the_citys_second_check_waits_for_the_office(store: sessionmaker[Session]) -> None:
    """KAOPING_CASE_SECOND_CHECK=100: every passed verification goes to the office's 市级复核 first."""
    with store() as s:
        a = _new(s, datetime(2025, 2, 7, 9))
        _through(s, a, datetime(2025, 2, 7, 15))
        flow.feedback(s, HWC, a, "", [PHOTO], datetime(2025, 2, 8, 10))
        held = flow.verify(s, SUPERVISOR, a, True, datetime(2025, 2, 8, 11), second_check=100)
        assert (held.case.status, held.row.closed_at) == (Status.VERIFYING, None)
        assert queues.verify_queue(s, SUPERVISOR, datetime(2025, 2, 8, 12)) == []  # not the supervisor's any more
        assert [i.case_id for i in queues.verify_queue(s, OFFICE, datetime(2025, 2, 8, 12))] == [a]
        with pytest.raises(Denied):
            flow.verify(s, SUPERVISOR, a, True, datetime(2025, 2, 8, 12), second_check=100)
        closed = flow.verify(s, OFFICE, a, True, datetime(2025, 2, 10, 9), second_check=100)
        assert (closed.case.status, closed.row.closed_at) == (Status.CLOSED, datetime(2025, 2, 10, 9))
        notes = s.scalars(select(CaseTransition.note).where(CaseTransition.case_id == a).order_by(CaseTransition.id))
        assert list(notes)[-2:] == ["（核查通过，抽中市级复核）", "市级复核："]
