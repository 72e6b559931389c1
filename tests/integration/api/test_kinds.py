"""The edges agree with the registry of kinds: the store's tables and natural keys, the API's models,
endpoints and permissions, the pages' names.

The API's fact models and endpoints are generated from the registry and the store reads its tables and keys
from it, so these tests guard the generators as much as the data: a column added to the contract without a
table column, a permission the policy does not know, a length the API and the database disagree on.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, get_args

import polars as pl
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Text, Time, inspect

from kaoping.api.models import (
    FACT_MODELS,
    TEXT_LIMIT,
    Confirmable,
    Reasoned,
    RowMeta,
    UnitFields,
    UnitIn,
    UnitUpdate,
)
from kaoping.api.roles import WRITE_KIND_PERMS, Perm, route_permission
from kaoping.api.routes_facts import router
from kaoping.facts import KINDS, UNIT_FACTS, KindSpec, spec_of
from kaoping.facts.columns import ROW, SCHEMAS, Column, Kind
from kaoping.store.facts import TABLES, natural_keys
from kaoping.web.entry_forms import FORM_KINDS, KIND_NAMES, RECENT_COLUMNS
from kaoping.web.i18n import catalog

SQL_TYPES: dict[Kind, tuple[type, ...]] = {
    Kind.TEXT: (String, Text),
    Kind.CHOICE: (String,),
    Kind.PERIOD: (String,),
    Kind.DATE: (Date,),
    Kind.TIME: (DateTime,),
    Kind.CLOCK: (Time,),
    Kind.NUMBER: (Numeric,),
    Kind.POINTS: (Numeric,),
    Kind.RANK: (Integer,),
    Kind.COUNT: (Integer,),
    Kind.FLAG: (Boolean,),
    Kind.TIMES: (Integer,),
}
"""What a store column of each column kind must be (written out here, not read from the code)."""

SAMPLE: dict[Kind, tuple[object, object]] = {
    Kind.TEXT: ("a", "b"),
    Kind.PERIOD: ("2024-05", "2024-06"),
    Kind.DATE: (date(2024, 5, 6), date(2024, 5, 7)),
    Kind.TIME: (datetime(2024, 5, 6, 9, 0), datetime(2024, 5, 6, 10, 0)),
    Kind.CLOCK: (time(9, 0), time(10, 0)),
    Kind.NUMBER: (1.0, 2.0),
    Kind.POINTS: (1.0, 2.0),
    Kind.RANK: (1, 2),
    Kind.COUNT: (0, 1),
    Kind.FLAG: (True, False),
    Kind.TIMES: (0, 1),
}
"""Two different good values of each column kind (choices take their first two choices)."""


def _values(column: Column) -> tuple[object, object]:
    if column.kind is Kind.CHOICE:
        return column.choices[0], column.choices[1]
    return SAMPLE[column.kind]


def _store_columns(spec: KindSpec) -> dict[str, Any]:
    return dict(inspect(TABLES[spec.name]).columns.items())


@pytest.mark.parametrize("spec", KINDS, ids=lambda s: s.name)
def test_each_kind_has_its_table_with_a_column_per_contract_column(spec: KindSpec) -> None:
    assert TABLES[spec.name].__tablename__ == spec.table
    stored = _store_columns(spec)
    for column in spec.columns:
        assert column.name in stored, f"{spec.table} has no column {column.name}"
        sql = stored[column.name]
        assert isinstance(sql.type, SQL_TYPES[column.kind]), (spec.name, column.name, sql.type)
        # an empty cell reads as None for these kinds (facts/columns.default_value); notices.points (原扣分, issue
        # #17) is the first optional number; a deduction's lat/lon (issue #16.5) the first optional signed ones
        optional_kinds = (Kind.DATE, Kind.TIME, Kind.CLOCK, Kind.POINTS, Kind.NUMBER)
        empty_is_none = not column.required and column.kind in optional_kinds
        assert sql.nullable == empty_is_none, (spec.name, column.name)


def test_units_are_keyed_by_their_id_and_facts_by_a_unique_natural_key_hash() -> None:
    units = spec_of("units")
    assert tuple(c.name for c in inspect(TABLES["units"]).primary_key) == units.natural_key
    for spec in UNIT_FACTS:
        assert _store_columns(spec)["nkey"].unique, spec.name


@pytest.mark.parametrize("spec", UNIT_FACTS, ids=lambda s: s.name)
def test_the_store_matches_rows_on_the_registrys_natural_key(spec: KindSpec) -> None:
    """Changing a key column makes another row; changing any other column updates the same row."""
    first = {c.name: _values(c)[0] for c in spec.columns} | {ROW: 2}

    def key(row: dict[str, object]) -> str:
        return str(natural_keys(spec.name, pl.DataFrame([row], schema=SCHEMAS[spec.name])).item(0))

    keyed_on = {c.name for c in spec.columns if key(first | {c.name: _values(c)[1]}) != key(first)}
    assert keyed_on == set(spec.natural_key)


def _field_names(model: type[BaseModel], base: type[BaseModel]) -> list[str]:
    return [name for name in model.model_fields if name not in base.model_fields]


def _check_fields(spec: KindSpec, model: type[BaseModel], base: type[BaseModel]) -> None:
    """``model`` has one field per column, required as the column is, bounded like the store's column."""
    assert _field_names(model, base) == list(spec.column_names), model.__name__
    stored = _store_columns(spec)
    for column in spec.columns:
        field = model.model_fields[column.name]
        assert field.is_required() == column.required, (model.__name__, column.name)
        if column.kind is Kind.CHOICE:  # an optional choice (回访结果) also takes "", as an empty cell
            empty = () if column.required else ("",)
            assert get_args(field.annotation) == (*column.choices, *empty), (model.__name__, column.name)
        elif column.kind in (Kind.TEXT, Kind.PERIOD):
            limit = next(m.max_length for m in field.metadata if getattr(m, "max_length", None) is not None)
            assert limit == (stored[column.name].type.length or TEXT_LIMIT), (model.__name__, column.name)


@pytest.mark.parametrize("spec", UNIT_FACTS, ids=lambda s: s.name)
def test_the_api_models_of_a_fact_kind_have_its_columns(spec: KindSpec) -> None:
    models = FACT_MODELS[spec.name]
    assert models.body.__name__ == f"{spec.row_name.capitalize()}In"
    assert models.row.__name__ == f"{spec.row_name.capitalize()}Out"
    _check_fields(spec, models.body, Confirmable)  # reason and confirm: the body's own fields
    _check_fields(spec, models.row, RowMeta)


def test_the_hand_written_unit_models_have_the_units_columns() -> None:
    units = spec_of("units")
    assert set(FACT_MODELS) == {s.name for s in UNIT_FACTS}
    _check_fields(units, UnitFields, BaseModel)
    _check_fields(units, UnitIn, Reasoned)
    assert _field_names(UnitUpdate, Reasoned) == [c for c in units.column_names if c not in units.natural_key]


def _routes() -> dict[tuple[str, str], APIRoute]:
    return {(m, r.path): r for r in router.routes if isinstance(r, APIRoute) for m in r.methods}


@pytest.mark.parametrize("spec", UNIT_FACTS, ids=lambda s: s.name)
def test_each_fact_kind_is_read_and_written_under_its_permission(spec: KindSpec) -> None:
    routes = _routes()
    read, write = routes["GET", f"/api/{spec.name}"], routes["POST", f"/api/{spec.name}"]
    assert route_permission(read) is Perm.FACTS_READ
    assert route_permission(write) is Perm(spec.write_permission) is WRITE_KIND_PERMS[spec.name]
    assert write.status_code == 201 and write.name == f"post_{spec.row_name}"
    assert write.body_field is not None and write.body_field.field_info.annotation is FACT_MODELS[spec.name].body


def test_openapi_names_every_kinds_models_and_the_deletable_kinds() -> None:
    app = FastAPI()
    app.include_router(router)
    spec = app.openapi()
    schemas = spec["components"]["schemas"]
    for kind in UNIT_FACTS:
        body = spec["paths"][f"/api/{kind.name}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body["$ref"].endswith(f"/{kind.row_name.capitalize()}In")
        assert list(schemas[f"{kind.row_name.capitalize()}Out"]["properties"])[3:] == list(kind.column_names)
    assert sorted(schemas["FactKind"]["enum"]) == sorted(s.name for s in UNIT_FACTS)
    assert Perm(spec_of("units").write_permission) is Perm.UNITS_WRITE


def test_the_pages_name_each_kind_as_the_registry_does() -> None:
    english = catalog("en")
    for spec in KINDS:
        assert KIND_NAMES[spec.name] == spec.label
        assert english[spec.label] == spec.label_en
    assert set(RECENT_COLUMNS) == set(FORM_KINDS) == {s.name for s in UNIT_FACTS}
    for kind, shown in RECENT_COLUMNS.items():
        assert set(shown) <= set(spec_of(kind).column_names), kind
