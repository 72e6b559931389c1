"""Posted rows checked against sets precomputed per scheme (kaoping.app.row_checks) give exactly the answer of
the whole-file check ``check_facts`` on the same rows and their units: the same problems, in the same order,
with the same Chinese and English texts — on random rows of every built-in scheme (hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.app.row_checks import check_rows, scheme_sha, sets_for
from kaoping.engine.consistency import check_facts
from kaoping.errors import InputErrors
from kaoping.facts import FILE_NAMES, facts_of
from kaoping.facts.columns import ROW, SCHEMAS, empty_frame
from kaoping.scheme.loader import builtin_names, load_scheme
from kaoping.scheme.model import Scheme, Source

SCHEMES = {name: load_scheme(name) for name in builtin_names()}
UNITS = {"u1": 0, "u2": 1, "u3": None}
"""unit id → which of the scheme's groups it is in (None: a group the scheme does not have)."""


def _group(scheme: Scheme, unit: str) -> str:
    index = UNITS[unit]
    return "别的组" if index is None else scheme.groups[index % len(scheme.groups)].name


def _reference(scheme: Scheme, kind: str, frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    """``check_facts`` on the rows' file and the units they name, as ``kaoping.app.facts`` ran it before."""
    frames = {name: empty_frame(name) for name in FILE_NAMES}
    labels = {name: f"db:{name}" for name in FILE_NAMES} | {kind: f"api:{kind}"}
    if kind == "units":
        frames["units"] = frame
    else:
        named = {u for u in frame.get_column("unit_id").to_list() if u is not None}
        units = [(u, u, _group(scheme, u), True, 1) for u in sorted(named)]
        frames["units"] = pl.DataFrame(units, schema=SCHEMAS["units"], orient="row")
        frames[kind] = frame
    try:
        check_facts(scheme, facts_of(frames, labels))
    except InputErrors as exc:
        return [(e.file, e.row, e.column, e.message, e.message_en) for e in exc.errors]
    return []


def _fast(scheme: Scheme, kind: str, frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    labels = {name: f"db:{name}" for name in FILE_NAMES} | {kind: f"api:{kind}"}
    rows = frame.rows(named=True)
    groups = {} if kind == "units" else {r["unit_id"]: _group(scheme, r["unit_id"]) for r in rows if r["unit_id"]}
    errors = check_rows(sets_for(scheme), kind, rows, groups, labels)
    return [(e.file, e.row, e.column, e.message, e.message_en) for e in errors]


def _words(scheme: Scheme) -> tuple[list[str], list[str]]:
    """Part names (own, aliases, of every source, bonus names, a stranger) and items (of groups and rules)."""
    parts = ["不存在的项目", *(n for p in scheme.all_parts() for n in p.names())]
    parts += [n for r in scheme.bonus.rules for n in getattr(r, "names", list)()]
    items = ["", "不存在的细项", *(i for g in scheme.groups for i in g.items)]
    items += [i for p in scheme.leaves() if isinstance(getattr(p, "items", None), list) for i in p.items]  # type: ignore[union-attr]
    return parts, [*items, *parts[:6]]


@st.composite
def _case(draw: st.DrawFn) -> tuple[str, str, pl.DataFrame]:
    name = draw(st.sampled_from(sorted(SCHEMES)))
    scheme = SCHEMES[name]
    kind = draw(st.sampled_from(["scores", "scores", "deductions", "deductions", "units", "cases", "ranks"]))
    parts, items = _words(scheme)
    unit = st.sampled_from(["u1", "u1", "u1", "u2", "u2", "u3"])  # u3: in a group the scheme lacks, now and then
    source = Source.SCORES if kind == "scores" else Source.DEDUCTIONS
    leaves = [n for p in scheme.leaves() if p.source == source for n in p.names()] or parts
    part = st.sampled_from(leaves) | st.sampled_from(leaves) | st.sampled_from(parts)  # mostly its own leaves
    text = st.text(alphabet="ab", min_size=1, max_size=2)
    rows = []
    for i in range(1, draw(st.sampled_from([1, 1, 1, 2, 4])) + 1):
        row: dict[str, Any] = {ROW: i, "unit_id": draw(unit)}
        if kind in ("scores", "deductions"):
            item = st.sampled_from(["", *items[:4]]) | st.sampled_from(items) | st.none()
            row |= {"part": draw(part), "item": draw(item)}
        if kind == "scores":
            row["period"] = draw(st.sampled_from(["2024-03", "2024-Q2", "2024"]))
            odd = st.sampled_from([-1.0, 40.0, 100.0, 128.0, 1000.0, 5000.0])
            row["score"] = draw(st.sampled_from([0.0, 2.5, 10.0]) | odd)
        elif kind == "deductions":
            row |= {"date": None, "points": 1.0, "source": "督查", "problem": draw(text)}
        elif kind == "units":
            groups = [g.name for g in scheme.groups]
            row |= {"unit_id": draw(text), "name": "单位", "group": draw(st.sampled_from([*groups, "别的组"]))}
        elif kind == "cases":
            row["case_id"] = draw(text)
        else:
            row |= {"period": "2024-Q2", "task": draw(text), "rank": 1}
        rows.append({c: row.get(c) for c in SCHEMAS[kind]})
    return name, kind, pl.DataFrame(rows, schema=SCHEMAS[kind])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_case())
def test_the_precomputed_sets_answer_as_the_file_check(case: tuple[str, str, pl.DataFrame]) -> None:
    name, kind, frame = case
    assert _fast(SCHEMES[name], kind, frame) == _reference(SCHEMES[name], kind, frame)


@pytest.mark.parametrize("name", ["city-1000", "demo-city", "street-office"])
def test_every_leaf_in_and_out_of_its_range_and_period_kind(name: str) -> None:
    """Hand-picked rows per scores leaf: its own period kind and maximum (accepted), one above, a wrong kind."""
    scheme = SCHEMES[name]
    rows = []
    for leaf in (p for p in scheme.leaves() if p.source == Source.SCORES):
        top = float(getattr(leaf, "row_max", None) or leaf.max or Decimal(100))
        for period in ("2024-03", "2024-Q2", "2024"):
            for score in (top, top + 0.5):
                rows.append({"period": period, "unit_id": "u1", "part": leaf.name, "item": "", "score": score})
    table = [{c: r.get(c) for c in SCHEMAS["scores"]} | {ROW: i} for i, r in enumerate(rows, 1)]
    frame = pl.DataFrame(table, schema=SCHEMAS["scores"])
    assert rows, f"{name} has scores leaves"
    assert _fast(scheme, "scores", frame) == _reference(scheme, "scores", frame)
    for one in frame.iter_slices(1):
        assert _fast(scheme, "scores", one) == _reference(scheme, "scores", one)


def test_the_sets_are_kept_per_scheme_name_and_sha() -> None:
    scheme = SCHEMES["city-1000"]
    assert sets_for(scheme) is sets_for(scheme)
    changed = scheme.model_copy(update={"title": scheme.title + "（修订）"})
    assert scheme_sha(changed) != scheme_sha(scheme)
    assert sets_for(changed) is not sets_for(scheme)


@pytest.mark.parametrize("name", ["city-1000", "demo-city", "street-office"])
def test_a_half_year_row_is_said_as_the_file_check_says_it(name: str) -> None:
    """A half-year period on a leaf given per another kind: the single-row check names the wrong kind in the
    file check's words (both through ``wrong_period_kind``; the row check once had no name for 半年 and failed)."""
    scheme = SCHEMES[name]
    leaves = [p for p in scheme.leaves() if p.source == Source.SCORES]
    given = [(p.name, kind.value) for p in leaves if (kind := getattr(p, "given_per", None)) is not None]
    rows = [{"period": "2024-H1", "unit_id": "u1", "part": part, "item": "", "score": 0.0} for part, _ in given]
    table = [{c: r.get(c) for c in SCHEMAS["scores"]} | {ROW: i} for i, r in enumerate(rows, 1)]
    frame = pl.DataFrame(table, schema=SCHEMAS["scores"])
    said = _fast(scheme, "scores", frame)
    assert said == _reference(scheme, "scores", frame)
    assert len([s for s in said if "半年" in s[3]]) == len([k for _, k in given if k != "half"]) > 0


def test_a_half_year_part_given_a_quarter_is_said_as_the_file_check_says() -> None:
    """governance-targets-2023 scores per half-year (半年): a posted quarter is refused with 半年 in the text
    (the precomputed sets once knew only month, quarter and year, and failed on a half-year part)."""
    scheme = SCHEMES["governance-targets-2023"]
    row = {"period": "2023-Q1", "unit_id": "u1", "part": "实地检查", "item": "", "score": 80.0, "source": None}
    frame = pl.DataFrame([{**row, "note": None, ROW: 2}], schema=SCHEMAS["scores"])
    fast = _fast(scheme, "scores", frame)
    assert fast == _reference(scheme, "scores", frame)
    assert [e[3] for e in fast] == ["“实地检查”按半年评分，“2023-Q1”是季度"]
