"""结果的保存格式: a :class:`~kaoping.engine.result.PeriodResult` as JSON bytes and back, exactly.

A published period is read far more often than it is computed, and recomputing it means unpacking its facts
snapshot (millions of rows at a big city) and scoring them again; so the result itself is kept, typed and
versioned, and read back in one step.  Pydantic v2 does the work from the dataclasses' own annotations —
Decimals as their exact text (``"1.50"`` stays ``Decimal("1.50")``), enums by value, tuples as tuples —
with one addition: an explanation line's parameters are ``str | int | Decimal | bool``, and a Decimal written
as text would come back as a string, so in this format a Decimal parameter is written ``{"decimal": "1.50"}``.
Any other type there is refused, never written as something it would not come back as.

:data:`FORMAT` names this layout; a kept result written in another one is not read (the caller recomputes),
so a change of the result's shape bumps it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter
from pydantic_core import SchemaSerializer, SchemaValidator, core_schema

from kaoping.engine.phrases import Param
from kaoping.engine.result import Line, PeriodResult

__all__ = ["FORMAT", "dump", "load"]

FORMAT = 1
"""The layout of the bytes :func:`dump` writes (1: PeriodResult's dataclasses, Decimal line parameters tagged)."""

_DECIMAL = "decimal"


def _tag(value: object) -> object:
    """A line parameter as JSON keeps it apart: a Decimal tagged, str, int and bool as they are."""
    if isinstance(value, Decimal):
        return {_DECIMAL: str(value)}
    if isinstance(value, bool | int | str):
        return value
    raise TypeError(f"line parameter of type {type(value).__name__} has no kept form: {value!r}")


def _untag(value: object) -> Param:
    """A line parameter as :func:`_tag` wrote it."""
    if isinstance(value, dict) and set(value) == {_DECIMAL} and isinstance(value[_DECIMAL], str):
        return Decimal(value[_DECIMAL])
    if isinstance(value, bool | int | str):
        return value
    raise ValueError(f"not a kept line parameter: {value!r}")


_PARAM = core_schema.no_info_plain_validator_function(
    _untag, serialization=core_schema.plain_serializer_function_ser_schema(_tag, when_used="json")
)


def _with_tagged_params(schema: Any, found: list[bool]) -> Any:
    """``schema`` (pydantic's for PeriodResult) with the values of :class:`Line`'s ``params`` read and written
    by :func:`_untag` / :func:`_tag`; ``found`` records that the field was met."""
    if isinstance(schema, list):
        return [_with_tagged_params(s, found) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") == "dataclass" and schema.get("cls") is Line:
        args = schema["schema"]
        fields = []
        for f in args["fields"]:
            if f["name"] == "params":
                f = {**f, "schema": {**f["schema"], "values_schema": _PARAM}}
                found.append(True)
            fields.append(f)
        return {**schema, "schema": {**args, "fields": fields}}
    return {k: _with_tagged_params(v, found) for k, v in schema.items()}


def _schema() -> Any:
    found: list[bool] = []
    schema = _with_tagged_params(TypeAdapter(PeriodResult).core_schema, found)
    if found != [True]:  # a pydantic release laid the schema out otherwise: fail here, not with wrong bytes
        raise RuntimeError("PeriodResult's schema has no single Line.params field to tag")
    return schema


_SCHEMA = _schema()
_SERIALIZER = SchemaSerializer(_SCHEMA)
_VALIDATOR = SchemaValidator(_SCHEMA)


def dump(result: PeriodResult) -> bytes:
    """``result`` as the JSON bytes of :data:`FORMAT` (the same result, the same bytes)."""
    return _SERIALIZER.to_json(result, warnings="error")


def load(data: bytes) -> PeriodResult:
    """The result :func:`dump` wrote as ``data`` (pydantic's ValidationError if they are not such bytes)."""
    result = _VALIDATOR.validate_json(data)
    assert isinstance(result, PeriodResult)
    return result
