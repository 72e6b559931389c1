"""Roles (角色): the closed set of what an account can be, with their Chinese names.

Neutral, so the store (which refuses an account of an unknown role), the policy table, the pages and the
demo name roles from one list instead of each spelling it again.
"""

from __future__ import annotations

from kaoping.labels import Labelled


class Role(Labelled):
    """考评办 admin, 考评部门 department, 督查员 inspector, 第三方机构 third_party, 被考评单位 unit,
    公众 public (also every anonymous caller); and the 数字城管 centre's 受理员 acceptor (intake and 立案),
    派遣员 dispatcher (where a city keeps dispatch apart from intake) and 监督员 supervisor (核查)."""

    ADMIN = "admin", "考评办"
    DEPARTMENT = "department", "考评部门"
    INSPECTOR = "inspector", "督查员"
    THIRD_PARTY = "third_party", "第三方机构"
    UNIT = "unit", "被考评单位"
    PUBLIC = "public", "公众"
    ACCEPTOR = "acceptor", "受理员"
    DISPATCHER = "dispatcher", "派遣员"
    SUPERVISOR = "supervisor", "监督员"


ROLE_NAMES: dict[str, str] = Role.names()
"""Role → Chinese name."""

ROLES: tuple[str, ...] = tuple(Role)
EVERYONE: frozenset[Role] = frozenset(Role)
STAFF: frozenset[Role] = frozenset({Role.ADMIN, Role.DEPARTMENT, Role.INSPECTOR, Role.THIRD_PARTY})
"""The roles that work on the evaluation (not the evaluated units, not the public)."""
CASE_CENTRE: frozenset[Role] = frozenset({Role.ACCEPTOR, Role.DISPATCHER, Role.SUPERVISOR})
"""The 数字城管 centre's roles: they work on cases only, not on the evaluation's facts."""
