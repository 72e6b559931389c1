"""The registry of kinds (数据类别) agrees with the interchange contract and with the typed Facts."""

from __future__ import annotations

from dataclasses import fields

import pytest

from kaoping.facts import FILE_NAMES, KINDS, UNIT_FACTS, FactKind, Facts, spec_of
from kaoping.facts.columns import FILES, Kind
from kaoping.facts.kinds import ENTRY_ORDER


def test_every_kind_is_one_interchange_file_and_one_field_of_facts() -> None:
    assert tuple(FILES) == FILE_NAMES == tuple(FactKind)
    assert [
        f.name for f in fields(Facts) if f.name not in ("labels", "case_cells", "deduction_cells", "headers")
    ] == list(FILE_NAMES)
    assert [s.name for s in UNIT_FACTS] == [n for n in FILE_NAMES if n != "units"]


def test_natural_keys_and_time_columns_are_columns_of_their_file() -> None:
    for spec in KINDS:
        assert spec.natural_key and set(spec.natural_key) <= set(spec.column_names), spec.name
        assert len(set(spec.natural_key)) == len(spec.natural_key), spec.name
        assert spec.time_column is None or spec.time_column in spec.column_names, spec.name
    times = {spec.name: next(c for c in spec.columns if c.name == spec.time_column) for spec in UNIT_FACTS}
    assert {n: c.kind for n, c in times.items()} == {
        "scores": Kind.PERIOD,
        "deductions": Kind.DATE,
        "honors": Kind.DATE,
        "notices": Kind.DATE,
        "cases": Kind.TIME,
        "ranks": Kind.PERIOD,
    }
    assert all(c.required for c in times.values()), "a row with no time could not be placed in a period"


def test_every_fact_kind_has_a_form_and_a_distinct_name() -> None:
    assert sorted(ENTRY_ORDER) == sorted(s.kind for s in UNIT_FACTS) and len(set(ENTRY_ORDER)) == len(ENTRY_ORDER)
    for attribute in ("label", "label_en", "row_name", "table", "write_permission"):
        values = [getattr(s, attribute) for s in KINDS]
        assert len(set(values)) == len(values), attribute
    assert all(spec.write_permission == f"{spec.name}.write" for spec in KINDS)


def test_spec_of_takes_a_name_or_the_enum_and_refuses_anything_else() -> None:
    assert spec_of("cases") is spec_of(FactKind.CASES)
    assert spec_of("cases").natural_key == ("case_id",)
    with pytest.raises(KeyError):
        spec_of("appeals")  # appeals are kept, but they are not a kind of interchange data
