"""Results: compute a draft, review it, publish it (考评办); read what one's role may see; explain a unit.

The workflow itself (versions, corrections) is the use case ``kaoping.app.publish`` and the freeze is the
store's; their refusals are answered by ``api/errors.py`` (unknown result 404, a step out of order 409, a step
refused by separation of duties 403 — the office's setting, passed to the use case here).
This module filters what each role sees.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal
from kaoping.api.context import ApiContext, CtxDep, OfficeScheme, SessionDep
from kaoping.api.errors import unprocessable
from kaoping.api.models import RowId
from kaoping.api.roles import ADMIN, UNIT, Perm, require, sees_drafts, unit_scope
from kaoping.api.schemas import (
    AdvanceIn,
    AdvanceOut,
    AdvanceStepOut,
    ComputeIn,
    ExplainOut,
    PublishedOut,
    ResultOut,
    ResultsView,
)
from kaoping.app import publish as publish_uc
from kaoping.app import publish_batch as batch
from kaoping.app import results as kept_results
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.output.document import explain_document
from kaoping.periods import PeriodError, parse_period
from kaoping.store import publishing
from kaoping.store.tables import PublishedResult, Unit

router = APIRouter(prefix="/api", tags=["results"])
Anyone = Annotated[Principal, Depends(require(Perm.OPEN))]
MissingReason = Annotated[str, Query(max_length=500, description="publish: why scores owed and past due are missing")]


def _office_scheme(ctx: ApiContext, name: str) -> OfficeScheme:
    found = ctx.schemes.get(name)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"this office runs no scheme '{name}'; see GET /api/schemes")
    return found


def _period(text: str) -> str:
    try:
        return str(parse_period(text))
    except PeriodError as exc:
        raise unprocessable(f"period: {exc}") from exc


@router.post("/results/compute", status_code=status.HTTP_201_CREATED)
def compute(
    body: ComputeIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.RESULTS_COMPUTE))]
) -> ResultOut:
    """Score the period from the store as a draft (a correction of a published period needs a reason); with
    separation of duties the account that reviewed the open version may not compute it again (403)."""
    row = publish_uc.compute_for_office(
        ctx, s, scheme=body.scheme, period=body.period, actor=who.actor, reason=body.reason
    )
    s.commit()
    return ResultOut.model_validate(row)


@router.post("/results/advance")
def advance(
    body: AdvanceIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.RESULTS_COMPUTE))]
) -> AdvanceOut:
    """一键发布: take the period — and, with ``with_months``, each of its months not yet published — through
    compute, review and publish as far as this account may (with separation of duties: a first account's
    call computes the drafts, a second's reviews and publishes them); all or nothing; 409 when nothing
    could be done, saying why for each period."""
    done = batch.advance_for_office(ctx, s, who, scheme=body.scheme, period=body.period, with_months=body.with_months)
    s.commit()
    steps = [
        AdvanceStepOut(
            period=p.period,
            done=[str(d) for d in p.done],
            stop=str(p.stop),
            stop_label=p.stop.label,
            version=p.version,
            result_id=p.result_id,
        )
        for p in done.steps
    ]
    return AdvanceOut(scheme=done.scheme, period=done.period, steps=steps)


Advance = Callable[[ApiContext, Session, int, str, str], PublishedResult]
"""One step of the workflow: (context, session, result id, actor, reason for missing scores) → the row after."""


def _add_step(step: str, perm: Perm, advance: Advance, doc: str) -> None:
    """``POST /results/{id}/<step>``: one step of the workflow (review, publish) under its own permission."""

    def endpoint(
        result_id: RowId, ctx: CtxDep, s: SessionDep, who: Principal, missing_reason: MissingReason = ""
    ) -> ResultOut:
        row = advance(ctx, s, result_id, who.actor, missing_reason)
        s.commit()
        return ResultOut.model_validate(row)

    # The guard is known only here; FastAPI reads it from the signature (a string annotation could not
    # name ``perm``, so it is set as an object).
    endpoint.__annotations__["who"] = Annotated[Principal, Depends(require(perm))]
    endpoint.__name__ = endpoint.__qualname__ = step
    endpoint.__doc__ = doc
    router.add_api_route(f"/results/{{result_id}}/{step}", endpoint, methods=["POST"])


def _review(ctx: ApiContext, s: Session, result_id: int, actor: str, _missing: str) -> PublishedResult:
    """Review under the office's separation of duties (职责分离: not by the account that computed)."""
    return publish_uc.review(s, result_id, actor=actor, separate_duties=ctx.settings.separation_of_duties)


def _publish(_ctx: ApiContext, s: Session, result_id: int, actor: str, missing: str) -> PublishedResult:
    """Publish; scores owed and past due need ``missing_reason`` (the office's confirmation, audited)."""
    return publish_uc.publish(s, result_id, actor=actor, missing_reason=missing)


_add_step(
    "review",
    Perm.RESULTS_REVIEW,
    _review,
    "Mark a draft as checked: publishing needs this second step; with separation of duties (the default) "
    "only an account other than the one that computed the draft may (403 otherwise, recorded as denied).",
)
_add_step(
    "publish",
    Perm.RESULTS_PUBLISH,
    _publish,
    "Publish a reviewed result: frozen from now on; it opens the period's appeal window.",
)


@router.get("/results/published")
def published(ctx: CtxDep, s: SessionDep, _: Anyone) -> list[PublishedOut]:
    """Every (scheme, period) with a published result, and its current version."""
    out: list[PublishedOut] = []
    for scheme, period in publishing.published_periods(s):
        row = publishing.current(s, scheme=scheme, period=period)
        if row is not None:
            out.append(
                PublishedOut(
                    scheme=scheme, period=period, version=row.version, id=row.id, published_at=row.published_at
                )
            )
    return out


def _own_entry(document: dict[str, Any], unit_id: str, group: str) -> dict[str, Any]:
    """The draft as a unit sees it: its group's entry with only its own row (others' drafts are not its business)."""
    doc = copy.deepcopy(document)
    groups = [g for g in doc.get("groups", []) if g.get("group") == group]
    for g in groups:
        g["ranking"] = [u for u in g.get("ranking", []) if u.get("unit_id") == unit_id]
        g["unrated"] = [u for u in g.get("unrated", []) if u.get("unit_id") == unit_id]
    doc["groups"] = groups
    doc["excluded"] = [e for e in doc.get("excluded", []) if e.get("unit_id") == unit_id]
    return doc


def _draft_for(s: Session, who: Principal, row: PublishedResult) -> ResultOut:
    out = ResultOut.model_validate(row)
    if who.role == UNIT:
        unit = s.get(Unit, who.unit_id) if who.unit_id else None
        out.document = _own_entry(row.document, who.unit_id or "", unit.group if unit else "")
    return out


@router.get("/results/{scheme}/{period}")
def results(scheme: str, period: str, ctx: CtxDep, s: SessionDep, who: Anyone) -> ResultsView:
    """The published version and history for everyone; drafts only for the office (and a unit's own entry)."""
    name = _office_scheme(ctx, scheme).scheme.scheme
    period = _period(period)
    rows = publishing.versions(s, scheme=name, period=period)
    frozen = [r for r in rows if r.status in publishing.FROZEN]
    current = next((r for r in rows if r.status == publishing.PUBLISHED), None)
    draft_row = next((r for r in rows if r.status in publishing.OPEN), None) if sees_drafts(who) else None
    shown = rows if who.role == ADMIN else frozen
    if not shown and draft_row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no published result for {name} {period}")
    return ResultsView(
        scheme=name,
        period=period,
        current=ResultOut.model_validate(current) if current else None,
        versions=[ResultOut.model_validate(r) for r in shown],
        draft=_draft_for(s, who, draft_row) if draft_row else None,
    )


@router.get("/explain/{scheme}/{period}/{unit_id}")
def explain(
    scheme: str,
    period: str,
    unit_id: str,
    ctx: CtxDep,
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.EXPLAIN))],
) -> ExplainOut:
    """A unit's score line by line down to the rows (得分说明): of a published period as published (its
    frozen version), of any other from the current store data."""
    unit_scope(who, unit_id, "see the explanation")
    office = _office_scheme(ctx, scheme)
    try:
        kept = kept_results.scored(s, office.scheme, _period(period))
    except UnsupportedPeriod as exc:
        raise unprocessable(str(exc)) from exc
    found = kept.result.unit(unit_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"unit '{unit_id}' is not evaluated by {scheme} in {period}")
    # kept results count cases from cells: this unit's case rows are read now, for its lines alone
    cited = replace(found, lines=kept_results.unit_lines(s, kept, unit_id))
    return ExplainOut.model_validate(explain_document(kept.result, cited))
