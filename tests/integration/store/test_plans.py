"""Inspection plans and the draw through the use cases (SQLite and PostgreSQL): the seed's SHA-256 recorded
before the draw, the draw stored and verifiable from the revealed seed, progress from the inspectors'
deductions, and a unit refused an unannounced plan before it is done.

Progress worked by hand: district-onsite units u1–u4, plan 2024-06 日常考评, weekly (4 rounds), quota 1, one team
of two inspectors (insp1, insp2) → 4 visits, one per unit.  insp1 enters a 日常考评 deduction for u1 and two for
u2 (counted once: one visit), a 月督查考评 one for u3 (another checklist: not counted), and the office one for u4
(not a drawn inspector: not counted) → done 2 of 4: u1 1/1, u2 1/1, u3 0/1, u4 0/1; team 1 2/4.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from examples_testing import EXAMPLES
from kaoping.app.facts import one_row, write_row
from kaoping.app.plan_progress import office_progress, plan_progress
from kaoping.app.plans import create_plan, draw_plan, list_plans, parse_spec, read_plan, reveal_plan, verify_plan
from kaoping.app.policy import Principal
from kaoping.errors import Conflict, Forbidden
from kaoping.roles import Role
from kaoping.scheme.inspection import commitment
from kaoping.store.db import open_store, transaction
from kaoping.store.plan_tables import PlanVisitRow
from kaoping.store.tables import AuditEntry
from store_testing import write_all_facts

OFFICE = Principal(username="admin", role=Role.ADMIN)
UNIT = Principal(username="u1-account", role=Role.UNIT, unit_id="u1")
SEED = "5eed" * 16
JUNE_15, JULY_2 = datetime(2024, 6, 15, 9, 0), datetime(2024, 7, 2, 9, 0)


def spec(visit: str, name: str) -> dict[str, object]:
    return {
        "scheme": "district-onsite",
        "period": "2024-06",
        "name": name,
        "part": "日常考评",
        "visit": visit,
        "frequency": "weekly",
        "quota": 1,
        "teams": 1,
        "team_size": 2,
    }


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    factory = open_store(db_url)
    with transaction(factory) as s:
        write_all_facts(s, EXAMPLES / "district-onsite")
    return factory


def _plan(store: sessionmaker[Session], visit: str = "unannounced", name: str = "6月暗访") -> int:
    with transaction(store) as s:
        row = create_plan(s, OFFICE, parse_spec(spec(visit, name)), JUNE_15, seed=SEED)
        return row.id


def _deduction(s: Session, unit_id: str, part: str, actor: str) -> None:
    values = {"date": date(2024, 6, 12), "unit_id": unit_id, "part": part, "item": "道路保洁", "points": 1.0}
    values["problem"] = f"{actor} {unit_id} {part} {s.info.setdefault('n', 0)}"
    s.info["n"] += 1
    write_row(s, "deductions", one_row("deductions", values), actor=actor, reason="")


def test_commit_draw_reveal_verify(store: sessionmaker[Session]) -> None:
    plan_id = _plan(store)
    with store() as s:
        committed = s.scalars(select(AuditEntry).where(AuditEntry.action == "plan_commit")).one()
        assert committed.after is not None and committed.after["commitment"] == commitment(SEED)
        assert read_plan(s, OFFICE, plan_id).commitment == commitment(SEED)
    with transaction(store) as s:
        row = draw_plan(s, OFFICE, plan_id, JUNE_15, inspectors=["insp1", "insp2"])
        assert row.draw_digest and row.inputs_digest
    with transaction(store) as s, pytest.raises(Conflict, match="不能重抽"):
        draw_plan(s, OFFICE, plan_id, JUNE_15, inspectors=["insp1", "insp2"])
    with transaction(store) as s, pytest.raises(Conflict, match="尚未结束"):
        reveal_plan(s, OFFICE, plan_id, JUNE_15)
    with store() as s, pytest.raises(Conflict, match="尚未公开"):
        verify_plan(s, OFFICE, plan_id)
    with transaction(store) as s:
        reveal_plan(s, OFFICE, plan_id, JULY_2)
    with store() as s:
        revealed = s.scalars(select(AuditEntry).where(AuditEntry.action == "plan_reveal")).one()
        assert revealed.after is not None and revealed.after["seed"] == SEED
        check = verify_plan(s, UNIT, plan_id)  # once done, a unit may check it too
        assert check.ok, check.problems
    with transaction(store) as s:  # someone swaps the first visit's unit behind the application's back
        first = s.scalars(select(PlanVisitRow).where(PlanVisitRow.plan_id == plan_id).order_by(PlanVisitRow.id)).first()
        assert first is not None
        first.unit_id = "u9"
    with store() as s:
        assert verify_plan(s, OFFICE, plan_id).problems == ("检查安排表与抽签结果不一致",)


def test_a_unit_may_not_read_an_unannounced_plan_before_it_is_done(store: sessionmaker[Session]) -> None:
    hidden, announced = _plan(store), _plan(store, "announced", "6月明检")
    with store() as s:
        with pytest.raises(Forbidden, match="unannounced"):
            read_plan(s, UNIT, hidden)
        assert read_plan(s, UNIT, announced).id == announced
        assert [p.id for p in list_plans(s, UNIT, "district-onsite", "2024-06")] == [announced]
        assert [p.id for p in list_plans(s, OFFICE, None, None)] == [hidden, announced]
    with transaction(store) as s:
        draw_plan(s, OFFICE, hidden, JUNE_15, inspectors=["insp1", "insp2"])
        reveal_plan(s, OFFICE, hidden, JULY_2)
    with store() as s:
        assert read_plan(s, UNIT, hidden).id == hidden


def test_progress_per_unit_and_team_and_overdue(store: sessionmaker[Session]) -> None:
    plan_id = _plan(store)
    with transaction(store) as s:
        draw_plan(s, OFFICE, plan_id, JUNE_15, units=["u1", "u2", "u3", "u4"], inspectors=["insp1", "insp2"])
        _deduction(s, "u1", "日常考评", "insp1")
        _deduction(s, "u2", "日常考评", "insp1")
        _deduction(s, "u2", "日常考评", "insp2")
        _deduction(s, "u3", "月督查考评", "insp1")
        _deduction(s, "u4", "日常考评", "admin")
    with store() as s:
        row = read_plan(s, OFFICE, plan_id)
        progress = plan_progress(s, row, JUNE_15)
        assert [(t.key, t.done, t.planned) for t in progress.by_unit] == [
            ("u1", 1, 1),
            ("u2", 1, 1),
            ("u3", 0, 1),
            ("u4", 0, 1),
        ]
        assert [(t.key, t.done, t.planned) for t in progress.by_team] == [("第1组", 2, 4)]
        assert (progress.done, progress.planned, progress.overdue) == (2, 4, False)
        assert plan_progress(s, row, JULY_2).overdue  # July: the month is over, 2 of 4 done
        assert [p.plan_id for p in office_progress(s, JULY_2, "2024-06") if p.overdue] == [plan_id]


def test_a_bad_plan_is_refused_in_chinese_naming_the_field_with_english_beside_it() -> None:
    """No store needed: the form's values are checked before anything is written (issue #15: no pydantic
    English such as "Input should be greater than or equal to 1" reaches the plans page or the CLI)."""
    from kaoping.errors import Invalid

    with pytest.raises(Invalid) as quarter:
        parse_spec(spec("unannounced", "x") | {"period": "2024-Q2"})
    assert str(quarter.value) == "月份（period）：检查计划按月制定（YYYY-MM），而不是 2024-Q2"
    with pytest.raises(Invalid) as teams:
        parse_spec(spec("unannounced", "x") | {"teams": 0})
    assert str(teams.value) == "检查组数（teams）：应不小于 1"
    assert teams.value.text("en") == "teams: expected a value ≥ 1"
    with pytest.raises(Invalid) as missing:
        parse_spec({k: v for k, v in spec("unannounced", "x").items() if k != "name"})
    assert str(missing.value).startswith("计划名称（name）：")
