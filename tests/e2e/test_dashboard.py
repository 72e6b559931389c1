"""The office dashboard in Chromium: ranking with rank changes, three charts drawn on canvas without console
errors, the period picker, the English switch, and a phone-width layout that does not scroll sideways."""

from __future__ import annotations

from playwright.sync_api import Browser

from browser_testing import Tab, screenshot


def test_dashboard_draws_its_charts(tab: Tab) -> None:
    tab.login("admin")
    assert "/dashboard/demo-city/" in tab.page.url
    for chart in ("#trend-chart", "#parts-chart", "#map-chart"):
        tab.page.wait_for_selector(f"{chart} canvas")
    assert tab.page.get_attribute("#map-chart", "data-mode") == "map"
    assert tab.page.locator("table.dash-ranking").count() == 2
    rows = tab.page.locator("table.dash-ranking tr[data-unit]").count()
    assert rows == tab.site.city.units
    assert tab.page.locator("td.change .chg").count() == rows
    tab.page.check("input[name=map-metric][value=cases]")
    tab.page.wait_for_timeout(300)
    assert not tab.errors, tab.errors
    tab.shot("dashboard")


def test_period_picker_moves_to_the_quarter(tab: Tab) -> None:
    tab.login("admin")
    kinds = tab.page.eval_on_selector_all("#pick-kind option", "os => os.map(o => o.value)")
    assert kinds == ["month", "quarter", "year"]
    tab.page.select_option("#pick-kind", "quarter")
    tab.page.wait_for_timeout(100)
    options = tab.page.eval_on_selector_all("#pick-period option", "os => os.map(o => o.value)")
    if "2024-Q2" in options:
        tab.page.select_option("#pick-period", "2024-Q2")
    with tab.page.expect_navigation():
        tab.page.click("#pick-go")
    assert "/dashboard/demo-city/2024-Q" in tab.page.url
    tab.page.wait_for_selector("#trend-chart canvas")
    assert not tab.errors, tab.errors


def test_english_switch(tab: Tab) -> None:
    tab.login("admin")
    tab.page.click(".lang a")
    tab.page.wait_for_selector("html[lang=en]")
    assert "Dashboard" in tab.page.inner_text(".topbar nav")
    tab.goto("/public")
    assert tab.page.get_attribute("html", "lang") == "en", "the language choice is remembered"
    assert tab.page.locator("h1").inner_text() == "Published results"


def test_phone_width_has_no_sideways_scroll(browser: Browser, tab: Tab) -> None:
    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    account = tab.site.login_for("admin")
    page.goto(tab.site.base + "/login")
    page.fill("#username", account.username)
    page.fill("#password", account.password)
    with page.expect_navigation():
        page.click("#login-submit")
    page.wait_for_selector("#trend-chart canvas")
    for path in ("", "/public/demo-city/2024-Q3", "/schemes/demo-city", "/units/dh", "/entry"):
        if path:
            page.goto(tab.site.base + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path or 'dashboard'} scrolls sideways by {overflow}px"
    page.goto(tab.site.base + "/dashboard")
    page.wait_for_selector("#trend-chart canvas")
    screenshot(page, "dashboard-phone")
    phone.close()
