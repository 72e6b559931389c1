"""Properties of the engine that hold for any valid facts (hypothesis): order, monotonicity, caps, ranks, rewards."""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.engine.consistency import check_facts
from kaoping.engine.evaluate import evaluate
from kaoping.engine.result import PeriodResult, UnitResult
from kaoping.io.readers import Facts, facts_from_frames
from kaoping.output.document import result_document
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, load_scheme, parse_scheme

CITY = load_scheme("city-1000")
ENFORCEMENT = load_scheme("enforcement-100")
CUSTOM = parse_scheme(
    """
scheme: deduction-test
title: 扣分制测试
periods:
  quarter: {}
  year: {from: quarter, combine: sum, rewards: false}
groups: [{name: G, items: [甲, 乙, 丙]}]
parts:
  - {name: 市容, max: 40, source: deductions, items: group, item_cap: 6, floor: 25}
  - {name: 环卫, max: 30, source: deductions, items: open, item_cap: 4.5}
  - {name: 秩序, max: 30, min: 5, source: deductions, items: none}
total_max: 100
""",
    "deduction-test.yaml",
)

PROFILE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Row = tuple[Any, ...]
Data = dict[str, list[Row]]

S, F, D, B = pl.String(), pl.Float64(), pl.Date(), pl.Boolean()
COLUMNS: dict[str, dict[str, pl.DataType]] = {
    "units": {"unit_id": S, "name": S, "group": S, "reward_eligible": B},
    "scores": {"period": S, "unit_id": S, "part": S, "item": S, "score": F},
    "deductions": {"date": D, "unit_id": S, "part": S, "item": S, "points": F},
    "honors": {"date": D, "unit_id": S, "kind": S, "level": S, "title": S},
}

LEVELS = ["national", "provincial", "provincial_dept"]
AWARD_POINTS = {"national": 3, "provincial": 2, "provincial_dept": 1}
QUARTERS = ["2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
MONTHS = ["2023-12", *(f"2024-{m:02d}" for m in range(1, 13))]
GROUP_ITEMS = {g.name: g.items for g in CITY.groups}
ENF_ITEMS = {p.name: ["", p.name, "案卷不规范", "着装不规范"] for p in ENFORCEMENT.parts}
CUSTOM_ITEMS = {"市容": ["甲", "乙", "丙"], "环卫": ["", "环卫", "x", "y"], "秩序": ["", "秩序"]}
POINTS = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 1.25, 2.0, 3.0, 5.0, 10.0]), st.integers(0, 400).map(lambda x: x / 20)
)
ELIGIBLE = st.sampled_from([True, True, True, False])


def amount(top: int) -> st.SearchStrategy[float]:
    """A value in [0, top]: coarse (so that totals tie) or with decimals."""
    return st.one_of(
        st.integers(0, top // 10).map(lambda x: x * 10.0),
        st.integers(0, top * 4).map(lambda x: x / 4),
        st.integers(0, top * 10).map(lambda x: x / 10),
    )


def unit_rows(draw: st.DrawFn, group: str, prefix: str, least: int, most: int) -> list[Row]:
    return [(f"{prefix}{i}", f"{group}{i}", group, draw(ELIGIBLE)) for i in range(draw(st.integers(least, most)))]


def hot(values: list[str]) -> st.SearchStrategy[str]:
    """Any of ``values``, the first one half the time: rows pile up on one unit (or part) and reach caps."""
    return st.one_of(st.just(values[0]), st.sampled_from(values))


def deduction_row(ids: list[str], items: dict[str, list[str]], first: date, last: date) -> st.SearchStrategy[Row]:
    part_item = hot(sorted(items)).flatmap(lambda p: st.tuples(st.just(p), st.sampled_from(items[p])))
    return st.builds(
        lambda d, u, pi, pts: (d, u, pi[0], pi[1], pts), st.dates(first, last), hot(ids), part_item, POINTS
    )


@st.composite
def city_data(draw: st.DrawFn) -> Data:
    units = unit_rows(draw, "第一组", "a", 1, 6) + unit_rows(draw, "第二组", "b", 1, 4)
    group_of = {u[0]: u[2] for u in units}
    ids = sorted(group_of)
    some_unit = hot(ids)
    scores: list[Row] = []
    for _ in range(draw(st.integers(0, 40))):
        uid = draw(some_unit)
        part = draw(st.sampled_from(["部门考评", "市政府部门考评", "社会评价", "第三方测评"]))
        if part == "第三方测评":
            scores.append(
                (draw(st.sampled_from(MONTHS)), uid, part, draw(st.sampled_from(["", part])), draw(amount(500)))
            )
        else:
            item = draw(st.sampled_from(GROUP_ITEMS[group_of[uid]]))
            top = 200 if part == "社会评价" else 300
            scores.append((draw(st.sampled_from(QUARTERS)), uid, part, item, draw(amount(top))))
    honors: list[Row] = []
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.sampled_from(["award", "criticism"]))
        day = draw(
            st.one_of(st.dates(date(2023, 10, 1), date(2024, 9, 30)), st.dates(date(2023, 1, 1), date(2024, 12, 31)))
        )
        honors.append((day, draw(some_unit), kind, draw(st.sampled_from(LEVELS)), draw(st.sampled_from(["", "表彰"]))))
    return {"units": units, "scores": scores, "honors": honors}


@st.composite
def deduction_data(draw: st.DrawFn, custom: bool) -> Data:
    units = unit_rows(draw, "G", "g", 1, 5) if custom else unit_rows(draw, "各区县局", "e", 1, 6)
    ids = [u[0] for u in units]
    items = CUSTOM_ITEMS if custom else ENF_ITEMS
    rows = st.lists(deduction_row(ids, items, date(2023, 10, 1), date(2025, 1, 31)), max_size=30)
    data: Data = {"units": units, "deductions": draw(rows)}
    if not custom:
        matter = st.sampled_from(["文明城市", "示范中队", "数字化改革"])
        periods = st.sampled_from(["2024", "2024-Q2", "2024-07", "2023"])
        bonus = st.one_of(
            st.tuples(
                periods, st.sampled_from(ids), st.just("争先创优"), matter, st.integers(0, 20).map(lambda x: x / 2)
            ),
            st.tuples(
                periods, st.sampled_from(ids), st.just("领导赋分"), st.just(""), st.integers(0, 6).map(lambda x: x / 4)
            ),
        )
        data["scores"] = draw(st.lists(bonus, max_size=15))
    return data


def frames(data: Data) -> dict[str, pl.DataFrame]:
    """One typed frame per file; ``_row`` numbered as a spreadsheet would (header is row 1)."""
    return {
        name: pl.DataFrame(
            [(*r, i + 2) for i, r in enumerate(rows)], schema={**COLUMNS[name], "_row": pl.Int64()}, orient="row"
        )
        for name, rows in data.items()
    }


def checked(scheme: Scheme, fr: dict[str, pl.DataFrame]) -> Facts:
    facts = facts_from_frames(**fr)
    check_facts(scheme, facts)  # the generators must only make data the engine is allowed to trust
    return facts


def build(scheme: Scheme, data: Data) -> Facts:
    return checked(scheme, frames(data))


def run(scheme: Scheme, facts: Facts, period: str) -> PeriodResult:
    return evaluate(scheme, facts, parse_period(period))


def everyone(result: PeriodResult) -> list[UnitResult]:
    """Ranked and unrated (未考评: no score row in the period) units alike."""
    return [u for g in result.groups for u in (*g.ranking, *g.unrated)]


def totals(result: PeriodResult) -> dict[str, Decimal]:
    return {u.unit_id: u.total for u in everyone(result)}


# 1. Row order never changes a result.


@PROFILE
@given(data=city_data(), quarter=st.sampled_from(QUARTERS[1:]), rnd=st.randoms(use_true_random=False))
def test_city_row_order_does_not_change_the_document(data: Data, quarter: str, rnd: random.Random) -> None:
    assert_order_free(CITY, data, [quarter, "2024"], rnd)


@PROFILE
@given(data=deduction_data(custom=False), rnd=st.randoms(use_true_random=False))
def test_enforcement_row_order_does_not_change_the_document(data: Data, rnd: random.Random) -> None:
    assert_order_free(ENFORCEMENT, data, ["2024"], rnd)


def assert_order_free(scheme: Scheme, data: Data, periods: list[str], rnd: random.Random) -> None:
    original = frames(data)
    shuffled = {name: df[rnd.sample(range(df.height), df.height)] for name, df in original.items()}  # _row moves along
    a, b = checked(scheme, original), checked(scheme, shuffled)
    for p in periods:
        assert result_document(scheme, run(scheme, a, p)) == result_document(scheme, run(scheme, b, p)), p


# 2. Adding a deduction never raises a score.


@PROFILE
@pytest.mark.parametrize("custom", [False, True], ids=["enforcement-100", "item_cap-and-floor"])
@given(data=st.data())
def test_adding_a_deduction_never_raises_a_score(custom: bool, data: st.DataObject) -> None:
    scheme, items = (CUSTOM, CUSTOM_ITEMS) if custom else (ENFORCEMENT, ENF_ITEMS)
    base = data.draw(deduction_data(custom=custom))
    ids = [u[0] for u in base["units"]]
    extra = data.draw(deduction_row(ids, items, date(2023, 12, 1), date(2025, 1, 31)), label="added deduction")
    more = {**base, "deductions": [*base["deductions"], extra]}
    before_facts, after_facts = build(scheme, base), build(scheme, more)
    unit = extra[1]
    for p in ["2024-Q1", "2024-Q4", "2024"] if custom else ["2024"]:
        before, after = run(scheme, before_facts, p), run(scheme, after_facts, p)
        old, new = totals(before), totals(after)
        assert new[unit] <= old[unit], (p, extra)
        assert {u: t for u, t in new.items() if u != unit} == {u: t for u, t in old.items() if u != unit}, p
        u_before, u_after = before.unit(unit), after.unit(unit)
        assert u_before is not None and u_after is not None
        assert all(u_after.parts[n] <= v for n, v in u_before.parts.items()), (p, extra)


# 3. Clamps and caps always hold.


@PROFILE
@given(data=city_data())
def test_city_parts_are_clamped_and_yearly_bonus_is_capped(data: Data) -> None:
    facts = build(CITY, data)
    limits = {"部门考评": 300, "社会评价": 200, "第三方测评": 500}
    for q in QUARTERS[1:]:
        for u in everyone(run(CITY, facts, q)):
            for name, top in limits.items():
                assert 0 <= u.parts[name] <= top, (q, u.unit_id, name, u.parts[name])
            assert u.bonus >= 0
    year = run(CITY, facts, "2024")
    for u in everyone(year):
        assert u.bonus <= 6, (u.unit_id, u.bonus)
        # Awards are added the quarter after their date: those dated 2023-10-01 .. 2024-09-30 add in 2024.
        won = sum(
            AWARD_POINTS[h[3]]
            for h in data["honors"]
            if h[1] == u.unit_id and h[2] == "award" and date(2023, 10, 1) <= h[0] < date(2024, 10, 1)
        )
        assert u.bonus == min(Decimal(6), Decimal(won)), (u.unit_id, u.bonus, won)


@PROFILE
@given(data=deduction_data(custom=False))
def test_enforcement_items_and_bonus_are_capped(data: Data) -> None:
    result = run(ENFORCEMENT, build(ENFORCEMENT, data), "2024")
    maxima = {p.name: p.max for p in ENFORCEMENT.parts}
    for u in everyone(result):
        for name, top in maxima.items():
            assert top is not None and 0 <= u.parts[name] <= top, (u.unit_id, name, u.parts[name])
        assert 0 <= u.bonus_detail.get("争先创优", Decimal(0)) <= 8
        assert 0 <= u.bonus_detail.get("领导赋分", Decimal(0)) <= 2
        assert 0 <= u.bonus <= 10
        assert u.total == sum(u.parts.values(), Decimal(0)) + u.bonus  # the item maxima add up to 100 exactly
    assert_ranking(result)


@st.composite
def weighted_case(draw: st.DrawFn) -> tuple[Scheme, Data, str]:
    """A weighted 百分制 scheme (weights in tenths adding to 100) with scores and deduction parts, and its data."""
    n = draw(st.integers(2, 4))
    cuts = sorted(draw(st.sets(st.integers(1, 999), min_size=n - 1, max_size=n - 1)))
    weights = [Decimal(b - a) / 10 for a, b in zip([0, *cuts], [*cuts, 1000], strict=True)]
    sources = [draw(st.sampled_from(["scores", "deductions"])) for _ in range(n)]
    lines = [
        f"  - {{name: P{i}, max: 100, weight: {w}, source: {src}"
        + (
            ", item_cap: 30}"
            if src == "deductions"
            else f", scorers: {draw(st.sampled_from(['mean', 'max', 'sum']))}}}"
        )
        for i, (w, src) in enumerate(zip(weights, sources, strict=True))
    ]
    text = "scheme: w\ntitle: 权重\nperiods: {month: {}, quarter: {from: month, combine: mean}}\n"
    text += "groups: [{name: G}]\ncombine: weighted\nparts:\n" + "\n".join(lines) + "\n"
    scheme = parse_scheme(text, "weighted.yaml")
    units = unit_rows(draw, "G", "w", 1, 5)
    ids = [u[0] for u in units]
    months = ["2024-04", "2024-05", "2024-06"]
    score_parts = [f"P{i}" for i, s in enumerate(sources) if s == "scores"] or ["none"]
    score = st.tuples(
        st.sampled_from(months), st.sampled_from(ids), st.sampled_from(score_parts), st.just(""), amount(100)
    )
    deduction_parts = {f"P{i}": ["", "a", "b"] for i, s in enumerate(sources) if s == "deductions"}
    data: Data = {"units": units, "scores": [], "deductions": []}
    if "none" not in score_parts:
        data["scores"] = draw(st.lists(score, max_size=20))
    if deduction_parts:
        deduction = deduction_row(ids, deduction_parts, date(2024, 4, 1), date(2024, 6, 30))
        data["deductions"] = draw(st.lists(deduction, max_size=20))
    return scheme, data, draw(st.sampled_from([*months, "2024-Q2"]))


@PROFILE
@given(case=weighted_case())
def test_weighted_total_stays_within_0_and_100(case: tuple[Scheme, Data, str]) -> None:
    scheme, data, period = case
    result = run(scheme, build(scheme, data), period)
    for u in everyone(result):
        assert 0 <= u.total <= 100, (u.unit_id, u.total, u.parts)
    assert_ranking(result)


# 4. Ranking invariants and 5. rewards.


def assert_ranking(result: PeriodResult) -> None:
    for g in result.groups:
        ranks = [u.rank for u in g.ranking]
        assert ranks == sorted(ranks), (g.group, ranks)
        assert not ranks or ranks[0] == 1
        for u in g.ranking:
            assert u.shown_total == u.total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            assert u.rank == 1 + sum(o.shown_total > u.shown_total for o in g.ranking), (g.group, u.unit_id)


def assert_rewards(scheme: Scheme, result: PeriodResult, criticized: set[str]) -> None:
    if not result.evaluated:  # no score or deduction row in the period: no ranking to reward, nobody flagged
        assert all(u.reward == 0 and not u.flags for u in everyone(result))
        return
    for g in result.groups:
        tiers = scheme.rewards.tiers[g.group]
        for u in g.ranking:
            assert ("disqualified" in u.flags) == (u.unit_id in criticized), u.unit_id
            if not u.reward_eligible:
                assert u.reward == 0, u.unit_id
            if "disqualified" in u.flags:
                assert u.reward <= 0, u.unit_id
        # 递补: rewards by position among those who may win; penalties by position among those who may lose.
        may_win = [u for u in g.ranking if u.reward_eligible and "disqualified" not in u.flags]
        may_lose = [u for u in g.ranking if u.reward_eligible]
        for u in g.ranking:
            expected = 0
            if u in may_win and (p := 1 + sum(o.shown_total > u.shown_total for o in may_win)) <= len(tiers.top):
                expected += tiers.top[p - 1]
            if u in may_lose and (p := 1 + sum(o.shown_total < u.shown_total for o in may_lose)) <= len(tiers.bottom):
                expected += tiers.bottom[p - 1]
            assert u.reward == expected, (g.group, u.unit_id, u.reward, expected)
        assert all(u.reward == 0 for u in g.unrated)
        # Tied winners each get their tier's amount (a reading city-1000.yaml documents), so the sum of the top
        # tiers bounds the rewards paid only when no two possible winners share a shown total.
        if len({u.shown_total for u in may_win}) == len(may_win):
            assert sum(max(u.reward, 0) for u in g.ranking) <= sum(tiers.top), g.group


@PROFILE
@given(data=city_data(), quarter=st.sampled_from(QUARTERS[1:]))
def test_city_ranks_are_competition_ranks(data: Data, quarter: str) -> None:
    facts = build(CITY, data)
    for p in [quarter, "2024"]:
        result = run(CITY, facts, p)
        assert sorted(u.unit_id for u in everyone(result)) == sorted(u[0] for u in data["units"])
        for g in result.groups:
            assert all(u.group == g.group for u in g.ranking)
        assert_ranking(result)


@PROFILE
@given(data=city_data(), quarter=st.sampled_from(QUARTERS[1:]))
def test_city_rewards_follow_rank_eligibility_and_disqualification(data: Data, quarter: str) -> None:
    period = parse_period(quarter)
    criticized = {h[1] for h in data["honors"] if h[2] == "criticism" and period.contains_date(h[0])}
    assert_rewards(CITY, run(CITY, build(CITY, data), quarter), criticized)
    year = run(CITY, build(CITY, data), "2024")  # the year is ranked without rewards
    assert all(u.reward == 0 and "disqualified" not in u.flags for u in everyone(year))
