"""The kept form of a result (engine/result_codec.py) gives back exactly the result it was made from: for every
built-in scheme, every period its example data covers, field by field (types included — a Decimal stays a
Decimal with its exact digits, an enum an enum, a tuple a tuple) and byte for byte when written again."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from enum import Enum
from pathlib import Path

import pytest
from pydantic import ValidationError

from examples_testing import FOLDERS, covered_periods
from kaoping.app.scoring import score_facts
from kaoping.engine import result_codec
from kaoping.engine.phrases import Msg
from kaoping.engine.result import Excluded, GroupResult, Line, LineKind, PeriodResult, UnitResult
from kaoping.io.readers import read_facts
from kaoping.scheme import load_scheme


def same(a: object, b: object, where: str = "result") -> list[str]:
    """Where ``a`` and ``b`` differ in value or in type, down to every field, item and key (empty: exactly equal)."""
    if type(a) is not type(b):
        return [f"{where}: {type(a).__name__} {a!r} ≠ {type(b).__name__} {b!r}"]
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return [] if str(a) == str(b) else [f"{where}: {a!r} ≠ {b!r}"]
    if dataclasses.is_dataclass(a):
        return [
            d for f in dataclasses.fields(a) for d in same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
        ]
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return [f"{where}: keys {list(a)} ≠ {list(b)}"]
        return [d for k in a for d in same(a[k], b[k], f"{where}[{k!r}]")]
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items ≠ {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in same(x, y, f"{where}[{i}]")]
    if isinstance(a, Enum | str | int | bool) or a is None:
        return [] if a == b else [f"{where}: {a!r} ≠ {b!r}"]
    return [f"{where}: unexpected type {type(a).__name__}"]


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_every_builtin_schemes_results_come_back_exactly(folder: Path) -> None:
    scheme = load_scheme(folder.name)
    facts = read_facts(folder)
    periods = covered_periods(facts, list(scheme.periods))
    assert periods
    decimals = 0
    for period in periods:
        result = score_facts(scheme, facts, str(period))
        data = result_codec.dump(result)
        back = result_codec.load(data)
        assert same(result, back) == [], f"{folder.name} {period}"
        assert result_codec.dump(back) == data
        lines = [ln for u in result.units() for ln in u.lines]
        decimals += sum(isinstance(v, Decimal) for ln in lines for v in ln.params.values())
    assert decimals, "no Decimal line parameter met: the tag is untested here"


def _odd_result() -> PeriodResult:
    """A result with the values most likely to change on the way: trailing zeros, -0, exponents, long digits,
    a string that reads like a number, True beside 1."""
    params = {"d": Decimal("1.50"), "s": "1.50", "i": 1, "b": True, "z": Decimal("-0"), "e": Decimal("1E+2")}
    line = Line("甲", LineKind.PART, Msg.SCORE_ROWS, params, Decimal("-3.250000"), "db:scores", (3, 1, 2), ("2024-Q1",))
    unit = UnitResult(
        "u1", "单位", "组", True, {"甲": Decimal("12345678901234567890.123456789")}, ["甲"], Decimal("0"),
        {"加分": Decimal("0.10")}, Decimal("99.990"), lines=[line], flags=["末位"], grade="优秀",
    )  # fmt: skip
    group = GroupResult("组", [unit], [dataclasses.replace(unit, unit_id="u2", rated=False, lines=[])])
    return PeriodResult("s", "2024-Q1", [group], [Excluded("db:deductions", 7, "u1", "时段外")], evaluated=True)


def test_odd_values_come_back_exactly() -> None:
    result = _odd_result()
    data = result_codec.dump(result)
    assert b'{"decimal":"1.50"}' in data and b'"s":"1.50"' in data
    back = result_codec.load(data)
    assert same(result, back) == []
    assert result_codec.dump(back) == data


def test_a_parameter_of_another_type_is_refused_not_written() -> None:
    result = _odd_result()
    bad = dataclasses.replace(result.groups[0].ranking[0].lines[0], params={"f": 1.5})
    result.groups[0].ranking[0].lines = [bad]
    with pytest.raises(Exception, match="float"):
        result_codec.dump(result)


def test_bytes_of_something_else_are_refused() -> None:
    data = result_codec.dump(_odd_result()).replace(b'{"decimal":"1.50"}', b'{"decimal":1.5}')
    with pytest.raises(ValidationError):
        result_codec.load(data)


KEPT_LAYOUT = {
    "PeriodResult": ["scheme: str", "period: str", "groups: list[GroupResult]", "excluded: list[Excluded]",
                     "evaluated: bool"],
    "GroupResult": ["group: str", "ranking: list[UnitResult]", "unrated: list[UnitResult]"],
    "UnitResult": ["unit_id: str", "name: str", "group: str", "reward_eligible: bool", "parts: dict[str, Decimal]",
                   "top_parts: list[str]", "bonus: Decimal", "bonus_detail: dict[str, Decimal]", "total: Decimal",
                   "penalty: Decimal", "base: Decimal", "rated: bool", "shown_total: Decimal", "rank: int",
                   "reward: int", "flags: list[str]", "lines: list[Line]", "grade: str | None"],
    "Line": ["part: str", "kind: LineKind", "key: Msg", "params: Params", "points: Decimal", "file: str",
             "rows: tuple[int, ...]", "periods: tuple[str, ...]"],
    "Excluded": ["file: str", "row: int", "unit_id: str", "reason: str"],
}  # fmt: skip
"""The result's layout that kept results of :data:`~kaoping.engine.result_codec.FORMAT` 1 were written in."""


def test_the_format_version_names_the_results_layout() -> None:
    """Kept bytes of an older layout would read back with a new field's default (a wrong number shown as
    published): a change of the result's fields must come with a new FORMAT (then older kept results are
    recomputed from their snapshots) — update this pin together with it."""
    classes = (PeriodResult, GroupResult, UnitResult, Line, Excluded)
    layout = {c.__name__: [f"{f.name}: {f.type}" for f in dataclasses.fields(c)] for c in classes}
    assert (result_codec.FORMAT, layout) == (1, KEPT_LAYOUT), "bump result_codec.FORMAT and this pin together"
