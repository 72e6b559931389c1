"""The entry form's pick-lists in a real browser (issue 15, point 3): no unit is chosen for the user; 考评细项
offers the items of the chosen part only — a listed part its items, a part scored whole nothing but
（整个项目）, a part whose items are open a text input instead."""

from __future__ import annotations

from browser_testing import Tab

VISIBLE = "select => Array.from(select.options).filter(o => !o.hidden).map(o => o.value)"


def test_the_item_list_follows_the_chosen_part(tab: Tab) -> None:
    tab.login("admin")
    tab.goto("/entry")
    page = tab.page
    page.wait_for_selector("#fact-scores")
    assert page.input_value("#scores-unit_id") == ""  # nothing chosen for the user

    page.select_option("#scores-part", "部门考评")
    items = page.eval_on_selector("#scores-item", VISIBLE)
    assert items[0] == "" and "市容秩序" in items and "城乡环卫一体化" in items, items
    page.select_option("#scores-item", "市容秩序")

    page.select_option("#scores-part", "第三方测评")  # scored as a whole part
    assert page.eval_on_selector("#scores-item", VISIBLE) == [""]
    assert page.input_value("#scores-item") == "", "an item of another part does not stay chosen"

    page.select_option("#scores-part", "特色工作加分")  # items open: any text
    assert page.is_hidden("#scores-item") and page.is_visible("#scores-item-text")
    page.fill("#scores-item-text", "垃圾分类示范")
    page.select_option("#scores-part", "部门考评")
    assert page.is_visible("#scores-item") and page.is_hidden("#scores-item-text")
    assert not tab.errors, tab.errors
