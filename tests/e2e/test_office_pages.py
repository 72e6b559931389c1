"""The office's lists from the header (issue 15): 考评期列表 with every period's state and a quarter's months,
the quarter's period page naming its months, and 单位列表 with every unit linked to its page."""

from __future__ import annotations

import re

from browser_testing import Tab, screenshot


def test_periods_and_units_from_the_navigation(tab: Tab) -> None:
    tab.login("admin")
    year = tab.site.city.year
    tab.page.click("nav a[href='/periods']")
    tab.page.wait_for_url(re.compile(r"/periods$"))
    q2 = tab.page.locator(f"#periods-table-quarter tr[data-period='{year}-Q2']")
    assert q2.get_attribute("data-state") in ("published", "corrected")
    months = q2.locator("td.months a").evaluate_all("links => links.map(a => [a.dataset.month, a.dataset.state])")
    assert [m for m, _ in months] == [f"{year}-04", f"{year}-05", f"{year}-06"]
    assert all(state in ("published", "corrected") for _, state in months), months
    assert tab.page.locator(f"#periods-table-month tr[data-period='{year}-10']").get_attribute("data-state") == "none"
    screenshot(tab.page, "periods")

    with tab.page.expect_navigation():
        q2.locator("td a").first.click()
    listed = tab.page.locator("#period-months li").evaluate_all("items => items.map(li => li.dataset.month)")
    assert listed == [f"{year}-04", f"{year}-05", f"{year}-06"]

    tab.page.click("nav a[href='/units']")
    tab.page.wait_for_url(re.compile(r"/units$"))
    rows = tab.page.locator("tr[data-unit]")
    assert rows.count() == tab.site.city.units
    with tab.page.expect_navigation():
        rows.first.locator("a").first.click()
    assert re.search(r"/units/[^/?]+$", tab.page.url.split("?")[0])
    assert not tab.errors, tab.errors
