"""试算 on small hand-made facts: the scheme diff places each change, the comparison names movers and rules."""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.evaluate import evaluate
from kaoping.engine.scheme_diff import Area, scheme_changes
from kaoping.engine.whatif import Cause, compare
from kaoping.facts import Facts, facts_from_frames
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, parse_scheme

from .test_constructs import scores, units

WEIGHTED = """
scheme: w
title: 加权测试
periods: {month: {}}
groups: [{name: 甲组}]
combine: weighted
parts:
  - {name: 甲, max: 100, weight: %s, source: scores, items: none}
  - {name: 乙, max: 100, weight: %s, source: scores, items: none}
rewards: {tiers: {甲组: {top: [%s]}}}
"""


def scheme(w1: int, w2: int, reward: int = 1000) -> Scheme:
    return parse_scheme(WEIGHTED % (w1, w2, reward), "w.yaml")


def facts() -> Facts:
    # u1: 甲 90, 乙 70; u2: 甲 80, 乙 85; u3: 甲 60, 乙 60
    rows = [("2024-03", "u1", "甲", "", 90.0), ("2024-03", "u1", "乙", "", 70.0)]
    rows += [("2024-03", "u2", "甲", "", 80.0), ("2024-03", "u2", "乙", "", 85.0)]
    rows += [("2024-03", "u3", "甲", "", 60.0), ("2024-03", "u3", "乙", "", 60.0)]
    return facts_from_frames(units=units(3), scores=scores(rows))


def run(old: Scheme, new: Scheme) -> object:
    period = parse_period("2024-03")
    return compare(old, new, evaluate(old, facts(), period), evaluate(new, facts(), period))


def test_scheme_changes_are_placed_in_the_part_they_act_in() -> None:
    changes = scheme_changes(scheme(60, 40), scheme(40, 60, reward=2000))
    assert [(c.area, c.part, c.path, c.before, c.after) for c in changes] == [
        (Area.PART, "甲", "甲.weight", "60", "40"),
        (Area.PART, "乙", "乙.weight", "40", "60"),
        (Area.REWARDS, "", "rewards.tiers.甲组.top", "[1000]", "[2000]"),
    ]
    assert changes[0].text() == "甲.weight（权重(%)）：60 → 40"
    assert scheme_changes(scheme(60, 40), scheme(60, 40)) == []


def test_weights_swapped_name_both_parts_and_the_rank_swap() -> None:
    # 60/40: u1 = 90×0.6 + 70×0.4 = 54 + 28 = 82; u2 = 80×0.6 + 85×0.4 = 48 + 34 = 82 → tie at rank 1
    # 40/60: u1 = 36 + 42 = 78; u2 = 32 + 51 = 83 → u2 first, u1 second; u3 = 60 either way, rank 3, no mover
    result = run(scheme(60, 40), scheme(40, 60))
    movers = {m.unit_id: m for m in result.movers}  # type: ignore[attr-defined]
    assert set(movers) == {"u1", "u2"}
    u1, u2 = movers["u1"], movers["u2"]
    assert (u1.rank_before, u1.rank_after, u1.total_before, u1.total_after) == (
        1,
        2,
        Decimal("82.00"),
        Decimal("78.00"),
    )
    assert (u2.rank_before, u2.rank_after, u2.total_delta) == (1, 1, Decimal("1.00"))
    # u1's pieces: 甲 54 → 36 (−18), 乙 28 → 42 (+14), each with the weight change made in that part;
    # the reward: tied first both got 1000 before; after, u1 is second and gets nothing
    parts = {s.name: (s.before, s.after, [c.path for c in s.changes]) for s in u1.shifts if s.cause == Cause.PART}
    assert parts == {"甲": (Decimal(54), Decimal(36), ["甲.weight"]), "乙": (Decimal(28), Decimal(42), ["乙.weight"])}
    reward = next(s for s in u1.shifts if s.cause == Cause.REWARD)
    assert (reward.before, reward.after, reward.changes) == (Decimal(1000), Decimal(0), ())


def test_a_cap_moves_only_the_unit_above_it() -> None:
    # cap 乙 at 84: only u2 has more (85), so only u2's number changes
    old = scheme(60, 40)
    new = parse_scheme((WEIGHTED % (60, 40, 1000)).replace("乙, max: 100", "乙, max: 84"), "w.yaml")
    # u2 = 48 + 84×0.4 = 48 + 33.6 = 81.6 < u1 82: u1 alone first, keeps its total, its reward 1000 stays;
    # u2 drops to rank 2 and loses its share of the tie's reward
    result = run(old, new)
    movers = {m.unit_id: m for m in result.movers}  # type: ignore[attr-defined]
    assert movers["u2"].total_after == Decimal("81.60") and movers["u2"].rank_after == 2
    shift = next(s for s in movers["u2"].shifts if s.cause == Cause.PART)
    assert (shift.name, shift.before, shift.after) == ("乙", Decimal(34), Decimal("33.6"))
    assert [c.text() for c in shift.changes] == ["乙.max（满分/上限）：100 → 84"]
    # u1 kept rank 1 (tied before, alone now), 82 and its 1000: not a mover; u3 neither
    assert set(movers) == {"u2"}
    assert movers["u2"].shifts[-1].cause == Cause.REWARD and movers["u2"].reward_after == 0


SUM = """
scheme: s
title: 求和测试
periods: {month: {}}
groups: [{name: 甲组}]
parts:
  - {name: 甲, max: %s, source: scores, items: none}
  - {name: 乙, max: 100, source: scores, items: none}
%s
"""


def sum_run(old: str, new: str, rows: dict[str, tuple[float, float]]) -> dict[str, object]:
    data = [("2024-03", uid, part, "", v) for uid, pair in rows.items() for part, v in zip("甲乙", pair, strict=True)]
    facts = facts_from_frames(units=units(len(rows)), scores=scores(data))
    a, b = parse_scheme(old, "old.yaml"), parse_scheme(new, "new.yaml")
    period = parse_period("2024-03")
    found = compare(a, b, evaluate(a, facts, period), evaluate(b, facts, period))
    return {m.unit_id: m for m in found.movers}


def test_a_unit_that_rises_only_because_another_fell_is_said_so() -> None:
    # u1 = 60 + 20 = 80, u2 = 30 + 45 = 75, u3 = 10 + 10 = 20; 甲 capped at 50: u1 = 50 + 20 = 70 falls to 2nd,
    # u2 keeps 75 and rises to 1st — its own numbers did not move; u3 (10 < 50) keeps 20 and 3rd: no mover
    movers = sum_run(SUM % (100, ""), SUM % (50, ""), {"u1": (60, 20), "u2": (30, 45), "u3": (10, 10)})
    assert set(movers) == {"u1", "u2"}
    (u2_shift,) = movers["u2"].shifts  # type: ignore[attr-defined]
    assert u2_shift.cause == Cause.OTHERS and (movers["u2"].rank_before, movers["u2"].rank_after) == (2, 1)  # type: ignore[attr-defined]
    (u1_shift,) = movers["u1"].shifts  # type: ignore[attr-defined]
    assert (u1_shift.cause, u1_shift.name, u1_shift.delta) == (Cause.PART, "甲", Decimal(-10))


def test_the_totals_cap_and_a_flag_rule_are_named_where_they_act() -> None:
    # total_max 100 → 105: u1 = 60 + 50 = 110, its base capped at 100, now 105: the cap's piece −10 → −5
    movers = sum_run(SUM % (100, "total_max: 100"), SUM % (100, "total_max: 105"), {"u1": (60, 50), "u2": (10, 10)})
    (shift,) = movers["u1"].shifts  # type: ignore[attr-defined]
    assert (shift.cause, shift.before, shift.after) == (Cause.TOTAL, Decimal(-10), Decimal(-5))
    assert [c.path for c in shift.changes] == ["total_max"]
    # the statement flag from the last 1 to the last 2: u1 (2nd of 2) is flagged now, nothing else moves
    flag = "flags: [{code: statement, bottom: %s}]"
    movers = sum_run(SUM % (100, flag % 1), SUM % (100, flag % 2), {"u1": (60, 30), "u2": (10, 10)})
    assert set(movers) == {"u1"}
    (shift,) = movers["u1"].shifts  # type: ignore[attr-defined]
    assert shift.cause == Cause.FLAGS and (shift.before, shift.after) == (Decimal(0), Decimal(1))
    assert [c.path for c in shift.changes] == ["flags.statement.condition.bottom"]
