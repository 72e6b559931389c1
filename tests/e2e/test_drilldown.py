"""A unit follows a deduction from its own page down to the inspector's photo, and a case to its timeline."""

from __future__ import annotations

from browser_testing import Tab


def test_unit_follows_a_deduction_to_its_evidence(tab: Tab) -> None:
    account = tab.login("unit")
    assert tab.page.url.startswith(f"{tab.site.base}/units/{account.unit_id}")
    assert tab.page.inner_text("#unit-title").strip()
    # the parts add up to the total the page shows
    points = tab.page.eval_on_selector_all(
        "#composition-table tr.composition-row[data-points]", "rows => rows.map(r => Number(r.dataset.points))"
    )
    total = float(tab.page.get_attribute("#unit-total", "data-points") or "nan")
    assert points and abs(sum(points) - total) < 1e-6
    tab.shot("unit")

    first = tab.page.locator("#deduction-table a.deduction-link").first
    with tab.page.expect_navigation():
        first.click()
    assert "/deductions/" in tab.page.url
    assert tab.page.inner_text("#deduction-problem").strip()
    assert tab.page.inner_text("#deduction-location").strip()
    photo = tab.page.locator("#evidence img.evidence-photo").first
    photo.wait_for()
    loaded = tab.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle(), timeout=10_000
    )
    assert loaded
    assert (photo.get_attribute("alt") or "").strip()
    tab.shot("deduction")
    assert not tab.errors, tab.errors


def test_case_timeline_is_in_time_order(tab: Tab) -> None:
    account = tab.login("unit")
    tab.goto(f"/units/{account.unit_id}")
    case = tab.page.locator("#case-list details.case").first
    case.locator("summary").click()
    link = case.locator("a.case-link")
    with tab.page.expect_navigation():
        link.click()
    steps = tab.page.locator("ol.timeline li.step")
    assert steps.count() >= 3
    times = tab.page.eval_on_selector_all("ol.timeline li.step time", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert times == sorted(times)
    assert not tab.errors, tab.errors
