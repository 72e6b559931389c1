"""Report-only schemes (通报型, ``report_only: true``): each unit's rates per period, no total and no ranking —
hand-worked on four cases, through the engine, the JSON document, the table and the workbook; and the
checks that refuse whatever would need a rank or a total."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from rich.console import Console

from kaoping.engine.consistency import check_facts
from kaoping.engine.evaluate import evaluate
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts, facts_from_frames
from kaoping.output.document import explain_document, result_document
from kaoping.output.table import print_ranking
from kaoping.output.workbook import write_workbook
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, SchemeError, parse_scheme

REPORT = """scheme: weekly-cases
title: 案件办理情况通报
report_only: true
periods: {month: {}, quarter: {from: month, combine: mean}}
groups: [{name: 街道}]
parts:
  - {name: 结案率, max: 100, source: cases, formula: 结案率}
  - {name: 按期处置率, max: 100, source: cases, formula: 按期处置率}
flags:
  - {code: unqualified_cases, failed_verifications: true}
"""


def _case(case_id: str, unit: str, dispatched: int, deadline: int, disposed: int | None, closed: int | None, **kw: Any):
    day = lambda d: None if d is None else datetime(2024, 3, d, 12)  # noqa: E731 — days of March 2024
    return {
        "case_id": case_id,
        "unit_id": unit,
        "kind": "event",
        "category": "x",
        "reported_at": day(dispatched),
        "dispatched_at": day(dispatched),
        "deadline": day(deadline),
        "disposed_at": day(disposed),
        "closed_at": day(closed),
        "rework_count": 0,
        "verify_failed": kw.get("verify_failed", 0),
        "postponed": 0,
    }


def _facts() -> Facts:
    # u1 (甲街道), 4 cases dispatched in March: c1 disposed in time and closed; c2 disposed late and closed;
    # c3 disposed in time, not closed, 2 failed verifications; c4 neither disposed nor closed.
    #   结案率 = 2 / 4 × 100 = 50; 按期处置率 = 2 / 4 × 100 = 50; flag unqualified_cases:2.
    # u2 (乙街道), 1 case disposed in time and closed: 100 and 100.
    # Ranked, u2 would come first; a report keeps units.csv order (u1, u2) and gives neither a rank.
    rows = [
        _case("c1", "u1", 2, 5, 4, 6),
        _case("c2", "u1", 3, 5, 8, 9),
        _case("c3", "u1", 4, 9, 6, None, verify_failed=2),
        _case("c4", "u1", 5, 9, None, None),
        _case("c5", "u2", 2, 5, 3, 4),
    ]
    times = {c: pl.Datetime("us") for c in ("reported_at", "dispatched_at", "deadline", "disposed_at", "closed_at")}
    units = pl.DataFrame(
        {"unit_id": ["u1", "u2"], "name": ["甲街道", "乙街道"], "group": ["街道"] * 2, "reward_eligible": [True] * 2}
    )
    return facts_from_frames(units=units, cases=pl.DataFrame(rows, schema_overrides=times))


def _run(period: str) -> tuple[Scheme, PeriodResult]:
    scheme = parse_scheme(REPORT, "weekly.yaml")
    facts = _facts()
    check_facts(scheme, facts)
    return scheme, evaluate(scheme, facts, parse_period(period))


def test_a_report_gives_each_units_rates_in_file_order_with_no_rank() -> None:
    _, result = _run("2024-03")
    units = result.groups[0].ranking
    assert [(u.unit_id, u.parts["结案率"], u.parts["按期处置率"]) for u in units] == [("u1", 50, 50), ("u2", 100, 100)]
    assert [u.rank for u in units] == [0, 0] and [u.reward for u in units] == [0, 0]
    assert units[0].flags == ["unqualified_cases:2"] and units[1].flags == []
    # the quarter is the mean of its evaluated months: March only → the same rates, still unranked
    _, quarter = _run("2024-Q1")
    assert [(u.unit_id, u.parts["结案率"], u.rank) for u in quarter.groups[0].ranking] == [
        ("u1", 50, 0),
        ("u2", 100, 0),
    ]


def test_the_report_document_carries_parts_per_unit_and_no_rank_or_total() -> None:
    scheme, result = _run("2024-03")
    doc = result_document(scheme, result)
    assert doc["report_only"] is True and doc["period"] == "2024-03"
    group = doc["groups"][0]
    assert set(group) == {"group", "units", "unrated"}
    assert group["units"] == [
        {
            "unit_id": "u1",
            "unit": "甲街道",
            "parts": {"结案率": 50.0, "按期处置率": 50.0},
            "flags": ["unqualified_cases:2"],
        },
        {"unit_id": "u2", "unit": "乙街道", "parts": {"结案率": 100.0, "按期处置率": 100.0}, "flags": []},
    ]
    explained = explain_document(result, result.groups[0].ranking[0], scheme)
    assert explained["report_only"] is True and "rank" not in explained and "total" not in explained


def test_the_report_table_and_workbook_have_no_rank_total_or_reward_column(tmp_path: Path) -> None:
    scheme, result = _run("2024-03")
    out = io.StringIO()
    print_ranking(Console(file=out, width=160), scheme, result)
    text = out.getvalue()
    assert "通报（不排名）" in text and "甲街道" in text and "50.00" in text
    assert not any(word in text for word in ("名次", "总分", "奖惩", "加分"))
    assert text.index("甲街道") < text.index("乙街道")
    path = tmp_path / "通报.xlsx"
    write_workbook(scheme, result, path)
    rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == ("单位编号", "单位", "结案率", "按期处置率", "标记")
    assert rows[1:] == [("u1", "甲街道", 50, 50, "核查不通过2次"), ("u2", "乙街道", 100, 100, "")]


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ("rewards: {tiers: {街道: {top: [1000]}}}\n", "rewards.tiers"),
        ("rewards: {disqualify: {}}\n", "rewards.disqualify"),
        ("display: {ties: [结案率]}\n", "display.ties"),
        ("bonus: {rules: [{type: honors, name: 表彰, points: {市级: 1}}]}\n", "bonus"),
        ("penalties: [{type: rectification, points: 1}]\n", "penalties"),
        ("total_max: 100\n", "total_max"),
        ("total_min: 0\n", "total_min"),
        ("grades: [{name: 好, min: 90}, {name: 差}]\n", "grades"),
    ],
)
def test_a_report_only_scheme_refuses_what_needs_a_rank_or_a_total(extra: str, path: str) -> None:
    with pytest.raises(SchemeError, match=f"{path}: 通报型方案（report_only）不计总分、不排名"):
        parse_scheme(REPORT + extra, "weekly.yaml")


@pytest.mark.parametrize("condition", ["", "bottom: 2, ", "top: 1, ", "below: 60, "])
def test_flags_by_rank_or_total_are_refused_in_a_report(condition: str) -> None:
    text = REPORT.replace("flags:\n", f"flags:\n  - {{{condition}code: 末位}}\n")
    with pytest.raises(
        SchemeError, match=r"flags\[0\] \(末位\): 通报型方案（report_only）不计总分、不排名，不能按末位、前列或总分标记"
    ):
        parse_scheme(text, "weekly.yaml")


def test_without_report_only_the_same_scheme_ranks_and_totals() -> None:
    scheme = parse_scheme(REPORT.replace("report_only: true\n", ""), "ranked.yaml")
    result = evaluate(scheme, _facts(), parse_period("2024-03"))
    assert [(u.unit_id, u.rank, u.total) for u in result.groups[0].ranking] == [("u2", 1, 200), ("u1", 2, 100)]
    doc = result_document(scheme, result)
    assert "report_only" not in doc and [u["rank"] for u in doc["groups"][0]["ranking"]] == [1, 2]


def test_a_report_has_no_neighbours_to_weigh() -> None:
    """排名稳健性 speaks of ranked neighbours: a report lists its units (u1 50 and u2 100 would otherwise be a pair)."""
    from kaoping.engine.robustness import rank_robustness

    scheme, result = _run("2024-03")
    assert len(result.groups[0].ranking) == 2
    assert rank_robustness(scheme, result).pairs == []
