"""Reading the interchange files: typed frames from good data, precise errors from bad data."""

from __future__ import annotations

import csv
import io
import pickle
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kaoping.errors import MAX_ERRORS, InputError, InputErrors
from kaoping.facts import FILE_NAMES, Facts, empty_facts, facts_from_frames
from kaoping.facts.columns import SCHEMAS
from kaoping.io import read_facts
from kaoping.io.sources import cell_text

GOOD: dict[str, str] = {
    "units": ("unit_id,name,group,reward_eligible\nU1,城东街道,street,\nU2,城西街道,street,否\nU3,市容局,dept,YES\n"),
    "scores": (
        "period,unit_id,part,item,score,source,note\n"
        "2024-03,U1,日常,,95.5,巡查,\n"
        "2024-Q2,U2,日常,道路,88,,\n"
        "2024,U3,年度,,912.5555,,备注\n"
    ),
    "deductions": (
        "date,unit_id,part,item,points,source,problem,location,evidence\n"
        "2024-03-05,U1,日常,道路,2,督查,垃圾,中山路,photo.jpg\n"
        "2024-04-01,U2,日常,,0.5,,,,\n"
    ),
    "honors": (
        "date,unit_id,kind,level,title\n"
        "2024-05-01,U1,award,national,全国文明城市\n"
        "2024-06-01,U2,criticism,provincial_dept,\n"
    ),
    "notices": ("problem_id,unit_id,notified_on,rectified_on\nP1,U1,2024-03-01,2024-03-10\nP2,U2,2024-03-02,\n"),
    "cases": (
        "case_id,unit_id,kind,category,reported_at,dispatched_at,deadline,disposed_at,closed_at,"
        "rework_count,verify_failed\n"
        "C1,U1,event,暴露垃圾,2024-03-05 08:30,2024-03-05 09:00:15,2024-03-06,2024-03-05 17:00,"
        "2024-03-05 18:00,1,0\n"
        "C2,U2,component,井盖,2024-03-06,,,,,,\n"
    ),
    "ranks": "period,unit_id,task,rank\n2024-03,U1,创文,1\n2024-Q1,U2,创文,2\n",
}

# The same data as typed workbook cells: real dates and datetimes, ints and floats, a boolean.
GOOD_CELLS: dict[str, list[list[Any]]] = {
    "units": [
        ["unit_id", "name", "group", "reward_eligible"],
        ["U1", "城东街道", "street", None],
        ["U2", "城西街道", "street", "否"],
        ["U3", "市容局", "dept", True],
    ],
    "scores": [
        ["period", "unit_id", "part", "item", "score", "source", "note"],
        ["2024-03", "U1", "日常", None, 95.5, "巡查", None],
        ["2024-Q2", "U2", "日常", "道路", 88, None, None],
        [2024, "U3", "年度", None, 912.5555, None, "备注"],
    ],
    "deductions": [
        ["date", "unit_id", "part", "item", "points", "source", "problem", "location", "evidence"],
        [date(2024, 3, 5), "U1", "日常", "道路", 2.0, "督查", "垃圾", "中山路", "photo.jpg"],
        [datetime(2024, 4, 1), "U2", "日常", None, 0.5, None, None, None, None],
    ],
    "honors": [
        ["date", "unit_id", "kind", "level", "title"],
        [date(2024, 5, 1), "U1", "award", "national", "全国文明城市"],
        [date(2024, 6, 1), "U2", "criticism", "provincial_dept", None],
    ],
    "notices": [
        ["problem_id", "unit_id", "notified_on", "rectified_on"],
        ["P1", "U1", date(2024, 3, 1), date(2024, 3, 10)],
        ["P2", "U2", date(2024, 3, 2), None],
    ],
    "cases": [
        [
            "case_id",
            "unit_id",
            "kind",
            "category",
            "reported_at",
            "dispatched_at",
            "deadline",
            "disposed_at",
            "closed_at",
            "rework_count",
            "verify_failed",
        ],
        [
            "C1",
            "U1",
            "event",
            "暴露垃圾",
            datetime(2024, 3, 5, 8, 30),
            datetime(2024, 3, 5, 9, 0, 15),
            date(2024, 3, 6),
            datetime(2024, 3, 5, 17, 0),
            datetime(2024, 3, 5, 18, 0),
            1,
            False,
        ],
        ["C2", "U2", "component", "井盖", date(2024, 3, 6), None, None, None, None, None, None],
    ],
    "ranks": [
        ["period", "unit_id", "task", "rank"],
        ["2024-03", "U1", "创文", 1],
        ["2024-Q1", "U2", "创文", 2.0],
    ],
}

HAN = re.compile(r"[\u4e00-\u9fff]")


def write_folder(folder: Path, files: dict[str, str], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_bytes(text.encode(encoding))
    return folder


def write_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
    book.save(path)
    return path


def with_cell(text: str, row: int, column: str, value: str) -> str:
    """``text`` (a CSV file) with the cell at spreadsheet row ``row`` and ``column`` replaced."""
    rows = list(csv.reader(io.StringIO(text)))
    rows[row - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def errors_of(source: Path) -> InputErrors:
    with pytest.raises(InputErrors) as caught:
        read_facts(source)
    return caught.value


def frames(facts: Facts) -> dict[str, pl.DataFrame]:
    return {name: getattr(facts, name) for name in FILE_NAMES}


# --- good data -----------------------------------------------------------------------------------------


def test_good_folder_reads_typed_frames(tmp_path: Path) -> None:
    facts = read_facts(write_folder(tmp_path / "data", GOOD))

    for name in FILE_NAMES:
        assert getattr(facts, name).schema == SCHEMAS[name], name
        assert facts.label(name) == str(tmp_path / "data" / f"{name}.csv")

    assert facts.units.rows() == [
        ("U1", "城东街道", "street", True, 2),
        ("U2", "城西街道", "street", False, 3),
        ("U3", "市容局", "dept", True, 4),
    ]
    assert facts.scores.rows() == [
        ("2024-03", "U1", "日常", "", 95.5, "巡查", "", 2),
        ("2024-Q2", "U2", "日常", "道路", 88.0, "", "", 3),
        ("2024", "U3", "年度", "", 912.5555, "", "备注", 4),
    ]
    added = ("", None, "", None, None, None)  # problem_kind … accuracy_m: optional columns left out
    assert facts.deductions.rows() == [
        (date(2024, 3, 5), "U1", "日常", "道路", 2.0, "督查", "垃圾", "中山路", "photo.jpg", None, *added, 2),
        (date(2024, 4, 1), "U2", "日常", "", 0.5, "", "", "", "", None, *added, 3),
    ]
    assert facts.honors.rows() == [
        (date(2024, 5, 1), "U1", "award", "national", "全国文明城市", 2),
        (date(2024, 6, 1), "U2", "criticism", "provincial_dept", "", 3),
    ]
    assert facts.notices.rows() == [
        # issue #17 added the optional columns points (原扣分) and failed_reinspections: absent, None and 0
        ("P1", "U1", date(2024, 3, 1), date(2024, 3, 10), None, 0, 2),
        ("P2", "U2", date(2024, 3, 2), None, None, 0, 3),
    ]
    assert facts.cases.rows() == [
        (
            "C1",
            "U1",
            "event",
            "暴露垃圾",
            datetime(2024, 3, 5, 8, 30),
            datetime(2024, 3, 5, 9, 0, 15),
            datetime(2024, 3, 6),
            datetime(2024, 3, 5, 17),
            datetime(2024, 3, 5, 18),
            1,
            0,
            0,  # postponed: optional column, absent → 0
            *("", "", ""),  # channel, satisfaction, repeat_of (12345 orders): optional, absent → ""
            2,
        ),
        ("C2", "U2", "component", "井盖", datetime(2024, 3, 6), None, None, None, None, 0, 0, 0, "", "", "", 3),
    ]
    assert facts.ranks.rows() == [("2024-03", "U1", "创文", 1, 2), ("2024-Q1", "U2", "创文", 2, 3)]


def test_values_are_stripped_and_periods_normalised(tmp_path: Path) -> None:
    files = {
        "scores": "period,unit_id,part,item,score\n 2024-3 , U1 ,\u3000日常 , ,  7 \n2024q2,U2,p,,1e1\n",
        "cases": (
            "case_id,unit_id,kind,category,reported_at,dispatched_at,deadline,disposed_at,closed_at,"
            "rework_count,verify_failed\nC1,U1, Event ,x, 2024-3-5 8:05 ,,,,,,TRUE\n"
        ),
    }
    facts = read_facts(write_folder(tmp_path, files))
    assert facts.scores.rows() == [
        ("2024-03", "U1", "日常", "", 7.0, "", "", 2),
        ("2024-Q2", "U2", "p", "", 10.0, "", "", 3),
    ]
    assert facts.cases.select("kind", "reported_at", "verify_failed").row(0) == (
        "event",
        datetime(2024, 3, 5, 8, 5),
        1,
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_bom_and_gb18030_read_like_plain_utf8(tmp_path: Path, encoding: str) -> None:
    plain = read_facts(write_folder(tmp_path / "plain", GOOD))
    other = read_facts(write_folder(tmp_path / "other", GOOD, encoding))
    raw = (tmp_path / "other" / "units.csv").read_bytes()
    assert raw != GOOD["units"].encode("utf-8")  # the file really is in the other encoding
    for name in FILE_NAMES:
        assert_frame_equal(getattr(other, name), getattr(plain, name))
    assert other.units["name"].to_list() == ["城东街道", "城西街道", "市容局"]


def test_xlsx_reads_like_the_csv_folder(tmp_path: Path) -> None:
    from_csv = read_facts(write_folder(tmp_path / "data", GOOD))
    book = write_book(tmp_path / "book.xlsx", GOOD_CELLS)
    from_xlsx = read_facts(book)
    for name in FILE_NAMES:
        assert_frame_equal(getattr(from_xlsx, name), getattr(from_csv, name))
        assert from_xlsx.label(name) == f"{book}[{name}]"
    assert from_xlsx.scores["score"].to_list() == [95.5, 88.0, 912.5555]


def test_xlsx_errors_name_the_sheet_and_row(tmp_path: Path) -> None:
    sheets = {
        "scores": [
            ["period", "unit_id", "part", "item", "score"],
            ["2024-03", "U1", "p", None, 1],
            [None, None, None, None, None],
            ["2024-03", "U1", "p", None, "abc"],
        ],
        "deductions": [
            ["date", "unit_id", "part", "item", "points"],
            [datetime(2024, 3, 5, 10, 30), "U1", "p", None, 1],
        ],
    }
    book = write_book(tmp_path / "book.xlsx", sheets)
    errors = errors_of(book).errors
    assert [(e.file, e.row, e.column) for e in errors] == [
        (f"{book}[scores]", 4, "score"),
        (f"{book}[deductions]", 2, "date"),
    ]
    assert "'2024-03-05 10:30:00' is not a date" in (errors[1].message_en or "")
    assert "“2024-03-05 10:30:00”不是日期" in errors[1].message


def test_cell_text_is_canonical() -> None:
    assert cell_text(None) == ""
    assert cell_text(12.0) == "12"
    assert cell_text(912.5555) == "912.5555"
    assert cell_text(0.1 + 0.2) == str(0.1 + 0.2)
    assert cell_text(True) == "true"
    assert cell_text(7) == "7"
    assert cell_text(datetime(2024, 3, 5)) == "2024-03-05"
    assert cell_text(datetime(2024, 3, 5, 8, 30)) == "2024-03-05 08:30:00"
    assert cell_text(datetime(2024, 3, 5, 8, 29, 59, 999_600)) == "2024-03-05 08:30:00"
    assert cell_text(date(2024, 3, 5)) == "2024-03-05"


def test_absent_files_give_empty_frames_with_the_schema(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "data", {"units": GOOD["units"]})
    facts = read_facts(folder)
    assert facts.units.height == 3
    for name in FILE_NAMES[1:]:
        frame = getattr(facts, name)
        assert frame.height == 0
        assert frame.schema == SCHEMAS[name]
        assert facts.label(name) == str(folder / f"{name}.csv")


def test_absent_sheets_give_empty_frames(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", {"ranks": GOOD_CELLS["ranks"], "其他": [["x"]]})
    facts = read_facts(book)
    assert facts.ranks.height == 2
    assert facts.units.height == 0 and facts.units.schema == SCHEMAS["units"]
    assert facts.label("units") == f"{book}[units]"


def test_header_only_file_reads_empty_with_defaults_for_absent_optional_columns(tmp_path: Path) -> None:
    facts = read_facts(write_folder(tmp_path, {"units": "unit_id,name,group\n"}))
    assert facts.units.height == 0
    assert facts.units.schema == SCHEMAS["units"]


@pytest.mark.parametrize("text", ["", "\n\nunit_id,name,group\nU1,n,g\n"])
def test_empty_header_row_is_one_error(tmp_path: Path, text: str) -> None:
    (error,) = errors_of(write_folder(tmp_path, {"units": text})).errors
    assert (error.row, error.column) == (1, None)
    assert error.message_en == "the header row is empty; expected the column names first: unit_id,name,group"
    assert error.message == "表头为空：第一行应为列名：考评对象编号,考评对象名称,分组/序列"


def test_extra_columns_are_ignored_and_order_is_free(tmp_path: Path) -> None:
    units = "备注,group,name,unit_id,whatever\nx,street,城东,U1,1\n"
    facts = read_facts(write_folder(tmp_path, {"units": units}))
    assert facts.units.rows() == [("U1", "城东", "street", True, 2)]


def test_header_names_ignore_case_and_spaces(tmp_path: Path) -> None:
    facts = read_facts(write_folder(tmp_path, {"ranks": " Period ,UNIT_ID,task,rank\n2024-03,U1,t,3\n"}))
    assert facts.ranks.rows() == [("2024-03", "U1", "t", 3, 2)]


def test_empty_lines_are_skipped_but_keep_counting_rows(tmp_path: Path) -> None:
    ranks = "period,unit_id,task,rank\n2024-03,U1,t,1\n\n , ,,\n2024-03,U2,t,2\n2024-03,U3,t,x\n"
    folder = write_folder(tmp_path, {"ranks": ranks})
    errors = errors_of(folder).errors
    assert [(e.row, e.column) for e in errors] == [(6, "rank")]

    fixed = write_folder(tmp_path / "fixed", {"ranks": ranks.replace(",x", ",3")})
    assert read_facts(fixed).ranks["_row"].to_list() == [2, 5, 6]


def test_crlf_and_quoted_newlines_keep_row_numbers(tmp_path: Path) -> None:
    text = 'period,unit_id,task,rank\r\n2024-03,U1,"two\r\nlines",1\r\n\r\n2024-03,U2,t,0\r\n'
    errors = errors_of(write_folder(tmp_path, {"ranks": text})).errors
    assert [(e.row, e.column) for e in errors] == [(4, "rank")]


# --- bad data --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "row", "column", "value", "message"),
    [
        ("units", 3, "reward_eligible", "maybe", "'maybe' is not a yes/no value"),
        ("scores", 4, "score", "abc", "'abc' is not a number"),
        (
            "scores",
            3,
            "period",
            "2024-13",
            "'2024-13' is not a period: expected a period YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY",
        ),
        ("deductions", 3, "date", "2024-02-30", "'2024-02-30' is not a date: expected a date YYYY-MM-DD"),
        ("deductions", 2, "points", "-1.5", "'-1.5' is negative"),
        ("honors", 2, "level", "city", "'city' is not a valid level: expected one of national"),
        ("honors", 3, "kind", "foo", "'foo' is not a valid kind: expected one of award, criticism"),
        ("notices", 3, "rectified_on", "2024/13/10", "'2024/13/10' is not a date"),
        ("notices", 2, "notified_on", "", "empty; expected a date YYYY-MM-DD"),
        ("cases", 3, "deadline", "tomorrow", "'tomorrow' is not a time"),
        ("cases", 2, "rework_count", "-1", "'-1' is less than 0"),
        (
            "cases",
            2,
            "verify_failed",
            "maybe",
            "'maybe' is not a whole number: expected a whole number ≥ 0 (or true/false)",
        ),
        ("cases", 3, "kind", "foo", "'foo' is not a valid kind: expected one of component, event"),
        ("ranks", 2, "rank", "0", "'0' is less than 1"),
        ("ranks", 3, "rank", "2.5", "'2.5' is not a whole number"),
    ],
)
def test_a_bad_value_is_reported_with_file_row_and_column(
    tmp_path: Path, name: str, row: int, column: str, value: str, message: str
) -> None:
    files = dict(GOOD)
    files[name] = with_cell(GOOD[name], row, column, value)
    folder = write_folder(tmp_path, files)
    caught = errors_of(folder)
    assert caught.total == 1
    (error,) = caught.errors
    assert (error.file, error.row, error.column) == (str(folder / f"{name}.csv"), row, column)
    assert message in (error.message_en or "")
    assert error.describe("en").startswith(f"{folder / name}.csv, row {row}, column '{column}': ")
    assert str(error).startswith(f"{folder / name}.csv，第 {row} 行，列“{column}”：")
    assert HAN.search(error.message), error.message  # Chinese first


def test_a_deductions_date_in_row_4(tmp_path: Path) -> None:
    text = "date,unit_id,part,item,points\n2024-03-01,U1,p,,1\n2024-03-02,U1,p,,1\n03/04/2024,U1,p,,1\n"
    (error,) = errors_of(write_folder(tmp_path, {"deductions": text})).errors
    assert (Path(error.file).name, error.row, error.column) == ("deductions.csv", 4, "date")


@pytest.mark.parametrize(
    ("name", "column", "value"),
    [
        ("units", "unit_id", ""),
        ("units", "group", "  "),
        ("scores", "part", ""),
        ("scores", "score", ""),
        ("honors", "unit_id", ""),
        ("cases", "reported_at", ""),
        ("cases", "category", ""),
        ("ranks", "task", ""),
    ],
)
def test_empty_required_value(tmp_path: Path, name: str, column: str, value: str) -> None:
    files = {name: with_cell(GOOD[name], 2, column, value)}
    (error,) = errors_of(write_folder(tmp_path, files)).errors
    assert (error.row, error.column) == (2, column)
    assert (error.message_en or "").startswith("empty; expected ")
    assert error.message.startswith("未填写：应为")


def test_optional_values_may_be_empty(tmp_path: Path) -> None:
    files = {
        "honors": with_cell(GOOD["honors"], 2, "title", ""),
        "scores": with_cell(GOOD["scores"], 3, "item", ""),
        "cases": with_cell(GOOD["cases"], 2, "rework_count", ""),
    }
    facts = read_facts(write_folder(tmp_path, files))
    assert facts.honors["title"][0] == ""
    assert facts.scores["item"][1] == ""
    assert facts.cases["rework_count"][0] == 0


def test_missing_column(tmp_path: Path) -> None:
    text = "period,unit_id,part,item,note\n2024-03,U1,p,,x\n"
    folder = write_folder(tmp_path, {"scores": text})
    (error,) = errors_of(folder).errors
    assert (error.file, error.row, error.column) == (str(folder / "scores.csv"), 1, "score")
    assert error.message_en == (
        "missing column 'score' (written as score / 得分 / 分数 / 评分); "
        "the header has: period, unit_id, part, item, note"
    )
    assert error.message.startswith("缺少列“得分”")


def test_optional_columns_may_be_missing(tmp_path: Path) -> None:
    cases = (
        "case_id,unit_id,kind,category,reported_at,dispatched_at,deadline,disposed_at,closed_at,"
        "rework_count\nC1,U1,event,x,2024-03-05,,,,,\n"
    )
    facts = read_facts(write_folder(tmp_path, {"units": "unit_id,name,group\nU1,n,g\n", "cases": cases}))
    assert facts.units["reward_eligible"].to_list() == [True]
    assert facts.cases["verify_failed"].to_list() == [0]


def test_duplicate_header_column(tmp_path: Path) -> None:
    text = "period,unit_id,task,rank,rank\n2024-03,U1,t,1,2\n"
    (error,) = errors_of(write_folder(tmp_path, {"ranks": text})).errors
    assert (error.row, error.column) == (1, "rank")
    assert "columns D and E" in (error.message_en or "")
    assert "第 D、E 列" in error.message


def test_all_errors_across_files_are_collected_in_order(tmp_path: Path) -> None:
    files = {
        "units": with_cell(GOOD["units"], 4, "unit_id", ""),
        "scores": with_cell(with_cell(GOOD["scores"], 3, "score", "x"), 2, "period", "bad"),
        "ranks": "period,unit_id,task\n2024-03,U1,t\n",
    }
    caught = errors_of(write_folder(tmp_path, files))
    assert [(Path(e.file).name, e.row, e.column) for e in caught.errors] == [
        ("units.csv", 4, "unit_id"),
        ("scores.csv", 2, "period"),
        ("scores.csv", 3, "score"),
        ("ranks.csv", 1, "rank"),
    ]
    assert caught.total == 4


def test_more_than_50_errors_are_truncated_but_counted(tmp_path: Path) -> None:
    scores = "period,unit_id,part,item,score\n" + "".join(f"2024-03,U{i},p,,bad{i}\n" for i in range(70))
    ranks = "period,unit_id,task,rank\n" + "2024-03,U1,t,0\n" * 30
    caught = errors_of(write_folder(tmp_path, {"scores": scores, "ranks": ranks}))
    assert len(caught.errors) == MAX_ERRORS
    assert caught.total == 100
    assert [e.row for e in caught.errors] == list(range(2, 52))
    assert all(e.column == "score" for e in caught.errors)
    text = str(caught)
    assert text.splitlines()[-1] == "……另有 50 处"
    assert len(text.splitlines()) == MAX_ERRORS + 1


def test_undecodable_file_is_one_whole_file_error(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, {"ranks": GOOD["ranks"]})
    (folder / "units.csv").write_bytes(b"unit_id,name,group\nU1,\xff\xff\xff,g\n")
    caught = errors_of(folder)
    (error,) = caught.errors
    assert (error.file, error.row, error.column) == (str(folder / "units.csv"), None, None)
    assert "cannot be decoded" in (error.message_en or "")
    assert str(error) == f"{folder / 'units.csv'}：{error.message}"


def test_unparseable_csv_is_one_whole_file_error(tmp_path: Path) -> None:
    (error,) = errors_of(write_folder(tmp_path, {"ranks": 'period,unit_id,task,rank\n"2024-03,U1,t,1\n'})).errors
    assert (Path(error.file).name, error.row, error.column) == ("ranks.csv", None, None)
    assert "cannot be read as CSV" in (error.message_en or "")


def test_missing_source_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        read_facts(tmp_path / "nowhere")


def test_other_file_kinds_are_input_errors(tmp_path: Path) -> None:
    (tmp_path / "data.xls").write_bytes(b"old")
    (error,) = errors_of(tmp_path / "data.xls").errors
    assert "save it as .xlsx" in (error.message_en or "")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    (error,) = errors_of(tmp_path / "broken.xlsx").errors
    assert (error.file, error.row) == (str(tmp_path / "broken.xlsx"), None)
    assert "cannot be opened as an .xlsx workbook" in (error.message_en or "")
    assert error.message == "无法作为 .xlsx 工作簿打开：文件已损坏，或并非 .xlsx 格式（请在 Excel 中另存为 .xlsx）"


# --- errors and helpers ----------------------------------------------------------------------------


def test_input_error_str() -> None:
    error = InputError("d/scores.csv", 7, "score", "“x”不是数字", "'x' is not a number")
    assert str(error) == "d/scores.csv，第 7 行，列“score”：“x”不是数字"
    assert error.describe("en") == "d/scores.csv, row 7, column 'score': 'x' is not a number"
    assert InputError("d/scores.csv", 7, None, "只有中文").describe("en") == "d/scores.csv, row 7: 只有中文"
    assert str(InputError("book.xlsx[units]", 3, None, "坏行")) == "book.xlsx[units]，第 3 行：坏行"


def test_input_errors_keep_fifty_and_pickle() -> None:
    errors = [InputError("f.csv", i, "c", "m") for i in range(60)]
    exc = InputErrors(errors)
    assert (len(exc.errors), exc.total) == (50, 60)
    again = pickle.loads(pickle.dumps(exc))
    assert again.errors == exc.errors and again.total == 60
    assert str(again) == str(exc)


def test_empty_facts_have_the_schemas() -> None:
    facts = empty_facts()
    for name in FILE_NAMES:
        assert getattr(facts, name).schema == SCHEMAS[name]
        assert facts.label(name) == f"{name}.csv"


def test_facts_from_frames_adds_rows_and_defaults() -> None:
    scores = pl.DataFrame({"period": ["2024-03"] * 2, "unit_id": ["U1", "U2"], "part": ["p", "p"], "score": [1, 2]})
    facts = facts_from_frames(scores=scores)
    assert facts.scores.schema == SCHEMAS["scores"]
    assert facts.scores.rows() == [
        ("2024-03", "U1", "p", "", 1.0, "", "", 2),
        ("2024-03", "U2", "p", "", 2.0, "", "", 3),
    ]
    assert facts.units.height == 0 and facts.units.schema == SCHEMAS["units"]
    with pytest.raises(ValueError, match="lacks column 'score'"):
        facts_from_frames(scores=scores.drop("score"))
    with pytest.raises(TypeError, match="unknown"):
        facts_from_frames(score=scores)


def test_file_and_sheet_names_ignore_case(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "Ranks.CSV").write_text(GOOD["ranks"], encoding="utf-8")
    facts = read_facts(str(folder))
    assert facts.ranks.height == 2
    assert facts.label("ranks") == str(folder / "Ranks.CSV")

    book = write_book(tmp_path / "book.xlsx", {"Ranks": GOOD_CELLS["ranks"]})
    facts = read_facts(book)
    assert facts.ranks.height == 2
    assert facts.label("ranks") == f"{book}[Ranks]"


def test_header_only_period_file_reads_empty(tmp_path: Path) -> None:
    facts = read_facts(
        write_folder(tmp_path, {"scores": "period,unit_id,part,item,score\n", "ranks": "period,unit_id,task,rank\n"})
    )
    assert facts.scores.schema == SCHEMAS["scores"] and facts.scores.height == 0
    assert facts.ranks.schema == SCHEMAS["ranks"] and facts.ranks.height == 0


def test_utf16_file_gets_a_helpful_error(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_bytes(GOOD["units"].encode("utf-16"))
    (error,) = errors_of(tmp_path).errors
    assert (error.row, error.column) == (None, None)
    assert "UTF-16" in (error.message_en or "")


def test_excel_month_typed_as_date_reads_as_that_month(tmp_path: Path) -> None:
    """Excel stores a typed 2024-03 as the date 2024-03-01: in a period column that means March."""
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "scores"
    sheet.append(["period", "unit_id", "part", "item", "score"])
    sheet.append([dt.datetime(2024, 3, 1), "U1", "p", "", 80])
    sheet.append(["2024-03-15", "U1", "p", "", 80])
    path = tmp_path / "book.xlsx"
    book.save(path)
    with pytest.raises(InputErrors) as info:
        read_facts(path)
    errors = info.value.errors
    assert [(e.row, e.column) for e in errors] == [(3, "period")]  # only the mid-month date is not a period


def test_deduction_time_of_day_is_read_and_checked(tmp_path: Path) -> None:
    """The optional `time` column (for inspection windows) reads HH:MM[:SS]; anything else names its cell."""
    from datetime import time

    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "deductions.csv").write_text(
        "date,unit_id,part,item,points,time\n2024-03-05,U1,日常,,1,07:30\n2024-03-05,U1,日常,,1,21:45:10\n"
        "2024-03-05,U1,日常,,1,\n",
        encoding="utf-8",
    )
    assert read_facts(folder).deductions.get_column("time").to_list() == [time(7, 30), time(21, 45, 10), None]
    (folder / "deductions.csv").write_text("date,unit_id,part,item,points,time\n2024-03-05,U1,日常,,1,7点半\n")
    with pytest.raises(InputErrors) as info:
        read_facts(folder)
    assert [(e.row, e.column) for e in info.value.errors] == [(2, "time")]
