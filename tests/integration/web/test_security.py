"""Issue 14 (points 6 and 7): the sign-in page never sends a user to another site, and every response
carries the security headers that keep injected markup inert and the pages out of foreign frames."""

from __future__ import annotations

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
