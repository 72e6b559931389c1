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


CENTRE_OF = """([id, name]) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const f = data.features.features.find((x) => x.properties.name === name);
  const ring = f.geometry.type === "Polygon" ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
  const xs = ring.map((p) => p[0]), ys = ring.map((p) => p[1]);
  const mid = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  return chart.convertToPixel({ seriesIndex: 0 }, mid);
}"""


def test_trend_highlights_a_unit_and_the_map_leads_to_it(tab: Tab) -> None:
    tab.login("admin")
    tab.page.wait_for_selector("#trend-chart canvas")
    groups = tab.page.eval_on_selector_all("#trend-unit optgroup", "gs => gs.map(g => g.label)")
    assert groups == ["城区组", "县市组"]
    last = tab.page.eval_on_selector("#trend-unit", "s => s.options[s.options.length - 1].value")
    tab.page.select_option("#trend-unit", last)
    drawn = tab.page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('trend-chart')).getOption().series.map(s => s.name)"
    )
    assert len(drawn) == 6 + 1 and drawn[-2] == "县市组 · 组平均"  # the 县市组's six units and its mean, no 城区
    # the 城区 get an inset; a click on a unit there opens its page
    tab.page.wait_for_selector("#map-inset canvas")
    first = tab.page.eval_on_selector("#map-data", "e => JSON.parse(e.textContent).units[0]")
    name = first["name"]
    x, y = tab.page.evaluate(CENTRE_OF, ["map-inset", name])
    with tab.page.expect_navigation():
        tab.page.locator("#map-inset").click(position={"x": x, "y": y})
    assert tab.page.url == tab.site.base + first["url"] and "/units/" in first["url"]
    assert not tab.errors, tab.errors


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


def test_year_view_trend_runs_over_months(tab: Tab) -> None:
    tab.login("admin")
    tab.goto("/dashboard/demo-city/2024")
    tab.page.wait_for_selector("#trend-chart canvas")
    periods = tab.page.eval_on_selector("#trend-data", "e => JSON.parse(e.textContent).periods")
    assert periods == [f"2024-{m:02d}" for m in range(1, 13)]
    drawn = tab.page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('trend-chart')).getOption().xAxis[0].data"
    )
    assert drawn == periods
    assert not tab.errors, tab.errors
