"""问题类型 fills the points in Chromium (issue #15, point 3): the deduction form of an office on
examples/district-onsite, as the server renders it, with entry.js — choosing a part narrows the kinds to its
checklist, choosing a kind sets the item to the kind's, and the points follow the standard: SJ0103 积存垃圾渣土
is 0.5 a m² at most 5 a finding (4 m² → 2, 20 m² → 5), SJ0104 道路不洁 is 1 a finding.

The page is loaded with set_content (the script inlined), so no server and no demo city are needed."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from db_testing import opened_store
from examples_testing import EXAMPLES
from kaoping.server import create_app
from kaoping.store.db import transaction
from kaoping.store.users import create_user
from store_testing import write_all_facts
from web_testing import PASSWORD

STATIC = Path(__file__).resolve().parents[2] / "src" / "kaoping" / "web" / "static"
TAG = '<script src="/static/entry.js"></script>'


def _entry_page(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'onsite.db'}"
    with opened_store(url) as factory, transaction(factory) as s:
        write_all_facts(s, EXAMPLES / "district-onsite")
        create_user(s, username="insp", password=PASSWORD, role="inspector", display_name="督查员")
    with TestClient(create_app(url, secret="fill-" + "f" * 40, schemes=["district-onsite"])) as client:
        assert client.post("/api/auth/login", json={"username": "insp", "password": PASSWORD}).status_code == 200
        page = client.get("/entry?lang=zh").text
    assert TAG in page
    script = (STATIC / "entry.js").read_text(encoding="utf-8")
    return page.replace(TAG, f"<script>{script}</script>")


def test_choosing_a_kind_fills_the_item_and_the_standard_points(browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content(_entry_page(tmp_path))
    page.select_option("#deductions-part", "日常考评")
    hidden = "code => document.querySelector('#deductions-problem_kind option[value=\"' + code + '\"]').disabled"
    assert page.evaluate(hidden, "SJ0509")  # 露天烧烤: on the monthly checklist only
    assert not page.evaluate(hidden, "SJ0103")

    page.select_option("#deductions-problem_kind", "SJ0103")
    assert page.input_value("#deductions-item-text") == "道路保洁"  # the part's items are open: the text field
    assert page.input_value("#deductions-points") == ""  # per m²: waits for the quantity
    page.fill("#deductions-quantity", "4")
    page.dispatch_event("#deductions-quantity", "change")
    assert page.input_value("#deductions-points") == "2"
    page.fill("#deductions-quantity", "20")
    page.dispatch_event("#deductions-quantity", "change")
    assert page.input_value("#deductions-points") == "5"  # capped

    page.select_option("#deductions-problem_kind", "SJ0104")
    assert page.input_value("#deductions-points") == "1"  # per occurrence: the quantity does not count
    assert errors == []
    page.close()
