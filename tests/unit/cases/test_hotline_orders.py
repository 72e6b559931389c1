"""12345 work orders (工单) are cases with ``channel`` 12345; their counts and rates, worked by hand.

Unit A, period 2024-03 (orders dispatched in March count; 办结 only when closed before April):

| order | channel | dispatched | deadline | closed | 回访 | repeat_of |
|---|---|---|---|---|---|---|
| a1 | 12345 | 03-02 | 03-05 | 03-04 (on time) | 满意 | |
| a2 | 12345 | 03-10 | 03-12 | 03-15 (late) | 不满意 | |
| a3 | 12345热线 | 03-20 | 03-25 | 04-02 (after March) | | a1 |
| a4 | 12345 | 03-28 | 03-31 | 03-31 10:00 (on time) | 基本满意 | a2 |
| a5 | (grid) | 03-03 | 03-10 | 03-06 | 满意 (not an order) | |
| a6 | 12345 | 02-27 (February) | | 03-01 | 满意 | |

March orders of A: a1–a4 → 工单数 4; 办结数 3 (a1, a2, a4); 按时办结数 2 (a1, a4); 回访数 3 (a1, a2, a4),
回访满意数 2 (a1 满意, a4 基本满意); 重复投诉数 2 (a3, a4).
办结率 = 3/4 = 75; 按时办结率 = 2/4 = 50; 回访满意率 = 2/3 = 66.67; 重复投诉率 = 2/4 = 50.
The grid case a5 counts only in the general case metrics: 应结案数 5 (a1–a5), 结案数 4.
Unit B has one grid case and no order: 办结率, 按时办结率, 回访满意率 100, 重复投诉率 0 (nothing to fail at).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kaoping.cases.cells import case_cells, cell_counts
from kaoping.cases.metrics import case_counts, rates
from kaoping.io.readers import read_facts
from kaoping.periods import parse_period

HEADER = (
    "case_id,unit_id,kind,category,reported_at,dispatched_at,deadline,disposed_at,closed_at,rework_count,"
    "案件来源,回访结果,重复投诉原工单\n"
)
ROWS = """a1,A,event,x,2024-03-01,2024-03-02,2024-03-05,,2024-03-04,0,12345,满意,
a2,A,event,x,2024-03-10,2024-03-10,2024-03-12,,2024-03-15,0,12345,不满意,
a3,A,event,x,2024-03-20,2024-03-20,2024-03-25,,2024-04-02,0,12345热线,,a1
a4,A,event,x,2024-03-28,2024-03-28,2024-03-31 12:00,,2024-03-31 10:00,0,12345,basic,a2
a5,A,event,x,2024-03-03,2024-03-03,2024-03-10,,2024-03-06,0,,satisfied,
a6,A,event,x,2024-02-27,2024-02-27,,,2024-03-01,0,12345,满意,
b1,B,event,x,2024-03-03,2024-03-03,2024-03-10,,2024-03-06,0,,,
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "units.csv").write_text("unit_id,name,group\nA,甲,g\nB,乙,g\n", encoding="utf-8")
    (tmp_path / "cases.csv").write_text(HEADER + ROWS, encoding="utf-8")
    return tmp_path


def _metrics(folder: Path, unit: str, *, from_cells: bool = False) -> dict[str, Decimal]:
    cases = read_facts(folder).cases
    period = parse_period("2024-03")
    counted = cell_counts(case_cells(cases), period) if from_cells else case_counts(cases, period)
    row = next(r for r in counted.iter_rows(named=True) if r["unit_id"] == unit)
    return rates({k: int(v) for k, v in row.items() if k not in ("unit_id", "rows")})


@pytest.mark.parametrize("from_cells", [False, True])
def test_order_counts_and_rates_by_hand(folder: Path, from_cells: bool) -> None:
    m = _metrics(folder, "A", from_cells=from_cells)
    counts = {k: int(m[k]) for k in ("工单数", "办结数", "按时办结数", "回访数", "回访满意数", "重复投诉数")}
    assert counts == {"工单数": 4, "办结数": 3, "按时办结数": 2, "回访数": 3, "回访满意数": 2, "重复投诉数": 2}
    assert m["办结率"] == 75 and m["按时办结率"] == 50 and m["重复投诉率"] == 50
    assert round(m["回访满意率"], 2) == Decimal("66.67")
    assert (m["应结案数"], m["结案数"]) == (5, 4)  # an order is a case of the unit too


def test_unit_without_orders_has_nothing_to_fail_at(folder: Path) -> None:
    m = _metrics(folder, "B")
    assert m["工单数"] == 0
    assert (m["办结率"], m["按时办结率"], m["回访满意率"], m["重复投诉率"]) == (100, 100, 100, 0)


def test_satisfaction_read_in_chinese_and_codes(folder: Path) -> None:
    cases = read_facts(folder).cases.sort("case_id")
    assert cases["satisfaction"].to_list() == ["satisfied", "unsatisfied", "", "basic", "satisfied", "satisfied", ""]
    assert cases["channel"].to_list()[:3] == ["12345", "12345", "12345热线"]


def test_an_unknown_satisfaction_is_refused(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("unit_id,name,group\nA,甲,g\n", encoding="utf-8")
    bad = HEADER + "z1,A,event,x,2024-03-01,2024-03-02,,,,0,12345,还行,\n"
    (tmp_path / "cases.csv").write_text(bad, encoding="utf-8")
    with pytest.raises(Exception, match="还行"):
        read_facts(tmp_path)
