"""Request and response bodies of the fact endpoints (考评数据): one model per kind of the registry, field for column.

The fact models are generated from the registry of kinds (:mod:`kaoping.facts.kinds`): a field per column
of the interchange contract, typed and bounded by the column's kind, with the column sizes of
``kaoping.store.tables`` as length limits.  So a row the API accepts is a row an import would accept and
the database can hold (a too-long name is a 422 naming the field, not a PostgreSQL error), and a new
column reaches the API without anyone writing a model.  ``tests/integration/api/test_kinds.py`` checks
the generated and the hand-written (units) models against the registry and the tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar, cast

from fastapi import Path, Query
from pydantic import BaseModel, Field, WithJsonSchema, create_model
from sqlalchemy import String, inspect

from kaoping.api.errors import InputProblem
from kaoping.api.schemas import FromRow
from kaoping.facts import UNIT_FACTS, KindSpec
from kaoping.facts.columns import Column, Kind
from kaoping.store.facts import TABLES

Id = Annotated[str, Field(min_length=1, max_length=100)]
DB_INT_MAX = 2**31 - 1
"""The largest value of the store's INTEGER columns (ids, counts, ranks): every whole number the API takes is
bounded by it, so a huge one is a 422 naming the parameter, not a database error (a 500) — PostgreSQL
refuses anything past 2^31-1 in an INTEGER and past 2^63-1 in an OFFSET."""
RowId = Annotated[int, Path(ge=1, le=DB_INT_MAX, description="a row's id")]
"""A row id in the path (``/api/{kind}/{row_id}``, ``/api/results/{result_id}/...``)."""
Offset = Annotated[int, Query(ge=0, le=DB_INT_MAX, description="rows to skip")]
Limit = Annotated[int, Query(ge=1, le=10000, description="rows to return at most")]
TEXT_LIMIT = 2000
"""The longest free text (a note, a problem) the API takes for a column the store keeps as unbounded Text."""
DESCRIPTIONS = {
    ("scores", "period"): "2024-03, 2024-Q2 or 2024",
    ("scores", "source"): "the scorer; departments and third parties: themselves",
}
"""What a field means, where its name alone does not say it (shown in the OpenAPI document)."""


LocalTime = Annotated[
    dt.datetime,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$",
            "description": "the city's local time, as the case system records it: 2024-05-02T08:00:00",
        }
    ),
]
"""A case's time (reported, dispatched, closed): local wall time without a zone, as in cases.csv.  Declared
as a pattern, not as an RFC 3339 ``date-time``, which requires the offset such a time does not have."""


class Reasoned(BaseModel):
    reason: str = Field("", max_length=2000, description="why the change is made; kept in the audit trail")


# A fact row's body: entry checks may answer 409 with warnings (kaoping.app.entry_checks) that the caller
# accepts by sending the row again with ``confirm`` and a reason.
class Confirmable(Reasoned):
    confirm: bool = Field(
        False,
        description="我已核实，确认提交: accept the warnings of a 409 answer (needs a non-empty reason); "
        "refusals cannot be confirmed",
    )


class RowMeta(FromRow):
    """Where a stored row came from (``src_file`` 'api' for rows entered here)."""

    id: int
    src_file: str
    src_row: int


def store_length(kind: str, column: str) -> int | None:
    """The store's limit on a text column: its String length, :data:`TEXT_LIMIT` for Text, None otherwise."""
    stored = inspect(TABLES[kind]).columns
    if column not in stored:
        raise LookupError(f"table {kind} has no column {column}, which the interchange contract lists: migrate it")
    column_type = stored[column].type
    if isinstance(column_type, String):
        return column_type.length or TEXT_LIMIT
    return None


def _text(column: Column, length: int | None, description: str | None) -> tuple[Any, Any]:
    if column.required:
        return str, Field(min_length=1, max_length=length, description=description)
    return str, Field("", max_length=length, description=description)


def _optional(value_type: type, column: Column) -> tuple[Any, Any]:
    """A date or time: required, or None when absent (as an empty cell of the file)."""
    return (value_type, ...) if column.required else (value_type | None, None)


def field_of(kind: str, column: Column) -> tuple[Any, Any]:
    """The (type, default or FieldInfo) of ``column`` of ``kind``, as ``create_model`` takes it: the bounds a
    file's cell of that column kind has (:class:`~kaoping.facts.columns.Kind`), the store's length limits."""
    length = store_length(kind, column.name)
    description = DESCRIPTIONS.get((kind, column.name))
    match column.kind:
        case Kind.TEXT:
            return _text(column, length, description)
        case Kind.PERIOD:
            return str, Field(max_length=length, description=description)
        case Kind.CHOICE if column.required:
            return Literal[column.choices], ...
        case Kind.CHOICE:  # cases.satisfaction (回访): "" when not visited, like an empty cell
            return Literal[(*column.choices, "")], ""
        case Kind.DATE:
            return _optional(dt.date, column)
        case Kind.TIME:
            return _optional(LocalTime, column)
        case Kind.CLOCK:
            return _optional(dt.time, column)
        case Kind.NUMBER if not column.required:  # a deduction's lat/lon: None when absent, as an empty cell
            return float | None, Field(None, allow_inf_nan=False, description=description)
        case Kind.NUMBER:
            return float, Field(allow_inf_nan=False)
        case Kind.POINTS if column.required:
            return float, Field(ge=0, allow_inf_nan=False)
        case Kind.POINTS:  # notices.points (原扣分): None when absent, like an empty cell
            return float | None, Field(None, ge=0, allow_inf_nan=False)
        case Kind.RANK:
            return int, Field(ge=1, le=DB_INT_MAX)
        case Kind.COUNT | Kind.TIMES:
            return int, Field(0, ge=0, le=DB_INT_MAX)
        case Kind.FLAG:
            return bool, True


@dataclass(frozen=True)
class KindModels:
    """The API's two models of a kind: what a POST takes (``ScoreIn``) and what a row reads as (``ScoreOut``)."""

    body: type[Confirmable]
    row: type[RowMeta]


def _models(spec: KindSpec) -> KindModels:
    fields: dict[str, Any] = {c.name: field_of(spec.name, c) for c in spec.columns}
    stem = spec.row_name.capitalize()
    body = create_model(f"{stem}In", __base__=Confirmable, __module__=__name__, **fields)
    row = create_model(f"{stem}Out", __base__=RowMeta, __module__=__name__, **fields)
    return KindModels(body=cast("type[Confirmable]", body), row=cast("type[RowMeta]", row))


FACT_MODELS: dict[str, KindModels] = {spec.name: _models(spec) for spec in UNIT_FACTS}
"""Kind → its generated models, for every fact kind (units have the hand-written models below)."""

RowT = TypeVar("RowT", bound=BaseModel)


class Written(BaseModel, Generic[RowT]):
    """A write's outcome: ``insert`` (new natural key), ``update`` (same key, new values) or ``unchanged``."""

    action: Literal["insert", "update", "unchanged"]
    row: RowT


class Deleted(BaseModel):
    kind: str
    id: int
    row: dict[str, object]


# 考评对象 as the API reads and writes it.  Written by hand, unlike the fact models, because the admin routes
# name these as types; the registry test holds them to the contract all the same.  (A comment, not a
# docstring: pydantic would publish a docstring in the OpenAPI document.)
class UnitFields(FromRow):
    unit_id: Id
    name: str = Field(max_length=200, min_length=1)
    group: str = Field(max_length=100, min_length=1)
    reward_eligible: bool = True


class UnitIn(UnitFields, Reasoned): ...


class UnitUpdate(Reasoned):
    name: str = Field(max_length=200, min_length=1)
    group: str = Field(max_length=100, min_length=1)
    reward_eligible: bool = True


# Every error answer of the API (kaoping.api.errors): a 422 of request validation carries FastAPI's list of
# issues in ``detail``, every other answer a sentence; ``errors`` places the problems as file, row, column.
class ProblemOut(BaseModel):
    detail: str | list[dict[str, Any]]
    errors: list[InputProblem] = []


def problem(description: str) -> dict[str, Any]:
    """An error answer for a route's ``responses=``: its description, in the shape of :class:`ProblemOut`.
    (A route's entry replaces the app's entry for that status whole, so it must name the model again.)"""
    return {"model": ProblemOut, "description": description}


PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: problem(description)
    for code, description in (
        (400, "the request cannot be done as asked"),
        (401, "not signed in, or the token or session has expired"),
        (403, "the caller's role may not do this"),
        (404, "what the request names does not exist"),
        (409, "the state does not allow it now (or the store is busy: try again)"),
        (413, "the request body is too large"),
        (422, "invalid input: errors says where"),
    )
}
"""The error answers every /api endpoint may give, in the one shape of :class:`ProblemOut` (listed in the
OpenAPI document, so a client knows them and schemathesis holds the API to them)."""
