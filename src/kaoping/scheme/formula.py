"""User formulas (计算公式) in scheme files, evaluated safely with simpleeval.

Some plans define a part by a formula over other numbers (数字城管运行效果 from case rates).  The formula is
plain arithmetic text in the scheme file; names are checked when the scheme loads, so a typo is a load
error naming the scheme path, never a wrong score at the end of a quarter.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from decimal import Decimal

from simpleeval import SimpleEval

FUNCTIONS = {"min": min, "max": max, "abs": abs, "round": round}


class FormulaError(ValueError):
    """A formula that does not parse or names something unknown."""


def formula_names(text: str) -> set[str]:
    """Names a formula reads (functions excluded); raises FormulaError if it does not parse."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula does not parse: {exc.msg} in '{text}'") from exc
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
                raise FormulaError(f"only {', '.join(sorted(FUNCTIONS))} may be called in '{text}'")
        elif isinstance(node, ast.Name) and node.id not in FUNCTIONS:
            names.add(node.id)
    return names


def check_formula(text: str, known: set[str]) -> None:
    """Raise FormulaError naming the unknown names (and listing the known ones)."""
    unknown = formula_names(text) - known
    if unknown:
        raise FormulaError(
            f"formula '{text}' uses unknown name(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(known)) or '(none)'}"
        )


class _DecimalEval(SimpleEval):  # type: ignore[misc]
    """Reads number literals as Decimal so that ``x * 0.6`` stays exact (and Decimal * float never fails)."""

    def _eval_constant(self, node: ast.Constant) -> object:
        value = node.value
        if isinstance(value, float):
            return Decimal(str(value))
        return value


def evaluate(text: str, values: Mapping[str, Decimal]) -> Decimal:
    """Evaluate with exact decimals; the result is a Decimal."""
    evaluator = _DecimalEval(names=dict(values), functions=dict(FUNCTIONS))
    result = evaluator.eval(text)
    if isinstance(result, bool) or not isinstance(result, int | float | Decimal):
        raise FormulaError(f"formula '{text}' gave {result!r}, not a number")
    return result if isinstance(result, Decimal) else Decimal(str(result))
