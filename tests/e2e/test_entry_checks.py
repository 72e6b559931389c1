"""The entry form's confirmation in a real browser (issue 12, point 3): a deduction at 23:45 in December
(demo-city's window 07:30–20:00) is not saved but opens the form's confirmation box; ticked without a reason
it still is not sent; with 我已核实，确认提交 and a reason it is saved.  The row lies outside the window, so
it is excluded when scoring and no other test's numbers change."""

from __future__ import annotations

from browser_testing import Tab


def test_the_form_asks_to_confirm_a_time_outside_the_window(tab: Tab) -> None:
    tab.login("inspector")
    tab.goto("/entry")
    page = tab.page
    page.wait_for_selector("#fact-deductions")
    page.fill("#deductions-date", "2024-12-10")
    page.fill("#deductions-time", "23:45")
    units = page.eval_on_selector_all("#deductions-unit_id option", "options => options.map(o => o.value)")
    page.select_option("#deductions-unit_id", units[-1])
    page.select_option("#deductions-part", "日常巡查")
    page.fill("#deductions-item", "市容秩序")
    page.fill("#deductions-points", "2")
    page.fill("#deductions-problem", "夜间占道经营（端到端测试）")
    page.click("#save-deductions")
    page.wait_for_selector("#confirm-deductions:not([hidden])")
    assert "07:30–20:00" in page.inner_text("#confirm-list-deductions")
    assert "23:45" in page.inner_text("#deductions-time-error")
    page.check("#deductions-confirm")
    page.click("#confirm-save-deductions")  # no reason yet: not sent
    page.wait_for_function("document.getElementById('deductions-confirm-reason-error').textContent.length > 0")
    assert page.get_attribute("#deductions-confirm-reason", "aria-invalid") == "true"
    page.fill("#deductions-confirm-reason", "夜间专项巡查，见另行通知")
    page.click("#confirm-save-deductions")
    page.wait_for_function("document.getElementById('status-deductions').classList.contains('ok')")
    assert page.is_hidden("#confirm-deductions")
    page.wait_for_selector("#recent-deductions tbody tr")
    assert "23:45" in page.inner_text("#recent-deductions")
    # the first answer was a 409, which the browser logs; nothing else may appear
    assert all("409" in e for e in tab.errors), tab.errors
