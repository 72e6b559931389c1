"""An inspector corrects their own deduction in a real browser (issue 15, point 1): 我的录入 in the header,
修改记录 on the row, the points changed with a reason, the saved row's history naming the change and the
reason; then the row deleted with a reason.  The row lies at 23:45, outside demo-city's inspection window,
so it never counts and no other test's numbers change (and it is gone at the end)."""

from __future__ import annotations

from browser_testing import Tab

PROBLEM = "夜间占道经营（我的录入端到端测试）"


def _enter_deduction(tab: Tab) -> None:
    """The deduction, posted as the entry page's script does (the JSON API, with the session's CSRF token)."""
    page = tab.page
    token = page.request.get(tab.site.base + "/api/auth/csrf").json()["csrf_token"]
    units = page.request.get(tab.site.base + "/api/units").json()
    unit = (units["items"] if isinstance(units, dict) else units)[-1]["unit_id"]
    body = {
        "date": "2024-12-11", "time": "23:45", "unit_id": unit, "part": "日常巡查", "item": "市容秩序",
        "points": 2, "problem": PROBLEM, "confirm": True, "reason": "夜间专项巡查",
    }  # fmt: skip
    answer = page.request.post(tab.site.base + "/api/deductions", data=body, headers={"X-CSRF-Token": token})
    assert answer.status == 201, answer.text()


def test_an_inspector_corrects_and_deletes_their_own_deduction(tab: Tab) -> None:
    tab.login("inspector")
    _enter_deduction(tab)
    page = tab.page
    tab.goto("/entry")
    with page.expect_navigation():
        page.click("header a[href='/my-entries']")
    row = page.locator("#rows-deductions tr", has_text=PROBLEM)
    with page.expect_navigation():
        row.locator("a.edit-link").click()
    assert page.input_value("#f-points") == "2"
    page.fill("#f-points", "1")
    page.fill("#edit-reason", "复核现场照片，改为1分")
    with page.expect_navigation():
        page.click("#edit-save")
    # 23:45 is outside the window: the edit, like the entry, is saved once confirmed (the reason stays filled)
    assert "20:00" in page.inner_text("#form-errors")
    assert page.input_value("#edit-reason") == "复核现场照片，改为1分"
    page.check("#edit-confirm")
    with page.expect_navigation():
        page.click("#edit-save")
    assert "修改已保存" in page.inner_text("#saved-note")
    assert page.input_value("#f-points") == "1"
    history = page.inner_text("#history-table")
    assert "复核现场照片，改为1分" in history and "points：2.0 → 1.0" in history
    tab.shot("my-entries-corrected")
    page.fill("#delete-reason", "测试数据，删除")
    with page.expect_navigation():
        page.click("#delete-submit")
    assert "记录已删除" in page.inner_text("#deleted-note")
    assert page.locator("#rows-deductions tr", has_text=PROBLEM).count() == 0
    assert all("409" in e for e in tab.errors), tab.errors  # the confirmation asked for, nothing else
