"""Values and headers as clerks write them (issue 15, point 3): Chinese or English headers for every file,
dates 2024/12/5, 2024.12.5 and 2024年12月5日, periods 2024年第二季度 and 2024年8月, full-width digits and
punctuation, Chinese names of enumerations — and the bounds that held before still hold."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from kaoping.errors import InputErrors
from kaoping.facts import Facts
from kaoping.facts.columns import FILES, HEADERS, column_of, header_key
from kaoping.io import read_facts
from kaoping.periods import PeriodError, parse_period


def _read(tmp_path: Path, name: str, text: str) -> Facts:
    (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return read_facts(tmp_path)


@pytest.mark.parametrize("name", list(FILES))
def test_every_file_reads_with_its_chinese_headers(tmp_path: Path, name: str) -> None:
    """The contract table gives every column a Chinese header, and a header row of them reads as the English one."""
    columns = FILES[name]
    assert all(c.zh for c in columns), [c.name for c in columns if not c.zh]
    english = ",".join(c.name for c in columns)
    chinese = ",".join(c.zh for c in columns)
    (tmp_path / "en").mkdir()
    (tmp_path / "zh").mkdir()
    (tmp_path / "en" / f"{name}.csv").write_text(english + "\n", encoding="utf-8")
    (tmp_path / "zh" / f"{name}.csv").write_text(chinese + "\n", encoding="utf-8")
    assert getattr(read_facts(tmp_path / "zh"), name).schema == getattr(read_facts(tmp_path / "en"), name).schema


def test_header_keys_ignore_case_width_marks_and_notes() -> None:
    assert header_key(" Unit_ID ") == "unit_id"
    assert column_of("deductions", "日期*") == "date"
    assert column_of("deductions", "分值（分）") == "points"
    assert column_of("deductions", "扣 分") == "points"
    assert column_of("scores", "单位") == column_of("scores", "单位名称") == "unit_id"
    assert column_of("units", "单位名称") == "name"  # in units, the name column
    assert column_of("units", "备注") is None
    # no header names two columns of one file (the table is checked when it is built, too)
    for name, index in HEADERS.items():
        assert set(index.values()) == {c.name for c in FILES[name]}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-12-05", date(2024, 12, 5)),
        ("2024/12/5", date(2024, 12, 5)),
        ("2024.12.5", date(2024, 12, 5)),
        ("2024年12月5日", date(2024, 12, 5)),
        ("2024年12月5", date(2024, 12, 5)),
        ("２０２４／１２／５", date(2024, 12, 5)),
        ("２０２４年１２月０５日", date(2024, 12, 5)),
    ],
)
def test_date_spellings(tmp_path: Path, written: str, expected: date) -> None:
    facts = _read(tmp_path, "honors", f"日期,单位,类别,级别,名称\n{written},U1,表彰,国家部委,x\n")
    assert facts.honors.rows() == [(expected, "U1", "award", "national", "x", 2)]


@pytest.mark.parametrize("written", ["2024/13/5", "2024/2/30", "2024年12月", "12/5/2024", "2024-12-05x"])
def test_impossible_or_unordered_dates_are_still_refused(tmp_path: Path, written: str) -> None:
    with pytest.raises(InputErrors) as caught:
        _read(tmp_path, "honors", f"date,unit_id,kind,level,title\n{written},U1,award,national,x\n")
    (error,) = caught.value.errors
    assert (error.row, error.column) == (2, "date") and "不是日期" in error.message


def test_time_spellings_and_full_width_clock(tmp_path: Path) -> None:
    text = (
        "案卷编号,单位,类别,案卷小类,上报时间,派遣时间,处置时限,处置时间,结案时间,返工次数\n"
        "K1,U1,事件,x,2024/12/5 8:30,,2024年12月6日 08:30:15,,,２\n"
        "K2,U1,部件,x,２０２４－１２－０５　０８：３０,2024/12/05 08:30:00,,,,\n"
    )
    facts = _read(tmp_path, "cases", text)
    rows = facts.cases.select("case_id", "kind", "reported_at", "deadline", "rework_count").rows()
    assert facts.cases.get_column("dispatched_at").to_list() == [None, datetime(2024, 12, 5, 8, 30)]
    assert rows == [
        ("K1", "event", datetime(2024, 12, 5, 8, 30), datetime(2024, 12, 6, 8, 30, 15), 2),
        ("K2", "component", datetime(2024, 12, 5, 8, 30), None, 0),  # 2024/12/05 08:30:00 is dispatched_at
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-Q2", "2024-Q2"),
        ("2024年第二季度", "2024-Q2"),
        ("2024年二季度", "2024-Q2"),
        ("2024第2季度", "2024-Q2"),
        ("2024年Q2", "2024-Q2"),
        ("2024年8月", "2024-08"),
        ("2024年八月份", "2024-08"),
        ("2024年十二月", "2024-12"),
        ("2024/8", "2024-08"),
        ("２０２４年第４季度", "2024-Q4"),
        ("2024年度", "2024"),
    ],
)
def test_period_spellings(written: str, expected: str) -> None:
    assert str(parse_period(written)) == expected


@pytest.mark.parametrize("written", ["2024年13月", "2024年第五季度", "20242", "2024年2", "第二季度", "2024-Q5"])
def test_periods_that_name_no_period_are_refused(written: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(written)


def test_full_width_numbers_and_chinese_choices_read(tmp_path: Path) -> None:
    text = "考评期,单位,考评项目,考评内容,得分\n2024年第二季度,U1,p,,１５０\n2024年8月,U1,p,,９８．５\n"
    facts = _read(tmp_path, "scores", text)
    assert facts.scores.select("period", "score").rows() == [("2024-Q2", 150.0), ("2024-08", 98.5)]


def test_bounds_still_hold_after_folding(tmp_path: Path) -> None:
    """Full-width forms are folded, not forgiven: a negative deduction, a rank 0 and a fraction of a count
    are refused as before, in Chinese."""
    (tmp_path / "deductions.csv").write_text(
        "日期,单位,考评项目,考评细项,分值\n2024/12/5,U1,p,,－２\n", encoding="utf-8"
    )
    (tmp_path / "ranks.csv").write_text("考评期,单位,考评任务,名次\n2024年8月,U1,t,０\n2024年8月,U2,t,1.5\n")
    with pytest.raises(InputErrors) as caught:
        read_facts(tmp_path)
    found = [(e.row, e.column, e.message) for e in caught.value.errors]
    assert found == [
        (2, "分值", "“-2”是负数：扣分应为不小于 0 的数"),
        (2, "名次", "“0”小于 1：应为不小于 1 的整数"),
        (3, "名次", "“1.5”不是整数：应为不小于 1 的整数"),
    ]


def test_a_workbook_with_chinese_headers_reads_like_the_csv(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "deductions"
    sheet.append(["日期", "单位", "考评项目", "考评细项", "分值", "发现时间"])
    sheet.append(["2024/12/5", "U1", "p", None, "２", time(9, 30)])
    sheet.append([datetime(2024, 12, 6), "U1", "p", None, 1, "09:45"])
    out = io.BytesIO()
    book.save(out)
    (tmp_path / "book.xlsx").write_bytes(out.getvalue())
    facts = read_facts(tmp_path / "book.xlsx")
    assert facts.deductions.select("date", "points", "time").rows() == [
        (date(2024, 12, 5), 2.0, time(9, 30)),
        (date(2024, 12, 6), 1.0, time(9, 45)),
    ]
    assert facts.header("deductions", "points") == "分值"


def test_a_sheet_named_by_its_kind_in_chinese_is_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "督查扣分"
    sheet.append(["日期", "单位", "考评项目", "考评细项", "分值"])
    sheet.append(["2024/12/5", "U1", "p", None, 2])
    book.save(tmp_path / "book.xlsx")
    facts = read_facts(tmp_path / "book.xlsx")
    assert facts.deductions.select("date", "points").rows() == [(date(2024, 12, 5), 2.0)]
    assert facts.label("deductions").endswith("book.xlsx[督查扣分]")
