"""The three 综治 plans — `comprehensive-governance-assessment`, `comprehensive-governance-evaluation`,
`governance-targets-2023` — on their example folders, every number worked out by hand below.  None of the
documents gives weights or bands; each scheme file's `notes:` say which numbers are its own.

comprehensive-governance-assessment (综治考核实施方案; 各区县: g1 东城区, g2 西城区, g3 南湖区, g4 北山县, g5 清河县;
year 2024).  Weights 落实情况 40 (100 − 督导检查/不定期考核 deductions), 成效评估 30, 创新能力 15, 队伍建设 15
(each the mean of its scored aspects; several examiners of one aspect averaged).
  g1: 落实 100 − (3 + 2) = 95;  成效 mean(90, mean(88, 92) = 90, 85, 95) = 90;  创新 mean(80, 90) = 85;
      队伍 mean(90, 90, 90) = 90;  total 38 + 27 + 12.75 + 13.5 = 91.25
  g2: 100 − 8 = 92;  85;  mean(90, 100) = 95;  mean(80, 85, 90) = 85;  total 36.8 + 25.5 + 14.25 + 12.75 = 89.3
  g3: 100 (no problem found);  mean(80, 80, mean(75, 85) = 80, 80) = 80;  mean(70, 80) = 75;  80
      total 40 + 24 + 11.25 + 12 = 87.25
  g4: 100 − (10 + 5 + 5) = 80;  75;  mean(60, 70) = 65;  mean(70, 75, 80) = 75;  total 32 + 22.5 + 9.75 + 11.25 = 75.5
  g5: 100 − 4 = 96;  mean(88, 90, 86, 92) = 89;  mean(80, 84) = 82;  mean(90, 86, 88) = 88
      total 38.4 + 26.7 + 12.3 + 13.2 = 90.6
  ranks g1 91.25, g5 90.6, g2 89.3, g3 87.25, g4 75.5;  g1 first → commended (表扬奖励), g4 last → guidance (改进指导)

comprehensive-governance-evaluation (综治考评实施方案; 各街道: t1 城关, t2 新华, t3 东风, t4 滨河, t5 龙山; year 2024).
Total = 指标考评 × 70% + 社会民意调查 × 30%;  指标考评 = 社会治安 30% + 环境卫生 25% + 交通管理 25% + 社区服务 20%
(departments' scores of one indicator averaged);  民意调查 = mean of the indicators surveyed.
  t1: 治安 mean(92, 88) = 90, 环境 90, 交通 mean(85, 95) = 90, 社区 90 → 指标 90;  民意 mean(80, 90, 85, 85) = 85
      total 63 + 25.5 = 88.5 → 良好
  t2: 95, mean(90, 94) = 92, 90, 95 → 28.5 + 23 + 22.5 + 19 = 93;  民意 mean(90, 95, 90, 93) = 92
      total 65.1 + 27.6 = 92.7 → 优秀 → commended
  t3: 60, 55, mean(50, 60) = 55, 50 → 18 + 13.75 + 13.75 + 10 = 55.5;  民意 mean(50, 60, 50, 60) = 55
      total 38.85 + 16.5 = 55.35 → 不合格 → accountable
  t4: 85, 80, 80, mean(80, 90) = 85 → 25.5 + 20 + 20 + 17 = 82.5;  民意 80;  total 57.75 + 24 = 81.75 → 良好
  t5: 88, 86, 84, 82 → 26.4 + 21.5 + 21 + 16.4 = 85.3;  民意 (社区服务 not surveyed) mean(85, 87, 83) = 85
      total 59.71 + 25.5 = 85.21 → 良好
  ranks t2 92.7, t1 88.5, t5 85.21, t4 81.75, t3 55.35

governance-targets-2023 (2023年综治工作目标管理考评细则; 各镇街: z1 城南街道, z2 城北街道, z3 河西镇, z4 桥东镇;
half-years, year = mean of the halves).  Total = 定量考评 × 60% + 实地检查 × 40%;
定量考评 = 社会治安 25% + 15% each for 环境卫生, 社会服务, 卫生健康, 交通安全, 基层党建
(each the mean of its scored sub-items);  实地检查 = the inspectors' mean.
  2023-H1  z1: 治安 mean(90, 80) = 85; 90, 80, 90, 80, 100 → 21.25 + 0.15 × 440 = 87.25;  实地 mean(90, 80) = 85
               total 52.35 + 34 = 86.35
           z2: 80; mean(80, 90) = 85, 85, 85, 85, 85 → 20 + 63.75 = 83.75;  实地 90;  total 50.25 + 36 = 86.25
           z3: 90; 70, 70, 80, mean(60, 80) = 70, 90 → 22.5 + 57 = 79.5;  实地 mean(70, 75) = 72.5
               total 47.7 + 29 = 76.7
           z4: 95; 90 × 5 → 23.75 + 67.5 = 91.25;  实地 80;  total 54.75 + 32 = 86.75
           ranks z4 86.75, z1 86.35, z2 86.25, z3 76.7
  2023-H2  every indicator z1 90, z2 80, z3 85, z4 85;  实地 z1 90, z2 mean(80, 90) = 85, z3 80, z4 85
           totals z1 90, z2 48 + 34 = 82, z3 51 + 32 = 83, z4 85;  ranks z1, z4, z3, z2
  2023     z1 (86.35 + 90) / 2 = 88.175 → 88.18 (half-up);  z2 (86.25 + 82) / 2 = 84.125 → 84.13;
           z3 (76.7 + 83) / 2 = 79.85;  z4 (86.75 + 85) / 2 = 85.875 → 85.88;  ranks z1, z4, z2, z3
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.engine.result import UnitResult
from kaoping.scheme import load_scheme
from scheme_testing import cli_ranking, unit
from scheme_testing import ranks_and_totals as ranking
from scheme_testing import score_example as run

TOP = ("定量考评", "实地检查", "指标考评", "社会民意调查")


def top(u: UnitResult) -> dict[str, Decimal]:
    """The top-level parts (the JSON's ``parts`` also carry the nested indicators)."""
    return {k: v for k, v in u.parts.items() if k in TOP}


def d(text: str) -> Decimal:
    return Decimal(text)


# ---------------------------------------------------------------- comprehensive-governance-assessment

ASSESSMENT = "comprehensive-governance-assessment"


def test_assessment_shape() -> None:
    scheme = load_scheme(ASSESSMENT)
    assert [(p.name, int(p.weight or 0)) for p in scheme.parts] == [
        ("综治工作落实情况", 40),
        ("综治工作成效评估", 30),
        ("综治工作创新能力", 15),
        ("综治工作队伍建设", 15),
    ]
    assert list(scheme.periods) == ["year"] and scheme.notes


def test_assessment_two_areas_worked_out() -> None:
    year = run(ASSESSMENT, "2024")
    g1, g4 = unit(year, "g1"), unit(year, "g4")
    assert list(g1.parts.values()) == [95, 90, 85, 90]
    assert g1.total == d("91.25") and g1.flags == ["commended"]
    assert list(g4.parts.values()) == [80, 75, 65, 75]  # three problems found: 10 + 5 + 5
    assert g4.total == d("75.5") and g4.flags == ["guidance"]


def test_assessment_ranking() -> None:
    year = run(ASSESSMENT, "2024")
    assert list(unit(year, "g3").parts.values()) == [100, 80, 75, 80]  # no problem found: full 落实情况
    assert ranking(year) == [
        ("g1", 1, d("91.25")),
        ("g5", 2, d("90.60")),
        ("g2", 3, d("89.30")),
        ("g3", 4, d("87.25")),
        ("g4", 5, d("75.50")),
    ]
    assert [u.flags for u in year.units() if u.unit_id in ("g2", "g3", "g5")] == [[], [], []]


def test_assessment_cli() -> None:
    groups, rows = cli_ranking(ASSESSMENT, "2024")
    assert groups == ["各区县"]
    assert [r[1:3] for r in rows] == [("g1", 91.25), ("g5", 90.6), ("g2", 89.3), ("g3", 87.25), ("g4", 75.5)]
    assert rows[0][5] == ["commended"] and rows[-1][5] == ["guidance"]


# ---------------------------------------------------------------- comprehensive-governance-evaluation

EVALUATION = "comprehensive-governance-evaluation"


def test_evaluation_two_streets_worked_out() -> None:
    year = run(EVALUATION, "2024")
    t1, t5 = unit(year, "t1"), unit(year, "t5")
    assert top(t1) == {"指标考评": 90, "社会民意调查": 85}
    assert t1.total == d("88.5") and t1.grade == "良好" and t1.flags == []
    assert top(t5) == {"指标考评": d("85.3"), "社会民意调查": 85}  # 社区服务 not surveyed: mean of three
    assert t5.total == d("85.21")


def test_evaluation_grades_reward_and_restrain() -> None:
    year = run(EVALUATION, "2024")
    t2, t3 = unit(year, "t2"), unit(year, "t3")
    assert top(t2) == {"指标考评": 93, "社会民意调查": 92} and t2.grade == "优秀" and t2.flags == ["commended"]
    assert t3.total == d("55.35") and t3.grade == "不合格" and t3.flags == ["accountable"]
    assert ranking(year) == [
        ("t2", 1, d("92.70")),
        ("t1", 2, d("88.50")),
        ("t5", 3, d("85.21")),
        ("t4", 4, d("81.75")),
        ("t3", 5, d("55.35")),
    ]


def test_evaluation_cli() -> None:
    groups, rows = cli_ranking(EVALUATION, "2024")
    assert groups == ["各街道"]
    assert [r[1:3] for r in rows] == [("t2", 92.7), ("t1", 88.5), ("t5", 85.21), ("t4", 81.75), ("t3", 55.35)]


# ---------------------------------------------------------------- governance-targets-2023

TARGETS = "governance-targets-2023"


def test_targets_half_years() -> None:
    h1 = run(TARGETS, "2023-H1")
    z1, z3 = unit(h1, "z1"), unit(h1, "z3")
    assert top(z1) == {"定量考评": d("87.25"), "实地检查": 85} and z1.total == d("86.35")
    assert top(z3) == {"定量考评": d("79.5"), "实地检查": d("72.5")} and z3.total == d("76.7")
    assert ranking(h1) == [("z4", 1, d("86.75")), ("z1", 2, d("86.35")), ("z2", 3, d("86.25")), ("z3", 4, d("76.70"))]
    h2 = run(TARGETS, "2023-H2")
    assert ranking(h2) == [("z1", 1, d("90.00")), ("z4", 2, d("85.00")), ("z3", 3, d("83.00")), ("z2", 4, d("82.00"))]


def test_targets_year_is_mean_of_halves_rounded_half_up() -> None:
    year = run(TARGETS, "2023")
    assert unit(year, "z1").total == d("88.175") and unit(year, "z4").total == d("85.875")
    assert ranking(year) == [("z1", 1, d("88.18")), ("z4", 2, d("85.88")), ("z2", 3, d("84.13")), ("z3", 4, d("79.85"))]
    assert all(u.reward == 0 and u.flags == [] for u in year.units())


def test_targets_has_no_quarters() -> None:
    with pytest.raises(UnsupportedPeriod):
        run(TARGETS, "2023-Q1")


def test_targets_cli() -> None:
    groups, rows = cli_ranking(TARGETS, "2023-H1")
    assert groups == ["各镇街"]
    assert [r[1:3] for r in rows] == [("z4", 86.75), ("z1", 86.35), ("z2", 86.25), ("z3", 76.7)]
