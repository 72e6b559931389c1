"""The general plans — `general-performance`, `street-office`, `appearance-management` — on their example folders,
every number worked out by hand below.  Each is an indicator system with percent weights (this project's choice:
none of the documents gives numbers), total = Σ indicator × weight / 100.

general-performance (examples/general-performance; 各区: a1 城东区, a2 城西区, a3 高新区; quarterly, year = mean of
the evaluated quarters).  Weights: 基础设施 20, 环境卫生 20, 市容交通 20, 治安 10, 公共服务 10, 政务 10, 满意度 10.
Each indicator = mean of its scored sub-items; several rows for one sub-item are averaged.
  2024-Q2  a1: 基础设施 mean(道路 mean(90, 86) = 88, 供水 92) = 90; 环境卫生 mean(85, 95) = 90;
               市容交通 mean(80, 70) = 75; 治安 90; 公共服务 mean(88, 92) = 90; 政务 95;
               满意度 mean(群众满意度 82, 投诉处理满意度 90) = 86
               total 18 + 18 + 15 + 9 + 9 + 9.5 + 8.6 = 87.1
           a2: 85, 90, 85, 80, 85, mean(90, 80) = 85, mean(群众满意度 mean(78, 84) = 81, 85) = 83
               total 17 + 18 + 17 + 8 + 8.5 + 8.5 + 8.3 = 85.3
           a3: 95, 80, mean(90, 90, 81) = 87, mean(85, 95) = 90, 90, 90, mean(88, 92) = 90
               total 19 + 16 + 17.4 + 9 + 9 + 9 + 9 = 88.4
           ranks a3 1, a1 2, a2 3
  2024-Q1  every indicator a1 80, a2 90, a3 85 → totals 80, 90, 85; ranks a2, a3, a1
  2024     mean of Q1 and Q2 (Q3, Q4 have no rows: not evaluated):
           a1 (80 + 87.1) / 2 = 83.55;  a2 (90 + 85.3) / 2 = 87.65;  a3 (85 + 88.4) / 2 = 86.7
           ranks a2 1, a3 2, a1 3

street-office (examples/street-office; 街道办事处: j1 城关, j2 新华, j3 东风, j4 滨河; yearly only).
Weights 环境卫生 30, 市容市貌 30, 交通管理 20, 社区治理 20; indicator = mean of its second-level indicators.
  j1: 环境卫生 mean(90, 80) = 85; 市容市貌 mean(88, 92) = 90; 交通管理 80;
      社区治理 mean(门前三包 90, 居民满意度 mean(86, 90) = 88) = 89
      total 25.5 + 27 + 16 + 17.8 = 86.3
  j2: mean(95, 85) = 90; 80; mean(90, 80) = 85; 85            total 27 + 24 + 17 + 17 = 85
  j3: 80; mean(90, 90) = 90; 92; mean(90, 92) = 91              total 24 + 27 + 18.4 + 18.2 = 87.6
  j4: 86; 88; 85; mean(85, 86) = 85.5                           total 25.8 + 26.4 + 17 + 17.1 = 86.3
  ranks j3 1, j1 2, j4 2 (equal totals share a rank), j2 4.

appearance-management (examples/appearance-management; 各区: b1 城北区, b2 城南区, b3 开发区; quarterly, year =
mean of the evaluated quarters without flags).  Weights 整体卫生情况 30 (100 − deductions), 绿化覆盖率 20
(= min(100, 建成区绿化覆盖率 × 100 / 40)), 市容设施完善程度 25, 建筑整体外观 25 (mean of items).
  绿化覆盖率 (both quarters): b1 min(100, 42 × 2.5 = 105) = 100;  b2 38 × 2.5 = 95;  b3 36.5 × 2.5 = 91.25
  2024-Q2  b1: 卫生 100 − (2 + 3) = 95; 设施 mean(90, 80) = 85; 外观 90
               total 28.5 + 20 + 21.25 + 22.5 = 92.25
           b2: 卫生 100 − 6 = 94; 设施 mean(垃圾箱 mean(88, 92) = 90, 公厕 94) = 92; 外观 85
               total 28.2 + 19 + 23 + 21.25 = 91.45
           b3: 卫生 100 − (4 + 4) = 92; 设施 70; 外观 mean(80, 76) = 78
               total 27.6 + 18.25 + 17.5 + 19.5 = 82.85
           ranks b1 1, b2 2, b3 3; b1 first → `commended` (表彰); b3 last → `supervision` (督促和整改)
  2024-Q1  b1: 100, 100, 80, 80 → 30 + 20 + 20 + 20 = 90
           b2: 100 − 5 = 95, 95, 90, 90 → 28.5 + 19 + 22.5 + 22.5 = 92.5
           b3: 100, 91.25, 85, 85 → 30 + 18.25 + 21.25 + 21.25 = 90.75
           ranks b2 1, b3 2, b1 3; b2 → `commended`; b1 → `supervision`
  2024     b1 (90 + 92.25) / 2 = 91.125 → 91.13 (half-up);  b2 (92.5 + 91.45) / 2 = 91.975 → 91.98;
           b3 (90.75 + 82.85) / 2 = 86.8;  ranks b2 1, b1 2, b3 3; no flags in the year.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.errors import InputErrors
from kaoping.scheme import load_scheme
from scheme_testing import ranks_and_totals as ranking
from scheme_testing import score_example as run
from scheme_testing import unit


def cli_pinned(name: str, period: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    result = CliRunner().invoke(app, ["score", "--scheme", name, "--data", str(EXAMPLES / name), "--period", period])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["scheme"] == name and doc["period"] == period
    rows = [
        (u["rank"], u["unit_id"], u["total"], u["bonus"], u["reward"], u["flags"])
        for g in doc["groups"]
        for u in g["ranking"]
    ]
    return [g["group"] for g in doc["groups"]], rows


def d(text: str) -> Decimal:
    return Decimal(text)


# ---------------------------------------------------------------- general-performance


def test_general_performance_shape() -> None:
    scheme = load_scheme("general-performance")
    assert [(p.name, int(p.weight or 0)) for p in scheme.parts] == [
        ("城市基础设施建设与维护", 20),
        ("环境卫生管理", 20),
        ("市容市貌和交通管理", 20),
        ("社会治安和公共安全管理", 10),
        ("公共服务管理", 10),
        ("政务公开和便民服务", 10),
        ("群众满意度和投诉处理", 10),
    ]
    assert scheme.combine == "weighted" and scheme.notes


def test_general_performance_q2_indicators() -> None:
    q2 = run("general-performance", "2024-Q2")
    assert list(unit(q2, "a1").parts.values()) == [90, 90, 75, 90, 90, 95, 86]
    assert list(unit(q2, "a2").parts.values()) == [85, 90, 85, 80, 85, 85, 83]  # two surveys averaged: 81
    assert list(unit(q2, "a3").parts.values()) == [95, 80, 87, 90, 90, 90, 90]
    road = next(ln for ln in unit(q2, "a1").lines if ln.part == "城市基础设施建设与维护" and "道路" in ln.rule)
    assert road.points == 88 and road.rows == (23, 24)  # two departments' scores for one sub-item, averaged
    assert ranking(q2) == [("a3", 1, d("88.40")), ("a1", 2, d("87.10")), ("a2", 3, d("85.30"))]


def test_general_performance_year_is_mean_of_evaluated_quarters() -> None:
    assert ranking(run("general-performance", "2024-Q1")) == [
        ("a2", 1, d("90.00")),
        ("a3", 2, d("85.00")),
        ("a1", 3, d("80.00")),
    ]
    assert not run("general-performance", "2024-Q3").evaluated
    year = run("general-performance", "2024")
    assert ranking(year) == [("a2", 1, d("87.65")), ("a3", 2, d("86.70")), ("a1", 3, d("83.55"))]
    assert all(u.reward == 0 and u.flags == [] for u in year.units())


def test_general_performance_sub_item_of_another_indicator_is_an_input_error(tmp_path: Path) -> None:
    data = tmp_path / "gp"
    shutil.copytree(EXAMPLES / "general-performance", data)
    with (data / "scores.csv").open("a", encoding="utf-8") as f:
        f.write("2024-Q2,a1,环境卫生管理,道路,90,定期检查,\n")  # 道路 is a sub-item of 城市基础设施建设与维护
    with pytest.raises(InputErrors, match="第 60 行"):
        run("general-performance", "2024-Q2", data)


def test_general_performance_cli() -> None:
    groups, rows = cli_pinned("general-performance", "2024-Q2")
    assert groups == ["各区"]
    assert rows == [(1, "a3", 88.4, 0.0, 0, []), (2, "a1", 87.1, 0.0, 0, []), (3, "a2", 85.3, 0.0, 0, [])]


# ---------------------------------------------------------------- street-office


def test_street_office_indicators_and_shared_rank() -> None:
    year = run("street-office", "2024")
    assert unit(year, "j1").parts == {"环境卫生": 85, "市容市貌": 90, "交通管理": 80, "社区治理": 89}
    assert unit(year, "j4").parts == {"环境卫生": 86, "市容市貌": 88, "交通管理": 85, "社区治理": d("85.5")}
    assert unit(year, "j1").total == unit(year, "j4").total == d("86.3")
    assert ranking(year) == [
        ("j3", 1, d("87.60")),
        ("j1", 2, d("86.30")),
        ("j4", 2, d("86.30")),
        ("j2", 4, d("85.00")),
    ]
    assert all(u.reward == 0 and u.flags == [] for u in year.units())


def test_street_office_is_yearly_only() -> None:
    scheme = load_scheme("street-office")
    assert list(scheme.periods) == ["year"] and scheme.notes
    for period in ("2024-Q1", "2024-03"):
        with pytest.raises(UnsupportedPeriod):
            run("street-office", period)


def test_street_office_cli() -> None:
    groups, rows = cli_pinned("street-office", "2024")
    assert groups == ["街道办事处"]
    assert rows == [
        (1, "j3", 87.6, 0.0, 0, []),
        (2, "j1", 86.3, 0.0, 0, []),
        (2, "j4", 86.3, 0.0, 0, []),
        (4, "j2", 85.0, 0.0, 0, []),
    ]


# ---------------------------------------------------------------- appearance-management


def test_appearance_management_q2_parts_with_formula() -> None:
    q2 = run("appearance-management", "2024-Q2")
    assert unit(q2, "b1").parts == {
        "整体卫生情况": 95,
        "绿化覆盖率": 100,  # min(100, 42 × 100 / 40 = 105)
        "建成区绿化覆盖率": 42,
        "市容设施完善程度": 85,
        "建筑整体外观": 90,
    }
    b2, b3 = unit(q2, "b2"), unit(q2, "b3")
    assert b2.parts["绿化覆盖率"] == 95 and b2.parts["市容设施完善程度"] == 92
    assert b3.parts["绿化覆盖率"] == d("91.25") and b3.parts["整体卫生情况"] == 92
    assert b3.parts["建筑整体外观"] == 78
    assert ranking(q2) == [("b1", 1, d("92.25")), ("b2", 2, d("91.45")), ("b3", 3, d("82.85"))]


def test_appearance_management_last_district_is_supervised() -> None:
    q1, q2 = run("appearance-management", "2024-Q1"), run("appearance-management", "2024-Q2")
    assert ranking(q1) == [("b2", 1, d("92.50")), ("b3", 2, d("90.75")), ("b1", 3, d("90.00"))]
    assert {u.unit_id: u.flags for u in q1.units()} == {"b2": ["commended"], "b3": [], "b1": ["supervision"]}
    assert {u.unit_id: u.flags for u in q2.units()} == {"b1": ["commended"], "b2": [], "b3": ["supervision"]}


def test_appearance_management_year_mean_rounded_half_up_without_flags() -> None:
    year = run("appearance-management", "2024")
    assert unit(year, "b1").total == d("91.125")
    assert unit(year, "b2").total == d("91.975")
    assert ranking(year) == [("b2", 1, d("91.98")), ("b1", 2, d("91.13")), ("b3", 3, d("86.80"))]
    assert all(u.flags == [] for u in year.units())
    assert not run("appearance-management", "2024-Q3").evaluated


def test_appearance_management_cli() -> None:
    groups, rows = cli_pinned("appearance-management", "2024-Q2")
    assert groups == ["各区"]
    assert rows == [
        (1, "b1", 92.25, 0.0, 0, ["commended"]),
        (2, "b2", 91.45, 0.0, 0, []),
        (3, "b3", 82.85, 0.0, 0, ["supervision"]),
    ]
