"""满意度问卷 end to end (issue 18, point 1): a respondent answers the public form on a 375 px phone; the same
phone is refused a second time; the office enters two 电话回访 sheets, tallies, computes, reviews and publishes
2024-03 of social-evaluation from the period page; the published JSON and the bulletin show 群众满意度 with its
sample size and margin of error.

Its own server (the demo city runs another scheme): the social-evaluation example without its scores.csv, the
server's clock on 2024-03-20 so the public sheet falls in 2024-03.  Numbers as tests/unit/engine/test_survey.py:
甲街道 (s1) sheets 100 (public: all 满意), 60 and 80 (phone) → mean 80 → 16 of 20, margin 1.96 × 20 / √3 × 0.2 =
4.53, n 3 = quota; total 36.333… + 28 + 16 = 80.33.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page

from examples_testing import EXAMPLES
from kaoping.io.readers import read_facts
from kaoping.server import create_app
from kaoping.store.db import close_store, open_store, transaction
from kaoping.store.users import create_user
from serving import served_app
from store_testing import write_all_facts

PHONE = 375
FORM = "/survey/social-evaluation-survey"
OFFICE = "/surveys/social-evaluation-survey"
PASSWORD = "survey-e2e-password-1"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:

    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-survey') / 'survey.db'}"
    factory = open_store(url)
    facts = read_facts(EXAMPLES / "social-evaluation")
    with transaction(factory) as s:
        write_all_facts(s, replace(facts, scores=facts.scores.clear()))
        create_user(s, username="office", password=PASSWORD, role="admin", display_name="考评办")
    close_store(factory)
    app = create_app(
        url, secret="e2e-survey-" + "x" * 32, schemes=["social-evaluation"], separation_of_duties=False,
        clock=lambda: datetime(2024, 3, 20, 10, 0),
    )  # fmt: skip
    with served_app(app) as base:
        yield base


def _phone(browser: Browser) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": PHONE, "height": 812}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def _answer(page: Page, base: str, unit: str, phone: str) -> None:
    page.goto(base + FORM)
    page.select_option("#survey-unit", unit)
    for question in ("q1", "q2", "q3"):
        page.check(f"#question-{question} input[value='满意']")
    page.fill("#survey-phone", phone)
    with page.expect_navigation():
        page.click("#survey-submit")


def _click(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_from_a_phone_to_the_bulletin(browser: Browser, base: str, tmp_path: Path) -> None:
    page, errors = _phone(browser)
    page.goto(base + FORM)
    assert "街道市容环境群众满意度问卷" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE  # no sideways scrolling on a phone
    _answer(page, base, "s1", "13800000001")
    assert "问卷已提交" in page.inner_text("#survey-thanks")
    _answer(page, base, "s2", "138 0000 0001")  # the same phone, written otherwise, for another street
    assert "本期已参加过此问卷" in page.inner_text("#survey-error")
    assert [e for e in errors if "status of 409" not in e] == [], errors  # the refusal is the page's 409

    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    office.goto(base + "/login")
    office.fill("#username", "office")
    office.fill("#password", PASSWORD)
    _click(office, "#login-submit")
    office.goto(base + OFFICE + "?period=2024-03")
    for phone, answers in (
        ("13800000002", ("基本满意", "满意", "不满意")),
        ("13800000003", ("满意", "基本满意", "基本满意")),
    ):
        office.select_option("#phone-unit", "s1")
        for question, label in zip(("q1", "q2", "q3"), answers, strict=True):
            office.select_option(f"#phone-{question}", label)
        office.fill("#phone-number", phone)
        _click(office, "#survey-phone-form button[type=submit]")
        assert "已录入一份答卷" in office.inner_text("#survey-done")
    row = office.locator("#survey-results tr[data-unit='s1'] td").all_inner_texts()
    assert row == ["甲街道", "16.00", "3 / 3", "±4.53", "样本达标"]
    assert "1.96 × 标准差 ÷ √n" in office.inner_text("#survey-formula")
    _click(office, "#survey-tally button")
    assert "已汇总计分" in office.inner_text("#survey-done")

    office.goto(base + "/periods/social-evaluation/2024-03")
    assert office.get_attribute("#period-surveys li", "data-tallied") == "1"  # the rows are the sheets' tally
    _click(office, "#btn-compute")
    _click(office, "#btn-review")
    office.click("#btn-publish")
    _click(office, "#btn-publish-confirm")
    assert office.get_attribute("#publish-panel", "data-published") == "1"

    published = office.request.get(base + "/public/social-evaluation/2024-03/surveys.json").json()
    assert [(r["unit_id"], r["score"], r["n"], r["margin"], r["flag"]) for r in published["surveys"]] == [
        ("s1", 16.0, 3, 4.53, "样本达标")
    ]
    bulletin = office.request.get(base + "/periods/social-evaluation/2024-03/bulletin.xlsx")
    book = load_workbook(io.BytesIO(bulletin.body()))
    assert [list(r) for r in book["问卷调查"].iter_rows(min_row=2, values_only=True)] == [
        ["s1", "甲街道", "群众满意度", 16, 3, 3, "±4.53", "样本达标"]
    ]
    street = [list(r) for r in book["街道"].iter_rows(values_only=True) if r and "甲街道" in r]
    assert street and 80.33 in street[0], street
