"""A version's kept result (保留结果): written when the version is computed, read when it is shown.

Reading a published period used to mean unpacking its facts snapshot and scoring it again in every fresh
process — most of the time a published year takes, and at a big city millions of rows.  So when a version
is computed, the result its snapshot gives is kept with it (:mod:`kaoping.store.period_results`, the bytes
of :mod:`kaoping.engine.result_codec`), and a reader takes it in one row — only when it is exactly the
version's: the same snapshot, scheme text and period, this format, and bytes matching their sha256.  Anything
else (a version computed before results were kept, an older format, bytes edited in the database) reads as
no kept result, and the caller recomputes from the snapshot, as before; ``kaoping verify --period`` names
such a kept result.
"""

from __future__ import annotations

import hashlib
import logging

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kaoping.engine import result_codec
from kaoping.engine.result import PeriodResult
from kaoping.store import period_results
from kaoping.store.result_tables import KeptPeriodResult

__all__ = ["keep_result", "kept_result", "usable"]

log = logging.getLogger(__name__)


def keep_result(
    session: Session, result_id: int, *, snapshot_sha256: str, scheme_sha256: str, result: PeriodResult
) -> bool:
    """Keep ``result`` — the one the snapshot and scheme text give — as version ``result_id``'s; checked to
    read back equal first (else nothing is kept and readers recompute: never a kept result that differs,
    and never a draft refused for want of a kept form).  Whether it was kept."""
    try:
        data = result_codec.dump(result)
        same = result_codec.load(data) == result
    except ValueError as exc:  # a value the format has no form for (PydanticSerializationError, ValidationError)
        log.warning("result of version %s has no kept form (%s): not kept", result_id, exc)
        return False
    if not same:
        log.warning("result of version %s does not read back equal: not kept", result_id)
        return False
    period_results.keep(
        session,
        result_id,
        snapshot_sha256=snapshot_sha256,
        scheme_sha256=scheme_sha256,
        period=result.period,
        fmt=result_codec.FORMAT,
        data=data,
    )
    return True


def usable(row: KeptPeriodResult, snapshot_sha256: str, scheme_sha256: str, period: str) -> str:
    """Why the kept ``row`` is not the result of that snapshot, scheme text and period ("" when it is)."""
    if row.format_version != result_codec.FORMAT:
        return f"format {row.format_version}, not {result_codec.FORMAT}"
    if (row.snapshot_sha256, row.scheme_sha256, row.period) != (snapshot_sha256, scheme_sha256, period):
        return "computed from another snapshot, scheme text or period"
    if hashlib.sha256(row.data).hexdigest() != row.sha256:
        return "bytes do not match their sha256"
    return ""


def kept_result(
    session: Session, result_id: int, *, snapshot_sha256: str, scheme_sha256: str, period: str
) -> PeriodResult | None:
    """Version ``result_id``'s kept result when it is usable (see the module), else None."""
    row = period_results.kept_of(session, result_id)
    if row is None:
        return None
    why = usable(row, snapshot_sha256, scheme_sha256, period)
    if not why:
        try:
            return result_codec.load(row.data)
        except ValidationError as exc:
            why = f"unreadable: {exc.error_count()} errors"
    log.warning("kept result of version %s not used (%s): recomputed from its snapshot", result_id, why)
    return None
