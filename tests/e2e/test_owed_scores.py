"""A department sees the scores it still owes and enters one on that screen (issue 18, point 3): 市城管局's
2024-Q4 部门考评 of 金川新区 (城乡环卫一体化) is taken out of the demo store first (an audited delete, as if never
sent); the department's home page reminds it, 应报分数 lists it as missing past due, the score is entered in the
row (through the fact API, the entry forms' own write path) with the value it had, so no other test's numbers
change; the office's matrix then shows the cell as in (late)."""

from __future__ import annotations

from sqlalchemy import select

from browser_testing import Tab
from kaoping.app.facts import delete_row
from kaoping.store.db import close_store, open_store, transaction
from kaoping.store.tables import ScoreRow

PERIOD, UNIT, ITEM, DEPARTMENT = "2024-Q4", "xq", "城乡环卫一体化", "市城管局"


def _take_out(url: str) -> str:
    """Delete the department's row (audited, as the office would) and return its score as text."""
    factory = open_store(url)
    try:
        with transaction(factory) as s:
            row = s.scalars(
                select(ScoreRow).where(
                    ScoreRow.period == PERIOD, ScoreRow.unit_id == UNIT, ScoreRow.item == ITEM,
                    ScoreRow.source == DEPARTMENT,
                )
            ).one()  # fmt: skip
            score = format(row.score.normalize(), "f")
            delete_row(s, "scores", row.id, actor="admin", reason="端到端测试：模拟部门未报")
        return score
    finally:
        close_store(factory)


def test_a_department_enters_an_owed_score_on_its_screen(tab: Tab) -> None:
    score = _take_out(tab.site.city.url)
    tab.login("department")
    page = tab.page
    reminder = page.locator("#owed-reminder")
    assert reminder.is_visible() and PERIOD in reminder.inner_text(), reminder.inner_text()
    with page.expect_navigation():
        reminder.locator("a").click()
    assert page.input_value("#owed-period") == PERIOD
    row = page.locator(f"#owed-table tr[data-unit='{UNIT}'][data-item='{ITEM}']")
    assert row.get_attribute("data-status") == "missing"
    assert "未报（已逾期）" in row.inner_text()
    assert page.locator("#owed-summary").get_attribute("data-missing") == "1"
    row.locator("input[name=score]").fill(score)
    row.locator("button[type=submit]").click()
    page.wait_for_selector(f"#owed-table tr[data-unit='{UNIT}'][data-item='{ITEM}'][data-status='filled']")
    page.reload()
    row = page.locator(f"#owed-table tr[data-unit='{UNIT}'][data-item='{ITEM}']")
    assert row.get_attribute("data-status") == "late"  # entered after its due day (2024-12-25)
    assert page.locator("#owed-summary").get_attribute("data-missing") == "0"
    assert not tab.errors, tab.errors


def test_the_office_sees_the_matrix(tab: Tab) -> None:
    tab.login("admin")
    tab.goto(f"/owed/matrix?period={PERIOD}")
    page = tab.page
    assert page.locator("#matrix-table tr[data-unit]").count() >= 10
    assert "共应报" in page.inner_text("#owed-summary")
    assert not tab.errors, tab.errors
