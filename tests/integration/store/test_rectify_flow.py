"""整改 workflow (issue #17) on SQLite and PostgreSQL, on examples/district-onsite (5 working days, per monthly
report; see tests/unit/engine/test_scheme_district_onsite.py for the due dates worked by hand):

  open on 2024-06-01: P1 u1 (02-10, due 02-22), P4 u3 (04-01, due 04-09), P2 u2 (05-12, due 05-17) — all overdue;
  P3 and P5 were rectified, P4's February run too.
  u3 records its plan for P4; u3 may not plan for u1's P1 (denied, audited); an inspector may not plan.
  The inspector fails P4 on 06-05 (a notice row of 06-05 with failed_reinspections 1: June's report 3rd in a
  row → 2, and the failure → 2: June 4) and passes it on 06-20 (rectified_on 06-20 on every row of the run: July
  charges nothing; June still 4 — it was overdue in June until it passed).
  The office sends the overdue ones to 督办 on 06-01: P1, P2, P4 (once: again on 06-02 sends none).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kaoping.app.errors import Denied, NotFound
from kaoping.app.policy import Principal
from kaoping.app.rectify_flow import Outcome, Plan, Status, open_items, record_plan, reinspect, supervise_overdue
from kaoping.engine.evaluate import evaluate
from kaoping.periods import parse_period
from kaoping.roles import Role
from kaoping.scheme import load_scheme
from kaoping.store.facts import load_facts
from kaoping.store.rectify_tables import Rectification, Reinspection
from kaoping.store.tables import AuditEntry
from store_testing import example_store

SCHEME = load_scheme("district-onsite")
AT = datetime(2024, 6, 1, 9, 0)
U3 = Principal(username="u3acct", role=Role.UNIT, unit_id="u3")
INSPECTOR = Principal(username="insp", role=Role.INSPECTOR)
OFFICE = Principal(username="office", role=Role.ADMIN)


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    return example_store(db_url, "district-onsite")


def _penalty(s: Session, unit: str, month: str) -> Decimal:
    result = evaluate(SCHEME, load_facts(s), parse_period(month))
    found = result.unit(unit)
    assert found is not None
    return found.penalty


def test_open_items_with_working_day_deadlines(store: sessionmaker[Session]) -> None:
    with store() as s:
        items = open_items(s, SCHEME, date(2024, 6, 1))
        assert [(i.unit_id, i.problem_id, i.first_notified, i.due, i.overdue) for i in items] == [
            ("u1", "P1", date(2024, 2, 10), date(2024, 2, 22), True),
            ("u3", "P4", date(2024, 4, 1), date(2024, 4, 9), True),
            ("u2", "P2", date(2024, 5, 12), date(2024, 5, 17), True),
        ]
        assert [i.problem_id for i in open_items(s, SCHEME, date(2024, 6, 1), "u3")] == ["P4"]


def test_plan_reinspections_and_the_escalation_stopping(store: sessionmaker[Session]) -> None:
    plan = Plan("P4", date(2024, 4, 1), "清理绿化带垃圾", date(2024, 6, 10), "每日巡查两次")
    with store() as s:
        record_plan(s, U3, None, plan, AT)
        (p4,) = open_items(s, SCHEME, date(2024, 6, 1), "u3")
        assert (p4.status, p4.target, p4.time_limit) == (Status.PLANNED, "清理绿化带垃圾", date(2024, 6, 10))
        assert _penalty(s, "u3", "2024-06") == 2  # June: P4's 3rd monthly report
        reinspect(s, INSPECTOR, Outcome("u3", "P4", date(2024, 4, 1), False, date(2024, 6, 5), "仍有垃圾"), AT)
        assert _penalty(s, "u3", "2024-06") == 4  # + the failed re-inspection of 06-05
        reinspect(s, INSPECTOR, Outcome("u3", "P4", date(2024, 4, 1), True, date(2024, 6, 20)), AT)
        assert _penalty(s, "u3", "2024-06") == 4
        assert _penalty(s, "u3", "2024-07") == 0  # rectified: the escalation stops
        assert open_items(s, SCHEME, date(2024, 7, 1), "u3") == []
        row = s.scalars(select(Rectification).where(Rectification.problem_id == "P4")).one()
        assert row.status == Status.PASSED
        checks = s.scalars(select(Reinspection).order_by(Reinspection.id)).all()
        assert [(c.passed, c.failures_before) for c in checks] == [(False, 0), (True, 1)]
        actions = [a for (a,) in s.execute(select(AuditEntry.action).where(AuditEntry.table_name == "rectifications"))]
        assert actions == ["rectify_plan", "reinspect", "reinspect"]


def test_a_unit_plans_only_for_its_own_notices(store: sessionmaker[Session]) -> None:
    with store() as s:
        with pytest.raises(Denied):
            record_plan(s, U3, "u1", Plan("P1", date(2024, 2, 10), "x", None, "y"), AT)
        with pytest.raises(Denied):
            record_plan(s, INSPECTOR, "u3", Plan("P4", date(2024, 4, 1), "x", None, "y"), AT)
        with pytest.raises(Denied):
            reinspect(s, U3, Outcome("u3", "P4", date(2024, 4, 1), True, date(2024, 6, 20)), AT)
        with pytest.raises(NotFound):  # P3 was rectified: nothing open to plan
            record_plan(
                s,
                Principal(username="u3b", role=Role.UNIT, unit_id="u3"),
                None,
                Plan("P3", date(2024, 5, 5), "x", None, "y"),
                AT,
            )
        denied = s.scalars(select(AuditEntry).where(AuditEntry.action == "denied")).all()
        assert len(denied) == 3


def test_overdue_ones_go_to_supervision_once(store: sessionmaker[Session]) -> None:
    with store() as s:
        sent = supervise_overdue(s, OFFICE, SCHEME, date(2024, 6, 1))
        assert sorted(i.problem_id for i in sent) == ["P1", "P2", "P4"]
        assert supervise_overdue(s, OFFICE, SCHEME, date(2024, 6, 2)) == []
        assert {i.supervised_on for i in open_items(s, SCHEME, date(2024, 6, 2))} == {date(2024, 6, 1)}
        with pytest.raises(Denied):
            supervise_overdue(s, INSPECTOR, SCHEME, date(2024, 6, 2))
