"""`demo-city` on examples/demo-city, every number worked out by hand below.

Month total = 部门考评 × 30% + 第三方测评 × 20% + 日常巡查 × 30% + 数字城管 × 20% + bonus − penalties (≥ 0);
quarter = mean of its months; year = mean of the quarters.  Units: 城区组 dh 东湖区, xl 西岭区, bt 北塔区,
nq 南桥区; 县市组 qs 青山县, bhx 白河县, hk 河口县, xq 金川新区 (reward_eligible 否).

部门考评 (given per quarter, read by each month of it; departments averaged per item, items averaged):
  Q1: dh 市容秩序 mean(90, 80) = 85, 环境卫生 90 → 87.5 (×30% = 26.25); xl mean(80, 84) = 82 → 24.6;
      bt 70 → 21; nq mean(70, 74) = 72 → 21.6; qs 88 → 26.4; bhx (alias 市直部门考评) mean(90, 70) = 80 → 24;
      hk 90 → 27; xq 86 → 25.8.
  Q2: dh 90 → 27; xl 85 → 25.5; bt 80 → 24; nq 70 → 21; qs 90 → 27; bhx 85 → 25.5; hk 88 → 26.4; xq 75 → 22.5.
日常巡查 (100 − deductions, an item at most 30; only inside the inspection hours):
  dh Jan 100 − 2 − 1.5 = 96.5; dh Mar: 市政设施 −3 at 21:15 is after 20:00 (秋冬) → excluded, 100.
  xl Jan 违法建设 −35 capped at 30 → 70; Feb −4 → 96.   nq Jan −10 → 90, Feb −2 → 98, Mar −10 → 90, Apr −12 → 88.
  bhx Jan −6 → 94, Feb −6 → 94.   xq Feb −1 → 99.   Everyone else: 100.
数字城管 (按期处置率 × 0.5 + 结案率 × 0.3 + 核查通过率 × 0.2; no case: 100):
  dh Jan: K1–K4 all closed, K4 disposed after its deadline and reworked once → 按期 75, 结案 100,
          核查通过率 4 / (4 + 1) = 80 → 37.5 + 30 + 16 = 83.5.
  nq Mar: K5 closed on time, K6 not disposed → 按期 50, 结案 50, 核查 100 → 25 + 15 + 20 = 60.
Bonus: dh award 2024-01-15 provincial +2 in Feb; qs national 02-20 +3 in Mar, provincial 03-10 +2 in Apr
  (cum 5 = the yearly cap), provincial_dept 04-20 → May +0 (cap reached); hk provincial_dept 04-05 +1 in May;
  xq 特色工作加分 3 in Mar, capped at 2.
整改通报 (5 days to rectify; 1 point, from the 3rd notification in a row 2): nq TB-2024-01 Jan −1, Feb −1,
  Mar −2, Apr rectified in 2 days → 0; bhx TB-2024-02 rectified after 10 days → Feb −1; dh TB-2024-03 in time → 0.

Months of Q1:            Jan      Feb                     Mar
  dh  26.25+18+28.95+16.7 = 89.9   26.25+18.4+30+20+2 = 96.65   26.25+18.8+30+20 = 95.05
  xl  24.6+17.6+21+20 = 83.2       24.6+17.6+28.8+20 = 91       24.6+17.6+30+20 = 92.2
  bt  21+16+30+20 = 87             87                           87
  nq  21.6+16+27+20−1 = 83.6       21.6+16.4+29.4+20−1 = 86.4   21.6+16.8+27+12−2 = 75.4
  qs  26.4+18+30+20 = 94.4         94.4                         94.4+3 = 97.4
  bhx 24+17+28.2+20 = 89.2         89.2−1 = 88.2                24+17+30+20 = 91
  hk  27+17+30+20 = 94             94                           94
  xq  25.8+18.4+30+20 = 94.2       25.8+18.4+29.7+20 = 93.9     94.2+2 = 96.2
2024-Q1 (mean): dh 281.6/3 = 93.87, xl 88.8, bt 87, nq 81.8; qs 95.4, xq 284.3/3 = 94.77, hk 94, bhx 268.4/3 = 89.47.
  城区组 (top 300,000/200,000, bottom −100,000): xl (2nd) has a criticism dated 02-28 → disqualified, its reward
    passes down: dh +300,000, bt +200,000 (递补), nq −100,000; nq last → statement, 81.8 < 85 → reminder.
  县市组 (top 200,000/100,000, bottom −100,000): qs +200,000; xq is not eligible → hk +100,000 (递补);
    bhx −100,000 and statement.
2024-Q2: every month alike except nq's April (−12 → 88) and the bonuses:
  dh 27+18+30+20 = 95; xl 93.5; bt 91; nq (83.4 + 87 + 87)/3 = 85.8;
  qs (97 + 95 + 95)/3 = 95.67; hk (93.4 + 94.4 + 93.4)/3 = 93.73; bhx 92.5; xq 88.5.
  城区组: dh +300,000, xl +200,000 (no criticism this quarter; two reward amounts, so bt gets none), nq −100,000.
  县市组: qs +200,000, hk +100,000; xq is last but not eligible → the penalty passes up to bhx (−100,000);
    xq still gets statement (it is ranked).  nq last in Q1 and Q2 → statement and public_explanation.
2024 (mean of Q1 and Q2; Q3, Q4 have no data): dh (281.6/3 + 95)/2 = 94.43, nq 83.8, qs 95.53, bhx 90.98.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from examples_testing import EXAMPLES
from kaoping.engine.result import PeriodResult
from kaoping.output.document import result_document
from kaoping.scheme import load_scheme
from scheme_testing import ExampleRun, unit
from scheme_testing import rank_and_total_by_unit as ranking

EXAMPLE = EXAMPLES / "demo-city"
SCHEME = load_scheme("demo-city")


run = ExampleRun(SCHEME, EXAMPLE)


@pytest.fixture(scope="module")
def q1() -> PeriodResult:
    return run("2024-Q1")


@pytest.fixture(scope="module")
def q2() -> PeriodResult:
    return run("2024-Q2")


def test_january_parts_and_totals() -> None:
    jan = run("2024-01")
    dh = unit(jan, "dh")
    assert dh.parts == {
        "部门考评": Decimal("87.5"),
        "第三方测评": 90,
        "日常巡查": Decimal("96.5"),
        "数字城管": Decimal("83.5"),
    }
    assert dh.total == Decimal("89.9")
    assert unit(jan, "xl").parts["日常巡查"] == 70  # 35 points on one item, capped at 30
    assert unit(jan, "bhx").parts["部门考评"] == 80  # rows written with the alias 市直部门考评
    assert ranking(jan) == {
        "dh": (1, Decimal("89.90")),
        "bt": (2, Decimal("87.00")),
        "nq": (3, Decimal("83.60")),
        "xl": (4, Decimal("83.20")),
        "qs": (1, Decimal("94.40")),
        "xq": (2, Decimal("94.20")),
        "hk": (3, Decimal("94.00")),
        "bhx": (4, Decimal("89.20")),
    }
    assert all(u.reward == 0 and u.flags == [] for u in jan.units())  # months: no rewards, no flags


def test_cases_part_from_case_metrics() -> None:
    assert unit(run("2024-01"), "dh").parts["数字城管"] == Decimal("83.5")
    march = run("2024-03")
    nq = unit(march, "nq")
    assert nq.parts["数字城管"] == 60
    assert nq.penalty == 2  # TB-2024-01's third notification in a row costs the escalated 2 points
    assert nq.total == Decimal("75.4")


def test_inspection_window_excludes_a_night_deduction() -> None:
    march = run("2024-03")
    assert unit(march, "dh").parts["日常巡查"] == 100
    assert [(e.unit_id, e.row) for e in march.excluded] == [("dh", 4)]


def test_honor_delay_yearly_cap_and_scored_bonus() -> None:
    assert unit(run("2024-02"), "dh").bonus == 2
    assert unit(run("2024-03"), "qs").bonus == 3
    assert unit(run("2024-04"), "qs").bonus == 2
    may = run("2024-05")
    assert unit(may, "qs").bonus == 0  # 3 + 2 = 5 already added this year
    assert unit(may, "hk").bonus == 1
    xq = unit(run("2024-03"), "xq")
    assert xq.bonus == 2 and xq.bonus_detail["特色工作加分"] == 2  # 3 capped at 2


def test_rectification_penalties() -> None:
    assert unit(run("2024-01"), "nq").penalty == 1
    assert unit(run("2024-02"), "bhx").penalty == 1  # rectified after 10 days: late
    assert unit(run("2024-03"), "dh").penalty == 0  # rectified within 5 days
    assert unit(run("2024-04"), "nq").penalty == 0


def test_quarter_is_the_mean_of_its_months(q1: PeriodResult) -> None:
    assert unit(q1, "dh").total == Decimal("281.6") / 3
    assert ranking(q1) == {
        "dh": (1, Decimal("93.87")),
        "xl": (2, Decimal("88.80")),
        "bt": (3, Decimal("87.00")),
        "nq": (4, Decimal("81.80")),
        "qs": (1, Decimal("95.40")),
        "xq": (2, Decimal("94.77")),
        "hk": (3, Decimal("94.00")),
        "bhx": (4, Decimal("89.47")),
    }


def test_q1_rewards_pass_down_past_disqualified_and_ineligible_units(q1: PeriodResult) -> None:
    assert {u.unit_id: u.reward for u in q1.units()} == {
        "dh": 300000,
        "xl": 0,
        "bt": 200000,
        "nq": -100000,
        "qs": 200000,
        "xq": 0,
        "hk": 100000,
        "bhx": -100000,
    }
    assert unit(q1, "xl").flags == ["disqualified"]
    assert unit(q1, "nq").flags == ["statement", "reminder"]
    assert unit(q1, "bhx").flags == ["statement"]


def test_q2_penalty_passes_up_and_consecutive_last_place(q2: PeriodResult) -> None:
    assert ranking(q2) == {
        "dh": (1, Decimal("95.00")),
        "xl": (2, Decimal("93.50")),
        "bt": (3, Decimal("91.00")),
        "nq": (4, Decimal("85.80")),
        "qs": (1, Decimal("95.67")),
        "hk": (2, Decimal("93.73")),
        "bhx": (3, Decimal("92.50")),
        "xq": (4, Decimal("88.50")),
    }
    rewards = {u.unit_id: u.reward for u in q2.units()}
    assert rewards == {
        "dh": 300000,
        "xl": 200000,
        "bt": 0,
        "nq": -100000,
        "qs": 200000,
        "hk": 100000,
        "bhx": -100000,
        "xq": 0,
    }
    assert unit(q2, "nq").flags == ["statement", "public_explanation"]
    assert unit(q2, "xq").flags == ["statement"]
    assert unit(q2, "bhx").flags == []


def test_year_is_the_mean_of_the_quarters_without_rewards() -> None:
    year = run("2024")
    assert unit(year, "dh").total == (Decimal("281.6") / 3 + 95) / 2
    shown = {u.unit_id: u.shown_total for u in year.units()}
    assert shown["dh"] == Decimal("94.43") and shown["nq"] == Decimal("83.80")
    assert shown["qs"] == Decimal("95.53") and shown["bhx"] == Decimal("90.98")
    assert all(u.reward == 0 and u.flags == [] for u in year.units())


def test_result_document(q1: PeriodResult) -> None:
    doc = result_document(SCHEME, q1)
    assert doc["scheme"] == "demo-city" and doc["title"] == "金川市城市管理综合考评方案（演示）"
    groups = {g["group"]: g for g in doc["groups"]}
    assert list(groups) == ["城区组", "县市组"]
    first = groups["城区组"]["ranking"][0]
    assert (first["unit_id"], first["total"], first["reward"]) == ("dh", 93.87, 300000)
    assert set(first["parts"]) == {"部门考评", "第三方测评", "日常巡查", "数字城管"}
