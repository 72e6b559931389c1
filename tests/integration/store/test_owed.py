"""Scores owed (应报分数) from the store, on SQLite and PostgreSQL, worked by hand.

A monthly scheme, one group 各区 with items 甲项 and 乙项; 部门考评 is due by the 25th of the next month, 甲项 from
城管局, 乙项 from 城管局 and 园林局.  The period is the current month (so rows written now are on time).  Rows:
u1 甲项 城管局, u1 乙项 城管局, u1 乙项 园林局, u2 甲项 城管局 — owed: 2 units × (1 + 2) = 6 cells, 4 in;
u2 乙项 城管局 and u2 乙项 园林局 still out: not yet due today, missing the day after the due day.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from kaoping.app.owed import owed_report
from kaoping.app.policy import Principal
from kaoping.app.publish import compute_draft, publish, review
from kaoping.engine.owed import OwedStatus
from kaoping.periods import Period, period_of
from kaoping.periods import PeriodKind as Kind
from kaoping.roles import Role
from kaoping.scheme import load_scheme
from kaoping.store.audit import trail
from kaoping.store.db import open_store, transaction
from kaoping.store.publishing import PublishError
from owed_testing import SCHEME
from store_testing import write_all_facts

MONTH: Period = period_of(date.today(), Kind.MONTH)
ROWS = [("u1", "甲项", "城管局"), ("u1", "乙项", "城管局"), ("u1", "乙项", "园林局"), ("u2", "甲项", "城管局")]


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> tuple[sessionmaker[Session], Path]:
    path = tmp_path / "owed-test.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "units.csv").write_text("unit_id,name,group\nu1,一区,各区\nu2,二区,各区\n", encoding="utf-8")
    lines = [f"{MONTH},{u},部门考评,{i},90,{s}" for u, i, s in ROWS]
    (data / "scores.csv").write_text("period,unit_id,part,item,score,source\n" + "\n".join(lines) + "\n", "utf-8")
    factory = open_store(db_url)
    with transaction(factory) as s:
        write_all_facts(s, data)
    return factory, path


def _due() -> date:
    return MONTH.next().start().replace(day=25)


def test_the_office_sees_every_cell(store: tuple[sessionmaker[Session], Path]) -> None:
    factory, path = store
    with factory() as s:
        report = owed_report(s, load_scheme(path), str(MONTH))
        assert len(report.states) == 6 and report.count(OwedStatus.FILLED) == 4
        assert {(st.cell.unit_id, st.cell.item, st.cell.scorer) for st in report.owed} == {
            ("u2", "乙项", "城管局"),
            ("u2", "乙项", "园林局"),
        }
        assert all(st.status == OwedStatus.PENDING for st in report.owed) and not report.missing
        assert report.states[0].cell.due == _due()
        later = owed_report(s, load_scheme(path), str(MONTH), today=_due() + timedelta(days=1))
        assert len(later.missing) == 2
        on_the_day = owed_report(s, load_scheme(path), str(MONTH), today=_due())
        assert not on_the_day.missing  # the due day itself is still on time


def test_a_department_sees_its_own_cells(store: tuple[sessionmaker[Session], Path]) -> None:
    factory, path = store
    yuanlin = Principal("yuanlin", Role.DEPARTMENT, "园林局", parts=("部门考评",))
    with factory() as s:
        report = owed_report(s, load_scheme(path), str(MONTH), who=yuanlin)
        assert [(st.cell.unit_id, st.cell.item, st.status) for st in report.states] == [
            ("u1", "乙项", OwedStatus.FILLED),
            ("u2", "乙项", OwedStatus.PENDING),
        ]
        assert report.scorer == "园林局"


def test_publication_waits_for_missing_scores_unless_confirmed(
    store: tuple[sessionmaker[Session], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    factory, path = store
    import kaoping.app.owed as owed

    class Later(date):
        @classmethod
        def today(cls) -> date:
            return _due() + timedelta(days=1)

    monkeypatch.setattr(owed, "date", Later)
    with transaction(factory) as s:
        rid = compute_draft(s, scheme=str(path), period=str(MONTH), actor="计算员").id
        review(s, rid, actor="审核员")
    refused = pytest.raises(PublishError, match="尚有 2 项应报分数逾期未报（二区 部门考评/乙项")
    with refused, transaction(factory) as s:
        publish(s, rid, actor="发布员")
    with transaction(factory) as s:
        publish(s, rid, actor="发布员", missing_reason="园林局因机构调整未报，经领导同意先行发布")
        event = [e for e in trail(s) if e.action == "publish"][-1]
        assert event.after is not None
        assert event.after["missing_scores"] == 2
        assert event.after["missing_reason"] == "园林局因机构调整未报，经领导同意先行发布"


def test_the_cli_publishes_with_scores_missing_only_with_a_reason(
    store: tuple[sessionmaker[Session], Path], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import kaoping.app.owed as owed
    from kaoping.cli import app

    class Later(date):
        @classmethod
        def today(cls) -> date:
            return _due() + timedelta(days=1)

    monkeypatch.setattr(owed, "date", Later)
    factory, path = store
    with transaction(factory) as s:
        rid = compute_draft(s, scheme=str(path), period=str(MONTH), actor="计算员").id
        review(s, rid, actor="审核员")
    refused = CliRunner().invoke(app, ["publish", "release", str(rid), "--db", db_url])
    assert refused.exit_code == 2 and "尚有 2 项应报分数逾期未报" in refused.output
    done = CliRunner().invoke(app, ["publish", "release", str(rid), "--db", db_url, "--missing-reason", "先行发布"])
    assert done.exit_code == 0, done.output
