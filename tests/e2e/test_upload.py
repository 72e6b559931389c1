"""A department uploads an Excel workbook with bad rows: the page lists each bad row and column, and the
store is unchanged (the same import path as ``kaoping import``: all or nothing)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from browser_testing import Tab

HEADER = ["period", "unit_id", "part", "item", "score", "source", "note"]


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "scores"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_bad_excel_upload_shows_the_row_errors(tab: Tab, tmp_path: Path) -> None:
    account = tab.login("department")
    assert tab.page.url.endswith("/entry")
    tab.page.wait_for_selector("#upload-form")
    recent_before = tab.page.locator("#recent-scores tbody tr").count()
    source = account.display_name
    bad = workbook(
        tmp_path / "部门考评-第四季度.xlsx",
        [
            ["2024-Q4", "dh", "部门考评", "市容秩序", 95, source, ""],
            ["2024-Q4", "dh", "部门考评", "市容秩序", "九十", source, ""],  # row 3: not a number
            ["2024-Q5", "dh", "部门考评", "环境卫生", 90, source, ""],  # row 4: no such period
        ],
    )
    tab.page.set_input_files("#upload-file", str(bad))
    tab.page.click("#upload-submit")
    tab.page.wait_for_selector("#upload-errors")
    errors = tab.page.eval_on_selector_all(
        "#upload-errors tbody tr", "rows => rows.map(r => [r.dataset.row, r.dataset.column, r.innerText])"
    )
    cells = {(row, column) for row, column, _ in errors}
    assert ("3", "score") in cells, errors
    assert ("4", "period") in cells, errors
    assert "部门考评-第四季度.xlsx" in tab.page.inner_text("#upload-result")
    tab.shot("entry-upload-errors")
    tab.goto("/entry")
    assert tab.page.locator("#recent-scores tbody tr").count() == recent_before, "nothing was written"
    # the refused upload is answered 422, which the browser logs; nothing else may appear
    assert all("422" in e for e in tab.errors), tab.errors


def test_upload_naming_an_unknown_unit_is_refused_by_row(tab: Tab, tmp_path: Path) -> None:
    account = tab.login("department")
    book = workbook(
        tmp_path / "scores.xlsx", [["2024-Q4", "nowhere", "部门考评", "市容秩序", 90, account.display_name, ""]]
    )
    tab.page.set_input_files("#upload-file", str(book))
    tab.page.click("#upload-submit")
    tab.page.wait_for_selector("#upload-errors")
    cells = tab.page.eval_on_selector_all(
        "#upload-errors tbody tr", "rows => rows.map(r => [r.dataset.row, r.innerText])"
    )
    assert cells and cells[0][0] == "2" and "nowhere" in cells[0][1], cells
