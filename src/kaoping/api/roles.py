"""Who may do what — the one place.  ``POLICY`` maps every permission to the roles holding it; every
endpoint declares exactly one permission with ``Annotated[Principal, Depends(require(Perm.X))]``, and
``create_app`` refuses to start if an /api endpoint declares none.  The row-level rules (a unit sees its
own unit, a department scores only its parts...) are the functions below the table.

Answers: an anonymous caller lacking a permission gets 401 (sign in and retry); a signed-in caller gets
403.  A refused *write* is also recorded in the audit trail as ``denied`` (who tried what), committed
although the request fails: an office must be able to see who tried to change a score they may not.
Anonymous attempts (401) and requests failing the CSRF check are not recorded: they name nobody, and
recording them would let anyone fill the trail.

Roles: admin 考评办, department 考评部门, inspector 督查员, third_party 第三方机构, unit 被考评单位,
public 公众 (also every anonymous caller).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, NoReturn

from fastapi import HTTPException, Request, status
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal, PrincipalDep
from kaoping.api.context import SessionDep
from kaoping.facts import UNIT_FACTS
from kaoping.store.audit import AuditWriter

ADMIN, DEPARTMENT, INSPECTOR, THIRD_PARTY, UNIT, PUBLIC = (
    "admin",
    "department",
    "inspector",
    "third_party",
    "unit",
    "public",
)
EVERYONE = frozenset({ADMIN, DEPARTMENT, INSPECTOR, THIRD_PARTY, UNIT, PUBLIC})
STAFF = frozenset({ADMIN, DEPARTMENT, INSPECTOR, THIRD_PARTY})


class Perm(StrEnum):
    OPEN = "open"  # sign-in, schemes, published results, API docs
    UNITS_READ = "units.read"
    UNITS_WRITE = "units.write"
    USERS_READ = "users.read"
    USERS_WRITE = "users.write"
    FACTS_READ = "facts.read"
    SCORES_WRITE = "scores.write"
    DEDUCTIONS_WRITE = "deductions.write"
    NOTICES_WRITE = "notices.write"
    HONORS_WRITE = "honors.write"
    RANKS_WRITE = "ranks.write"
    CASES_WRITE = "cases.write"
    FACTS_DELETE = "facts.delete"
    RESULTS_COMPUTE = "results.compute"
    RESULTS_REVIEW = "results.review"
    RESULTS_PUBLISH = "results.publish"
    EXPLAIN = "explain"
    APPEALS_FILE = "appeals.file"
    APPEALS_READ = "appeals.read"
    APPEALS_ANSWER = "appeals.answer"
    EVIDENCE_UPLOAD = "evidence.upload"
    EVIDENCE_READ = "evidence.read"
    AUDIT_READ = "audit.read"


POLICY: dict[Perm, frozenset[str]] = {
    Perm.OPEN: EVERYONE,
    Perm.UNITS_READ: STAFF | {UNIT},  # unit: its own unit only
    Perm.UNITS_WRITE: frozenset({ADMIN}),
    Perm.USERS_READ: frozenset({ADMIN}),
    Perm.USERS_WRITE: frozenset({ADMIN}),
    Perm.FACTS_READ: STAFF | {UNIT},  # department/inspector/third_party: own writes; unit: own unit
    Perm.SCORES_WRITE: frozenset({ADMIN, DEPARTMENT, THIRD_PARTY}),  # department/third_party: their parts
    Perm.DEDUCTIONS_WRITE: frozenset({ADMIN, INSPECTOR}),  # inspector with parts: those parts
    Perm.NOTICES_WRITE: frozenset({ADMIN, INSPECTOR}),
    Perm.HONORS_WRITE: frozenset({ADMIN}),
    Perm.RANKS_WRITE: frozenset({ADMIN}),
    Perm.CASES_WRITE: frozenset({ADMIN}),
    Perm.FACTS_DELETE: frozenset({ADMIN}),
    Perm.RESULTS_COMPUTE: frozenset({ADMIN}),
    Perm.RESULTS_REVIEW: frozenset({ADMIN}),
    Perm.RESULTS_PUBLISH: frozenset({ADMIN}),
    Perm.EXPLAIN: frozenset({ADMIN, UNIT}),  # unit: itself
    Perm.APPEALS_FILE: frozenset({ADMIN, UNIT}),  # unit: own unit, inside the appeal window
    Perm.APPEALS_READ: frozenset({ADMIN, UNIT}),  # unit: own appeals
    Perm.APPEALS_ANSWER: frozenset({ADMIN}),
    Perm.EVIDENCE_UPLOAD: frozenset({ADMIN, UNIT}),  # unit: own unit
    Perm.EVIDENCE_READ: frozenset({ADMIN, INSPECTOR, UNIT}),  # unit: own unit
    Perm.AUDIT_READ: frozenset({ADMIN, UNIT}),  # unit: own unit
}
"""Permission → roles.  Row-level restrictions noted on the right are enforced by the functions below."""

WRITE_KIND_PERMS = {spec.name: Perm(spec.write_permission) for spec in UNIT_FACTS}
"""Fact kind → the permission that writes it, as the registry of kinds names it."""


def allowed(role: str, perm: Perm) -> bool:
    return role in POLICY[perm]


def deny(
    session: Session,
    principal: Principal,
    what: str,
    *,
    table: str = "api",
    unit_id: str | None = None,
    period: str | None = None,
    detail: dict[str, Any] | None = None,
) -> NoReturn:
    """Refuse a write with 403 and leave a committed ``denied`` audit event saying who tried what.

    Called before the request has written anything, so committing the session commits only this event.
    """
    session.rollback()
    audit = AuditWriter(session, principal.actor, reason=f"refused: role '{principal.role}' may not do this")
    info = {"role": principal.role, "attempted": what, **(detail or {})}
    audit.event("denied", table, what[:200], unit_id=unit_id, period=period, detail=info)
    audit.flush()
    session.commit()
    raise HTTPException(status.HTTP_403_FORBIDDEN, f"role '{principal.role}' may not: {what}")


def forbidden(principal: Principal, what: str) -> HTTPException:
    """A refused read: 403 (or 401 for anonymous callers, who might be allowed once signed in)."""
    if not principal.authenticated:
        return HTTPException(status.HTTP_401_UNAUTHORIZED, f"sign in to {what}", headers={"WWW-Authenticate": "Bearer"})
    return HTTPException(status.HTTP_403_FORBIDDEN, f"role '{principal.role}' may not {what}")


def require(perm: Perm) -> Callable[..., Principal]:
    """The dependency an endpoint declares: the caller, if its role holds ``perm``."""

    def dependency(request: Request, principal: PrincipalDep, session: SessionDep) -> Principal:
        if allowed(principal.role, perm):
            return principal
        what = f"{request.method} {request.url.path}"
        if not principal.authenticated:
            raise forbidden(principal, what)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
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


# --- row-level rules ---------------------------------------------------------------------------------


def unit_scope(principal: Principal, requested: str | None, what: str) -> str | None:
    """The unit a read is limited to: a unit account reads its own (asking for another is refused)."""
    if principal.role != UNIT:
        return requested
    if requested is not None and requested != principal.unit_id:
        raise forbidden(principal, f"{what} of unit '{requested}'")
    return principal.unit_id


def own_unit_write(session: Session, principal: Principal, unit_id: str | None, what: str, *, table: str) -> str | None:
    """The unit a unit-scoped write goes to: a unit account writes for itself only; others name it."""
    if principal.role != UNIT:
        return unit_id
    if unit_id is not None and unit_id != principal.unit_id:
        deny(session, principal, f"{what} for unit '{unit_id}'", table=table, unit_id=unit_id)
    return principal.unit_id


def reads_own_writes_only(principal: Principal) -> bool:
    """考评部门, 督查员 and 第三方机构 see the fact rows they wrote themselves, not everyone's."""
    return principal.role in (DEPARTMENT, INSPECTOR, THIRD_PARTY)


def sees_drafts(principal: Principal) -> bool:
    """Unpublished results: the office, and a unit for its own entry."""
    return principal.role in (ADMIN, UNIT)


def part_allowed(principal: Principal, part: str, item: str, canonical: dict[str, str]) -> bool:
    """Whether the account's parts cover (part, item): a listed part covers all its items, 'part/item' one.

    Names are compared after resolving aliases (市政府部门考评 → 部门考评), so an alias is no way around.
    """
    if principal.role == ADMIN or (principal.role == INSPECTOR and not principal.parts):
        return True
    want = canonical.get(part, part)
    item = "" if item in (part, want) else item
    for entry in principal.parts:
        name, _, only = entry.partition("/")
        if canonical.get(name, name) == want and (not only or only == item):
            return True
    return False


def fill_scorer(principal: Principal, kind: str, values: dict[str, Any]) -> None:
    """A department's or third party's score row without ``source`` is written under the account's name."""
    if kind == "scores" and principal.role in (DEPARTMENT, THIRD_PARTY) and not values.get("source"):
        values["source"] = principal.scorer_name


def check_fact_write(
    session: Session, principal: Principal, kind: str, values: dict[str, Any], canonical: dict[str, str]
) -> None:
    """Row-level rules of a fact write (the role already holds the kind's write permission).

    A department or third party writes score rows only for its parts and only under its own name as
    ``source`` — otherwise it could overwrite another scorer's row, whose natural key holds the source.
    """
    part, item = str(values.get("part", "")), str(values.get("item", ""))
    unit_id, period = values.get("unit_id"), values.get("period")
    where = {"kind": kind, "unit_id": unit_id, "part": part, "item": item}
    if kind in ("scores", "deductions") and not part_allowed(principal, part, item, canonical):
        what = f"write {kind} for part '{part}{'/' + item if item else ''}' (account parts: {list(principal.parts)})"
        deny(session, principal, what, table=kind, unit_id=unit_id, period=period, detail=where)
    if kind == "scores" and principal.role in (DEPARTMENT, THIRD_PARTY):
        source = str(values.get("source") or "")
        if source != principal.scorer_name:
            what = f"write scores as source '{source}' (this account scores as '{principal.scorer_name}')"
            deny(session, principal, what, table=kind, unit_id=unit_id, period=period, detail=where)
