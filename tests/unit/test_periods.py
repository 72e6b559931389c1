"""Periods are values: parsing, ordering, containment, navigation across year boundaries."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from kaoping.periods import (
    PeriodError,
    PeriodKind,
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


@pytest.mark.parametrize("bad", ["2024-13", "2024-00", "2024-Q5", "24-03", "Q2", "", "2024/13", "2024年13月"])
def test_bad_periods(bad: str) -> None:
    with pytest.raises(PeriodError, match="expected YYYY-MM, YYYY-Qn or YYYY"):
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
    assert len(year_period(2024).keys()) == 12 + 4 + 1
