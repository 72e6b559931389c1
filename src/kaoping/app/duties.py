"""职责分离 (separation of duties) of publishing: whoever computed a draft may not review it, and the
reviewer may not compute it again.  A rule of the policy, kept in its own module so the policy table stays
one screenful of rows; :mod:`kaoping.app.policy` re-exports it."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from kaoping.app.errors import Denied
from kaoping.store.audit import AuditWriter


class Step(StrEnum):
    """The two steps of publishing that 职责分离 keeps apart."""

    COMPUTE = "compute"
    REVIEW = "review"


def duty_conflict(
    step: Step, actor: str, *, computed_by: str | None, reviewed_by: str | None, enabled: bool
) -> str | None:
    """Why ``actor`` may not do ``step`` on an open version under 职责分离 (None: allowed).

    A review is a second look only if it is a second person's: whoever computed a draft may not review
    it, and whoever reviewed it may not compute it again (which would replace the numbers they passed).
    Also asked by the period page, so a button the rule would refuse is shown disabled with this reason.
    """
    if not enabled:
        return None
    if step is Step.REVIEW and computed_by == actor:
        return f"职责分离：本版由 {actor} 计算，须由另一账号审核"
    if step is Step.COMPUTE and reviewed_by == actor:
        return f"职责分离：{actor} 已审核本版，不能再计算；须由另一账号重新计算"
    return None


def separate_duties(
    session: Session,
    actor: str,
    step: Step,
    *,
    computed_by: str | None,
    reviewed_by: str | None,
    enabled: bool,
    where: tuple[str, str, str],
) -> None:
    """Refuse ``step`` when :func:`duty_conflict` does: a committed ``denied`` event, then :class:`Denied`.

    ``where`` is (table, row key, period) of the version.  Called before the use case writes anything, so
    the commit holds only this event — without a rollback first, which a caller's ``session.begin()``
    block (the CLI's transaction) would not survive.
    """
    reason = duty_conflict(step, actor, computed_by=computed_by, reviewed_by=reviewed_by, enabled=enabled)
    if reason is None:
        return
    table, key, period = where
    audit = AuditWriter(session, actor, reason=reason)
    detail = {"attempted": str(step), "rule": "separation_of_duties", "computed_by": computed_by}
    detail["reviewed_by"] = reviewed_by
    audit.event("denied", table, key, period=period, detail=detail)
    audit.flush()
    session.commit()
    raise Denied(f"{reason}（{key}）")
