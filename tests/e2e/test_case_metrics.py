"""数字城管 on screen (issue 15, point 4), as the office uses it: from the header to the metrics table, sorted by a
click, filtered by category, exported; then a unit's case list from the table, with the reconciliation's
reasons as links to exactly those cases."""

from __future__ import annotations

import re

import openpyxl

from browser_testing import Tab, screenshot


def _column(tab: Tab, metric: str) -> list[str]:
    cells = tab.page.locator(f"#case-metrics tbody td[data-metric='{metric}']")
    return [text.strip() for text in cells.all_inner_texts()]


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def test_metrics_table_sorted_filtered_exported(tab: Tab) -> None:
    tab.login("admin")
    quarter = f"{tab.site.city.year}-Q4"
    tab.page.click("nav a[href='/cases']")
    tab.page.wait_for_url(re.compile(r"/cases$"))
    tab.page.select_option("#pick-period", quarter)
    with tab.page.expect_navigation():
        tab.page.click("#filter-go")
    assert tab.page.locator("#case-metrics tbody tr[data-unit]").count() == tab.site.city.units

    for _ in range(2):  # ascending, then descending
        with tab.page.expect_navigation():
            tab.page.click("#case-metrics thead a.sort-link:has-text('结案率')")
    rates = [_number(t) for t in _column(tab, "结案率") if t != "—"]
    assert rates == sorted(rates, reverse=True) and len(rates) > 1
    assert tab.page.locator("#case-metrics th[aria-sort='descending']").count() == 1
    screenshot(tab.page, "case-metrics")

    category = tab.page.locator("#pick-category option").nth(1).get_attribute("value")
    assert category
    tab.page.select_option("#pick-category", category)
    with tab.page.expect_navigation():
        tab.page.click("#filter-go")
    shown_due = sum(_number(t) for t in _column(tab, "应结案数"))
    total_due = tab.page.locator("#case-metrics tfoot tr[data-total='合计'] td[data-metric='应结案数']").inner_text()
    assert shown_due == _number(total_due) > 0

    with tab.page.expect_download() as download:
        tab.page.click("#case-metrics-export")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as saved:  # Playwright names the file without its extension
        book = openpyxl.load_workbook(saved)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    due = rows[0].index("应结案数")
    assert sum(r[due] for r in rows[1:] if r[0]) == shown_due
    assert not tab.errors, tab.errors


def test_unit_case_list_from_the_table(tab: Tab) -> None:
    tab.login("admin")
    month = f"{tab.site.city.year}-12"
    tab.goto(f"/cases?period={month}")
    with tab.page.expect_navigation():
        tab.page.locator("#case-metrics tbody tr[data-unit] a").first.click()
    box = tab.page.locator("#case-reconcile")
    listed, counted = int(box.get_attribute("data-listed") or 0), int(box.get_attribute("data-counted") or 0)
    others = box.locator("li[data-reach]")
    reasons = {li.get_attribute("data-reach"): int(li.get_attribute("data-n") or 0) for li in others.all()}
    assert listed == counted + sum(reasons.values()) and counted > 0
    screenshot(tab.page, "unit-cases")
    if reasons:
        reach = next(iter(reasons))
        with tab.page.expect_navigation():
            box.locator(f"li[data-reach='{reach}'] a").click()
        items = tab.page.locator("#case-list > li[id^='case-']")
        assert items.count() == min(reasons[reach], 50)
        assert tab.page.locator(f"#case-list [data-reach='{reach}']").count() == items.count()
    tab.page.fill("#case-q", "zzz-no-such-case")
    with tab.page.expect_navigation():
        tab.page.click("#case-filter-go")
    assert tab.page.locator("#no-cases").count() == 1
    assert not tab.errors, tab.errors
