"""Scheme constructs one by one on small hand-made facts: each expected number is worked out in a comment."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import polars as pl

from kaoping.engine.consistency import check_facts
from kaoping.engine.evaluate import evaluate
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts, facts_from_frames
from kaoping.periods import parse_period
from kaoping.scheme import parse_scheme

HEAD = """
scheme: t
title: 测试
groups: [{name: 甲组, items: [道路保洁, 绿化养护]}]
"""


def units(n: int, ineligible: tuple[str, ...] = ()) -> pl.DataFrame:
    ids = [f"u{i}" for i in range(1, n + 1)]
    return pl.DataFrame(
        {"unit_id": ids, "name": ids, "group": ["甲组"] * n, "reward_eligible": [i not in ineligible for i in ids]}
    )


def scores(rows: list[tuple[str, str, str, str, float]]) -> pl.DataFrame:
    period, unit, part, item, score = zip(*rows, strict=True) if rows else ((),) * 5
    return pl.DataFrame(
        {"period": period, "unit_id": unit, "part": part, "item": item, "score": score},
        schema={"period": pl.Utf8, "unit_id": pl.Utf8, "part": pl.Utf8, "item": pl.Utf8, "score": pl.Float64},
    )


def run(yaml: str, facts: Facts, period: str) -> PeriodResult:
    scheme = parse_scheme(HEAD + yaml, "t.yaml")
    check_facts(scheme, facts)
    return evaluate(scheme, facts, parse_period(period))


def by_unit(result: PeriodResult, field: str) -> dict[str, object]:
    return {u.unit_id: getattr(u, field) for u in result.units()}


ONE_PART = "periods: {month: {}}\nparts: [{name: 得分, max: 100, source: scores, items: none}]\n"


def totals_facts(values: list[float], ineligible: tuple[str, ...] = ()) -> Facts:
    rows = [("2024-03", f"u{i}", "得分", "", v) for i, v in enumerate(values, start=1)]
    return facts_from_frames(units=units(len(values), ineligible), scores=scores(rows))


def test_small_group_unit_in_both_tiers_gets_their_sum() -> None:
    # 5 units, tiers 3 + 3 (as city-1000's 第一组): rank 3 is third from top and third from bottom.
    # rewards: u1 +1,000,000, u2 +800,000, u3 +500,000 − 500,000 = 0, u4 −800,000, u5 −1,000,000.
    tiers = "rewards: {tiers: {甲组: {top: [1000000, 800000, 500000], bottom: [-1000000, -800000, -500000]}}}\n"
    got = run(ONE_PART + tiers, totals_facts([90, 80, 70, 60, 50]), "2024-03")
    assert by_unit(got, "reward") == {"u1": 1_000_000, "u2": 800_000, "u3": 0, "u4": -800_000, "u5": -1_000_000}


def test_ties_broken_by_named_part() -> None:
    # Nantong 2017: two streets at 94.31 ranked 4th and 5th by a part score.
    # u1: 50 + 44.31 = 94.31; u2: 49.31 + 45 = 94.31; ties broken by 日常检查: u1 (50) before u2 (49.31).
    yaml = """periods: {month: {}}
display: {ties: [日常检查]}
parts:
  - {name: 日常检查, max: 50, source: scores, items: none}
  - {name: 暗访, max: 50, source: scores, items: none}
"""
    rows = [
        ("2024-03", "u1", "日常检查", "", 50),
        ("2024-03", "u1", "暗访", "", 44.31),
        ("2024-03", "u2", "日常检查", "", 49.31),
        ("2024-03", "u2", "暗访", "", 45),
    ]
    got = run(yaml, facts_from_frames(units=units(2), scores=scores(rows)), "2024-03")
    assert [(u.unit_id, u.rank, u.shown_total) for u in got.groups[0].ranking] == [
        ("u1", 1, Decimal("94.31")),
        ("u2", 2, Decimal("94.31")),
    ]


def test_truncation_and_ranking_on_exact_total() -> None:
    # 1 decimal, truncated: 80.19 → 80.1 and 80.11 → 80.1 (shown equal).
    # rank_on rounded: both rank 1; rank_on exact: 80.19 is 1st, 80.11 2nd.
    base = "periods: {month: {}}\nparts: [{name: 得分, max: 100, source: scores, items: none}]\n"
    facts = totals_facts([80.19, 80.11])
    shown = run(base + "display: {decimals: 1, rounding: truncate}\n", facts, "2024-03")
    assert by_unit(shown, "shown_total") == {"u1": Decimal("80.1"), "u2": Decimal("80.1")}
    assert by_unit(shown, "rank") == {"u1": 1, "u2": 1}
    exact = run(base + "display: {decimals: 1, rounding: truncate, rank_on: exact}\n", facts, "2024-03")
    assert by_unit(exact, "rank") == {"u1": 1, "u2": 2}


def test_percent_weights_formula_and_rank_bonus() -> None:
    # 日常检查 (weight 60) = 90; 数字城管 (weight 40) = min(100, 结案率 × 0.6 + 按期率 × 0.4)
    #   u1: 95 × 0.6 + 80 × 0.4 = 57 + 32 = 89 → total 90 × 0.6 + 89 × 0.4 = 54 + 35.6 = 89.6
    # rank bonus from ranks.csv task 环卫: rank 2 → +3 (tier 1–3), rank 5 → +1 (tier 4–6): u1 = 89.6 + 3 = 92.6
    #   u2: 日常检查 70 × 0.6 = 42; no 数字城管 rows → 0; March rank 5 → +1 (February's rank 1 is another month) → 43
    yaml = """periods: {month: {}}
combine: weighted
parts:
  - {name: 日常检查, weight: 60, max: 100, source: scores, items: none}
  - name: 数字城管
    weight: 40
    max: 100
    combine: formula
    formula: min(100, 结案率 * 0.6 + 按期率 * 0.4)
    parts:
      - {name: 结案率, max: 100, source: scores, items: none}
      - {name: 按期率, max: 100, source: scores, items: none}
bonus:
  rules:
    - {type: ranks, name: 排名加分, task: 环卫, tiers: [{ranks: [1, 3], points: 3}, {ranks: [4, 6], points: 1}]}
"""
    rows = [
        ("2024-03", "u1", "日常检查", "", 90),
        ("2024-03", "u1", "结案率", "", 95),
        ("2024-03", "u1", "按期率", "", 80),
        ("2024-03", "u2", "日常检查", "", 70),
    ]
    ranks = pl.DataFrame(
        {
            "period": ["2024-03", "2024-03", "2024-02"],
            "unit_id": ["u1", "u2", "u2"],
            "task": ["环卫", "环卫", "环卫"],
            "rank": [2, 5, 1],
        }
    )
    got = run(yaml, facts_from_frames(units=units(2), scores=scores(rows), ranks=ranks), "2024-03")
    u1, u2 = got.unit("u1"), got.unit("u2")
    assert u1 is not None and u2 is not None
    assert u1.parts["数字城管"] == 89
    assert u1.total == Decimal("89.6") + 3
    assert u2.total == 42 + 1


def test_deductions_item_cap_floor_and_quarter_mean_of_evaluated_months() -> None:
    # 日常考评 max 20, at most 5 per item, never below 2.
    # u1 in March: item 道路保洁 deductions 3 + 4 = 7 → capped 5; 绿化养护 1 → 20 − 6 = 14.
    # u2 in March: 道路保洁 5, 绿化养护 5, plus 绿化养护 4 → 5 + 5 (capped) = 10 → 20 − 10 = 10.
    # u1 in January: 道路保洁 19 → capped 5 → 15.  No facts at all in February: it is not evaluated.
    # Quarter = mean of the evaluated months (January, March): u1 (15 + 14) / 2 = 14.5; u2 (20 + 10) / 2 = 15.
    yaml = """periods: {month: {}, quarter: {from: month, combine: mean}}
parts: [{name: 日常考评, max: 20, source: deductions, items: group, item_cap: 5, floor: 2}]
"""
    d = [
        (date(2024, 3, 5), "u1", "道路保洁", 3.0),
        (date(2024, 3, 6), "u1", "道路保洁", 4.0),
        (date(2024, 3, 7), "u1", "绿化养护", 1.0),
        (date(2024, 3, 8), "u2", "道路保洁", 5.0),
        (date(2024, 3, 9), "u2", "绿化养护", 5.0),
        (date(2024, 3, 9), "u2", "绿化养护", 4.0),
        (date(2024, 1, 9), "u1", "道路保洁", 19.0),
    ]
    deductions = pl.DataFrame(
        {
            "date": [r[0] for r in d],
            "unit_id": [r[1] for r in d],
            "part": ["日常考评"] * len(d),
            "item": [r[2] for r in d],
            "points": [r[3] for r in d],
        }
    )
    facts = facts_from_frames(units=units(2), deductions=deductions)
    assert by_unit(run(yaml, facts, "2024-03"), "total") == {"u1": 14, "u2": 10}
    assert by_unit(run(yaml, facts, "2024-Q1"), "total") == {"u1": Decimal("14.5"), "u2": 15}


def test_floor_holds_when_deductions_exceed_everything() -> None:
    yaml = "periods: {month: {}}\nparts: [{name: 日常考评, max: 20, source: deductions, floor: 2}]\n"
    deductions = pl.DataFrame(
        {"date": [date(2024, 3, 5)], "unit_id": ["u1"], "part": ["日常考评"], "item": ["x"], "points": [50.0]}
    )
    got = run(yaml, facts_from_frames(units=units(1), deductions=deductions), "2024-03")
    assert by_unit(got, "total") == {"u1": 2}


def test_consecutive_bottom_two_flag() -> None:
    # reminder = among the last 2 in two consecutive months.  Feb: u3, u4 last two; Mar: u2 (tied), u3, u4?
    # March totals u1 90, u2 60, u3 60, u4 70 → last two from the bottom: u2 and u3 (tied at 60), u4 is 3rd.
    # In both months: u3 only.
    yaml = ONE_PART + "flags: [{code: reminder, bottom: 2, consecutive: 2}]\n"
    rows = [
        ("2024-02", "u1", "得分", "", 90),
        ("2024-02", "u2", "得分", "", 80),
        ("2024-02", "u3", "得分", "", 50),
        ("2024-02", "u4", "得分", "", 40),
        ("2024-03", "u1", "得分", "", 90),
        ("2024-03", "u2", "得分", "", 60),
        ("2024-03", "u3", "得分", "", 60),
        ("2024-03", "u4", "得分", "", 70),
    ]
    got = run(yaml, facts_from_frames(units=units(4), scores=scores(rows)), "2024-03")
    assert by_unit(got, "flags") == {"u1": [], "u2": [], "u3": ["reminder"], "u4": []}


def test_scorers_max_and_latest_over_time() -> None:
    # scorers max: March item 道路保洁 max(70, 80) = 80 + 绿化养护 10 = 90; January 50.
    # quarter evaluated directly, over_time latest → March's 90.
    yaml = """periods: {quarter: {}}
parts: [{name: 得分, max: 100, source: scores, items: group, scorers: max, over_time: latest}]
"""
    rows = [
        ("2024-03", "u1", "得分", "道路保洁", 70),
        ("2024-03", "u1", "得分", "道路保洁", 80),
        ("2024-03", "u1", "得分", "绿化养护", 10),
        ("2024-01", "u1", "得分", "道路保洁", 50),
    ]
    got = run(yaml, facts_from_frames(units=units(1), scores=scores(rows)), "2024-Q1")
    assert by_unit(got, "total") == {"u1": 90}


def test_formula_round_and_division_by_zero() -> None:
    # 比率 = round(a / b * 100, 1): u1 2 / 3 → 66.666… → 66.7; u2 has b = 0 → division by zero → 0 (explained)
    yaml = """periods: {month: {}}
parts:
  - name: 比率
    max: 100
    combine: formula
    formula: round(a / b * 100, 1)
    parts: [{name: a, source: scores, items: none}, {name: b, source: scores, items: none}]
"""
    rows = [("2024-03", "u1", "a", "", 2), ("2024-03", "u1", "b", "", 3), ("2024-03", "u2", "a", "", 1)]
    got = run(yaml, facts_from_frames(units=units(2), scores=scores(rows)), "2024-03")
    assert by_unit(got, "total") == {"u1": Decimal("66.7"), "u2": 0}
    u2 = got.unit("u2")
    assert u2 is not None and any("division by zero" in ln.rule for ln in u2.lines)


def test_period_without_data_gets_no_rewards_or_flags() -> None:
    tiers = "rewards: {tiers: {甲组: {top: [100], bottom: [-100]}}}\nflags: [{code: statement}]\n"
    got = run(ONE_PART + tiers, totals_facts([90, 80]), "2024-07")
    assert not got.evaluated
    assert got.groups[0].ranking == []  # nobody was scored: nobody is ranked, rewarded or flagged (未考评)
    assert [(u.unit_id, u.reward, u.flags) for u in got.groups[0].unrated] == [("u1", 0, []), ("u2", 0, [])]


def test_unit_without_scores_is_listed_apart_not_ranked_last() -> None:
    # u3 has no row in March: 未考评.  u1 90, u2 80 are ranked; the last-two flag goes to u1 and u2, not u3.
    yaml = ONE_PART + "flags: [{code: reminder, bottom: 1}]\n"
    facts = totals_facts([90, 80, 70])
    facts = facts_from_frames(units=facts.units, scores=facts.scores.filter(pl.col("unit_id") != "u3"))
    got = run(yaml, facts, "2024-03")
    assert [(u.unit_id, u.rank, u.flags) for u in got.groups[0].ranking] == [("u1", 1, []), ("u2", 2, ["reminder"])]
    assert [u.unit_id for u in got.groups[0].unrated] == ["u3"]


def test_flag_limited_to_named_groups() -> None:
    # two groups; `statement` only for 乙组: u3 (last of 乙组) is flagged, u2 (last of 甲组) is not
    scheme = parse_scheme(
        HEAD.replace("groups: [{name: 甲组, items: [道路保洁, 绿化养护]}]", "groups: [{name: 甲组}, {name: 乙组}]")
        + ONE_PART
        + "flags: [{code: statement, groups: [乙组]}]\n",
        "t.yaml",
    )
    facts = totals_facts([90, 80, 70, 95])
    facts = facts_from_frames(
        units=facts.units.with_columns(group=pl.Series(["甲组", "甲组", "乙组", "乙组"])), scores=facts.scores
    )
    got = evaluate(scheme, facts, parse_period("2024-03"))
    assert by_unit(got, "flags") == {"u1": [], "u2": [], "u3": ["statement"], "u4": []}


def test_inspection_windows_exclude_and_report() -> None:
    # window: April–September 07:00–22:00, October–March 07:00–21:30.
    # u1 in March: 21:00 (in) −2 counted; 21:45 (out: winter ends 21:30) −3 excluded; no time −1 counted → 20 − 3 = 17
    # u1 in June: 21:45 is inside the summer window → counted.
    yaml = """periods: {month: {}}
inspection_windows:
  - {months: [4, 5, 6, 7, 8, 9], start: "07:00", end: "22:00"}
  - {months: [10, 11, 12, 1, 2, 3], start: "07:00", end: "21:30"}
parts: [{name: 市容, max: 20, source: deductions}]
"""
    rows = [
        (date(2024, 3, 5), time(21, 0), 2.0),
        (date(2024, 3, 6), time(21, 45), 3.0),
        (date(2024, 3, 7), None, 1.0),
        (date(2024, 6, 7), time(21, 45), 4.0),
    ]
    deductions = pl.DataFrame(
        {
            "date": [r[0] for r in rows],
            "unit_id": ["u1"] * 4,
            "part": ["市容"] * 4,
            "item": ["x"] * 4,
            "points": [r[2] for r in rows],
            "time": [r[1] for r in rows],
        },
        schema_overrides={"time": pl.Time},
    )
    facts = facts_from_frames(units=units(1), deductions=deductions)
    march = run(yaml, facts, "2024-03")
    assert by_unit(march, "total") == {"u1": 17}
    assert [(e.row, e.unit_id) for e in march.excluded] == [(3, "u1")]
    assert "21:30" in march.excluded[0].reason
    assert by_unit(run(yaml, facts, "2024-06"), "total") == {"u1": 16}


def test_inspection_window_months_must_not_overlap() -> None:
    import pytest

    from kaoping.scheme import SchemeError

    bad = """periods: {month: {}}
inspection_windows: [{months: [3, 4], start: "07:00", end: "22:00"}, {months: [4], start: "07:00", end: "25:00"}]
parts: [{name: 市容, max: 20, source: deductions}]
"""
    with pytest.raises(SchemeError) as info:
        parse_scheme(HEAD + bad, "t.yaml")
    assert "inspection_windows: a month is in two windows" in info.value.problems
    assert "inspection_windows[1].end: '25:00' is not a time of day" in info.value.problems


def test_top_and_below_flags() -> None:
    # totals 90, 80, 55: first → `commended` (u1); shown total below 60 → `below_standard` (u3)
    yaml = ONE_PART + "flags: [{code: commended, top: 1}, {code: below_standard, below: 60}]\n"
    got = run(yaml, totals_facts([90, 80, 55]), "2024-03")
    assert by_unit(got, "flags") == {"u1": ["commended"], "u2": [], "u3": ["below_standard"]}


def test_all_units_tied() -> None:
    # three units at 80: all share rank 1; each is first (+100) and last (−100) at once → reward 0 each;
    # each is last → `statement` for all three.  (A tie is never broken silently by unit id.)
    tiers = "rewards: {tiers: {甲组: {top: [100, 50], bottom: [-100]}}}\nflags: [{code: statement}]\n"
    got = run(ONE_PART + tiers, totals_facts([80, 80, 80]), "2024-03")
    assert by_unit(got, "rank") == {"u1": 1, "u2": 1, "u3": 1}
    assert by_unit(got, "reward") == {"u1": 0, "u2": 0, "u3": 0}
    assert by_unit(got, "flags") == {"u1": ["statement"], "u2": ["statement"], "u3": ["statement"]}
