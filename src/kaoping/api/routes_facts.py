"""The fact tables over HTTP: ``GET/POST /api/{scores,deductions,notices,honors,ranks,cases}``, ``DELETE``.

The endpoints are generated from the registry of kinds (:mod:`kaoping.facts.kinds`), a GET and a POST per
fact kind, each typed with the kind's own models (so OpenAPI shows each file's columns) and guarded by the
kind's write permission.  They share ``_read`` and ``_write``, which apply the row-level rules of
:mod:`kaoping.api.roles` and write through ``write_facts``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, Field, create_model

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.models import (
    FACT_MODELS,
    Confirmable,
    Deleted,
    KindModels,
    Limit,
    Offset,
    Reasoned,
    RowId,
    RowMeta,
    Written,
    problem,
)
from kaoping.api.roles import (
    Perm,
    reads_own_writes_only,
    require,
    unit_scope,
)
from kaoping.app import facts as fact_rows
from kaoping.app.fact_batch import MAX_BYTES, MAX_ROWS, write_batch
from kaoping.facts import KindSpec
from kaoping.facts.kinds import ENTRY_ORDER, spec_of

router = APIRouter(prefix="/api", tags=["facts"])
BATCH_LIMITS = {f"/api/{kind}/batch": MAX_BYTES for kind in ENTRY_ORDER}
"""The body limit of each batch path (:data:`~kaoping.app.fact_batch.MAX_BYTES`), narrower than the API's."""

Out = TypeVar("Out", bound=BaseModel)
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
Reader = Annotated[Principal, Depends(require(Perm.FACTS_READ))]
UnitFilter = Annotated[str | None, Query(max_length=100, description="only this unit's rows")]
PeriodFilter = Annotated[str | None, Query(max_length=10, description="2024-Q2 also matches its months")]

CHECK_ANSWERS: dict[int | str, dict[str, Any]] = {
    409: problem("需确认 (entry checks): errors lists the warnings; send again with confirm and a reason"),
    422: problem("invalid or refused (a date outside the scheme's years or in the future): never confirmable"),
}
"""The entry checks' answers (kaoping.app.entry_checks), listed in the OpenAPI document of every fact POST."""

DeletableKind = StrEnum("FactKind", [(kind.name, kind.value) for kind in ENTRY_ORDER])  # type: ignore[misc]
"""The kinds ``DELETE /api/{kind}/{row_id}`` takes: the fact kinds (units are not deleted here)."""


def _read(
    session: SessionDep,
    who: Principal,
    kind: str,
    out: type[Out],
    unit_id: str | None,
    period: str | None,
    limit: int,
    offset: int,
) -> list[Out]:
    """A unit reads its own unit's rows; scorers read the rows they wrote; the office reads all."""
    unit = unit_scope(who, unit_id, f"read {kind}")
    written_by = who.actor if reads_own_writes_only(who) else None
    stmt = fact_rows.query_rows(kind, unit_id=unit, period=period, written_by=written_by, limit=limit, offset=offset)
    return [out.model_validate(row, from_attributes=True) for row in session.scalars(stmt)]


def _write(
    ctx: CtxDep, session: SessionDep, who: Principal, kind: str, body: Confirmable, out: type[Out]
) -> Written[Out]:
    """Row-level rules, the office's schemes, the entry checks (422 refused, 409 to confirm), then
    ``write_facts`` — one transaction, committed here."""
    values: dict[str, Any] = body.model_dump(exclude={"reason", "confirm"})
    outcome = fact_rows.write_fact(ctx, session, who, kind, values, reason=body.reason, confirm=body.confirm)
    row = out.model_validate(outcome.row, from_attributes=True)
    return Written[out](action=outcome.action, row=row)  # type: ignore[valid-type]


def _typed(endpoint: Endpoint, name: str, **annotations: Any) -> Endpoint:
    """``endpoint`` under ``name`` with these parameter types: FastAPI reads types from the signature, and a
    generated endpoint's types (the kind's model, the kind's permission) are known only at run time."""
    signature = inspect.signature(endpoint)
    params = [p.replace(annotation=annotations.get(p.name, p.annotation)) for p in signature.parameters.values()]
    endpoint.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    endpoint.__name__ = endpoint.__qualname__ = name
    return endpoint


def _reader(spec: KindSpec, models: KindModels) -> Callable[..., list[RowMeta]]:
    def read(
        s: SessionDep,
        who: Reader,
        unit_id: UnitFilter = None,
        period: PeriodFilter = None,
        limit: Limit = 1000,
        offset: Offset = 0,
    ) -> list[RowMeta]:
        return _read(s, who, spec.name, models.row, unit_id, period, limit, offset)

    return _typed(read, f"get_{spec.name}")


def _writer(spec: KindSpec, models: KindModels) -> Callable[..., Written[RowMeta]]:
    def post(body: Confirmable, ctx: CtxDep, s: SessionDep, who: Principal) -> Written[RowMeta]:
        return _write(ctx, s, who, spec.name, body, models.row)

    writer = Annotated[Principal, Depends(require(Perm(spec.write_permission)))]
    key = "/".join(spec.natural_key)
    post.__doc__ = f"One row of {spec.label} ({spec.label_en.lower()}); posting the same {key} again updates it."
    return _typed(post, f"post_{spec.row_name}", body=models.body, who=writer)


class BatchOut(BaseModel):
    """A batch's outcome: how many rows were new, changed, or already as sent."""

    inserted: int
    updated: int
    unchanged: int


def _batcher(spec: KindSpec, models: KindModels) -> Callable[..., BatchOut]:
    rows = Annotated[list[models.body], Field(min_length=1, max_length=MAX_ROWS)]  # type: ignore[name-defined]
    batch = create_model(f"{spec.row_name.capitalize()}Batch", __base__=Reasoned, rows=(rows, ...))

    def post_batch(body: Any, ctx: CtxDep, s: SessionDep, who: Principal) -> BatchOut:
        values = [r.model_dump(exclude={"reason", "confirm"}) for r in body.rows]
        done = write_batch(ctx, s, who, spec.name, values, reason=body.reason)
        return BatchOut(inserted=done.inserted, updated=done.updated, unchanged=done.unchanged)

    writer = Annotated[Principal, Depends(require(Perm(spec.write_permission)))]
    post_batch.__doc__ = (
        f"Up to {MAX_ROWS} rows of {spec.label} in one request, checked like single rows and written all or none "
        "(a row needing confirmation refuses the batch: send it alone)."
    )
    return _typed(post_batch, f"post_{spec.name}_batch", body=batch, who=writer)


def _add_kind(spec: KindSpec) -> None:
    """``GET`` and ``POST /api/<kind>`` and ``POST /api/<kind>/batch``, typed with the kind's models."""
    models = FACT_MODELS[spec.name]
    path, row = f"/{spec.name}", models.row
    router.add_api_route(path, _reader(spec, models), methods=["GET"], response_model=list[row])  # type: ignore[valid-type]
    router.add_api_route(
        path,
        _writer(spec, models),
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        response_model=Written[row],  # type: ignore[valid-type]
        responses=CHECK_ANSWERS,
    )
    router.add_api_route(
        f"{path}/batch",
        _batcher(spec, models),
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        response_model=BatchOut,
        responses=CHECK_ANSWERS,
    )


for _kind in ENTRY_ORDER:
    _add_kind(spec_of(_kind))


def delete_fact(
    kind: StrEnum,
    row_id: RowId,
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.FACTS_DELETE))],
    reason: Annotated[str, Query(min_length=1, max_length=2000, description="why; kept in the audit trail")],
) -> Deleted:
    """Remove a wrong row; the audit trail keeps what it held, who removed it and why."""
    before = fact_rows.delete_row(s, kind.value, row_id, actor=who.actor, reason=reason)
    s.commit()
    return Deleted(kind=kind.value, id=row_id, row=before)


router.add_api_route("/{kind}/{row_id}", _typed(delete_fact, "delete_fact", kind=DeletableKind), methods=["DELETE"])
