"""Half-year periods (半年考评, 综治细则: "可进行半年或季度考评") on small hand-made facts: every number is
worked out in a comment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from kaoping.engine.consistency import check_facts
from kaoping.engine.evaluate import UnsupportedPeriod, evaluate
from kaoping.engine.result import PeriodResult
from kaoping.errors import InputErrors
from kaoping.facts import facts_from_frames
from kaoping.periods import parse_period
from kaoping.scheme import SchemeError, parse_scheme

HEAD = """
scheme: t
title: 测试
groups: [{name: 甲组, items: [道路保洁, 绿化养护]}]
"""


def units(n: int) -> pl.DataFrame:
    ids = [f"u{i}" for i in range(1, n + 1)]
    return pl.DataFrame({"unit_id": ids, "name": ids, "group": ["甲组"] * n, "reward_eligible": [True] * n})


def scores(rows: list[tuple[str, str, str, str, float]]) -> pl.DataFrame:
    period, unit, part, item, score = zip(*rows, strict=True)
    return pl.DataFrame({"period": period, "unit_id": unit, "part": part, "item": item, "score": score})


def by_unit(result: PeriodResult, field: str) -> dict[str, object]:
    return {u.unit_id: getattr(u, field) for u in result.units()}


def test_a_half_year_evaluated_directly_reads_the_rows_dated_in_its_six_months() -> None:
    # 测评 (max 60) given once per half-year; 日常考评 (max 40) minus the deductions dated January–June.
    # u1: 55 + (40 − 3 − 2) = 90 (the 1 July deduction of 10 belongs to 2024-H2: 40 − 10 = 30 there).
    # u2: 58 + 40 = 98.  H1: u2 1st, u1 2nd.  H2: only u1 has a 测评 row (50) → u1 50 + 30 = 80; u2 0 + 40 = 40.
    yaml = """periods: {half: {}}
parts:
  - {name: 测评, max: 60, source: scores, items: none, given_per: half}
  - {name: 日常考评, max: 40, source: deductions}
"""
    scheme = parse_scheme(HEAD + yaml, "t.yaml")
    rows = [
        ("2024-H1", "u1", "测评", "", 55),
        ("2024-H1", "u2", "测评", "", 58),
        ("2024-H2", "u1", "测评", "", 50),
    ]
    d = [(date(2024, 2, 10), 3.0), (date(2024, 6, 30), 2.0), (date(2024, 7, 1), 10.0)]
    deductions = pl.DataFrame(
        {
            "date": [r[0] for r in d],
            "unit_id": ["u1"] * 3,
            "part": ["日常考评"] * 3,
            "item": ["道路保洁"] * 3,
            "points": [r[1] for r in d],
        }
    )
    facts = facts_from_frames(units=units(2), scores=scores(rows), deductions=deductions)
    check_facts(scheme, facts)
    h1 = evaluate(scheme, facts, parse_period("2024-H1"))
    assert h1.period == "2024-H1"
    assert by_unit(h1, "total") == {"u1": 90, "u2": 98}
    assert [u.unit_id for u in h1.groups[0].ranking] == ["u2", "u1"]
    h2 = evaluate(scheme, facts, parse_period("2024年下半年"))
    assert by_unit(h2, "total") == {"u1": 80, "u2": 40}
    with pytest.raises(UnsupportedPeriod, match="2024-Q1 是季度考评期") as refused:
        evaluate(scheme, facts, parse_period("2024-Q1"))
    assert refused.value.text("en").endswith("2024-Q1 is a quarter")


def test_a_half_of_quarters_and_a_year_of_halves() -> None:
    # Quarters direct; a half is the mean of its evaluated quarters; a year the sum of its halves.
    # u1: Q1 80, Q2 90 → H1 85;  Q3 70, Q4 has no rows at all (not evaluated) → H2 70;  year 85 + 70 = 155.
    # u2: Q1 60, Q2 100 → H1 80; Q3 90 → H2 90;  year 80 + 90 = 170.
    yaml = """periods: {quarter: {}, half: {from: quarter, combine: mean}, year: {from: half}}
parts: [{name: 得分, max: 100, source: scores, items: none}]
"""
    scheme = parse_scheme(HEAD + yaml, "t.yaml")
    rows = [
        ("2024-Q1", "u1", "得分", "", 80),
        ("2024-Q2", "u1", "得分", "", 90),
        ("2024-Q3", "u1", "得分", "", 70),
        ("2024-Q1", "u2", "得分", "", 60),
        ("2024-Q2", "u2", "得分", "", 100),
        ("2024-Q3", "u2", "得分", "", 90),
    ]
    facts = facts_from_frames(units=units(2), scores=scores(rows))
    check_facts(scheme, facts)
    h1 = evaluate(scheme, facts, parse_period("2024-H1"))
    assert by_unit(h1, "total") == {"u1": 85, "u2": 80}
    assert by_unit(h1, "rank") == {"u1": 1, "u2": 2}
    assert by_unit(evaluate(scheme, facts, parse_period("2024-H2")), "total") == {"u1": 70, "u2": 90}
    year = evaluate(scheme, facts, parse_period("2024"))
    assert by_unit(year, "total") == {"u1": 155, "u2": 170}
    assert by_unit(year, "rank") == {"u1": 2, "u2": 1}
    assert scheme.main_kind.value == "quarter"


def test_a_quarter_row_for_a_part_given_per_half_year_is_refused_in_chinese() -> None:
    yaml = "periods: {half: {}}\nparts: [{name: 测评, max: 60, source: scores, items: none, given_per: half}]\n"
    scheme = parse_scheme(HEAD + yaml, "t.yaml")
    facts = facts_from_frames(units=units(1), scores=scores([("2024-Q1", "u1", "测评", "", 50)]))
    with pytest.raises(InputErrors, match="“测评”按半年评分，“2024-Q1”是季度"):
        check_facts(scheme, facts)


def test_a_half_cannot_be_made_of_years_nor_a_quarter_of_halves() -> None:
    with pytest.raises(SchemeError, match="a quarter cannot be made of halves"):
        parse_scheme(HEAD + "periods: {half: {}, quarter: {from: half}}\nparts: [{name: a, max: 1}]\n", "t.yaml")


def test_a_half_year_total_is_not_re_clamped() -> None:
    # Sum of two quarters of 60 (max 60 each) is 120 for the half-year: derived totals are combined, not capped.
    yaml = (
        "periods: {quarter: {}, half: {from: quarter}}\nparts: [{name: 得分, max: 60, source: scores, items: none}]\n"
    )
    rows = [("2024-Q3", "u1", "得分", "", 60), ("2024-Q4", "u1", "得分", "", 60)]
    scheme = parse_scheme(HEAD + yaml, "t.yaml")
    got = evaluate(scheme, facts_from_frames(units=units(1), scores=scores(rows)), parse_period("2024-H2"))
    assert by_unit(got, "total") == {"u1": Decimal(120)}
