"""The policy table at the API's door: the ``require`` dependency every endpoint declares, and
``route_permission``, which lets the composition root refuse to start if an /api endpoint declares none.

The table and the row-level rules are the application layer's (:mod:`kaoping.app.policy`), shared with
the pages and the use cases; they are re-exported here for the endpoints.  Answers: an anonymous caller
lacking a permission gets 401 (sign in and retry); a signed-in caller gets 403, and a refused *write* also
leaves a committed ``denied`` audit event (see :func:`~kaoping.app.policy.deny`).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.routing import APIRoute

from kaoping.api.auth import Principal, PrincipalDep
from kaoping.api.context import SessionDep
from kaoping.app.policy import (
    POLICY,
    WRITE_KIND_PERMS,
    Perm,
    allowed,
    check_fact_write,
    deny,
    fill_scorer,
    forbidden,
    own_unit_write,
    part_allowed,
    reads_own_writes_only,
    scoped,
    sees_drafts,
    unit_scope,
)
from kaoping.roles import EVERYONE, STAFF, Role

__all__ = [
    "ADMIN",
    "DEPARTMENT",
    "EVERYONE",
    "INSPECTOR",
    "POLICY",
    "PUBLIC",
    "STAFF",
    "THIRD_PARTY",
    "UNIT",
    "WRITE_KIND_PERMS",
    "Perm",
    "allowed",
    "check_fact_write",
    "credentials_not_needed",
    "deny",
    "fill_scorer",
    "forbidden",
    "own_unit_write",
    "part_allowed",
    "reads_own_writes_only",
    "require",
    "route_permission",
    "scoped",
    "sees_drafts",
    "unit_scope",
]

ADMIN, DEPARTMENT, INSPECTOR, THIRD_PARTY, UNIT, PUBLIC = tuple(Role)[:6]
SAFE = ("GET", "HEAD", "OPTIONS")


def require(perm: Perm) -> Callable[..., Principal]:
    """The dependency an endpoint declares: the caller, if its role holds ``perm``."""

    def dependency(request: Request, principal: PrincipalDep, session: SessionDep) -> Principal:
        if allowed(principal.role, perm):
            return principal
        what = f"{request.method} {request.url.path}"
        if principal.authenticated and request.method not in SAFE:
            table = request.url.path.removeprefix("/api/").split("/")[0] or "api"
            deny(session, principal, what, table=table, detail={"permission": perm.value})
        raise forbidden(principal, what)

    dependency.__name__ = f"require_{perm.name.lower()}"
    dependency.permission = perm  # type: ignore[attr-defined]  # read by route_permission
    return dependency


def credentials_not_needed() -> None:
    """Declares Perm.OPEN without resolving the caller: signing in must work whatever cookie the browser
    still holds (a stale session would otherwise answer 401 to the very request that renews it)."""


credentials_not_needed.permission = Perm.OPEN  # type: ignore[attr-defined]


def route_permission(route: APIRoute) -> Perm | None:
    """The permission an endpoint declared (None: it declared none, which create_app refuses)."""
    for dep in route.dependant.dependencies:
        perm = getattr(dep.call, "permission", None)
        if isinstance(perm, Perm):
            return perm
    return None
