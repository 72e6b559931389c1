"""The entry form's confirmation in a real browser (issue 12, point 3): a deduction at 23:45 in December
(demo-city's window 07:30–20:00) is not saved but opens the form's confirmation box; ticked without a reason
it still is not sent; with 我已核实，确认提交 and a reason it is saved.  The upload asks the same and is sent
again with the reason.  The rows lie outside the window, so they are excluded when scoring and no other
test's numbers change."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from browser_testing import Tab, fill_deduction


def test_the_form_asks_to_confirm_a_time_outside_the_window(tab: Tab) -> None:
    tab.login("inspector")
    tab.goto("/entry")
    page = tab.page
    page.wait_for_selector("#fact-deductions")
    units = page.eval_on_selector_all("#deductions-unit_id option", "options => options.map(o => o.value)")
    fill_deduction(
        page,
        day="2024-12-10",
        unit=units[-1],
        part="日常巡查",
        item="市容秩序",
        points="2",
        problem="夜间占道经营（端到端测试）",
    )
    page.fill("#deductions-time", "23:45")
    page.click("#save-deductions")
    page.wait_for_selector("#confirm-deductions:not([hidden])")
    assert "07:30–20:00" in page.inner_text("#confirm-list-deductions")
    assert "23:45" in page.inner_text("#deductions-time-error")
    page.check("#deductions-confirm")
    page.click("#confirm-save-deductions")  # no reason yet: not sent
    page.wait_for_function("() => document.getElementById('deductions-confirm-reason-error').textContent.length > 0")
    assert page.get_attribute("#deductions-confirm-reason", "aria-invalid") == "true"
    page.fill("#deductions-confirm-reason", "夜间专项巡查，见另行通知")
    page.click("#confirm-save-deductions")
    page.wait_for_function("() => document.getElementById('status-deductions').classList.contains('ok')")
    assert page.is_hidden("#confirm-deductions")
    # the list already holds the account's imported rows: wait for the saved row, not for any row
    page.wait_for_function("() => document.querySelector('#recent-deductions').textContent.includes('23:45')")
    # the first answer was a 409, which the browser logs; nothing else may appear
    assert all("409" in e for e in tab.errors), tab.errors


def test_the_upload_asks_to_confirm_and_is_sent_again_with_the_reason(tab: Tab, tmp_path: Path) -> None:
    """The confirmation's inputs belong to the upload form (``form="upload-form"``), whose file input still
    holds the file: ticking, giving the reason and pressing 确认并重新上传 imports it."""
    tab.login("inspector")
    tab.goto("/entry")
    page = tab.page
    units = page.eval_on_selector_all("#deductions-unit_id option", "options => options.map(o => o.value)")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "deductions"
    sheet.append(["date", "time", "unit_id", "part", "item", "points", "source", "problem"])
    sheet.append(["2024-12-11", "23:50", units[-1], "日常巡查", "环境卫生", 1, "督查员", "夜间垃圾堆放（端到端测试）"])
    path = tmp_path / "夜间巡查.xlsx"
    book.save(path)
    page.set_input_files("#upload-file", str(path))
    page.click("#upload-submit")
    page.wait_for_selector("#upload-warnings")
    rows = page.eval_on_selector_all(
        "#upload-warnings tbody tr", "rows => rows.map(r => [r.dataset.row, r.dataset.column])"
    )
    assert rows == [["2", "time"]]
    page.check("#upload-confirm-check")
    page.fill("#upload-reason", "夜间专项巡查，见另行通知")
    page.click("#upload-confirm-submit")
    page.wait_for_selector("#upload-summary")
    assert "夜间巡查.xlsx" in page.inner_text("#upload-summary")
    assert all("409" in e for e in tab.errors), tab.errors
