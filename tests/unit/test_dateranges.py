"""Weeks and date ranges for case metrics (:mod:`kaoping.dateranges`): ISO weeks across year ends, 53-week
years, --from/--to dates, and the bounds that refuse a typo'd range."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from kaoping.dateranges import MAX_DAYS, DateRange, DateRangeError, date_range, iso_week, parse_week


def test_iso_weeks_parse_print_and_cross_year_ends() -> None:
    w15 = iso_week(2019, 15)
    assert (w15.start(), w15.end_exclusive()) == (date(2019, 4, 8), date(2019, 4, 15))
    for text in ("2019-W15", "2019W15", "2019-w15", "2019年第15周", "２０１９-W15"):
        assert parse_week(text) == w15, text
    assert str(w15) == "2019-W15" and str(parse_week("2019-W1")) == "2019-W01"
    assert iso_week(2020, 1).first == date(2019, 12, 30)  # week 1 of 2020 starts in 2019
    assert str(iso_week(2020, 53)) == "2020-W53" and iso_week(2020, 53).last == date(2021, 1, 3)
    assert parse_week("2019-04") is None and parse_week("2019-Q2") is None


@pytest.mark.parametrize("text", ["2019-W53", "2019-W00", "2019-W54"])
def test_a_week_the_year_does_not_have_is_refused_in_chinese(text: str) -> None:
    with pytest.raises(DateRangeError, match="年没有第"):
        parse_week(text)


def test_from_to_ranges_include_both_days_and_hold_by_the_month_rule() -> None:
    r = date_range("2019-04-07", "2019年4月15日")
    assert (r.start(), r.end_exclusive(), str(r)) == (date(2019, 4, 7), date(2019, 4, 16), "2019-04-07/2019-04-15")
    assert str(date_range("2019/4/8", "2019.4.14")) == "2019-W15"  # Monday to Sunday is the week
    days = pl.DataFrame({"d": [date(2019, 4, 6), date(2019, 4, 7), date(2019, 4, 15), date(2019, 4, 16)]})
    assert days.filter(r.holds("d"))["d"].to_list() == [date(2019, 4, 7), date(2019, 4, 15)]
    assert DateRange(date(2019, 4, 7), date(2019, 4, 7)).end_exclusive() == date(2019, 4, 8)


@pytest.mark.parametrize(
    ("start", "end", "why"),
    [
        ("2019-04-15", "2019-04-07", "早于"),
        ("2019-02-30", "2019-03-01", "不是日期"),
        ("2019-04", "2019-04-07", "不是日期"),
        ("2019-01-01", "2109-01-01", f"超过 {MAX_DAYS} 天"),
    ],
)
def test_bad_ranges_are_refused_in_chinese(start: str, end: str, why: str) -> None:
    with pytest.raises(DateRangeError, match=why):
        date_range(start, end)
