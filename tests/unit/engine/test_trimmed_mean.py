"""`trimmed_mean` (去掉一个最高分和一个最低分后取平均): a panel of judges' scores without the one highest and the
one lowest, on small hand-made facts; every expected number is worked out in a comment."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from kaoping.engine.evaluate import evaluate
from kaoping.engine.numbers import combine
from kaoping.engine.result import PeriodResult
from kaoping.facts import facts_from_frames
from kaoping.periods import parse_period
from kaoping.scheme import parse_scheme
from kaoping.scheme.base import Combine
from kaoping.scheme.parts import ScoresLeaf

HEAD = "scheme: t\ntitle: 测试\ngroups: [{name: 甲组}]\n"

PANEL = """periods: {year: {}}
parts:
  - {name: 定性评价, max: 100, source: scores, items: none, scorers: trimmed_mean}
"""


def run(yaml: str, rows: list[tuple[str, str, str, str, float]], n: int, period: str) -> PeriodResult:
    ids = [f"u{i}" for i in range(1, n + 1)]
    period_, unit, part, item, score = zip(*rows, strict=True)
    facts = facts_from_frames(
        units=pl.DataFrame({"unit_id": ids, "name": ids, "group": ["甲组"] * n}),
        scores=pl.DataFrame({"period": period_, "unit_id": unit, "part": part, "item": item, "score": score}),
    )
    return evaluate(parse_scheme(HEAD + yaml, "t.yaml"), facts, parse_period(period))


def test_combine_drops_one_highest_and_one_lowest() -> None:
    # (70 + 80 + 85 + 90 + 100) − 100 − 70 = 255; 255 / 3 = 85
    values = [Decimal(v) for v in ("80", "100", "70", "90", "85")]
    assert combine(values, Combine.TRIMMED_MEAN) == 85
    # equal extremes: only one of each is dropped — (90 + 90 + 90 + 60) − 90 − 60 = 180; / 2 = 90
    assert combine([Decimal(v) for v in ("90", "90", "90", "60")], Combine.TRIMMED_MEAN) == 90
    # fewer than three scores: nothing to drop, the plain mean — (80 + 90) / 2 = 85
    assert combine([Decimal(80), Decimal(90)], Combine.TRIMMED_MEAN) == 85
    assert combine([Decimal(77)], Combine.TRIMMED_MEAN) == 77


def test_judges_of_one_unit_trimmed_in_a_scores_part() -> None:
    # u1, five judges: 95, 88, 90, 60, 92 → drop 95 and 60 → (88 + 90 + 92) / 3 = 90 (the plain mean would be 85)
    # u2, three judges: 80, 70, 99 → drop 99 and 70 → 80
    # u3, two judges: 84, 86 → nothing dropped → 85
    rows = [("2024", "u1", "定性评价", "", v) for v in (95, 88, 90, 60, 92)]
    rows += [("2024", "u2", "定性评价", "", v) for v in (80, 70, 99)]
    rows += [("2024", "u3", "定性评价", "", v) for v in (84, 86)]
    got = run(PANEL, rows, 3, "2024")
    assert {u.unit_id: u.total for u in got.units()} == {"u1": 90, "u2": 80, "u3": 85}
    u1 = got.unit("u1")
    assert u1 is not None
    line = next(ln for ln in u1.lines if ln.part == "定性评价")
    assert line.points == 90 and len(line.rows) == 5
    assert "5 条记录去掉一个最高分和一个最低分后取平均" in line.text("zh")
    assert "mean without the highest and the lowest of 5 rows = 90" in line.rule


def test_trimmed_mean_is_accepted_where_mean_is_and_named_on_load() -> None:
    periods = "periods: {quarter: {}, year: {from: quarter, combine: trimmed_mean}}\n"
    parts = "parts: [{name: a, max: 100, source: scores, scorers: trimmed_mean, items_combine: trimmed_mean}]\n"
    scheme = parse_scheme(HEAD + periods + parts, "t.yaml")
    leaf = scheme.parts[0]
    assert isinstance(leaf, ScoresLeaf) and leaf.scorers == leaf.items_combine == Combine.TRIMMED_MEAN
    # a year of four quarters 70, 80, 90, 100 (one row each): drop 100 and 70 → (80 + 90) / 2 = 85
    rows = [(f"2024-Q{q}", "u1", "a", "", v) for q, v in ((1, 70), (2, 80), (3, 90), (4, 100))]
    got = evaluate(
        scheme,
        facts_from_frames(
            units=pl.DataFrame({"unit_id": ["u1"], "name": ["u1"], "group": ["甲组"]}),
            scores=pl.DataFrame(
                {
                    "period": [r[0] for r in rows],
                    "unit_id": ["u1"] * 4,
                    "part": ["a"] * 4,
                    "item": [""] * 4,
                    "score": [float(r[4]) for r in rows],
                }
            ),
        ),
        parse_period("2024"),
    )
    assert got.units()[0].total == 85
