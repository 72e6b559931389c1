"""`city-management-work-plan` (《城市管理考评工作计划》) on examples/city-management-work-plan, every number worked
out by hand.  各区: r1 江北区, r2 江南区, r3 新城区, r4 老城区; quarterly, year = mean of the evaluated quarters.
Five indicators of 20: 公共设施, 道路交通, 环境卫生, 民生保障 (each the mean of its scored indicators) and 市民满意度
(one mean over every questionnaire round of the quarter, `pool`).

  2024-Q1  r1: 公共设施 mean(80, 90, 85) = 85;  道路交通 mean(70, 80, 90) = 80;  环境卫生 90;
               民生保障 mean(80, 90) = 85;
               满意度 rounds 80 (Jan), 90 (Feb), 85 and 85 (Mar) → 340 / 4 = 85
               total 0.2 × (85 + 80 + 90 + 85 + 85) = 85
           r2: 90, 90, 90, 90;  满意度 70 (Jan), 80 and 90 (Mar) → 240 / 3 = 80
               (a mean of monthly means would be (70 + 85) / 2 = 77.5)
               total 0.2 × (360 + 80) = 88
           r3: mean(95, 85) = 90 (社区设施 not scored);  80;  mean(80, 70, 90) = 80;  70;  满意度 mean(90, 95) = 92.5
               total 0.2 × 412.5 = 82.5
           r4: 75 everywhere → 75
           ranks r2 88, r1 85, r3 82.5, r4 75
  2024-Q2  r1 90 everywhere → 90;  r2 80 → 80;  r3 85 (满意度 mean(80, 90) = 85) → 85;  r4 80 → 80
           ranks r1 1, r3 2, r2 3 and r4 3 (equal totals share a rank)
  2024     r1 (85 + 90) / 2 = 87.5;  r2 (88 + 80) / 2 = 84;  r3 (82.5 + 85) / 2 = 83.75;  r4 (75 + 80) / 2 = 77.5
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from examples_testing import EXAMPLES
from kaoping.errors import InputErrors
from kaoping.scheme import load_scheme
from scheme_testing import cli_ranking, unit
from scheme_testing import ranks_and_totals as ranking
from scheme_testing import score_example as run

NAME = "city-management-work-plan"


def d(text: str) -> Decimal:
    return Decimal(text)


def test_shape() -> None:
    scheme = load_scheme(NAME)
    assert [(p.name, int(p.weight or 0)) for p in scheme.parts] == [
        ("公共设施", 20),
        ("道路交通", 20),
        ("环境卫生", 20),
        ("民生保障", 20),
        ("市民满意度", 20),
    ]
    assert scheme.notes


def test_q1_two_districts_worked_out() -> None:
    q1 = run(NAME, "2024-Q1")
    assert unit(q1, "r1").parts == {"公共设施": 85, "道路交通": 80, "环境卫生": 90, "民生保障": 85, "市民满意度": 85}
    r2 = unit(q1, "r2")
    assert r2.parts["市民满意度"] == 80  # one mean over three rounds, not the mean of January and March (77.5)
    assert r2.total == 88
    assert unit(q1, "r3").parts == {
        "公共设施": 90,
        "道路交通": 80,
        "环境卫生": 80,
        "民生保障": 70,
        "市民满意度": d("92.5"),
    }
    assert ranking(q1) == [("r2", 1, d("88.00")), ("r1", 2, d("85.00")), ("r3", 3, d("82.50")), ("r4", 4, d("75.00"))]


def test_q2_shared_rank_and_year() -> None:
    q2 = run(NAME, "2024-Q2")
    assert ranking(q2) == [("r1", 1, d("90.00")), ("r3", 2, d("85.00")), ("r2", 3, d("80.00")), ("r4", 3, d("80.00"))]
    year = run(NAME, "2024")
    assert ranking(year) == [("r1", 1, d("87.50")), ("r2", 2, d("84.00")), ("r3", 3, d("83.75")), ("r4", 4, d("77.50"))]
    assert all(u.reward == 0 and u.flags == [] for u in year.units())


def test_indicator_of_another_area_is_an_input_error(tmp_path: Path) -> None:
    data = tmp_path / "cm"
    shutil.copytree(EXAMPLES / NAME, data)
    with (data / "scores.csv").open("a", encoding="utf-8") as f:
        f.write("2024-Q1,r1,环境卫生,公共交通,90,现场考察,\n")  # 公共交通 is an indicator of 公共设施
    with pytest.raises(InputErrors, match="第 57 行"):
        run(NAME, "2024-Q1", data)


def test_cli() -> None:
    groups, rows = cli_ranking(NAME, "2024-Q1")
    assert groups == ["各区"]
    assert rows == [
        (1, "r2", 88.0, 0.0, 0, []),
        (2, "r1", 85.0, 0.0, 0, []),
        (3, "r3", 82.5, 0.0, 0, []),
        (4, "r4", 75.0, 0.0, 0, []),
    ]
