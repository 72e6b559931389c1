"""Periods are values: parsing, ordering, containment, navigation across year boundaries."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from kaoping.periods import (
    Period,
    PeriodError,
    PeriodKind,
    half,
    month,
    parse_period,
    period_keys,
    period_of,
    quarter,
    year_period,
)


def test_parse_and_print() -> None:
    assert str(parse_period("2024-03")) == "2024-03"
    assert str(parse_period("2024-3")) == "2024-03"
    assert str(parse_period("2024-q2")) == "2024-Q2"
    assert str(parse_period("2024Q4")) == "2024-Q4"
    assert str(parse_period("2024")) == "2024"
    assert parse_period("2024-Q2").kind == PeriodKind.QUARTER


@pytest.mark.parametrize(
    "bad",
    ["2024-13", "2024-00", "2024-Q5", "24-03", "Q2", "", "2024/13", "2024年13月", "2024-H3", "2024-H0", "2024年中半年"],
)
def test_bad_periods(bad: str) -> None:
    with pytest.raises(PeriodError, match="expected YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY"):
        parse_period(bad)


def test_containment_and_subperiods() -> None:
    q2 = quarter(2024, 2)
    assert q2.contains(month(2024, 4)) and q2.contains(month(2024, 6)) and not q2.contains(month(2024, 7))
    assert year_period(2024).contains(q2)
    assert [str(m) for m in q2.subperiods(PeriodKind.MONTH)] == ["2024-04", "2024-05", "2024-06"]
    assert [str(q) for q in year_period(2024).subperiods(PeriodKind.QUARTER)] == [
        "2024-Q1",
        "2024-Q2",
        "2024-Q3",
        "2024-Q4",
    ]
    with pytest.raises(PeriodError):
        month(2024, 1).subperiods(PeriodKind.QUARTER)


def test_navigation_across_year_boundary() -> None:
    assert str(quarter(2024, 1).previous()) == "2023-Q4"
    assert str(quarter(2023, 4).next()) == "2024-Q1"
    assert str(month(2024, 1).previous()) == "2023-12"
    assert str(year_period(2024).shift(-2)) == "2022"
    assert month(2023, 12) < month(2024, 1)


def test_dates() -> None:
    q = period_of(date(2024, 5, 31), PeriodKind.QUARTER)
    assert str(q) == "2024-Q2" and q.start() == date(2024, 4, 1) and q.end_exclusive() == date(2024, 7, 1)
    assert q.contains_date(date(2024, 6, 30)) and not q.contains_date(date(2024, 7, 1))
    assert str(period_of(date(2024, 12, 31), PeriodKind.YEAR)) == "2024"


def test_holds_selects_the_days_of_the_period_and_keys_its_texts() -> None:
    days = pl.DataFrame({"d": [date(2024, 3, 31), date(2024, 4, 1), date(2024, 6, 30), date(2024, 7, 1), None]})
    q = quarter(2024, 2)
    assert days.filter(q.holds("d"))["d"].to_list() == [date(2024, 4, 1), date(2024, 6, 30)]
    stamps = pl.DataFrame({"t": [datetime(2024, 6, 30, 23, 59), datetime(2024, 7, 1, 0, 0)]})
    assert stamps.filter(q.holds(pl.col("t").dt.date())).height == 1
    assert q.keys() == period_keys(q) == ["2024-04", "2024-05", "2024-06", "2024-Q2"]
    assert month(2024, 5).keys() == ["2024-05"]
    assert len(year_period(2024).keys()) == 12 + 4 + 2 + 1


def test_half_years_parse_print_and_hold_their_quarters_and_months() -> None:
    h1, h2 = half(2024, 1), half(2024, 2)
    for text in ("2024-H1", "2024H1", "2024-h1", "2024年上半年", "2024上半年", "２０２４年上半年"):
        assert parse_period(text) == h1, text
    assert parse_period("2024年下半年") == parse_period("2024-H2") == h2
    assert str(h1) == "2024-H1" and str(h2) == "2024-H2" and h1.kind is PeriodKind.HALF
    assert (h1.start(), h1.end_exclusive()) == (date(2024, 1, 1), date(2024, 7, 1))
    assert h2.contains(quarter(2024, 3)) and h2.contains(month(2024, 12)) and not h2.contains(quarter(2024, 2))
    assert year_period(2024).contains(h1) and not h1.contains(year_period(2024))
    assert [str(q) for q in h2.subperiods(PeriodKind.QUARTER)] == ["2024-Q3", "2024-Q4"]
    assert [str(h) for h in year_period(2024).subperiods(PeriodKind.HALF)] == ["2024-H1", "2024-H2"]
    assert h1.keys() == [
        "2024-01",
        "2024-02",
        "2024-03",
        "2024-04",
        "2024-05",
        "2024-06",
        "2024-Q1",
        "2024-Q2",
        "2024-H1",
    ]
    assert "2024-H2" in year_period(2024).keys()  # noqa: SIM118 — keys() is the period's texts, not a dict's
    assert "2024-H1" not in quarter(2024, 1).keys()  # noqa: SIM118
    with pytest.raises(PeriodError):
        quarter(2024, 1).subperiods(PeriodKind.HALF)


def test_half_years_navigate_and_order() -> None:
    assert str(half(2024, 1).previous()) == "2023-H2" and str(half(2024, 2).next()) == "2025-H1"
    assert str(half(2024, 1).shift(3)) == "2025-H2"
    assert half(2023, 2) < half(2024, 1) < half(2024, 2)
    assert str(period_of(date(2024, 6, 30), PeriodKind.HALF)) == "2024-H1"
    assert str(period_of(date(2024, 7, 1), PeriodKind.HALF)) == "2024-H2"
    assert list(PeriodKind) == [PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR]
    assert PeriodKind.HALF.size == 6 and PeriodKind.HALF.label == "半年度"


@pytest.mark.parametrize("months", [2, 4, 5, 7, 11, 13, 24])
def test_a_run_of_months_that_is_no_kind_is_refused_not_called_a_year(months: int) -> None:
    with pytest.raises(PeriodError, match="不是月、季度、半年或年"):
        _ = Period(2024 * 12, 2024 * 12 + months - 1).kind
    assert Period(2024 * 12, 2024 * 12 + 11).kind is PeriodKind.YEAR
    assert repr(Period(2024 * 12, 2024 * 12 + months - 1)) == f"Period({2024 * 12}..{2024 * 12 + months - 1})"


def test_half_years_are_named_in_chinese_on_pages_and_bulletins() -> None:
    from kaoping.reports.data import period_label
    from kaoping.reports.pdf_bulletin import issue_number

    assert (period_label("2024-H1"), period_label("2024-H2")) == ("2024年上半年", "2024年下半年")
    assert period_label("2024-Q2") == "2024年第二季度" and period_label("2024") == "2024年度"
    assert (issue_number("2024-H2"), issue_number("2024-Q3")) == ("2024年第2期", "2024年第3期")
