"""督查信号 on screen (issue #16, point 4), as the office uses it: from the header to the month's signals, the
same list as GET /api/signals, filtered by kind, and from a signal to the row it rests on.

The demo city has no planted fraud, but its deductions fall in some months against the months before
(上报骤降): the page must show exactly the signals the API returns for the month, each with its sentence."""

from __future__ import annotations

import re

from browser_testing import Tab


def test_office_reads_the_signals_of_a_month_and_follows_one_to_its_rows(tab: Tab) -> None:
    tab.login("admin")
    tab.page.click("nav a[href='/evidence/signals']")
    tab.page.wait_for_url(re.compile(r"/evidence/signals$"))
    assert tab.page.locator("h1").first.inner_text() == "督查信号"
    assert "07:00–21:00" in tab.page.inner_text("#signals-windows")  # demo-city's 考评时段, spring and summer
    month = f"{tab.site.city.year}-09"
    tab.page.fill("#signals-month", month)
    with tab.page.expect_navigation():
        tab.page.click("#signals-filter button[type='submit']")
    answer = tab.page.request.get(f"{tab.site.base}/api/signals?month={month}")
    assert answer.ok, answer.text()
    expected = [(s["kind"], s["unit_id"] or "", s["actor"] or "") for s in answer.json()["signals"]]
    assert expected, "the demo's September has signals (deductions falling against the months before)"
    rows = tab.page.locator("#signals-table tbody tr.signal")
    shown = [
        (r.get_attribute("data-kind"), r.get_attribute("data-unit"), r.get_attribute("data-actor")) for r in rows.all()
    ]
    assert shown == expected
    tab.page.wait_for_selector("#signals-trend-chart canvas")  # the chart of the last 6 months, and its table
    assert tab.page.locator("#signals-trend-table tbody tr").count() == 6
    first = rows.first
    assert "低于月均的 50%" in first.locator(".signal-explanation").inner_text()

    tab.page.select_option("#signals-kind", "edge")
    with tab.page.expect_navigation():
        tab.page.click("#signals-filter button[type='submit']")
    assert "kind=edge" in tab.page.url
    edge = [s for s in tab.page.request.get(f"{tab.site.base}/api/signals?month={month}&kind=edge").json()["signals"]]
    assert tab.page.locator("#signals-table tbody tr.signal").count() == len(edge)

    tab.page.select_option("#signals-kind", "drop")
    with tab.page.expect_navigation():
        tab.page.click("#signals-filter button[type='submit']")
    link = tab.page.locator("#signals-table tbody tr.signal .row-link").first
    href = link.get_attribute("href") or ""
    assert re.fullmatch(r"/units/[^/]+/deductions/\d+", href), href
    with tab.page.expect_navigation():
        link.click()
    assert tab.page.url.endswith(href)
    assert not tab.errors, tab.errors
