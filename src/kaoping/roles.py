"""Roles (角色): the closed set of what an account can be, with their Chinese names.

Neutral, so the store (which refuses an account of an unknown role), the policy table, the pages and the
demo name roles from one list instead of each spelling it again.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """考评办 admin, 考评部门 department, 督查员 inspector, 第三方机构 third_party, 被考评单位 unit,
    公众 public (also every anonymous caller)."""

    ADMIN = "admin"
    DEPARTMENT = "department"
    INSPECTOR = "inspector"
    THIRD_PARTY = "third_party"
    UNIT = "unit"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        """The Chinese name people know the role by."""
        return ROLE_NAMES[self]


ROLE_NAMES: dict[str, str] = {
    Role.ADMIN: "考评办",
    Role.DEPARTMENT: "考评部门",
    Role.INSPECTOR: "督查员",
    Role.THIRD_PARTY: "第三方机构",
    Role.UNIT: "被考评单位",
    Role.PUBLIC: "公众",
}
"""Role → Chinese name (keys are the enum members, which compare and hash as their text)."""

ROLES: tuple[str, ...] = tuple(Role)
EVERYONE: frozenset[Role] = frozenset(Role)
STAFF: frozenset[Role] = frozenset({Role.ADMIN, Role.DEPARTMENT, Role.INSPECTOR, Role.THIRD_PARTY})
"""The roles that work on the evaluation (not the evaluated units, not the public)."""
