"""The policy table as the use cases read it: every permission in it, the row rule shared by the single-row
write and the upload, refusals as domain errors (no web framework)."""

from __future__ import annotations

import pytest

from kaoping.app.policy import (
    POLICY,
    Perm,
    Principal,
    RowRefusal,
    holders,
    row_refusal,
    unit_scope,
)
from kaoping.errors import Forbidden
from kaoping.roles import Role

CANONICAL = {"部门考评": "部门考评", "市政府部门考评": "部门考评", "日常巡查": "日常巡查"}


def who(role: Role, *, unit_id: str | None = None, parts: tuple[str, ...] = (), display_name: str = "") -> Principal:
    return Principal(username=f"{role}-user", role=role, unit_id=unit_id, parts=parts, display_name=display_name)


def test_every_permission_is_in_the_table_and_pages_follow_it() -> None:
    assert set(POLICY) == set(Perm)
    assert POLICY[Perm.ENTRY] == POLICY[Perm.SCORES_WRITE] | POLICY[Perm.DEDUCTIONS_WRITE] | POLICY[Perm.CASES_WRITE]
    assert holders(Perm.DASHBOARD) == "考评办"


def test_row_rule_parts_aliases_and_scorer_name() -> None:
    dept = who(Role.DEPARTMENT, parts=("部门考评",), display_name="城管局")
    assert row_refusal(dept, "scores", "市政府部门考评", "", "城管局", CANONICAL) is None  # an alias is the same part
    assert row_refusal(dept, "scores", "日常巡查", "", "城管局", CANONICAL) is RowRefusal.PART
    assert row_refusal(dept, "scores", "部门考评", "", "别人", CANONICAL) is RowRefusal.SOURCE
    assert row_refusal(who(Role.ADMIN), "scores", "日常巡查", "", "别人", CANONICAL) is None
    assert row_refusal(who(Role.INSPECTOR), "deductions", "日常巡查", "", "", CANONICAL) is None  # no parts: all


def test_unit_scope_refuses_another_unit_as_a_domain_error() -> None:
    unit = who(Role.UNIT, unit_id="d1")
    assert unit_scope(unit, None, "read") == "d1"
    assert unit_scope(who(Role.ADMIN), "d2", "read") == "d2"
    with pytest.raises(Forbidden, match="of unit 'd2'") as refused:
        unit_scope(unit, "d2", "read")
    assert refused.value.signed_in


def test_a_row_is_changed_by_who_entered_it_until_published_and_by_the_office_always() -> None:
    from kaoping.app.policy import row_change_refusal

    inspector = Principal(username="dcy", role=Role.INSPECTOR)
    assert row_change_refusal(inspector, entered_by="dcy", published_in=None) is None
    other = row_change_refusal(inspector, entered_by="dce", published_in=None)
    assert other is not None and "本账号录入" in other and "dce" in other
    published = row_change_refusal(inspector, entered_by="dcy", published_in="2024-07")
    assert published is not None and "2024-07" in published and "考评办" in published
    office = Principal(username="admin", role=Role.ADMIN)
    assert row_change_refusal(office, entered_by="dcy", published_in="2024-07") is None


def test_the_case_centres_roles_hold_their_own_work_only() -> None:
    """受理员、派遣员、监督员 (issue #17): each its own step of the case flow, nothing of the evaluation."""
    held = {role: {perm for perm, roles in POLICY.items() if role in roles} for role in Role}
    basic = {Perm.OPEN, Perm.OWN_PASSWORD}
    assert held[Role.ACCEPTOR] == basic | {Perm.CASE_INTAKE, Perm.CASE_DISPATCH}
    assert held[Role.DISPATCHER] == basic | {Perm.CASE_DISPATCH}
    assert held[Role.SUPERVISOR] == basic | {Perm.CASE_VERIFY, Perm.EVIDENCE_READ}  # the units' photos, cleaned
    assert Perm.CASE_TODO in held[Role.UNIT] and Perm.CASE_VERIFY not in held[Role.UNIT]
    assert POLICY[Perm.CASE_APPROVE] == {Role.ADMIN}  # 延期、挂账、作废: the office approves
    assert holders(Perm.CASE_VERIFY) == "考评办、监督员"
