"""The audit trail over HTTP: the office reads all of it, a unit the entries about its own unit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kaoping.api.auth import Principal
from kaoping.api.context import SessionDep
from kaoping.api.errors import unprocessable
from kaoping.api.models import Limit, Offset
from kaoping.api.roles import Perm, require, unit_scope
from kaoping.api.schemas import AuditOut
from kaoping.periods import PeriodError
from kaoping.store.audit import trail

router = APIRouter(prefix="/api", tags=["audit"])


@router.get("/audit")
def audit_trail(
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.AUDIT_READ))],
    unit_id: Annotated[str | None, Query(max_length=100)] = None,
    period: Annotated[str | None, Query(max_length=10, description="2024-Q2 also matches its months")] = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[AuditOut]:
    """Who changed what, when, from what to what, and why — oldest first."""
    unit = unit_scope(who, unit_id, "read the audit trail")
    try:
        rows = trail(s, unit_id=unit, period=period)
    except PeriodError as exc:
        raise unprocessable(f"period: {exc}") from exc
    return [AuditOut.model_validate(r) for r in rows[offset : offset + limit]]
