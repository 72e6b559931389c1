"""`guilin-2023` on examples/guilin-2023, every number worked out by hand below.

Scheme (its readings, the document stops at 三、考评范围): each month 100 points =
  案件办理 (0–60) = 按期处置率 × 0.3 + 结案率 × 0.2 + 核查通过率 × 0.1 over the cases dispatched in the month
                 (no case in the month: every rate perfect → 60);
  督查考评 (0–40) = 40 − the month's deductions (no deduction → 40).
Three groups ranked separately: 县(区)单位, 市直单位, 中(区)直单位.  Year = mean of the evaluated months.
Rates: 按期处置率 = cases disposed by their deadline / cases dispatched; 结案率 = cases closed before the month
ended / dispatched; 核查通过率 = closed / (closed + failed verifications), a failure being
max(verify_failed, rework_count) of a case.

2024-03
 县(区)单位
  g1 象山区  cases GL2403-001..004: 4 dispatched, 4 closed, 3 disposed on time (004 disposed 03-26 09:00 after
             its 03-25 18:30 deadline), 1 failed verification (003 verify_failed 1)
             → 按期 75, 结案 100, 核查 4/5 = 80 → 22.5 + 20 + 8 = 50.5;
             督查 暴露垃圾 2 + 占道经营 3 → 40 − 5 = 35                                   total 85.5
  g2 秀峰区  2 cases, both on time and closed → 60; 督查 乱搭乱建 4 → 36                  total 96
  g3 叠彩区  2 cases, both on time and closed → 60; 督查 2 + 2 → 36                       total 96
  g4 七星区  2 cases: 009 on time and closed; 010 dispatched 03-29, disposed 03-31 17:00 before its 04-01 16:00
             deadline (on time) but closed 04-02 (not closed in March)
             → 按期 100, 结案 50, 核查 1/1 = 100 → 30 + 10 + 10 = 50; 督查 none → 40        total 90
  Ranks: g2 1, g3 1 (equal totals share), g4 3, g1 4.
 市直单位
  m1 市住房城乡建设局  3 cases, all closed, 013 disposed late → 按期 2/3 → 66.67 × 0.3 = 20; 20; 10 → 50;
             督查 3 → 37                                                                total 87
  m2 市城管委  1 case on time and closed → 60; no deduction → 40                         total 100
  m3 市林业和园林局  2 cases on time and closed, 016 reworked once (rework_count 1 = 1 failed verification)
             → 核查 2/3 → 30 + 20 + 6.666… = 56.666…; 督查 2 → 38       total 94.666… → shown 94.67
  Ranks: m2 1, m3 2, m1 3.
 中(区)直单位
  z1 广西电网桂林供电局  2 cases on time and closed → 60; 40                             total 100
  z2 中国电信桂林分公司  3 cases: 019 on time, closed; 020 late, closed; 021 neither disposed nor closed
             → 按期 1/3, 结案 2/3, 核查 2/2 → 10 + 13.333… + 10 = 33.333…; 督查 5 → 35
                                                                          total 68.333… → shown 68.33
  z3 中国移动桂林分公司  no case → 60; 督查 2 → 38                                       total 98
  Ranks: z1 1, z3 2, z2 3.

2024-04
  g1 1 case on time → 60 + 40 = 100;  g2 no case → 60, 督查 3 + 3 (one item, two rows) → 34 = 94;
  g3 1 case on time → 60, 督查 10 → 30 = 90;  g4 nothing in April → 60 + 40 = 100.  Ranks g1 1, g4 1, g2 3, g3 4.
  m1 2 cases on time → 100;  m2 督查 3 → 97;  m3 nothing → 100.             Ranks m1 1, m3 1, m2 3.
  z1 1 case disposed late (04-12 after 04-11 deadline), closed → 0 + 20 + 10 = 30, + 40 = 70;
  z2 1 case on time → 100;  z3 督查 2 → 98.                                  Ranks z2 1, z3 2, z1 3.

2024 (mean of the evaluated months, March and April; the other months have no row at all):
  g1 (85.5 + 100) / 2 = 92.75   g2 (96 + 94) / 2 = 95   g3 (96 + 90) / 2 = 93   g4 (90 + 100) / 2 = 95
    → g2 1, g4 1, g3 3, g1 4.  g1's 案件办理 = (50.5 + 60) / 2 = 55.25, 督查考评 = (35 + 40) / 2 = 37.5.
  m1 (87 + 100) / 2 = 93.5   m2 (100 + 97) / 2 = 98.5   m3 (94.666… + 100) / 2 = 97.333… → 97.33
    → m2 1, m3 2, m1 3.
  z1 (100 + 70) / 2 = 85   z2 (68.333… + 100) / 2 = 84.1666… → 84.17   z3 98 → z3 1, z1 2, z2 3.

No bonus, rewards or flags anywhere: every unit has bonus 0, reward 0, flags [].
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.engine.result import PeriodResult
from kaoping.scheme import builtin_names, load_scheme
from scheme_testing import ExampleRun, unit
from scheme_testing import ranks_and_totals as ranking

EXAMPLE = EXAMPLES / "guilin-2023"
SCHEME = load_scheme("guilin-2023")
GROUPS = ["县(区)单位", "市直单位", "中(区)直单位"]


run = ExampleRun(SCHEME, EXAMPLE)


@pytest.fixture(scope="module")
def march() -> PeriodResult:
    return run("2024-03")


def test_scheme_is_built_in_with_three_groups_and_notes() -> None:
    assert "guilin-2023" in builtin_names()
    assert [g.name for g in SCHEME.groups] == GROUPS
    assert [g.size for g in SCHEME.groups] == [8, 17, 8]
    assert SCHEME.notes


def test_case_formula_and_deductions_for_the_districts(march: PeriodResult) -> None:
    g1 = unit(march, "g1")
    assert g1.parts == {"案件办理": Decimal("50.5"), "督查考评": 35}
    assert g1.total == Decimal("85.5")
    # a case disposed in time but closed after the month ended is not 结案 in its month
    assert unit(march, "g4").parts == {"案件办理": 50, "督查考评": 40}


def test_rework_counts_as_a_failed_verification(march: PeriodResult) -> None:
    m3 = unit(march, "m3")
    assert m3.parts["案件办理"].quantize(Decimal("0.000001")) == Decimal("56.666667")  # 30 + 20 + 6.666…
    assert m3.shown_total == Decimal("94.67")


def test_undisposed_case_and_no_case(march: PeriodResult) -> None:
    z2 = unit(march, "z2")
    assert z2.shown_total == Decimal("68.33")
    assert z2.parts["督查考评"] == 35
    z3 = unit(march, "z3")  # no case in the month: nothing left undone, full 60
    assert z3.parts == {"案件办理": 60, "督查考评": 38}


def test_march_ranks_each_group_separately_with_shared_ties(march: PeriodResult) -> None:
    assert [g.group for g in march.groups] == GROUPS
    assert ranking(march, "县(区)单位") == [
        ("g2", 1, Decimal("96.00")),
        ("g3", 1, Decimal("96.00")),
        ("g4", 3, Decimal("90.00")),
        ("g1", 4, Decimal("85.50")),
    ]
    assert ranking(march, "市直单位") == [
        ("m2", 1, Decimal("100.00")),
        ("m3", 2, Decimal("94.67")),
        ("m1", 3, Decimal("87.00")),
    ]
    assert ranking(march, "中(区)直单位") == [
        ("z1", 1, Decimal("100.00")),
        ("z3", 2, Decimal("98.00")),
        ("z2", 3, Decimal("68.33")),
    ]
    assert all(u.bonus == 0 and u.reward == 0 and u.flags == [] for u in march.units())


def test_april() -> None:
    april = run("2024-04")
    assert ranking(april, "县(区)单位") == [
        ("g1", 1, Decimal("100.00")),
        ("g4", 1, Decimal("100.00")),
        ("g2", 3, Decimal("94.00")),
        ("g3", 4, Decimal("90.00")),
    ]
    assert unit(april, "g2").parts["督查考评"] == 34
    assert [u.unit_id for u in april.groups[1].ranking] == ["m1", "m3", "m2"]
    assert unit(april, "z1").parts["案件办理"] == 30
    assert [u.unit_id for u in april.groups[2].ranking] == ["z2", "z3", "z1"]


def test_year_is_the_mean_of_the_evaluated_months() -> None:
    year = run("2024")
    assert ranking(year, "县(区)单位") == [
        ("g2", 1, Decimal("95.00")),
        ("g4", 1, Decimal("95.00")),
        ("g3", 3, Decimal("93.00")),
        ("g1", 4, Decimal("92.75")),
    ]
    assert unit(year, "g1").parts == {"案件办理": Decimal("55.25"), "督查考评": Decimal("37.5")}
    assert ranking(year, "市直单位") == [
        ("m2", 1, Decimal("98.50")),
        ("m3", 2, Decimal("97.33")),
        ("m1", 3, Decimal("93.50")),
    ]
    assert ranking(year, "中(区)直单位") == [
        ("z3", 1, Decimal("98.00")),
        ("z1", 2, Decimal("85.00")),
        ("z2", 3, Decimal("84.17")),
    ]
    assert all(u.reward == 0 and u.flags == [] for u in year.units())


def test_quarter_is_not_a_period_of_this_scheme() -> None:
    with pytest.raises(UnsupportedPeriod, match="季度"):
        run("2024-Q1")


def test_cli_score_prints_the_pinned_json() -> None:
    args = ["score", "--scheme", "guilin-2023", "--data", str(EXAMPLE), "--period", "2024-03", "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["scheme"] == "guilin-2023" and doc["period"] == "2024-03"
    assert [g["group"] for g in doc["groups"]] == GROUPS
    pinned = [
        [(u["rank"], u["unit_id"], u["total"], u["bonus"], u["reward"], u["flags"]) for u in g["ranking"]]
        for g in doc["groups"]
    ]
    assert pinned == [
        [
            (1, "g2", 96.0, 0.0, 0, []),
            (1, "g3", 96.0, 0.0, 0, []),
            (3, "g4", 90.0, 0.0, 0, []),
            (4, "g1", 85.5, 0.0, 0, []),
        ],
        [(1, "m2", 100.0, 0.0, 0, []), (2, "m3", 94.67, 0.0, 0, []), (3, "m1", 87.0, 0.0, 0, [])],
        [(1, "z1", 100.0, 0.0, 0, []), (2, "z3", 98.0, 0.0, 0, []), (3, "z2", 68.33, 0.0, 0, [])],
    ]
    assert doc["groups"][0]["ranking"][3]["parts"] == {"案件办理": 50.5, "督查考评": 35.0}
