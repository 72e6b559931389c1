"""问题类型 as a pick-list in the deduction form (issue #15, point 3), on examples/district-onsite, whose scheme
deducts by district-onsite-standard: the form offers each kind with its item, checklists and standard points
(entry.js fills the points from them); the server checks what is posted against the standard all the same.
SJ0103 积存垃圾渣土 is 0.5 a m², at most 5 a finding: 4 m² → 2 points, 20 m² → 5 (the cap)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from db_testing import Build, opened_store
from examples_testing import EXAMPLES
from kaoping.scheme.standard import load_standard
from kaoping.server import create_app
from kaoping.store.db import transaction
from kaoping.store.users import create_user
from store_testing import write_all_facts
from web_testing import PASSWORD, SignedInSite, fast_passwords, signed_in_site

SECRET = "entry-standard-" + "s" * 32


def _seed(url: str) -> None:
    with opened_store(url) as factory, transaction(factory) as s:
        write_all_facts(s, EXAMPLES / "district-onsite")
        create_user(s, username="insp", password=PASSWORD, role="inspector", display_name="督查员")


@pytest.fixture
def site(
    db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[SignedInSite]:
    fast_passwords(monkeypatch)
    restore_snapshot(_seed)
    with signed_in_site(
        db_url, create_app(db_url, secret=SECRET, schemes=["district-onsite"], clock=lambda: datetime(2024, 6, 3, 9, 0))
    ) as site:
        yield site


def _kinds(page: str) -> dict[str, dict[str, str]]:
    """The options of the 问题类型 select: code → its data-* attributes and its text."""
    select = re.search(
        r'<select id="deductions-problem_kind" name="problem_kind" data-standard-kinds.*?</select>', page, re.S
    )
    assert select is not None, "the deduction form offers the standard's kinds"
    out = {}
    for attrs, text in re.findall(r"<option ([^>]*)>(.*?)</option>", select.group(0)):
        values = dict(re.findall(r'([\w-]+)="([^"]*)"', attrs))
        if values.get("value"):
            out[values["value"]] = {**{k: html.unescape(v) for k, v in values.items()}, "text": html.unescape(text)}
    return out


def test_the_form_offers_the_standards_kinds_with_their_points(site: SignedInSite) -> None:
    site.login("insp")
    page = site.client.get("/entry").text
    kinds = _kinds(page)
    assert set(kinds) == set(
        load_standard("district-onsite-standard").kinds()
    )  # every kind: the inspector writes both parts
    waste = kinds["SJ0103"]
    assert waste["data-item"] == "道路保洁" and waste["data-part"] == "日常考评|月督查考评"
    assert (waste["data-points"], waste["data-per"], waste["data-cap"]) == ("0.5", "m2", "5")
    assert waste["text"] == "SJ0103 积存垃圾渣土：每平方米 0.5 分，单次最高 5 分"
    assert kinds["SJ0104"]["text"] == "SJ0104 道路不洁：每次 1 分" and kinds["SJ0104"]["data-cap"] == ""
    assert kinds["SJ0509"]["data-part"] == "月督查考评"  # 露天烧烤 is on the monthly checklist only
    for name in ("quantity", "override_reason"):
        assert f'name="{name}"' in page
    assert "选择问题类型后，扣分按扣分标准自动填写" in page
    english = _kinds(site.client.get("/entry?lang=en").text)
    assert english["SJ0103"]["text"] == "SJ0103 积存垃圾渣土: 0.5 per m², at most 5 a finding"


def _post(site: SignedInSite, **row: Any) -> Any:
    body = {"date": "2024-05-10", "unit_id": "u3", "part": "日常考评", "item": "道路保洁", **row}
    return site.client.post("/api/deductions", json=body, headers=site.csrf())


def test_the_server_checks_the_points_against_the_standard(site: SignedInSite) -> None:
    site.login("insp")
    ok = _post(site, problem_kind="SJ0103", quantity=4, points=2)
    assert ok.status_code == 201, ok.text
    capped = _post(site, problem_kind="SJ0103", quantity=20, points=5, time="10:00:00")
    assert capped.status_code == 201, capped.text
    wrong = _post(site, problem_kind="SJ0103", quantity=4, points=3, time="11:00:00")
    assert wrong.status_code == 422, wrong.text
    assert [e["column"] for e in wrong.json()["errors"]] == ["points"]
    reasoned = _post(site, problem_kind="SJ0103", quantity=4, points=3, time="11:00:00", override_reason="现场复核")
    assert reasoned.status_code == 201, reasoned.text
