"""A unit uploads a rectification photo that is not one clean image: the page says why in Chinese, nothing
is stored (issue 14, point 12; the API's answers are pinned in tests/integration/api/test_evidence_images.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_testing import Tab
from images_testing import POLYGLOT_HTML, png_bomb


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [("after.png", POLYGLOT_HTML, "其他数据"), ("huge.png", png_bomb(100_000, 100_000), "像素过多")],
    ids=["polyglot", "bomb"],
)
def test_a_refused_photo_is_explained_on_the_page(tab: Tab, tmp_path: Path, name: str, data: bytes, words: str) -> None:
    account = tab.login("unit")
    tab.goto(f"/units/{account.unit_id}")
    first = tab.page.locator("#deduction-table a.deduction-link").first
    with tab.page.expect_navigation():
        first.click()
    form = tab.page.locator("#evidence-form")
    form.wait_for()
    photos = tab.page.locator("img.rectification-photo").count()
    path = tmp_path / name
    path.write_bytes(data)
    tab.page.set_input_files("#evidence-form-file", str(path))
    form.locator("button[type=submit]").click()
    message = form.locator("[data-message]")
    message.filter(has_text=words).wait_for(timeout=10_000)
    assert "422" in message.inner_text()
    tab.page.reload()
    assert tab.page.locator("img.rectification-photo").count() == photos  # nothing stored
