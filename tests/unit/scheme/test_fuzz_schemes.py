"""Fuzzing the scheme loader and the engine with mutated built-in schemes (issue 14, point 10).

Each example takes a built-in scheme that has an example folder (examples/<scheme>/), mutates its YAML —
deletes keys, swaps values for other types, inserts huge, negative, infinite or NaN numbers, deep nesting,
weird strings, formulas from a small grammar (``**``, lists, ``@``, attributes, lambdas, functions as
values) — then loads it, scores the folder's last period and writes the JSON and the workbook.  The only
outcomes allowed are a result or one of the errors the CLI turns into exit 2 with a message; anything else
(a traceback) or a hang fails.  The known crashers are the seed corpus, as explicit examples.

Fixed seed (``derandomize``) and a small ``max_examples``: the whole test runs in well under 30 s on two
cores, and a failure found here is found again on the next run.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from examples_testing import EXAMPLES, covered_periods
from fuzz_testing import FUZZ, mutated_bytes, no_hang
from kaoping.app.scoring import score_facts
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.errors import InputErrors
from kaoping.facts import Facts
from kaoping.io.readers import read_facts
from kaoping.output.document import result_json
from kaoping.output.workbook import write_workbook
from kaoping.scheme import SchemeError, builtin_names, load_scheme, parse_scheme
from kaoping.scheme.loader import builtin_text

DOCUMENTED = (SchemeError, InputErrors, UnsupportedPeriod)
"""What `kaoping score` maps to exit 2 with a message (commands/common.py) and a loaded scheme can raise."""
SCHEMES = [name for name in builtin_names() if (EXAMPLES / name).is_dir()]
SECONDS = 10
"""A hang is an example that takes this long (the slowest example folder scores in 0.05 s)."""

Case = tuple[str, str, dict[str, str]]
"""A scheme name, the mutated YAML, and group renames to apply to the example's units too."""


@cache
def _facts(name: str) -> tuple[Facts, str]:
    facts = read_facts(EXAMPLES / name)
    return facts, str(covered_periods(facts, [load_scheme(name).main_kind])[-1])


@cache
def _data(name: str) -> Any:
    return yaml.safe_load(builtin_text(name) or "")


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in the document, parents before children."""
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


NAMES = ["结案率", "按期处置率", "x", "min", "建成区绿化覆盖率", "True"]
ATOMS = st.sampled_from(
    ["0", "1", "100", "0.5", "-1", "1e308", "9", "'s'", "[1, 2]", "min", "(lambda: 1)", "1j", *NAMES]
)
FORMULAS = st.recursive(
    ATOMS,
    lambda sub: st.one_of(
        st.tuples(sub, st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "@", "<", "and", "<<"]), sub).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(["min", "max", "abs", "round", "int", "len"]), st.lists(sub, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.tuples(sub, sub, sub).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        sub.map(lambda s: f"[{s}]"),
        sub.map(lambda s: f"{s}.real"),
        sub.map(lambda s: f"-{s}"),
    ),
    max_leaves=10,
)
WEIRD_TEXT = ["", "/", "城区/街道", "[]:*?/\\", "'", "x" * 40, "History", "\t", "0", "yes", "2024-01-01", "1e300"]
KEYWORDS = ["sum", "formula", "weighted", "mean", "latest", "month", "quarter", "year", "scores", "cases", "NaN"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.sampled_from([0, -1, 10**9, 10**12, 2**63, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(WEIRD_TEXT + KEYWORDS),
    st.text(max_size=12),
    FORMULAS,
)
NUMBERS = st.one_of(
    st.integers(-(10**9), 10**9),
    st.floats(-1e9, 1e9),
    st.sampled_from([0, -1, 1, 2, 0.001, 10**9, 10**9 + 1, 1e-30]),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(
        st.sampled_from(["name", "max", "min", "source", "parts", "weight", "formula"]), SCALARS, max_size=3
    ),
    st.integers(1, 60).map(_nested),
)


@st.composite
def mutated(draw: st.DrawFn) -> Case:
    """A built-in scheme with one to three mutations."""
    name = draw(st.sampled_from(SCHEMES))
    data = copy.deepcopy(_data(name))
    renames: dict[str, str] = {}
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["delete", "replace", "replace", "number", "number", "formula", "group"]))
        if op == "group":  # a new group name, in the units too (reaches the workbook's sheet names)
            groups = data.get("groups")
            group = draw(st.sampled_from(groups)) if isinstance(groups, list) and groups else None
            if isinstance(group, dict) and isinstance(group.get("name"), str):
                new = draw(st.sampled_from(WEIRD_TEXT) | st.text(min_size=1, max_size=40))
                renames[group["name"]] = new
                group["name"] = new
            continue
        paths = list(_paths(data))
        if op == "formula":
            nodes = [p for p in paths if isinstance(_at(data, p), dict) and isinstance(_at(data, p).get("parts"), list)]
            if nodes:
                node = _at(data, draw(st.sampled_from(nodes)))
                node["combine"] = "formula"
                node["formula"] = draw(FORMULAS)
            continue
        if op == "number":  # another number where there was one: more mutants get past validation to the engine
            paths = [p for p in paths if isinstance(_at(data, p), int | float) and not isinstance(_at(data, p), bool)]
        if not paths:
            continue
        path = draw(st.sampled_from(paths))
        parent = _at(data, path[:-1])
        if op == "number":
            parent[path[-1]] = draw(NUMBERS)
        elif op == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(VALUES)
    return name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False), renames


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _with(name: str, old: str, new: str) -> str:
    text = builtin_text(name) or ""
    assert old in text, old
    return text.replace(old, new, 1)


GREEN = "min(100, 建成区绿化覆盖率 * 100 / 40)"
AM = "appearance-management"
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)


@settings(
    max_examples=150,
    derandomize=True,
    deadline=timedelta(seconds=SECONDS),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(mutated())
@example((AM, _with(AM, GREEN, '"建成区绿化覆盖率 ** 建成区绿化覆盖率 ** 建成区绿化覆盖率"'), {}))
@example((AM, _with(AM, GREEN, '"[建成区绿化覆盖率]"'), {}))
@example((AM, _with(AM, GREEN, '"建成区绿化覆盖率 @ 建成区绿化覆盖率"'), {}))
@example((AM, _with(AM, GREEN, "min"), {}))
@example((AM, _with(AM, GREEN, "建成区绿化覆盖率 * 1e308"), {}))
@example((AM, _with(AM, GREEN, '"10 ** (13 * (建成区绿化覆盖率 == 42))"'), {}))  # fails on a unit's 42 only
@example((AM, _with(AM, "max: 100\n", "max: -1e30\n"), {}))
@example((AM, _with(AM, "max: 100\n", "max: .inf\n"), {}))
@example((AM, _with(AM, "max: 100\n", "max: " + "9" * 5000 + "\n"), {}))
@example((AM, (builtin_text(AM) or "") + "\nnotes: " + "[" * 5000 + "]" * 5000 + "\n", {}))
@example((AM, LAUGHS + (builtin_text(AM) or ""), {}))
@example((AM, _with(AM, "  - name: 各区", '  - name: "城区/街道[一]"'), {"各区": "城区/街道[一]"}))
@example((AM, _with(AM, "  - name: 各区", "  - name: History"), {"各区": "History"}))
@example((AM, _with(AM, "source: deductions", "source: {a: 1}"), {}))
@example(("street-village", _with("street-village", "consecutive: 2", "consecutive: 1000000"), {}))
def test_mutated_scheme_scores_or_says_why(case: Case) -> None:
    name, text, renames = case
    facts, period = _facts(name)
    if renames:
        units = facts.units.with_columns(pl.col("group").replace(renames))
        facts = dataclasses.replace(facts, units=units)
    with no_hang(SECONDS):
        try:
            scheme = parse_scheme(text, "fuzz.yaml")
            result = score_facts(scheme, facts, period)
            json.loads(result_json(scheme, result))
            with tempfile.TemporaryDirectory() as folder:
                write_workbook(scheme, result, Path(folder) / "book.xlsx")
        except DOCUMENTED as exc:
            assert str(exc).strip(), "a documented error says why"


@settings(FUZZ, max_examples=300)
@given(st.sampled_from(builtin_names()).flatmap(lambda name: mutated_bytes((builtin_text(name) or "").encode())))
@example(b"\xff\xfe" + (builtin_text(AM) or "").encode("utf-16-le"))  # a UTF-16 file, as Notepad may save it
@example(b"\x00" * 100)
@example(b"scheme: [")
def test_a_scheme_file_of_mutated_bytes_loads_or_says_why(data: bytes) -> None:
    """The loader's own path (scheme/loader.py): a file's bytes, as the office's editor may have left them —
    not UTF-8, cut short, a BOM or NUL inside, a key or an indentation broken — load or raise SchemeError."""
    with tempfile.TemporaryDirectory() as folder, no_hang():
        path = Path(folder) / "scheme.yaml"
        path.write_bytes(data)
        try:
            load_scheme(path)
        except SchemeError as exc:
            assert exc.problems and all(p.strip() for p in exc.problems), exc
