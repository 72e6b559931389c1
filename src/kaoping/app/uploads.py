"""An upload by an account (网页上传): the import use case held to the account's rights on every row first.

Split from :mod:`kaoping.app.imports` (which an upload ends in): what is the account's to write is the
policy's rule (:func:`~kaoping.app.policy.row_refusal`), what is plausible is the entry checks' (run by the
importer), and an upload that needs confirmation comes back as :class:`Unconfirmed` until it is sent again
with a reason.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kaoping.app.context import AppContext
from kaoping.app.entry_checks import Unconfirmed
from kaoping.app.facts import canonical_names
from kaoping.app.imports import ImportReport, import_data
from kaoping.app.policy import WRITE_KIND_PERMS, Perm, Principal, RowRefusal, allowed, row_refusal
from kaoping.errors import ErrorLog, InputError, InputErrors
from kaoping.facts import FILE_NAMES, Facts
from kaoping.facts.columns import ROW
from kaoping.io.readers import read_facts_leniently
from kaoping.scheme import Scheme
from kaoping.store.audit import AuditWriter
from kaoping.store.db import transaction

__all__ = ["ImportRejected", "Unconfirmed", "UploadRefused", "import_upload", "importable_kinds", "role_problems"]


class UploadRefused(InputErrors):
    """Rows the account may not write (nothing imported); the attempt is in the audit trail as ``denied``."""


class ImportRejected(InputErrors):
    """Data no office scheme accepts (nothing imported)."""

    scheme: str | None = None
    """The office scheme the errors are against, when the office runs several."""


def importable_kinds(who: Principal) -> set[str]:
    """The interchange files an account may import: its fact kinds, and units for the office."""
    kinds = {kind for kind, perm in WRITE_KIND_PERMS.items() if allowed(who.role, perm)}
    return kinds | {"units"} if allowed(who.role, Perm.UNITS_WRITE) else kinds


def _row_problems(who: Principal, facts: Facts, name: str, canonical: dict[str, str]) -> tuple[list[InputError], int]:
    """Rows of ``name`` the policy's row rule refuses (:func:`~kaoping.app.policy.row_refusal`), in Chinese."""
    frame: pl.DataFrame = getattr(facts, name)
    label = facts.label(name)
    shown: list[InputError] = []
    bad = 0
    seen: dict[tuple[str, str, str], RowRefusal | None] = {}
    for row, part, item, src in zip(frame[ROW], frame["part"], frame["item"], frame["source"], strict=True):
        if part is None:  # a cell the reader could not read: its error comes with the import's
            continue
        key = (str(part or ""), str(item or ""), str(src or ""))
        if key not in seen:
            seen[key] = row_refusal(who, name, *key, canonical)
        if seen[key] is RowRefusal.PART:
            what = f"{key[0]}/{key[1]}" if key[1] else key[0]
            mine = "、".join(who.parts) or "无"
            error = InputError(label, row, "part", f"本账号不能为“{what}”评分或扣分（本账号的考评项目：{mine}）")
        elif seen[key] is RowRefusal.SOURCE:
            error = InputError(label, row, "source", f"评分单位须填写本账号的名称“{who.scorer_name}”")
        else:
            continue
        bad += 1
        if len(shown) < 50:
            shown.append(error)
    return shown, bad


def role_problems(
    who: Principal, facts: Facts, canonical: dict[str, str], kind_names: dict[str, str]
) -> InputErrors | None:
    """The rows ``who`` may not write, as errors; None when every row is the account's to write.

    The same rules as a single-row write (:func:`kaoping.app.policy.check_fact_write`): the kind needs the
    role's write permission; score and deduction rows need the account's parts; a department's or third
    party's score rows must carry its own name as ``source`` (an empty source is not filled in here: the
    file is the record).  ``kind_names``: how the edge names each file to the user.
    """
    log = ErrorLog()
    kinds = importable_kinds(who)
    for name in FILE_NAMES:
        frame: pl.DataFrame = getattr(facts, name)
        if frame.is_empty():
            continue
        if name not in kinds:
            message = f"本账号不能导入{kind_names[name]}（{name}）数据：共 {frame.height} 行，请删除此表的数据行"
            log.add(InputError(facts.label(name), None, None, message))
        elif name in ("scores", "deductions"):
            log.add_counted(*_row_problems(who, facts, name, canonical))
    return InputErrors(log.kept, log.total) if log else None


def _record_refusal(ctx: AppContext, who: Principal, filename: str, errors: InputErrors) -> None:
    """A refused upload goes into the audit trail as ``denied``, like a refused API write."""
    with transaction(ctx.factory) as session:
        audit = AuditWriter(session, who.actor, reason=f"refused: role '{who.role}' may not do this")
        detail = {"role": str(who.role), "attempted": f"import {filename}", "problems": errors.total}
        audit.event("denied", "import", f"import {filename}"[:200], detail=detail)
        audit.flush()


def import_upload(
    ctx: AppContext,
    who: Principal,
    source: Path,
    filename: str,
    kind_names: dict[str, str],
    confirm_reason: str | None = None,
) -> ImportReport:
    """Import a saved upload for ``who``, held to the account's rights on every row first.

    Raises InputErrors when the file cannot be read; :class:`UploadRefused` (after recording the attempt)
    when it holds rows the account may not write; :class:`Unconfirmed` when a scheme accepts the data but
    rows need a confirmation ``confirm_reason`` does not give; :class:`ImportRejected` when no office
    scheme accepts the data.  A row is accepted when one of the office's schemes accepts it (as in the
    API); the importer checks before writing anything, so trying the next scheme after a refusal is safe.
    """
    facts = read_facts_leniently(source, ErrorLog())  # its reading errors come with the import's, in one answer
    refused = role_problems(who, facts, canonical_names(ctx), kind_names)
    if refused is not None:
        _record_refusal(ctx, who, filename, refused)
        raise UploadRefused(refused.errors, refused.total)
    candidates: list[tuple[str, Scheme | None]] = [(n, o.scheme) for n, o in ctx.schemes.items()]
    first: tuple[str, InputErrors] | None = None
    unconfirmed: Unconfirmed | None = None
    now = ctx.settings.clock()
    for name, scheme in candidates or [("", None)]:
        try:
            return import_data(
                ctx.factory, source, actor=who.actor, scheme=scheme, confirm_reason=confirm_reason, checked_at=now
            )
        except Unconfirmed as exc:
            unconfirmed = unconfirmed or exc
        except InputErrors as exc:
            first = first or (name, exc)
    if unconfirmed is not None:
        raise unconfirmed
    assert first is not None
    rejected = ImportRejected(first[1].errors, first[1].total)
    rejected.scheme = first[0] if len(ctx.schemes) > 1 else None
    raise rejected
