"""Formulas are bounded and arithmetic only: every known crasher (issue 14, point 10) is a SchemeError at load
naming the part and the formula, or — when only a unit's numbers trip it — a FormulaError the engine turns
into bad input; never NumberTooHigh, FeatureNotAvailable, MemoryError, RecursionError or infinity."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kaoping.scheme import SchemeError, parse_scheme
from kaoping.scheme.formula import FormulaError, check_formula, evaluate
from kaoping.scheme.loader import builtin_text

GREEN = "min(100, 建成区绿化覆盖率 * 100 / 40)"


def load_with(formula: str) -> None:
    text = builtin_text("appearance-management") or ""
    assert GREEN in text
    parse_scheme(text.replace(GREEN, json.dumps(formula, ensure_ascii=False)), "x.yaml")


@pytest.mark.parametrize(
    ("formula", "why"),
    [
        ("建成区绿化覆盖率 ** 建成区绿化覆盖率 ** 建成区绿化覆盖率", "结果超出范围"),
        ("9 ** 9 ** 9", "指数过大"),
        ("建成区绿化覆盖率 + " + "9" * 450, "结果超出范围"),
        ("[建成区绿化覆盖率]", "'List' is not arithmetic"),
        ("max([1, 2])", "'List' is not arithmetic"),
        ("建成区绿化覆盖率 @ 建成区绿化覆盖率", "'@' is not arithmetic"),
        ("建成区绿化覆盖率 << 3", "'<<' is not arithmetic"),
        ("min", "function min used as a value"),
        ("max(建成区绿化覆盖率, key=abs)", "plain arguments"),
        ("建成区绿化覆盖率.real", "'Attribute' is not arithmetic"),
        ("(lambda: 1)()", "may be called"),
        ("'x' * 10", "not a number"),
        ("1j", "not a number"),
        ("1e999", "not a finite number"),
        ("1 < 2", "not a number"),
        ("建成区绿化覆盖率 * 1e308", "结果超出范围"),
        ("round(建成区绿化覆盖率, 99999999)", "0 to 10 decimals"),
        ("(建成区绿化覆盖率 - 50) ** 0.5", "无法计算"),
        ("-" * 100_000 + "1", "公式过长"),
        ("+".join(["建成区绿化覆盖率"] * 3_000), "公式过长"),
        ("+".join(["1"] * 240), "too complex"),
        ("(" * 40 + "1" + ")" * 40 + "+ 建成区绿化覆盖率", ""),
    ],
)
def test_crashers_are_scheme_errors_naming_part_and_formula(formula: str, why: str) -> None:
    if not why:  # deep but legal nesting of one number is fine (Python's parser caps it below our depth)
        load_with(formula)
        return
    with pytest.raises(SchemeError) as info:
        load_with(formula)
    [problem] = info.value.problems
    assert problem.startswith("parts[1] (绿化覆盖率).formula: ")
    assert why in problem


def test_division_by_zero_at_load_is_not_an_error() -> None:
    check_formula("100 / x", {"x"}, [{"x": Decimal(0)}, {"x": Decimal(1)}])
    with pytest.raises(ZeroDivisionError):
        evaluate("100 / x", {"x": Decimal(0)})
    for text in ("x % 0", "x // 0", "0 ** -1"):
        with pytest.raises(ZeroDivisionError):
            evaluate(text, {"x": Decimal(3)})


def test_values_stay_exact_decimals_and_bounded() -> None:
    assert evaluate("x * 0.6 + 2 ** 3", {"x": Decimal("0.1")}) == Decimal("8.06")
    # round is half-up (四舍五入, issue 19): 7.25 → 7.3 (half-to-even gave 7.2), + 1
    assert evaluate("round(x, 1) + (1 if x > 5 else 0)", {"x": Decimal("7.25")}) == Decimal("8.3")
    assert evaluate("7 / 2", {}) == Decimal("3.5")
    with pytest.raises(FormulaError, match="结果超出范围"):
        evaluate("x * x * x", {"x": Decimal(100_000)})
    with pytest.raises(FormulaError, match="min"):
        evaluate("min()", {})
