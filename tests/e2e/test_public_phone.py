"""公示 on a 375 px phone (issue 15): 名次, 单位 and 总分 of every row on screen without scrolling sideways,
unit names on one line; the index grouped by year; the pages in Chromium without console errors."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page

from browser_testing import Site, screenshot

PHONE = 375

ONE_LINE = """cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return tops.size;
}"""
"""How many lines a cell's text takes (distinct tops of its line boxes)."""


def _phone_page(browser: Browser, site: Site, path: str) -> tuple[Page, list[str]]:
    context = browser.new_context(
        viewport={"width": PHONE, "height": 812}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site.base + path)
    return page, errors


def test_rank_name_and_total_fit_a_phone(browser: Browser, site: Site) -> None:
    page, errors = _phone_page(browser, site, "/public/demo-city/2024-Q3")
    page.wait_for_selector(".chart canvas")
    # the page itself never scrolls sideways; only the table's own box does
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    rows = page.locator("table.public-ranking tbody tr:not(.unrated)")
    assert rows.count() == site.city.units
    for i in range(rows.count()):
        row = rows.nth(i)
        for cell in ("td.rank", "td.name", "td.total"):
            box = row.locator(cell).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE, (i, cell, box)
        assert row.locator("td.name").evaluate(ONE_LINE) == 1, row.locator("td.name").inner_text()
    assert page.locator("#sum-rule").is_visible() and "递补" in page.locator("#legend").inner_text()
    assert not errors, errors
    screenshot(page, "public-phone")
    page.context.close()


def test_index_by_year_on_a_phone(browser: Browser, site: Site) -> None:
    page, errors = _phone_page(browser, site, "/public")
    assert page.locator("#year-2024").inner_text() == "2024年"
    links = page.locator(".public-year .periods a[href^='/public/']").all_inner_texts()
    # the newest quarter first (2024-Q4 once another test has published it), then its months
    assert re.fullmatch(r"2024年第[三四]季度 考评结果", links[0]) and "2024年1月 考评结果" in links
    assert "demo-city" not in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    assert not errors, errors
    page.context.close()
