"""Issue 14, point 6: a unit name is data, never markup.  A unit renamed to an HTML payload is shown on the
dashboard map's tooltip as text: no element is made from it and its handler never runs (the tooltip is
built with textContent, and the Content-Security-Policy would refuse an inline handler anyway)."""

from __future__ import annotations

import json
from typing import Any

from browser_testing import Tab

PAYLOAD = '<img src=x onerror="window.__xss=1">'

RENAME = """async ([id, body]) => {
  const r = await window.kpFetch("/api/units/" + encodeURIComponent(id), {
    method: "PUT", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  return r.status;
}"""


def _rename(tab: Tab, unit: dict[str, Any], name: str) -> None:
    body = {"name": name, "group": unit["group"], "reason": "issue 14 XSS probe"}
    assert tab.page.evaluate(RENAME, [unit["unit_id"], body]) == 200


def test_unit_name_on_the_map_tooltip_is_text(tab: Tab) -> None:
    tab.login("admin")
    dashboard = tab.page.url
    tab.page.wait_for_selector("#map-chart canvas")
    island = json.loads(tab.page.text_content("#map-data") or "{}")
    assert island["features"], "the demo city has unit areas: the map, not the bar fallback"
    unit = island["features"]["features"][0]["properties"]
    original = unit["name"]
    _rename(tab, unit, PAYLOAD)
    try:
        tab.page.goto(dashboard)
        tab.page.wait_for_selector("#map-chart canvas")
        tab.page.evaluate(
            """name => echarts.getInstanceByDom(document.getElementById("map-chart"))
                 .dispatchAction({type: "showTip", seriesIndex: 0, name: name})""",
            PAYLOAD,
        )
        # the tooltip's second line is "<metric>：<value>"; wait for it, then read what the first line became
        shown = "() => document.getElementById('map-chart').textContent.includes('：')"
        tab.page.wait_for_function(shown, timeout=5000)
        tab.page.wait_for_timeout(300)
        assert tab.page.evaluate("window.__xss") is None
        assert tab.page.locator("#map-chart img").count() == 0, "the name became an element"
        assert PAYLOAD in (tab.page.text_content("#map-chart") or ""), "the name is shown as typed"
        # ECharts' own tooltips (the trend lines are named after the units) escape names themselves
        tab.page.evaluate(
            """() => echarts.getInstanceByDom(document.getElementById("trend-chart"))
                 .dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 0})"""
        )
        tab.page.wait_for_timeout(300)
        assert tab.page.locator("img[src=x]").count() == 0
        assert tab.page.evaluate("window.__xss") is None
    finally:
        _rename(tab, unit, original)


def test_api_docs_run_under_the_policy(tab: Tab) -> None:
    """Swagger UI comes from /static and starts from a file: the page works with scripts from this site only
    (a refused script or style would be logged as a console error)."""
    requests: list[str] = []
    tab.page.on("request", lambda r: requests.append(r.url))
    tab.goto("/api/docs")
    tab.page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "kaoping" in (tab.page.text_content(".swagger-ui .info .title") or "")
    assert tab.page.locator(".opblock").count() > 10
    assert all(url.startswith(tab.site.base) for url in requests), [u for u in requests if "127.0.0.1" not in u]
    assert not tab.errors, tab.errors
