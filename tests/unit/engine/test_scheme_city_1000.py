"""`city-1000` on examples/city-1000, every number worked out by hand below.

Data (examples/city-1000), item A = 生活垃圾收运(含城乡环卫一体化), B = 交通秩序管理 (第一组),
R = 河道水域管理, G = 绿化养护管理 (第二组).

2024-Q2, 第一组 (5 districts, tiers top 1,000,000/800,000/500,000, bottom −1,000,000/−800,000/−500,000):
  d1 甲区  部门考评: A = mean(140, 150 [alias 市政府部门考评]) = 145, B = 130          → 275
           社会评价: A = mean(90, 80) = 85, B = 75                                       → 160
           第三方测评: April 480, May 470 (item repeats the part = whole part), June none → mean 475
           bonus: awards added in 2024 (calendar-year cap 6, in date order):
             2023-11-10 national 3 → added 2024-Q1 (cum 3)
             2024-01-20 provincial 2 → added 2024-Q2 (cum 5)
             2024-03-05 national 3 → added 2024-Q2, only 1 fits under the cap (cum 6)
             2024-05-20 provincial_dept 1 → added 2024-Q3, 0 fits (cap reached)
             (2023-08-15 provincial 2 → added 2023-Q4: counts against 2023's cap, not 2024's)
           Q2 bonus = 2 + 1 = 3                                      total 275 + 160 + 475 + 3 = 913
  d2 乙区  150 + 130 = 280; 80 + 70 = 150; 480 ×3 → 480                              total 910
           criticism 2024-05-10 → `disqualified`: no reward this quarter (penalties unaffected)
  d3 丙区  140 + 130 = 270; 85 + 75 = 160; 480                                        total 910 (tie with d2)
  d4 丁区  130 + 130 = 260; 80 + 70 = 150; mean(470.5, 469.5, 470) = 470               total 880
  d5 戊区  120 + 130 = 250; 70 + 70 = 140; mean(460, 461, 460) = 460.333…              total 850.333… → 850.33
  Ranks: d1 1, d2 2, d3 2 (tie shares), d4 4, d5 5.
  Rewards (递补): d2 disqualified → winners in order d1, d3, d4:
     d1 +1,000,000; d3 +800,000; d4 +500,000 (third reward passes down to rank 4).
  Penalties from the bottom: d5 −1,000,000; d4 −800,000; d2 and d3 tie at third-last: −500,000 each.
  reward: d1 +1,000,000; d2 −500,000; d3 +800,000 − 500,000 = +300,000; d4 +500,000 − 800,000 = −300,000;
          d5 −1,000,000.
  Flags: d5 last → `statement`; d5 was last of 第一组 in 2024-Q1 too (January 第三方测评 450, the lowest)
         → `public_explanation`.  d2 → `disqualified`.

2024-Q2, 第二组 (tiers top 1,000,000/800,000, bottom −1,000,000/−800,000; s1 市南部山区 reward_eligible = 否):
  c1 140+140 = 280; 80+80 = 160; 470 → 910      c2 270; 150; 460 → 880      c3 260; 150; 450 → 860
  c4 250; 140; 440 → 830                          s1 240; 130; 430 → 800
  Ranks c1 1, c2 2, c3 3, c4 4, s1 5.  Rewards: c1 +1,000,000, c2 +800,000.  Penalties pass up over s1:
  c4 −1,000,000, c3 −800,000; s1 0.  Flags: s1 last → `statement` (it is ranked; only money skips it).
  In Q1 c4 was last (430), s1 not → nobody in 第二组 gets `public_explanation`.
  c2's award of 2024-06-10 is added in Q3, so its Q2 bonus is 0.

2024 (year = the four quarter totals summed, ranked, no rewards, no flags):
  Q1 has only January's 第三方测评 (mean of one month) plus d1's bonus 3; Q3 and Q4 have no data (0).
  d1 = (470 + 3) + 913 = 1386; d2 = 475 + 910 = 1385; d3 = 465 + 910 = 1375; d4 = 460 + 880 = 1340;
  d5 = 450 + 850.333… = 1300.33.  d1's year bonus = 3 + 3 = 6 (the cap).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from examples_testing import EXAMPLES
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.engine.result import PeriodResult
from kaoping.output.document import result_document
from kaoping.scheme import load_scheme
from scheme_testing import ExampleRun, unit

EXAMPLE = EXAMPLES / "city-1000"
SCHEME = load_scheme("city-1000")


run = ExampleRun(SCHEME, EXAMPLE)


@pytest.fixture(scope="module")
def q2() -> PeriodResult:
    return run("2024-Q2")


def test_group_one_parts_bonus_and_totals(q2: PeriodResult) -> None:
    d1 = unit(q2, "d1")
    assert d1.parts == {"部门考评": 275, "社会评价": 160, "第三方测评": 475}
    assert d1.bonus == 3
    assert d1.total == 913
    assert unit(q2, "d4").parts["第三方测评"] == 470
    d5 = unit(q2, "d5")
    assert d5.total == Decimal(250) + Decimal(140) + Decimal(1381) / 3  # exact, not rounded mid-way
    assert d5.shown_total == Decimal("850.33")


def test_ranks_with_shared_tie(q2: PeriodResult) -> None:
    ranking = [(u.unit_id, u.rank) for u in q2.groups[0].ranking]
    assert q2.groups[0].group == "第一组"
    assert ranking == [("d1", 1), ("d2", 2), ("d3", 2), ("d4", 4), ("d5", 5)]


def test_rewards_disqualification_passes_down_and_ties_share_penalty(q2: PeriodResult) -> None:
    rewards = {u.unit_id: u.reward for u in q2.groups[0].ranking}
    assert rewards == {"d1": 1_000_000, "d2": -500_000, "d3": 300_000, "d4": -300_000, "d5": -1_000_000}
    assert unit(q2, "d2").flags == ["disqualified"]


def test_flags_statement_and_public_explanation(q2: PeriodResult) -> None:
    assert unit(q2, "d5").flags == ["statement", "public_explanation"]
    assert unit(q2, "s1").flags == ["statement"]
    assert unit(q2, "c4").flags == []  # last in Q1 but not in Q2
    assert unit(q2, "d1").flags == []


def test_reward_ineligible_unit_is_ranked_but_skipped(q2: PeriodResult) -> None:
    group_two = {u.unit_id: (u.rank, u.reward) for u in q2.groups[1].ranking}
    assert group_two == {
        "c1": (1, 1_000_000),
        "c2": (2, 800_000),
        "c3": (3, -800_000),
        "c4": (4, -1_000_000),
        "s1": (5, 0),
    }
    assert unit(q2, "c2").bonus == 0  # its June award is added in Q3


def test_bonus_delayed_a_quarter_and_capped_at_six_across_the_year_boundary() -> None:
    q1, q3 = run("2024-Q1"), run("2024-Q3")
    assert unit(q1, "d1").bonus == 3  # the 2023-11 national award, added in 2024-Q1
    assert unit(q3, "d1").bonus == 0  # 2024 cap already reached
    assert unit(q3, "c2").bonus == 1  # c2's provincial_dept award of 2024-06
    assert unit(run("2023-Q4"), "d1").bonus == 2  # the 2023-08 provincial award, 2023's own cap
    explained = [ln.rule for ln in unit(q1, "d1").lines if ln.part == "表彰加分"]
    assert explained and "2023-11-10" in explained[0]


def test_no_public_explanation_after_a_quarter_without_scores() -> None:
    # 2023-Q4 holds only an honor (d1's August award, added then): no scores, so it was not evaluated and
    # nobody was last in it.  In 2024-Q1 d5 (450) and c4 (430) are last: `statement` only.
    q1 = run("2024-Q1")
    assert unit(q1, "d5").flags == ["statement"]
    assert unit(q1, "c4").flags == ["statement"]
    assert not run("2023-Q4").evaluated


def test_year_sums_quarters_without_rewards_or_flags() -> None:
    year = run("2024")
    totals = {u.unit_id: u.shown_total for u in year.groups[0].ranking}
    assert totals == {
        "d1": Decimal("1386.00"),
        "d2": Decimal("1385.00"),
        "d3": Decimal("1375.00"),
        "d4": Decimal("1340.00"),
        "d5": Decimal("1300.33"),
    }
    assert unit(year, "d1").bonus == 6
    assert all(u.reward == 0 and u.flags == [] for u in year.units())


def test_pinned_json_fields(q2: PeriodResult) -> None:
    doc = result_document(SCHEME, q2)
    assert doc["scheme"] == "city-1000" and doc["period"] == "2024-Q2"
    first = doc["groups"][0]["ranking"][0]
    assert {"rank", "unit_id", "total", "bonus", "reward", "flags"} <= set(first)
    assert first == {
        **first,
        "rank": 1,
        "unit_id": "d1",
        "unit": "甲区",
        "total": 913.0,
        "parts": {"部门考评": 275.0, "社会评价": 160.0, "第三方测评": 475.0},
        "bonus": 3.0,
        "reward": 1000000,
        "flags": [],
    }
    assert doc["groups"][0]["ranking"][4]["total"] == 850.33


def test_explanation_cites_rows(q2: PeriodResult) -> None:
    d1 = unit(q2, "d1")
    dept = [ln for ln in d1.lines if ln.part == "部门考评" and ln.rows]
    # item A: two scorers (rows 2 and 3 of scores.csv), averaged
    item_a = next(ln for ln in dept if "生活垃圾收运" in ln.rule)
    assert list(item_a.rows) == [2, 3]
    assert item_a.points == 145
    assert item_a.file.endswith("scores.csv")


def test_month_is_not_a_period_of_this_scheme() -> None:
    with pytest.raises(UnsupportedPeriod, match="月度"):
        run("2024-05")
