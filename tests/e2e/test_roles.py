"""Each role signs in through the login form and sees only what it may: its header links, its pages,
and a refusal (403 page, or the sign-in page for the public) everywhere else."""

from __future__ import annotations

import pytest

from browser_testing import Tab

REFUSED = "无权访问"

SIGNED_IN = {"/schemes", "/public", "/account/password"}
"""The header links of every signed-in account: the open pages and its own 修改密码."""

# role → (landing page after sign-in, header links it must have, paths it must be refused)
EXPECT: dict[str, tuple[str, set[str], list[str]]] = {
    "admin": (
        "/dashboard",
        {
            "/dashboard",
            "/periods",
            "/appeals",
            "/units",
            "/cases",
            "/entry",
            "/rectify",
            "/reinspect",
            "/owed/matrix",
            "/plans",
            "/evidence/flags",
            "/evidence/signals",
            "/field/",  # issue #16.3: 现场采集
            "/cases/intake",  # issue #17: the case flow's lists (the office may do every step)
            "/cases/dispatch",
            "/cases/todo",
            "/cases/verify",
            "/cases/requests",
            *SIGNED_IN,
        },
        ["/owed"],
    ),
    "department": (
        "/entry",
        {"/entry", "/owed", *SIGNED_IN},
        [
            "/dashboard",
            "/units/dh",
            "/appeals",
            "/periods",
            "/cases",
            "/rectify",
            "/reinspect",
            "/schemes/demo-city/whatif",
            "/owed/matrix",
            "/evidence/flags",
            "/evidence/signals",
            "/field/",
            "/cases/intake",
            "/cases/todo",
        ],
    ),
    "inspector": (
        "/entry",
        {"/entry", "/reinspect", "/field/", *SIGNED_IN},
        ["/dashboard", "/units/dh", "/rectify", "/owed", "/evidence/flags", "/evidence/signals"],
    ),
    "third_party": ("/entry", {"/entry", "/owed", "/field/", *SIGNED_IN}, ["/dashboard", "/units/hk"]),
    "unit": (
        "/units/",
        {"/rectify", "/cases/todo", *SIGNED_IN},  # issue #17: 整改 and 案卷待办 (its own)
        [
            "/dashboard",
            "/entry",
            "/periods/demo-city/2024-Q4",
            "/appeals",
            "/units",
            "/cases",
            "/reinspect",
            "/schemes/demo-city/whatif",
            "/owed",
            "/plans",
            "/evidence/flags",
            "/evidence/signals",
            "/field/",
            "/cases/intake",
            "/cases/dispatch",
            "/cases/verify",
            "/cases/requests",
        ],
    ),
}


def header_links(tab: Tab) -> set[str]:
    hrefs = tab.page.eval_on_selector_all(".topbar nav a", "els => els.map(e => e.getAttribute('href'))")
    return {h for h in hrefs if h and not h.startswith("?")}


@pytest.mark.parametrize("role", sorted(EXPECT))
def test_role_sees_only_its_pages(tab: Tab, role: str) -> None:
    landing, links, refused = EXPECT[role]
    account = tab.login(role)
    assert tab.page.url.startswith(tab.site.base + landing), tab.page.url
    assert tab.page.locator(".topbar .who").get_attribute("data-role") == role
    shown = header_links(tab)
    assert links <= shown, shown
    if role != "admin":
        assert "/dashboard" not in shown
    if role == "unit":
        assert shown - links == {f"/units/{account.unit_id}"}
        other = next(u.unit_id for u in tab.site.city.logins if u.role == "unit" and u.unit_id != account.unit_id)
        refused = [*refused, f"/units/{other}"]
    assert not tab.errors, tab.errors
    for path in refused:
        tab.goto(path)
        assert tab.page.locator("h1").first.inner_text() == REFUSED, path
    # the browser logs each refused page load (403) as an error; nothing else may appear
    assert all("403" in e for e in tab.errors), tab.errors


def test_public_needs_no_login_and_is_sent_to_sign_in_elsewhere(tab: Tab) -> None:
    tab.goto("/public")
    assert tab.page.locator(".periods li").count() >= 3
    assert tab.page.locator(".topbar a[href='/login']").count() == 1
    for path in ("/dashboard", "/entry", "/units/dh"):
        tab.goto(path)
        assert tab.page.url.startswith(f"{tab.site.base}/login"), path
    tab.goto("/schemes/demo-city")
    assert "金川市" in tab.page.locator("h1").first.inner_text()
    tab.page.wait_for_selector("[data-weights] canvas")
    tab.shot("scheme")
    assert not tab.errors, tab.errors


def test_wrong_password_is_refused_in_place(tab: Tab) -> None:
    tab.goto("/login")
    tab.page.fill("#username", "admin")
    tab.page.fill("#password", "not-the-password")
    tab.page.click("#login-submit")
    tab.page.wait_for_function("() => document.getElementById('login-error').textContent.length > 0")
    assert "错误" in tab.page.inner_text("#login-error")
    assert tab.page.url.endswith("/login")
