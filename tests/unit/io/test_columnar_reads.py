"""The columnar reads (issue 13): large files keep exact row/column reports, calamine reads a workbook like
the CSV folder, and every input is bounded before a parser sees it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from polars.testing import assert_frame_equal

from kaoping.errors import InputErrors
from kaoping.facts import FILE_NAMES
from kaoping.io import read_facts, sources, workbook, xlsx_bounds

N = 60_000


def _cases(n: int) -> pl.DataFrame:
    """``n`` valid cases with typed times (every tenth not yet disposed), built column-wise."""
    i = pl.col("i")
    reported = pl.lit(datetime(2024, 1, 1, 8, 0)) + pl.duration(minutes=i * 7)
    return pl.DataFrame({"i": pl.int_range(0, n, eager=True)}).select(
        case_id=pl.format("K{}", i),
        unit_id=pl.format("U{}", i % 13),
        kind=pl.when(i % 2 == 0).then(pl.lit("event")).otherwise(pl.lit("component")),
        category=pl.when(i % 2 == 0).then(pl.lit("暴露垃圾")).otherwise(pl.lit("井盖")),
        reported_at=reported,
        dispatched_at=reported + timedelta(minutes=20),
        deadline=reported + timedelta(hours=8),
        disposed_at=pl.when(i % 10 != 7).then(reported + timedelta(hours=4, seconds=13)),
        closed_at=pl.when(i % 10 != 7).then(reported + timedelta(hours=5)),
        rework_count=i % 3,
        verify_failed=i % 2,
    )


def _write_cases_csv(folder: Path, frame: pl.DataFrame) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    frame.write_csv(folder / "cases.csv", datetime_format="%Y-%m-%d %H:%M:%S")
    return folder


def _errors(source: Path) -> InputErrors:
    with pytest.raises(InputErrors) as caught:
        read_facts(source)
    return caught.value


def test_bad_cells_deep_in_a_large_file_keep_their_spreadsheet_row_and_column(tmp_path: Path) -> None:
    lines = ["date,unit_id,part,item,points"] + [f"2024-03-{1 + i % 28:02d},U{i % 9},日常,,1" for i in range(N)]
    lines[50_000] = "2024-02-30,U1,日常,,1"  # spreadsheet row 50,001
    lines[55_554] = "2024-03-01,U1,日常,,-2"  # row 55,555
    lines[59_999] = "2024-03-01,,日常,,x"  # row 60,000: two problems in one row
    (tmp_path / "deductions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    caught = _errors(tmp_path)
    assert [(e.row, e.column) for e in caught.errors] == [
        (50_001, "date"),
        (55_555, "points"),
        (60_000, "unit_id"),
        (60_000, "points"),
    ]
    assert caught.total == 4
    first = caught.errors[0]
    assert first.describe("en") == (
        f"{tmp_path / 'deductions.csv'}, row 50001, column 'date': '2024-02-30' is not a date: expected a date "
        "YYYY-MM-DD (also 2024/12/5, 2024年12月5日)"
    )
    assert str(first).startswith(f"{tmp_path / 'deductions.csv'}，第 50001 行，列“date”：“2024-02-30”不是日期")
    assert "'-2' is negative" in (caught.errors[1].message_en or "")
    assert caught.errors[3].message == "“x”不是数字：应为不小于 0 的数"


def test_a_large_case_file_reads_exactly_and_reports_a_bad_time(tmp_path: Path) -> None:
    frame = _cases(N)
    facts = read_facts(_write_cases_csv(tmp_path / "good", frame))
    assert facts.cases.height == N
    assert facts.cases["reported_at"].to_list() == frame["reported_at"].to_list()
    assert facts.cases["disposed_at"].null_count() == N // 10
    assert facts.cases["_row"][-1] == N + 1

    text = (tmp_path / "good" / "cases.csv").read_text(encoding="utf-8").splitlines()
    fields = text[42_000].split(",")
    fields[5] = "2024-3-5 8:05"  # another accepted spelling, deep in the file
    text[42_000] = ",".join(fields)
    fields = text[43_210].split(",")
    fields[8] = "2024-03-05 25:00:00"
    text[43_210] = ",".join(fields)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "cases.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    (error,) = _errors(tmp_path / "bad").errors
    assert (error.row, error.column) == (43_211, "closed_at")
    assert error.message_en == (
        "'2024-03-05 25:00:00' is not a time: expected a time YYYY-MM-DD HH:MM[:SS] or a date YYYY-MM-DD"
    )


def _book(path: Path, frame: pl.DataFrame, sheet: str = "cases") -> Path:
    with xlsxwriter.Workbook(path) as book:
        frame.write_excel(book, worksheet=sheet, autofit=False, dtype_formats={pl.Datetime: "yyyy-mm-dd hh:mm:ss"})
    return path


def test_a_workbook_read_by_calamine_gives_the_frames_of_the_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = _cases(5_000)
    from_csv = read_facts(_write_cases_csv(tmp_path / "csv", frame))
    book = _book(tmp_path / "book.xlsx", frame)

    def no_fallback(*_args: object) -> None:
        raise AssertionError("the sheet should have been read by calamine")

    monkeypatch.setattr(workbook, "_streamed_table", no_fallback)
    from_xlsx = read_facts(book)
    for name in FILE_NAMES:
        assert_frame_equal(getattr(from_xlsx, name), getattr(from_csv, name))
    assert from_xlsx.cases.height == 5_000


def test_a_sheet_over_the_cell_bound_is_streamed_by_openpyxl_with_the_same_frames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = _cases(2_000)
    book = _book(tmp_path / "book.xlsx", frame)
    by_calamine = read_facts(book)
    monkeypatch.setattr(xlsx_bounds, "MAX_CELLS", 1_000)
    streamed: list[str] = []
    real = workbook._streamed_table

    def spy(path: Path, title: str, label: str, wanted: object) -> object:
        streamed.append(title)
        return real(path, title, label, wanted)  # type: ignore[arg-type]

    monkeypatch.setattr(workbook, "_streamed_table", spy)
    by_openpyxl = read_facts(book)
    assert streamed == ["cases"]
    assert_frame_equal(by_openpyxl.cases, by_calamine.cases)


def test_a_tiny_workbook_with_a_cell_in_xfd_1048576_reads_in_bounded_memory(tmp_path: Path) -> None:
    """calamine would allocate 17 billion cells for this 5 KB file and abort the process (issue 14)."""
    path = tmp_path / "xfd.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("units")
        for col, value in enumerate(["unit_id", "name", "group"]):
            sheet.write(0, col, value)
        for col, value in enumerate(["U1", "城东", "street"]):
            sheet.write(1, col, value)
        sheet.write(1_048_575, 16_383, "stray")
    assert path.stat().st_size < 10_000
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
        from kaoping.io import read_facts
        facts = read_facts({str(path)!r})
        print(facts.units.rows())
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[('U1', '城东', 'street', True, 2)]"


def test_a_sheet_that_inflates_past_the_bound_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = _book(tmp_path / "book.xlsx", _cases(200))
    monkeypatch.setattr(xlsx_bounds, "MAX_XML_BYTES", 10_000)
    (error,) = _errors(book).errors
    assert (error.file, error.row, error.column) == (f"{book}[cases]", None, None)
    assert (error.message_en or "").startswith(
        "is too large to read: xl/worksheets/sheet1.xml inflates to more than 10,000 bytes"
    )


def test_a_workbook_over_the_file_bound_is_refused_before_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _book(tmp_path / "book.xlsx", _cases(10))
    monkeypatch.setattr(workbook, "MAX_XLSX_BYTES", 100)
    (error,) = _errors(book).errors
    assert (error.file, error.row) == (str(book), None)
    assert "expected an .xlsx workbook of at most 100 bytes" in (error.message_en or "")


def test_csv_bounds_on_bytes_rows_and_header_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ranks = "period,unit_id,task,rank\n" + "2024-03,U1,t,1\n" * 10
    (tmp_path / "ranks.csv").write_text(ranks, encoding="utf-8")
    monkeypatch.setattr(sources, "MAX_ROWS", 9)
    (error,) = _errors(tmp_path).errors
    assert (Path(error.file).name, error.row, error.column) == ("ranks.csv", None, None)
    assert error.message_en == "has more than 9 data rows; split it, e.g. by year"
    monkeypatch.setattr(sources, "MAX_ROWS", 10)
    assert read_facts(tmp_path).ranks.height == 10

    monkeypatch.setattr(sources, "MAX_CSV_BYTES", 100)
    (error,) = _errors(tmp_path).errors
    assert error.message_en == f"is {len(ranks):,} bytes; expected at most 100 (split it, e.g. by year)"
    monkeypatch.undo()

    (tmp_path / "ranks.csv").write_text(",".join(f"c{i}" for i in range(600)) + "\n1\n", encoding="utf-8")
    (error,) = _errors(tmp_path).errors
    assert (error.row, error.column) == (1, None)
    assert error.message_en == "the header row has more than 512 columns; expected the column names"


def test_only_the_contract_columns_are_read(tmp_path: Path) -> None:
    """A column the contract does not know is never parsed: even one Polars could not read as text."""
    text = "unit_id,name,group,note\nU1,城东,street,x\n"
    (tmp_path / "units.csv").write_text(text, encoding="utf-8")
    raw = sources.read_csv_table(tmp_path / "units.csv", "units.csv", ["unit_id", "group"])
    assert not isinstance(raw, Exception)
    assert raw.header == ["unit_id", "name", "group", "note"]
    assert raw.body.columns == ["c0", "c2", "_row"]


def test_whole_file_errors_are_chinese_first(tmp_path: Path) -> None:
    (tmp_path / "ranks.csv").write_bytes("period,unit_id,task,rank\n".encode("utf-16"))
    (error,) = _errors(tmp_path).errors
    assert error.message == "是 UTF-16 文本（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8”"
