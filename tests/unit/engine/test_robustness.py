"""排名稳健性 on hand-made rankings: each one-weight swap and each fragile rank worked out in the comments."""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.evaluate import evaluate
from kaoping.engine.robustness import Fragility, rank_robustness
from kaoping.facts import Facts, facts_from_frames
from kaoping.periods import parse_period
from kaoping.scheme import parse_scheme

from .test_constructs import scores, units

SCHEME = """
scheme: r
title: 稳健性测试
periods: {month: {}}
groups: [{name: 甲组}]
combine: %s
display: %s
parts:
  - {name: 甲, max: 100, %s source: scores, items: none}
  - {name: 乙, max: 100, %s source: scores, items: none}
"""


def facts(rows: dict[str, tuple[float, float]]) -> Facts:
    data = [("2024-03", uid, part, "", v) for uid, pair in rows.items() for part, v in zip("甲乙", pair, strict=True)]
    return facts_from_frames(units=units(len(rows)), scores=scores(data))


def robustness(combine: str, display: str, rows: dict[str, tuple[float, float]], weights: tuple[str, str] = ("", "")):
    scheme = parse_scheme(SCHEME % (combine, display, *weights), "r.yaml")
    return rank_robustness(scheme, evaluate(scheme, facts(rows), parse_period("2024-03")))


def test_weighted_neighbours_smallest_weight_change() -> None:
    # 60/40: u1 = 90×.6 + 70×.4 = 54 + 28 = 82; u2 = 80×.6 + 80×.4 = 80; u3 = 70×.6 + 88×.4 = 42 + 35.2 = 77.2
    rows = {"u1": (90, 70), "u2": (80, 80), "u3": (70, 88)}
    r = robustness("weighted", "{}", rows, ("weight: 60,", "weight: 40,"))
    (a, b) = r.pairs
    # u1/u2: margin 2; 甲 differs by 10 → Δc = −2/10 = −0.2 (60 → 40); 乙 by −10 → +0.2 (40 → 60): a tie of
    # |20|, the first part wins.  Check, only 甲's weight changed to 40: u1 = 90×.4 + 28 = 64, u2 = 80×.4 + 32 = 64
    assert (a.upper.unit_id, a.lower.unit_id, a.margin) == ("u1", "u2", Decimal(2))
    assert a.swap is not None and (a.swap.part, a.swap.weight, a.swap.delta) == ("甲", Decimal(60), Decimal(-20))
    assert a.swap.text() == "甲权重 60 → 40（−20 个百分点）"
    # u2/u3: margin 2.8; 甲 by 10 → −28 points (60 → 32); 乙 by −8 → +35 (40 → 75): 甲 −28.
    # Check: 甲 32%: u2 = 25.6 + 32 = 57.6; u3 = 22.4 + 35.2 = 57.6
    assert b.swap is not None and (b.swap.part, b.swap.delta) == ("甲", Decimal(-28))
    assert r.smallest("甲组") is a
    assert r.fragile() == []


def test_sum_total_swap_is_a_share_of_the_part_and_infeasible_weights_are_skipped() -> None:
    # sum: u1 = 50 + 30 = 80, u2 = 30 + 45 = 75: margin 5; 甲 by 20 → −25% of 甲's points (75% counted);
    # 乙 by −15 → +33.33%.  u2/u3: u3 = 10 + 10 = 20, margin 55; 甲 by 20 → −275% (below zero: no weight);
    # 乙 by 35 → −157% (below zero too): no swap.
    r = robustness("sum", "{}", {"u1": (50, 30), "u2": (30, 45), "u3": (10, 10)})
    first, second = r.pairs
    assert first.swap is not None and (first.swap.part, first.swap.delta) == ("甲", Decimal(-25))
    assert first.swap.text() == "甲按 75% 计（−25%）"
    assert second.swap is None


def test_a_margin_below_the_rounding_unit_is_fragile() -> None:
    # exact ranking, two decimals: 80.004 and 80.001 both show 80.00 but rank 1 and 2 on 0.003 < 0.01
    r = robustness("sum", "{rank_on: exact}", {"u1": (50.004, 30), "u2": (50.001, 30)})
    (pair,) = r.pairs
    assert (pair.upper.rank, pair.lower.rank, pair.margin) == (1, 2, Decimal("0.003"))
    assert pair.fragility == (Fragility.ROUNDING,)
    assert r.rounding_unit == Decimal("0.01")


def test_a_rank_decided_by_the_tie_break_is_fragile_and_a_shared_rank_is_not() -> None:
    # both 80; ties broken by 甲: u1 (50) before u2 (40), ranks 1 and 2 — decided by the tie-break
    r = robustness("sum", "{ties: [甲]}", {"u1": (50, 30), "u2": (40, 40)})
    (pair,) = r.pairs
    assert (pair.upper.rank, pair.lower.rank, pair.margin, pair.swap) == (1, 2, Decimal(0), None)
    assert pair.fragility == (Fragility.TIE_BREAK,)
    shared = robustness("sum", "{}", {"u1": (50, 30), "u2": (40, 40)})
    assert shared.pairs[0].upper.rank == shared.pairs[0].lower.rank == 1 and shared.fragile() == []
