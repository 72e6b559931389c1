"""An appeal from filing to the correction published with it as reason (issue 15), in Chromium: a unit appeals
a deduction of a published month from the deduction's page; the office opens 申诉处理, accepts the appeal
(withdrawing the disputed row), lands on the period page with the correction computed, reviews and publishes
it; the public page names the appeal as the reason of the new version, and the unit sees the answer."""

from __future__ import annotations

import re

from browser_testing import Tab, screenshot

MONTH = "05"
ANSWER = "经复核，该处扣分系重复录入，予以撤销（端到端测试）"


def file_appeal(tab: Tab, period: str) -> tuple[str, int, str]:
    """As the unit: appeal the first deduction of ``period``; (unit id, appeal id, deduction page path)."""
    account = tab.login("unit")
    assert account.unit_id is not None
    tab.goto(f"/units/{account.unit_id}?scheme=demo-city&period={period}")
    with tab.page.expect_navigation():
        tab.page.locator("#deduction-table a.deduction-link").first.click()
    deduction = tab.page.url.removeprefix(tab.site.base)
    assert "/deductions/" in deduction
    tab.page.fill("#appeal-text", "该处问题已于当日整改完毕，且与另一条扣分重复（端到端测试）")
    with tab.page.expect_navigation():
        tab.page.click("#appeal-form button[type=submit]")
    filed = tab.page.locator("#appeal-list tr.appeal").first
    assert filed.get_attribute("data-status") == "open" and "待答复" in filed.inner_text()
    return account.unit_id, int(filed.get_attribute("data-id") or "0"), deduction


def version_of(tab: Tab, period: str) -> int:
    tab.goto(f"/public/demo-city/{period}")
    found = re.search(r"第 (\d+) 版", tab.page.inner_text("p.meta"))
    assert found, tab.page.inner_text("p.meta")
    return int(found.group(1))


def click_step(tab: Tab, button: str) -> None:
    with tab.page.expect_navigation():
        tab.page.click(button)
    assert tab.page.inner_text("#publish-error").strip() == ""


def test_an_accepted_appeal_is_published_as_the_reason_of_a_correction(tab: Tab) -> None:
    period = f"{tab.site.city.year}-{MONTH}"
    unit_id, appeal_id, deduction = file_appeal(tab, period)

    tab.login("admin")  # lands on the dashboard, whose to-do panel names the appeals waiting
    assert "待答复申诉" in tab.page.inner_text("#todo-appeals")
    before = version_of(tab, period)
    tab.page.go_back()
    tab.page.click("#todo-appeals a")
    tab.page.wait_for_url(re.compile(r"/appeals$"))
    item = tab.page.locator(f"#appeal-{appeal_id}")
    assert period in item.inner_text() and "答复期限" in item.inner_text()
    assert item.locator(f"a[href^='/units/{unit_id}/deductions/']").count() == 1
    form = item.locator("form.answer-form")
    form.locator("textarea[name=answer]").fill(ANSWER)
    form.locator("button[type=submit]").click()  # no decision chosen: said so, nothing sent
    assert form.locator("[data-message]").inner_text() == "请选择受理或驳回。"
    form.locator("input[value=accepted]").check()
    form.locator("input[name=withdraw_row]").check()
    assert form.locator("[data-message]").inner_text() == ""
    screenshot(tab.page, "appeals-inbox")
    with tab.page.expect_navigation():
        form.locator("button[type=submit]").click()

    # on the period page: the correction is computed as a draft with the appeal as its reason
    assert tab.page.url.startswith(f"{tab.site.base}/periods/demo-city/{period}")
    assert "草稿" in tab.page.inner_text("#open-version")
    reason = tab.page.input_value("#correction-reason")
    assert reason.startswith(f"受理申诉 #{appeal_id}") and ANSWER in reason
    click_step(tab, "#btn-review")
    tab.page.click("#btn-publish")
    click_step(tab, "#btn-publish-confirm")

    assert version_of(tab, period) == before + 1
    public = tab.page.inner_text("main")
    assert f"受理申诉 #{appeal_id}" in public and ANSWER in public
    tab.goto("/appeals?show=answered")
    assert "已受理" in tab.page.locator(f"#appeal-{appeal_id}").inner_text()

    tab.login("unit")  # the unit sees the answer beside its appeal
    tab.goto(f"/units/{unit_id}?scheme=demo-city&period={period}")
    answered = tab.page.locator(f"#appeal-list tr.appeal[data-id='{appeal_id}']")
    assert answered.get_attribute("data-status") == "accepted"
    assert "已受理" in answered.inner_text() and ANSWER in answered.inner_text()
    assert not tab.errors, tab.errors
    gone = tab.page.goto(tab.site.base + deduction)  # the withdrawn row is gone
    assert gone is not None and gone.status == 404
