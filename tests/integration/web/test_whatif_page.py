"""试算 on the scheme page (考评办 only, through the policy table) and 排名稳健性 on the period page, on the
seeded city-1000 store (2024-Q2 published), SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from kaoping.app.policy import POLICY, Perm
from kaoping.roles import Role
from kaoping.scheme import builtin_text

PAGE = "/schemes/city-1000/whatif"


def draft() -> str:
    text = builtin_text("city-1000")
    assert text is not None
    return text.replace("    max: 300\n", "    max: 275\n")


def post(web: Any, **fields: str) -> Any:
    token = web.csrf()["X-CSRF-Token"]
    return web.client.post(PAGE, data={"csrf": token, "period": "2024-Q2", **fields})


def test_the_policy_table_gives_whatif_to_the_office_alone() -> None:
    assert POLICY[Perm.WHATIF] == frozenset({Role.ADMIN})


def test_office_tries_a_draft_and_sees_the_movers_and_the_rule(web: Any) -> None:
    web.login("admin")
    scheme_page = web.client.get("/schemes/city-1000")
    assert 'id="scheme-whatif"' in scheme_page.text
    form = web.client.get(PAGE)
    assert form.status_code == 200 and "max: 300" in form.text and "2024-Q2" in form.text
    r = post(web, draft=draft())
    assert r.status_code == 200, r.text
    # the published 2024-Q2 under 部门考评 max 275: 乙区 910 → 905 and 2 → 3, 子县 910 → 905, 丙区's reward
    # 300,000 → 800,000 (see tests/integration/test_cli_whatif.py for the hand-worked numbers)
    assert "部门考评.max（满分/上限）：300 → 275" in r.text
    assert "2024-Q2 试算：3 个单位变动（共 10 个）" in r.text
    assert 'data-unit="d2"' in r.text and "910.00 → 905.00" in r.text and "300,000 → 800,000" in r.text


def test_a_bad_draft_is_answered_in_the_form(web: Any) -> None:
    web.login("admin")
    r = post(web, draft="scheme: [")
    assert r.status_code == 422 and "草案有误" in r.text and 'id="whatif-form"' in r.text


def test_a_unit_account_may_not_try_drafts(web: Any) -> None:
    web.login("jiaqu")
    assert 'id="scheme-whatif"' not in web.client.get("/schemes/city-1000").text
    assert web.client.get(PAGE, follow_redirects=False).status_code == 403
    assert post(web, draft=draft()).status_code == 403


def test_anonymous_is_sent_to_sign_in(web: Any) -> None:
    r = web.client.get(PAGE, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_the_period_page_shows_rank_robustness(web: Any) -> None:
    web.login("admin")
    page = web.client.get("/periods/city-1000/2024-Q2")
    assert page.status_code == 200
    assert 'id="period-robustness"' in page.text
    # 第一组 (a sum total): 甲区 913 over 乙区 910, margin 3.  部门考评 275 vs 280: Δc = −3/−5 = +0.6 (160% of
    # its points); 社会评价 160 vs 150: −3/10 = −0.3 (70%); 第三方测评 475 vs 480: +0.6.  Smallest: 社会评价 −30%.
    # 乙区/丙区 tie exactly (no swap); 丙区/丁区 (margin 30, every part 10 apart) and 丁区/戊区 (29.67; 10, 10,
    # 9.67) would need a part counted below zero: no swap.
    assert "第一组：社会评价按 70% 计（−30%），甲区与乙区总分相等" in page.text
    english = web.client.get("/periods/city-1000/2024-Q2?lang=en")
    assert "社会评价 counted at 70% (−30%): 甲区 and 乙区 equal" in english.text and "Rank robustness" in english.text
