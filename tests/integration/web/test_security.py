"""Issue 14 (points 6 and 7): the sign-in page never sends a user to another site, and every response
carries the security headers that keep injected markup inert and the pages out of foreign frames."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest

FOREIGN = [
    "/%5Cevil.example/phish",  # the probe's payload: /\evil.example/phish, a browser reads \ as /
    "//evil.example",
    "/\\evil",
    "https://evil.example",
    "/%2F%2Fevil",
    "/%252F%252Fevil",  # encoded twice
    "/%09/evil.example",  # a browser drops the tab: //evil.example
    "javascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("target", FOREIGN)
def test_login_never_sends_to_another_site(web: Any, target: str) -> None:
    r = web.client.get(f"/login?next={quote(target, safe='/%')}")
    assert r.status_code == 200
    assert 'data-next="/"' in r.text


@pytest.mark.parametrize("target", ["/periods/city-1000/2024-Q2", "/units/d1?period=2024-Q2", "/entry"])
def test_login_keeps_own_pages(web: Any, target: str) -> None:
    r = web.client.get("/login", params={"next": target})
    assert f'data-next="{target}"' in r.text.replace("&amp;", "&")


HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.mark.parametrize(
    "path",
    [
        "/public",
        "/login",
        "/dashboard",
        "/static/site.js",
        "/api/openapi.json",
        "/api/docs",
        "/no-such-page",
        "/api/results/published",
    ],
)
def test_every_response_carries_the_security_headers(web: Any, path: str) -> None:
    r = web.client.get(path, follow_redirects=False)
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (path, name)
    csp = r.headers.get("content-security-policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in csp


@pytest.mark.parametrize("path", ["/public", "/login", "/public/city-1000/2024-Q2", "/api/docs"])
def test_pages_have_no_inline_script_and_no_cdn(web: Any, path: str) -> None:
    """Under the policy an inline script or handler would not run: a page must not depend on one."""
    page = web.client.get(path).text
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
    assert not re.search(r"\son[a-z]+=", page), path
    assert "cdn." not in page and "https://" not in page.split("<body")[0], path


def test_swagger_ui_is_served_locally(web: Any) -> None:
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        assert web.client.get(f"/static/vendor/swagger-ui/{name}").status_code == 200
    assert web.client.get("/static/api-docs.js").status_code == 200
