"""The entry checks as pure functions (no store): which cells are refused, which need confirmation, what
each problem says, and the scheme's optional ``years``."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import polars as pl
import pytest

from kaoping.app.entry_checks import (
    CONFIRM_LABEL,
    Findings,
    audit_reason,
    check_rows,
    evaluated_years,
)
from kaoping.facts.columns import SCHEMAS
from kaoping.scheme import SchemeError, builtin_text, load_scheme, parse_scheme
from kaoping.scheme.model import Scheme

NOW = datetime(2024, 12, 20, 12, 0)
APPEARANCE = load_scheme("city-appearance")


def frame(kind: str, *rows: dict[str, Any]) -> pl.DataFrame:
    """Rows of ``kind`` numbered as a spreadsheet numbers them (first data row = 2)."""
    full = [{c: r.get(c) for c in SCHEMAS[kind].names()} | {"_row": i + 2} for i, r in enumerate(rows)]
    return pl.DataFrame(full, schema=SCHEMAS[kind])


def deduction(**changes: Any) -> dict[str, Any]:
    row = {"date": date(2024, 8, 5), "time": time(10, 0), "unit_id": "zf1", "part": "市容环境", "points": 2.0}
    return row | changes


def check(kind: str, *rows: dict[str, Any], schemes: list[Scheme] | None = None) -> Findings:
    chosen = [APPEARANCE] if schemes is None else schemes
    return check_rows(None, kind, frame(kind, *rows), label="d.csv", schemes=chosen, now=NOW)


def with_years(text: str) -> Scheme:
    return parse_scheme(builtin_text("city-appearance") + text, "city-appearance+years")


def test_a_plain_row_passes() -> None:
    found = check("deductions", deduction())
    assert (found.refused, found.warnings) == ([], [])


def test_the_2031_typo_is_refused_naming_row_column_value_and_expectation() -> None:
    found = check("deductions", deduction(), deduction(date=date(2031, 1, 1)))
    assert found.warnings == []
    [p] = found.refused
    assert (p.file, p.row, p.column, p.value, p.confirmable) == ("d.csv", 3, "date", "2031-01-01", False)
    assert "2000–2024" in p.message and "考评年度" in p.message and "2000–2024" in p.message_en


def test_a_fact_dated_after_now_is_refused() -> None:
    [p] = check("deductions", deduction(date=date(2024, 12, 21))).refused
    assert "晚于当前时间" in p.message
    case = {
        "case_id": "c1",
        "unit_id": "u",
        "kind": "event",
        "category": "x",
        "reported_at": datetime(2024, 12, 20, 13),
    }
    [late] = check("cases", case).refused
    assert late.column == "reported_at"
    assert not check("cases", case | {"reported_at": datetime(2024, 12, 20, 11)}).refused


def test_periods_outside_the_years_or_not_begun_are_refused() -> None:
    score = {"unit_id": "u", "part": "p", "score": 1.0}
    assert [p.value for p in check("scores", score | {"period": "2031-Q1"}).refused] == ["2031-Q1"]
    planned = with_years("\nyears: {from: 2023, to: 2025}\n")  # 2025 is evaluated, but has not begun
    assert "尚未开始" in check("scores", score | {"period": "2025-01"}, schemes=[planned]).refused[0].message
    assert not check("scores", score | {"period": "2024-Q4"}).refused  # under way: scored before it ends


def test_points_above_the_part_maximum_need_confirmation() -> None:
    [p] = check("deductions", deduction(points=250.0)).warnings
    assert (p.row, p.column, p.value, p.confirmable) == (2, "points", "250", True)
    assert "市容环境" in p.message and "100" in p.message
    assert not check("deductions", deduction(points=100.0)).warnings


def test_a_time_outside_the_inspection_window_needs_confirmation() -> None:
    [p] = check("deductions", deduction(time=time(23, 45))).warnings
    assert (p.column, p.value) == ("time", "23:45") and "07:00–22:00" in p.message and "8 月" in p.message
    [winter] = check("deductions", deduction(date=date(2024, 11, 5), time=time(21, 45))).warnings
    assert "07:00–21:30" in winter.message
    assert not check("deductions", deduction(time=time(22, 0))).warnings  # both ends count
    assert not check("deductions", deduction(time=None)).warnings  # without a time the row counts


def test_without_schemes_only_the_default_years_and_the_future_are_checked() -> None:
    found = check("deductions", deduction(points=250.0, time=time(23, 45)), schemes=[])
    assert (found.refused, found.warnings) == ([], [])
    assert check("deductions", deduction(date=date(1999, 12, 31)), schemes=[]).refused


def test_the_scheme_may_name_its_years() -> None:
    scheme = with_years("\nyears: {from: 2023, to: 2024}\n")
    assert evaluated_years([scheme], NOW.date()) == (2023, 2024)
    assert check("deductions", deduction(date=date(2022, 12, 31)), schemes=[scheme]).refused
    open_ended = with_years("\nyears: {from: 2023}\n")
    assert evaluated_years([open_ended], NOW.date()) == (2023, 2024)
    assert evaluated_years([], NOW.date()) == (2000, 2024)
    assert evaluated_years([scheme, APPEARANCE], NOW.date()) == (2000, 2024)  # either scheme's years
    with pytest.raises(SchemeError, match="from 2025 is after to 2024"):
        with_years("\nyears: {from: 2025, to: 2024}\n")


def test_refusals_cannot_be_confirmed_and_a_confirmation_needs_a_reason() -> None:
    found = check("deductions", deduction(points=250.0), deduction(date=date(2031, 1, 1)))
    assert found.refused_total == 1 and found.warnings_total == 1
    assert found.needs_confirmation(None) and found.needs_confirmation("  ")
    assert not found.needs_confirmation("现场核实")
    assert audit_reason("import d.csv", found, "现场核实") == f"import d.csv；{CONFIRM_LABEL}（1 处需确认）：现场核实"
    assert audit_reason("import d.csv", Findings(), "现场核实") == "import d.csv"


def test_a_whole_column_of_typos_is_counted_but_only_the_first_fifty_spelled_out() -> None:
    found = check("deductions", *[deduction(date=date(2031, 1, 1))] * 60)
    assert (len(found.refused), found.refused_total) == (50, 60)
    assert [p.row for p in found.refused[:2]] == [2, 3]
