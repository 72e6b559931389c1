"""The office publishes 2024-Q4 from the period page; the public page then shows it, charts drawn."""

from __future__ import annotations

from playwright.sync_api import Browser

from browser_testing import Tab, screenshot


def click_step(tab: Tab, button: str) -> None:
    with tab.page.expect_navigation():
        tab.page.click(button)
    assert tab.page.inner_text("#publish-error").strip() == ""


def test_office_publishes_a_quarter_and_the_public_sees_it(tab: Tab, browser: Browser) -> None:
    tab.login("admin")
    tab.goto("/public/demo-city/2024-Q4")
    assert tab.page.locator("h1").first.inner_text() == "未找到公示结果"
    tab.goto("/periods/demo-city/2024-Q4")
    assert tab.page.get_attribute("#publish-panel", "data-published") != "1"
    click_step(tab, "#btn-compute")
    # nothing of 2024-Q4 is published yet: the reviewer sees the draft ranking before approving it
    assert "第 1 版草稿排名" in tab.page.inner_text("#review-heading")
    assert tab.page.locator("#review table.review-table tbody tr").count() == tab.site.city.units
    click_step(tab, "#btn-review")
    # 发布 asks first, saying what becomes public; cancelling publishes nothing
    tab.page.click("#btn-publish")
    dialog = tab.page.locator("#publish-confirm")
    assert dialog.is_visible() and "确认发布第 1 版（将公开）" in dialog.inner_text()
    tab.page.click("#btn-publish-cancel")
    assert not dialog.is_visible()
    tab.page.click("#btn-publish")
    click_step(tab, "#btn-publish-confirm")
    assert tab.page.get_attribute("#publish-panel", "data-published") == "1"

    public = browser.new_context(viewport={"width": 1280, "height": 900})
    page = public.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(tab.site.base + "/public")
    page.click("a[href='/public/demo-city/2024-Q4']")
    page.wait_for_selector(".chart canvas")
    assert "2024年第四季度" in page.locator("h1").inner_text()
    groups = page.locator("section.public-group h2").all_inner_texts()
    assert groups == ["城区组", "县市组"]
    ranked = page.locator("table.ranking tbody tr").count()
    assert ranked == tab.site.city.units
    assert page.locator(".chart canvas").count() == 2
    assert not errors, errors
    screenshot(page, "public")
    public.close()
