"""Rounding where offices round (issue 19, point 1), each worked by hand: weighted terms rounded before they
are added (``round_terms``), ``round`` in formulas half-up (四舍五入), and a line saying a tie-break decided."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from kaoping.engine.evaluate import evaluate
from kaoping.engine.phrases import Lang, Msg
from kaoping.engine.result import LineKind, PeriodResult
from kaoping.facts import facts_from_frames
from kaoping.periods import parse_period
from kaoping.scheme import SchemeError, parse_scheme
from kaoping.scheme.formula import evaluate as formula

HEAD = """
scheme: t
title: 测试
periods: {month: {}}
groups: [{name: 甲组}]
"""


def run(yaml: str, rows: list[tuple[str, str, float]]) -> PeriodResult:
    """Score March 2024 of ``rows`` (unit, part, score) under ``HEAD + yaml``."""
    ids = sorted({unit for unit, _, _ in rows})
    names = [f"{i}区" for i in ids]  # names differ from ids: the tie line names the units
    n = len(ids)
    units = pl.DataFrame({"unit_id": ids, "name": names, "group": ["甲组"] * n, "reward_eligible": [True] * n})
    scores = pl.DataFrame(
        {
            "period": ["2024-03"] * len(rows),
            "unit_id": [r[0] for r in rows],
            "part": [r[1] for r in rows],
            "item": [""] * len(rows),
            "score": [float(r[2]) for r in rows],
        }
    )
    scheme = parse_scheme(HEAD + yaml, "t.yaml")
    return evaluate(scheme, facts_from_frames(units=units, scores=scores), parse_period("2024-03"))


WEIGHTED = """combine: weighted
{round}
parts:
  - {{name: 日常检查, weight: 40, max: 100, source: scores, items: none}}
  - {{name: 定期暗查, weight: 60, max: 100, source: scores, items: none}}
"""
ROWS = [("u1", "日常检查", 95.53), ("u1", "定期暗查", 80.005)]


def test_round_terms_rounds_each_weighted_term_before_adding() -> None:
    # 95.53 × 40% = 38.212 → 38.21;  80.005 × 60% = 48.003 → 48.00;  38.21 + 48.00 = 86.21.
    # Exact: 38.212 + 48.003 = 86.215, shown half-up as 86.22 — the bulletin printed 86.21.
    kept = run(WEIGHTED.format(round="round_terms: 2"), ROWS).unit("u1")
    exact = run(WEIGHTED.format(round=""), ROWS).unit("u1")
    assert kept is not None and exact is not None
    assert (kept.total, kept.shown_total) == (Decimal("86.21"), Decimal("86.21"))
    assert (exact.total, exact.shown_total) == (Decimal("86.215"), Decimal("86.22"))
    base = next(ln for ln in kept.lines if ln.kind == LineKind.BASE)
    assert base.text(Lang.ZH) == "95.53×40%=38.212→38.21 + 80.005×60%=48.003→48 = 86.21"


def test_round_terms_on_a_nested_weighted_part() -> None:
    # 实绩 = 95.53 × 40% + 80.005 × 60%, terms to 1 decimal: 38.212 → 38.2, 48.003 → 48.0: 86.2 (exact 86.215).
    yaml = """parts:
  - name: 实绩
    combine: weighted
    round_terms: 1
    parts:
      - {name: 日常检查, weight: 40, max: 100, source: scores, items: none}
      - {name: 定期暗查, weight: 60, max: 100, source: scores, items: none}
"""
    unit = run(yaml, ROWS).unit("u1")
    assert unit is not None and unit.parts["实绩"] == Decimal("86.2")


def test_round_terms_without_weighted_is_refused_with_the_fix() -> None:
    with pytest.raises(SchemeError) as info:
        parse_scheme(HEAD + "round_terms: 2\nparts: [{name: 得分, max: 100, source: scores}]\n", "t.yaml")
    assert info.value.problems == [
        "round_terms：只对 combine: weighted 起作用（逐项加权后先四舍五入再相加），这里的 combine 是 sum。"
        "请写 combine: weighted，或删去 round_terms"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("round(x)", "3"),  # 2.5 → 3 (half-to-even gave 2)
        ("round(x * 0.05, 2)", "0.13"),  # 0.125 → 0.13 (half-to-even gave 0.12)
        ("round(0 - x)", "-3"),  # half away from zero, as 四舍五入 reads on a negative number
        ("round(x * 0.9, 1)", "2.3"),  # 2.25 → 2.3
    ],
)
def test_formula_round_is_half_up(text: str, expected: str) -> None:
    assert formula(text, {"x": Decimal("2.5")}) == Decimal(expected)


def test_formula_round_half_up_in_a_scored_part() -> None:
    # 比率 = round(a / b * 100, 1): a = 1, b = 16 → 6.25 → 6.3 (half-to-even: 6.2).
    yaml = """parts:
  - name: 比率
    max: 100
    combine: formula
    formula: round(a / b * 100, 1)
    parts:
      - {name: a, max: 100, source: scores, items: none}
      - {name: b, max: 100, source: scores, items: none}
"""
    unit = run(yaml, [("u1", "a", 1), ("u1", "b", 16)]).unit("u1")
    assert unit is not None and unit.parts["比率"] == Decimal("6.3")


TIES = """display: {ties: [日常检查, 暗访]}
parts:
  - {name: 日常检查, max: 50, source: scores, items: none}
  - {name: 暗访, max: 50, source: scores, items: none}
"""


def test_a_line_says_when_a_tie_break_decided_the_order() -> None:
    # u1: 50 + 44.31 = 94.31; u2: 49.31 + 45 = 94.31; u3: 40 + 40 = 80.
    # 日常检查 decides u1 (50) before u2 (49.31); 暗访 is not needed. u3 is tied with nobody: no line.
    got = run(TIES, [("u1", "日常检查", 50), ("u1", "暗访", 44.31), ("u2", "日常检查", 49.31), ("u2", "暗访", 45)])
    got2 = run(TIES, [("u3", "日常检查", 40), ("u3", "暗访", 40)])
    lines = {u.unit_id: [ln for ln in u.lines if ln.key == Msg.TIE_BROKEN] for u in got.units()}
    assert [ln.text(Lang.ZH) for ln in lines["u1"]] == [
        "总分 94.31 与 u2区 49.31 相同：按 日常检查 排序（本单位 50）→ 第 1 名"
    ]
    assert [ln.text(Lang.ZH) for ln in lines["u2"]] == [
        "总分 94.31 与 u1区 50 相同：按 日常检查 排序（本单位 49.31）→ 第 2 名"
    ]
    assert lines["u1"][0].rule == "total 94.31 equal to u2区 49.31: ordered by 日常检查 (this unit 50) → rank 1"
    assert lines["u1"][0].kind == LineKind.RANK and lines["u1"][0].part == "排名"
    assert not [ln for u in got2.units() for ln in u.lines if ln.key == Msg.TIE_BROKEN]


def test_units_still_tied_share_the_rank_and_one_part_is_named() -> None:
    # u1 and u2: 50 + 40 = 90, equal in every tie part: they share rank 1; u3: 40 + 50 = 90 is 3rd.
    # 日常检查 separates u3 from the others, 暗访 separates nobody further: only 日常检查 is named.
    rows = [("u1", "日常检查", 50), ("u1", "暗访", 40), ("u2", "日常检查", 50), ("u2", "暗访", 40)]
    rows += [("u3", "日常检查", 40), ("u3", "暗访", 50)]
    got = run(TIES, rows)
    assert [(u.unit_id, u.rank) for u in got.units()] == [("u1", 1), ("u2", 1), ("u3", 3)]
    u3 = got.unit("u3")
    assert u3 is not None
    line = next(ln for ln in u3.lines if ln.key == Msg.TIE_BROKEN)
    assert line.text(Lang.ZH) == "总分 90 与 u1区 50；u2区 50 相同：按 日常检查 排序（本单位 40）→ 第 3 名"


def test_a_tie_decided_by_the_second_part_names_both() -> None:
    # u1: 40 + 30 + 20 = 90; u2: 40 + 25 + 25 = 90. 日常检查 equal (40, 40); 暗访 decides: 30 > 25.
    yaml = TIES + "  - {name: 其他, max: 50, source: scores, items: none}\n"
    rows = [("u1", "日常检查", 40), ("u1", "暗访", 30), ("u1", "其他", 20)]
    rows += [("u2", "日常检查", 40), ("u2", "暗访", 25), ("u2", "其他", 25)]
    got = run(yaml, rows)
    u2 = got.unit("u2")
    assert u2 is not None and u2.rank == 2
    line = next(ln for ln in u2.lines if ln.key == Msg.TIE_BROKEN)
    assert line.text(Lang.ZH) == "总分 90 与 u1区 40、30 相同：按 日常检查、暗访 排序（本单位 40、25）→ 第 2 名"
