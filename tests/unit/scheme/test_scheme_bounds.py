"""A scheme file is bounded before it is parsed and its numbers after (issue 14, point 10): oversized files,
deep nesting, alias bombs, recursive aliases, 5,000-digit integers, infinite or astronomical numbers are
SchemeErrors with a message, never RecursionError, ValueError, InvalidOperation or a 1.7 GB expansion."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kaoping.scheme import SchemeError, load_scheme, parse_scheme
from kaoping.scheme.bounds import MAX_BYTES
from kaoping.scheme.loader import builtin_text

BASE = builtin_text("appearance-management") or ""
BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)


def problems(text: str) -> list[str]:
    with pytest.raises(SchemeError) as info:
        parse_scheme(text, "x.yaml")
    return info.value.problems


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (BILLION_LAUGHS + BASE, "别名展开过多"),
        (BASE + "\nnotes: " + "[" * 5000 + "]" * 5000 + "\n", "嵌套层数过多"),
        (BASE + "\nnotes: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n", "嵌套层数过多"),
        (BASE + "\nnotes: &r [*r]\n", "refers to the mapping or list that contains it"),
        (BASE.replace("max: 100\n", "max: " + "9" * 5000 + "\n", 1), "4300 digits"),
        (BASE + "\n# " + "x" * MAX_BYTES + "\n", "方案文件过大"),
    ],
    ids=["billion-laughs", "deep-list", "deep-map", "recursive-alias", "5000-digits", "too-big"],
)
def test_yaml_beyond_bounds_is_refused_quickly(text: str, why: str) -> None:
    start = time.monotonic()
    [problem] = problems(text)
    assert why in problem
    assert time.monotonic() - start < 5


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("max: 100\n", "max: 1e300\n", "total_max: 1E+300"),
        ("max: 100\n", "max: '1e300'\n", "total_max: 1E+300"),
        ("max: 100\n", "max: -1e30\n", "total_max: -1E+30"),
        ("weight: 30\n", "weight: 1e30\n", "parts[0] (整体卫生情况).weight: 1E+30"),
    ],
)
def test_numbers_beyond_a_billion_are_refused_naming_the_path(old: str, new: str, where: str) -> None:
    [problem] = problems(BASE.replace(old, new, 1))
    assert problem.startswith(where) and "数值超出范围" in problem


def test_counts_that_drive_loops_or_dates_are_bounded() -> None:
    text = builtin_text("street-village") or ""
    assert "consecutive: 2" in text
    [problem] = problems(text.replace("consecutive: 2", "consecutive: 1000000", 1))
    assert "consecutive" in problem and "less than or equal to 12" in problem
    demo = builtin_text("demo-city") or ""
    [problem] = problems(demo.replace("rectify_days: 5", "rectify_days: 999999999", 1))
    assert "rectify_days" in problem


def test_files_are_refused_unread_when_too_big_and_when_not_utf8(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(SchemeError, match="方案文件过大"):
        load_scheme(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(BASE.encode("gb18030"))
    with pytest.raises(SchemeError, match="UTF-8"):
        load_scheme(latin)


def test_long_values_are_cut_in_messages() -> None:
    [problem] = problems(BASE.replace("source: deductions", "source: " + "x" * 10_000, 1))
    assert "(got 'xxx" in problem and len(problem) < 300
