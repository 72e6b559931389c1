"""Published means frozen (issue 12), in Chromium: with 2024-Q4 published, the office enters a late deduction
for 高新区 (asked to confirm, since the period is published); the dashboard warns that the store no longer
matches the published version while the public page, the PDF and the Excel bulletin still show the
published numbers; a correction with a reason then publishes the next version, which every place shows."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import openpyxl

from browser_testing import Tab, fill_deduction, screenshot

PERIOD = "2024-Q4"
UNIT = "高新区"


def click_step(tab: Tab, button: str) -> None:
    with tab.page.expect_navigation():
        tab.page.click(button)
    assert tab.page.inner_text("#publish-error").strip() == ""


def publish_open_version(tab: Tab) -> None:
    """Compute (if nothing is open), review and publish, confirming in the dialog."""
    tab.goto(f"/periods/demo-city/{PERIOD}")
    if tab.page.get_attribute("#btn-review", "data-enabled") != "1":
        click_step(tab, "#btn-compute")
    click_step(tab, "#btn-review")
    tab.page.click("#btn-publish")
    click_step(tab, "#btn-publish-confirm")
    assert tab.page.get_attribute("#publish-panel", "data-published") == "1"


def published_version(tab: Tab) -> int:
    tab.goto(f"/dashboard/demo-city/{PERIOD}")
    found = re.search(r"已发布 · 第 (\d+) 版", tab.page.inner_text(".dash-links"))
    assert found, tab.page.inner_text(".dash-links")
    return int(found.group(1))


def public_total(tab: Tab) -> tuple[str, str]:
    """(高新区's total on the public page, the page's version line)."""
    tab.goto(f"/public/demo-city/{PERIOD}")
    row = tab.page.locator("table.ranking tbody tr", has_text=UNIT).first
    return row.locator("td.total").inner_text().strip(), tab.page.inner_text("p.meta")


def dashboard_total(tab: Tab) -> str:
    tab.goto(f"/dashboard/demo-city/{PERIOD}")
    row = tab.page.locator("table.dash-ranking tbody tr", has_text=UNIT).first
    cells = row.locator("td").all_inner_texts()
    return cells[-3].strip()


def bulletins(tab: Tab, tmp_path: Path) -> tuple[str, set[object]]:
    """The PDF bulletin's text and the Excel bulletin's cell values, downloaded as the office would."""
    base = f"{tab.site.base}/periods/demo-city/{PERIOD}"
    pdf = tmp_path / "通报.pdf"
    pdf.write_bytes(tab.page.request.get(f"{base}/bulletin.pdf").body())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    book = openpyxl.load_workbook(io.BytesIO(tab.page.request.get(f"{base}/bulletin.xlsx").body()))
    cells = {c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row}
    return text, cells


def enter_late_deduction(tab: Tab) -> None:
    """A 2-point 日常巡查 deduction for 高新区 in December, confirmed with a reason (the period is published)."""
    tab.goto("/entry")
    page = tab.page
    page.wait_for_selector("#fact-deductions")
    options = page.eval_on_selector_all(
        "#deductions-unit_id option", "options => options.map(o => [o.value, o.textContent])"
    )
    unit = next(value for value, label in options if UNIT in label)
    problem = "补录：12月16日巡查发现乱堆放（端到端测试）"
    fill_deduction(page, day="2024-12-16", unit=unit, part="日常巡查", item="市容秩序", points="2", problem=problem)
    page.click("#save-deductions")
    page.wait_for_selector("#confirm-deductions:not([hidden])")
    assert "已发布" in page.inner_text("#confirm-list-deductions")
    page.check("#deductions-confirm")
    page.fill("#deductions-confirm-reason", "巡查记录晚到，补录")
    page.click("#confirm-save-deductions")
    page.wait_for_function("() => document.getElementById('status-deductions').classList.contains('ok')")


def test_a_late_entry_leaves_the_published_quarter_until_a_correction(tab: Tab, tmp_path: Path) -> None:
    tab.login("admin")
    tab.goto(f"/periods/demo-city/{PERIOD}")
    if tab.page.get_attribute("#publish-panel", "data-published") != "1":
        publish_open_version(tab)
    version = published_version(tab)
    total, meta = public_total(tab)
    assert f"第 {version} 版" in meta
    assert dashboard_total(tab) == total

    enter_late_deduction(tab)

    tab.goto(f"/dashboard/demo-city/{PERIOD}")
    warning = tab.page.inner_text("#drift-heading")
    assert re.fullmatch(rf"库中数据已变化（\d+ 条），与第 {version} 版不一致", warning), warning
    drift = tab.page.inner_text("#drift-rows")
    assert UNIT in drift and "新增" in drift and "扣分：2" in drift
    screenshot(tab.page, "drift")
    assert dashboard_total(tab) == total  # the dashboard shows the published version
    tab.goto(f"/units/gx?scheme=demo-city&period={PERIOD}")  # the unit sees its late row, marked as such
    late = tab.page.locator("tr.late-entry").all_inner_texts()
    assert late == [f"发布后录入，未计入已发布的第 {version} 版"], late
    assert public_total(tab) == (total, meta)
    text, cells = bulletins(tab, tmp_path)
    assert f"第 {version} 版" in text and total in text
    assert float(total) in cells

    tab.goto(f"/dashboard/demo-city/{PERIOD}")
    with tab.page.expect_navigation():
        tab.page.click("#start-correction")
    tab.page.fill("#correction-reason", "补录高新区12月16日巡查扣分")
    click_step(tab, "#btn-compute")
    assert UNIT in tab.page.inner_text("#review")  # the reviewer sees who moves and why
    publish_open_version(tab)

    assert published_version(tab) == version + 1
    assert not tab.page.locator("#drift").count()
    corrected, meta = public_total(tab)
    assert f"第 {version + 1} 版" in meta and "补录高新区12月16日巡查扣分" in tab.page.inner_text("main")
    assert float(corrected) < float(total)
    assert dashboard_total(tab) == corrected
    text, cells = bulletins(tab, tmp_path)
    assert f"第 {version + 1} 版" in text and corrected in text and float(corrected) in cells
