"""Parts and flag conditions are read from the same flat keys into their types; a key of another kind is
named at load with what it belongs to; the one reader of scheme text resolves names and paths."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kaoping.engine.phrases import Msg, phrase
from kaoping.scheme import SchemeError, builtin_text, load_scheme, parse_scheme, scheme_text
from kaoping.scheme.model import (
    CasesLeaf,
    DeductionsLeaf,
    FailedVerifications,
    FirstInGroup,
    FlaggedEarlier,
    LastInGroup,
    Node,
    OutsideRankWorse,
    ScoresLeaf,
    TotalBelow,
)

BASE = """
scheme: test
title: 测试方案
periods: {month: {}}
groups: [{name: 村居, size: 3, items: [道路保洁]}, {name: 保洁公司}]
"""


def problems(extra: str) -> list[str]:
    with pytest.raises(SchemeError) as info:
        parse_scheme(BASE + extra, "test.yaml")
    return info.value.problems


def test_parts_are_read_into_their_kinds() -> None:
    s = parse_scheme(
        BASE
        + """
parts:
  - {name: 评分, max: 10, source: scores, combine: sum, parts: []}
  - {name: 扣分, max: 10, source: deductions, item_cap: 2}
  - {name: 案卷, max: 10, source: cases, formula: 结案率 * 10}
  - {name: 合计, max: 10, parts: [{name: a, max: 5, source: scores}, {name: b, max: 5, source: scores}]}
""",
        "t.yaml",
    )
    kinds = [type(p) for p in s.all_parts()]
    assert kinds == [ScoresLeaf, DeductionsLeaf, CasesLeaf, Node, ScoresLeaf, ScoresLeaf]
    assert [p.name for p in s.leaves_of(ScoresLeaf)] == ["评分", "a", "b"]
    assert [p.name for p in s.leaves()] == ["评分", "扣分", "案卷", "a", "b"]
    assert s.root("村居").parts == s.parts and not s.root().is_leaf


def test_a_key_of_another_kind_is_named_with_its_owner() -> None:
    got = problems(
        """
parts:
  - {name: 日常检查, max: 10, source: scores, item_cap: 3}
  - {name: 扣分, max: 10, source: deductions, formula: a}
  - {name: 合计, source: scores, parts: [{name: a, source: scores}]}
"""
    )
    assert got == [
        "parts[0] (日常检查).item_cap: 'item_cap' applies to deductions parts only; this is a scores part",
        "parts[1] (扣分).formula: combine/formula only apply to a part with sub-parts (or a cases part)",
        "parts[2] (合计).source: a part with sub-parts takes its value from them, not from a file",
    ]


def test_flag_conditions_are_read_from_their_flat_key() -> None:
    s = parse_scheme(
        BASE
        + """
parts: [{name: P, max: 10, source: scores}]
flags:
  - {code: statement}
  - {code: commended, top: 1, label: 通报表扬}
  - {code: below_standard, below: 60}
  - {code: supervision, flagged: statement, consecutive: 2}
  - {code: warning, rank: {task: 环卫一体化, worse_than: 3}, groups: [保洁公司]}
  - {code: unqualified_cases, failed_verifications: "true"}
  - {code: last_two, bottom: 2, failed_verifications: false, top: null}
""",
        "t.yaml",
    )
    conditions = [f.condition for f in s.flags]
    assert conditions == [
        LastInGroup(bottom=1),
        FirstInGroup(top=1),
        TotalBelow(below=Decimal(60)),
        FlaggedEarlier(flagged="statement"),
        OutsideRankWorse.model_validate({"rank": {"task": "环卫一体化", "worse_than": 3}}),
        FailedVerifications(),
        LastInGroup(bottom=2),
    ]
    assert s.flags[1].label == "通报表扬" and s.flags[0].label is None
    base = {"code": "x", "consecutive": 1, "flagged": "", "task": ""}
    assert [phrase(Msg.FLAG, {**base, **c.params()}) for c in conditions[:5]] == [
        "x: last",
        "x: first",
        "x: total below 60",
        "x: flagged statement",
        "x: 环卫一体化 rank worse than 3",
    ]


def test_two_conditions_are_reported_with_the_whole_document_checks() -> None:
    got = problems(
        """
parts: [{name: P, max: 10, source: deductions}, {name: Q}]
flags: [{code: warning, bottom: 1, top: 2}, {code: x, bottom: 0}]
"""
    )
    assert got == [
        "flags[1] (x).bottom: Input should be greater than or equal to 1 (got 0)",
    ]
    got = problems("parts: [{name: P, source: deductions}, {name: Q}]\nflags: [{code: warning, bottom: 1, top: 2}]\n")
    assert got[0].startswith("parts[0] (P).max: a deduction part needs its maximum")
    assert got[1].startswith("parts[1] (Q).source: a part without sub-parts needs a source")
    conditions = "bottom, top, below, flagged, rank, failed_verifications or grade"
    assert got[2] == f"flags[0] (warning): give one condition ({conditions}), not several"


def test_one_reader_of_scheme_text(tmp_path: Path) -> None:
    text, label = scheme_text("city-1000")
    assert label == "builtin:city-1000" and text == builtin_text("city-1000") and "scheme: city-1000" in text
    path = tmp_path / "city-1000.yaml"
    path.write_text(text, encoding="utf-8")
    assert scheme_text(path) == (text, str(path))
    assert load_scheme(path) == load_scheme("city-1000")
    with pytest.raises(SchemeError, match="no such scheme file or built-in scheme"):
        scheme_text(tmp_path / "missing.yaml")
    assert builtin_text("no-such-scheme") is None
