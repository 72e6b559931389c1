"""The header's links and the sign-in landing pages, derived from the policy table (no role named by hand)."""

from __future__ import annotations

from kaoping.app.policy import ANONYMOUS, Principal
from kaoping.roles import Role
from kaoping.web.app import landing_pages, nav_links


def who(role: Role, unit_id: str | None = None) -> Principal:
    return Principal(username=f"{role}-user", role=role, unit_id=unit_id)


def test_nav_shows_only_pages_the_role_may_open() -> None:
    assert [h for _, h in nav_links(who(Role.ADMIN))] == [
        "/public",
        "/dashboard",
        "/periods",
        "/appeals",
        "/units",
        "/cases",
        "/plans",
        "/evidence/flags",  # issue #16: 照片核验
        "/evidence/signals",  # issue #16: 督查信号
        "/entry",
        "/my-entries",
        "/field/",  # issue #16.3: 现场采集
        "/owed/matrix",
        "/rectify",  # issue #17: 整改 and 复查
        "/reinspect",
        "/cases/intake",  # issue #17: the case flow's work lists
        "/cases/dispatch",
        "/cases/todo",
        "/cases/verify",
        "/cases/requests",
        "/schemes",
    ]
    departments = ["/public", "/entry", "/my-entries", "/owed", "/schemes"]
    assert [h for _, h in nav_links(who(Role.DEPARTMENT))] == departments
    unit = ["/public", "/units/d1", "/rectify", "/cases/todo", "/schemes"]
    assert [h for _, h in nav_links(who(Role.UNIT, "d1"))] == unit
    assert [h for _, h in nav_links(who(Role.ACCEPTOR))] == ["/public", "/cases/intake", "/cases/dispatch", "/schemes"]
    assert [h for _, h in nav_links(who(Role.DISPATCHER))] == ["/public", "/cases/dispatch", "/schemes"]
    assert [h for _, h in nav_links(who(Role.SUPERVISOR))] == ["/public", "/cases/verify", "/schemes"]
    inspector = ["/public", "/entry", "/my-entries", "/field/", "/reinspect", "/schemes"]
    assert [h for _, h in nav_links(who(Role.INSPECTOR))] == inspector
    assert [h for _, h in nav_links(ANONYMOUS)] == ["/public", "/schemes"]


def test_each_role_lands_on_its_first_page() -> None:
    landing = landing_pages()
    assert landing[Role.ADMIN] == "/dashboard"
    assert landing[Role.INSPECTOR] == "/entry"
    assert landing[Role.UNIT] == "/units/{unit_id}"
    assert landing[Role.PUBLIC] == "/public"
    assert (landing[Role.ACCEPTOR], landing[Role.SUPERVISOR]) == ("/cases/intake", "/cases/verify")
