"""`enforcement-staff` (《城管局执法考评工作方案》) on examples/enforcement-staff, every number worked out by hand.

Units are officers (执法人员, one group): s1 张伟, s2 李娜, s3 王强, s4 赵敏, s5 陈刚; year 2024 only.
Total = 定量指标 (60 − 监督员 deductions, each of the four items losing at most 15) + 定性评价 (the sum over four
items of the 评委's scores, per item 去掉一个最高分和一个最低分后取平均; fewer than three scores: the plain mean).

Judges, in the order 一中队队长, 二中队队长, 三中队队长, 法制科科长, 督察室主任:

  s1 定性  工作能力 [9, 9, 10, 8, 9] drop 10 and 8 → 27 / 3 = 9;  执法思维 [9, 10, 9, 9, 7] drop 10, 7 → 9;
           创新能力 [8, 8, 9, 6, 8] drop 9, 6 → 8;  作风廉正 [9, 10, 9, 9, 8] drop 10, 8 → 9;  定性 = 35
     定量  工作目标 2;  执法服务 1 + 0.5 = 1.5 (the 2023-12-28 row is last year's: not counted);  60 − 3.5 = 56.5
     total 56.5 + 35 = 91.5 → 优秀 → commended
  s2 定性  [8, 9, 8, 8, 10] drop 10, 8 → 25 / 3 = 8.333…;  [8 × 5] → 8;  [7, 8, 9, 10, 5] drop 10, 5 → 8;  [9 × 5] → 9
           定性 = 25 / 3 + 25 = 33.333…
     定量  行政效能 3, 工作绩效 2 → 60 − 5 = 55;  total 88.333… → shown 88.33 → 合格
  s3 定性  [9, 9, 9, 9, 2] drop 9 and 2 → 9 (the plain mean would be 38 / 5 = 7.6);  8;  7;  8;  定性 = 32
     定量  工作目标 5 + 6 + 5 = 16, capped at its 15;  工作绩效 1 → 60 − 16 = 44;  total 76 → 合格
  s4 定性  法制科科长 absent: four scores per item.  [10, 9, 9, 8] drop 10, 8 → 9;  [9 × 4] → 9;
           [9, 10, 9, 9] drop 10, 9 → 9;  [10 × 4] → 10;  定性 = 37
     定量  no deduction → 60;  total 97 → 优秀 → commended
  s5 定性  [6 × 5] → 6;  [6 × 5] → 6;  [5 × 5] → 5;  [7, 6, 6, 6, 5] drop 7, 5 → 6;  定性 = 23
     定量  执法服务 4 + 3 = 7;  行政效能 10 + 8 = 18, capped at 15;  工作绩效 5 → 60 − 27 = 33
     total 56 → 不合格 → improve
  ranking: s4 97 (1), s1 91.5 (2), s2 88.33 (3), s3 76 (4), s5 56 (5)
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from examples_testing import EXAMPLES
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.errors import InputErrors
from kaoping.scheme import load_scheme
from scheme_testing import cli_ranking as cli_pinned
from scheme_testing import ranks_and_totals as ranking
from scheme_testing import score_example as run
from scheme_testing import unit

NAME = "enforcement-staff"


def test_shape_quantitative_and_qualitative() -> None:
    scheme = load_scheme(NAME)
    assert [(p.name, p.max) for p in scheme.parts] == [("定量指标", 60), ("定性评价", 40)]
    assert list(scheme.periods) == ["year"] and scheme.notes


def test_two_officers_worked_out() -> None:
    year = run(NAME, "2024")
    s1, s3 = unit(year, "s1"), unit(year, "s3")
    assert s1.parts == {"定量指标": Decimal("56.5"), "定性评价": 35}
    assert s1.total == Decimal("91.5") and s1.grade == "优秀" and s1.flags == ["commended"]
    # one judge's 2 for 工作能力 is dropped: 9, not the plain mean 7.6
    ability = next(ln for ln in s3.lines if ln.part == "定性评价" and "工作能力和业务水平" in ln.rule)
    assert ability.points == 9 and len(ability.rows) == 5
    assert s3.parts == {"定量指标": 44, "定性评价": 32}  # 工作目标 16 capped at 15, 工作绩效 1
    assert s3.total == 76 and s3.grade == "合格" and s3.flags == []


def test_absent_judge_and_thirds() -> None:
    year = run(NAME, "2024")
    assert unit(year, "s4").parts == {"定量指标": 60, "定性评价": 37}  # four judges: one high and one low dropped
    s2 = unit(year, "s2")
    assert s2.parts["定性评价"] == Decimal(25) / 3 + 25 and s2.shown_total == Decimal("88.33")
    s5 = unit(year, "s5")
    assert s5.parts == {"定量指标": 33, "定性评价": 23} and s5.grade == "不合格" and s5.flags == ["improve"]


def test_ranking() -> None:
    assert ranking(run(NAME, "2024")) == [
        ("s4", 1, Decimal("97.00")),
        ("s1", 2, Decimal("91.50")),
        ("s2", 3, Decimal("88.33")),
        ("s3", 4, Decimal("76.00")),
        ("s5", 5, Decimal("56.00")),
    ]


def test_yearly_only_and_items_checked(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedPeriod):
        run(NAME, "2024-H1")
    data = tmp_path / "es"
    shutil.copytree(EXAMPLES / NAME, data)
    with (data / "scores.csv").open("a", encoding="utf-8") as f:
        f.write("2024,s1,定性评价,工作能力和业务水平,11,法制科科长,\n")  # above the item's 10
    with pytest.raises(InputErrors, match="第 98 行"):
        run(NAME, "2024", data)


def test_cli() -> None:
    groups, rows = cli_pinned(NAME, "2024")
    assert groups == ["执法人员"]
    assert rows == [
        (1, "s4", 97.0, 0.0, 0, ["commended"]),
        (2, "s1", 91.5, 0.0, 0, ["commended"]),
        (3, "s2", 88.33, 0.0, 0, []),
        (4, "s3", 76.0, 0.0, 0, []),
        (5, "s5", 56.0, 0.0, 0, ["improve"]),
    ]
