"""The cells a period owes (engine/owed.py), worked by hand on demo-city: 部门考评 (quarterly, due the 25th of the
quarter's last month, per item from the departments named in `by`) and 第三方测评 (monthly, due the 5th of the
next month, from 金川市民意调查中心).

东湖区 (城区组: 市容秩序 2 departments, 环境卫生 2, 园林绿化 1, 市政设施 2, 违法建设治理 2 = 9) + 3 months = 12 cells
in 2024-Q4; 金川新区 (县市组: 市容秩序 2, 环境卫生 2, 园林绿化 1, 城乡环卫一体化 2 = 7) + 3 = 10; 22 in all.
A month (2024-11) reads its quarter's 部门考评 (9 + 7) and its own 第三方测评 (1 + 1): 18.
"""

from __future__ import annotations

from datetime import date, datetime

from kaoping.engine.owed import OwedStatus, UnitRef, owed_cells, states, worst
from kaoping.periods import parse_period
from kaoping.scheme import load_scheme

UNITS = [UnitRef("dh", "东湖区", "城区组"), UnitRef("xq", "金川新区", "县市组")]


def test_cells_of_a_quarter_and_a_month() -> None:
    scheme = load_scheme("demo-city")
    q4 = owed_cells(scheme, UNITS, parse_period("2024-Q4"))
    assert len(q4) == 22
    assert sum(1 for c in q4 if c.unit_id == "dh") == 12
    green = [c for c in q4 if c.item == "园林绿化" and c.unit_id == "dh"]
    assert [(c.scorer, c.period, c.due) for c in green] == [("市园林局", "2024-Q4", date(2024, 12, 25))]
    survey = [c for c in q4 if c.part == "第三方测评" and c.unit_id == "xq"]
    assert [(c.period, c.due) for c in survey] == [
        ("2024-10", date(2024, 11, 5)),
        ("2024-11", date(2024, 12, 5)),
        ("2024-12", date(2025, 1, 5)),
    ]
    assert len(owed_cells(scheme, UNITS, parse_period("2024-11"))) == 18


def test_states_on_time_late_missing_and_not_yet_due() -> None:
    scheme = load_scheme("demo-city")
    cells = [c for c in owed_cells(scheme, UNITS[:1], parse_period("2024-Q4")) if c.part == "第三方测评"]
    oct_, nov, _dec = (c.key for c in cells)
    written = {oct_: datetime(2024, 11, 5, 18, 0), nov: datetime(2024, 12, 6, 9, 0)}
    found = [s.status for s in states(cells, written, today=date(2024, 12, 20))]
    assert found == [OwedStatus.FILLED, OwedStatus.LATE, OwedStatus.PENDING]  # the due day itself is on time
    found = [s.status for s in states(cells, {}, today=date(2024, 12, 20))]
    assert found == [OwedStatus.MISSING, OwedStatus.MISSING, OwedStatus.PENDING]
    assert worst([OwedStatus.FILLED, OwedStatus.LATE]) == OwedStatus.LATE
    assert worst([OwedStatus.PENDING, OwedStatus.MISSING]) == OwedStatus.MISSING


def test_an_unchased_scheme_owes_nothing() -> None:
    assert owed_cells(load_scheme("city-1000"), [UnitRef("d1", "甲区", "第一组")], parse_period("2024-Q2")) == []
