"""User formulas (计算公式) in scheme files, evaluated safely with simpleeval.

Some plans define a part by a formula over other numbers (数字城管运行效果 from case rates).  The formula is
plain arithmetic text in the scheme file; names are checked when the scheme loads, so a typo is a load
error naming the scheme path, never a wrong score at the end of a quarter.

A formula is arithmetic over numbers and nothing else, and it is bounded before it is run: its length, its
number of syntax nodes and its nesting (a file is written by hand or uploaded, and ``9 ** 9 ** 9`` or a
20,000-term sum must be a message, not a hung or crashed process).  Only the constructs of arithmetic are
accepted (no lists, attributes, lambdas, strings, ``@`` or bit operators: simpleeval would refuse some
only when a unit's score is computed, and Python would give nonsense for others), every number is a
Decimal, exponents are small and results beyond :data:`MAX_MAGNITUDE` are refused — so the engine never
sees infinity, NaN or a 10,000-digit integer.
"""

from __future__ import annotations

import ast
import decimal
import math
import operator
import threading
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from simpleeval import DEFAULT_OPERATORS, InvalidExpression, SimpleEval

MAX_LENGTH = 500
"""Characters in one formula (the built-in ones are under 100)."""
MAX_NODES = 200
"""Syntax nodes in one formula: bounds the work of checking and evaluating it."""
MAX_DEPTH = 30
"""Nesting of a formula's syntax tree: evaluation is recursive, and the stack is not the place to find out."""
MAX_EXPONENT = 100
"""Largest exponent of ``**`` (simpleeval's own MAX_POWER, four million, still lets ``99 ** 4000000`` run)."""
MAX_MAGNITUDE = Decimal(10) ** 12
"""No formula value (intermediate or final) is larger than this: scores are points, not astronomy."""


class FormulaError(ValueError):
    """A formula that does not parse, names something unknown or cannot give a number."""


def _checked(x: Any) -> Any:
    """A number within :data:`MAX_MAGNITUDE` (booleans pass: a comparison may feed an if-expression)."""
    if isinstance(x, Decimal) and (not x.is_finite() or abs(x) > MAX_MAGNITUDE):
        raise FormulaError(f"a value beyond ±10^12 ({x:.6E}) — 结果超出范围")
    return x


def _binary(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """An operator whose every result is bounded: a long product overflows here, named, not at the end."""

    def apply(a: Any, b: Any) -> Any:
        return _checked(op(a, b))

    return apply


def _dividing(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Division by zero is ZeroDivisionError for every kind of division (Decimal's ``x % 0`` is not)."""

    def apply(a: Any, b: Any) -> Any:
        if b == 0:
            raise ZeroDivisionError("division by zero")
        return _checked(op(a, b))

    return apply


def _power(a: Any, b: Any) -> Any:
    """``**`` with a small exponent, in decimals: simpleeval's own bound (four million) still lets ``99 ** 4000000``
    run for seconds and make a number too long to print."""
    if b == 0:
        return Decimal(1)  # 0 ** 0 is 1, as in Python (Decimal calls it undefined)
    if a == 0 and b < 0:
        raise ZeroDivisionError("0 to a negative power")
    if abs(b) > MAX_EXPONENT:
        raise FormulaError(f"exponent {b} is beyond {MAX_EXPONENT} — 指数过大")
    return _checked(Decimal(a) ** Decimal(b))


def _round(x: Any, ndigits: Any = 0) -> Decimal:
    """``round`` with 0–10 decimals, half-up (四舍五入, as offices round: 2.5 → 3, 0.125 → 0.13); always a
    Decimal.  Python's own round is half-to-even (2.5 → 2) and gives an int without ``ndigits``."""
    if ndigits != int(ndigits) or not 0 <= ndigits <= 10:
        raise FormulaError(f"round() takes 0 to 10 decimals, not {ndigits}")
    return Decimal(x).quantize(Decimal(1).scaleb(-int(ndigits)), rounding=decimal.ROUND_HALF_UP)


FUNCTIONS: dict[str, Callable[..., Any]] = {"min": min, "max": max, "abs": abs, "round": _round}

_ARITHMETIC: dict[type[ast.AST], Callable[..., Any]] = {
    ast.Add: _binary(operator.add),
    ast.Sub: _binary(operator.sub),
    ast.Mult: _binary(operator.mul),
    ast.Div: _dividing(operator.truediv),
    ast.FloorDiv: _dividing(operator.floordiv),
    ast.Mod: _dividing(operator.mod),
    ast.Pow: _power,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
}
_COMPARISONS: dict[type[ast.AST], Callable[..., Any]] = {
    op: DEFAULT_OPERATORS[op] for op in (ast.Eq, ast.NotEq, ast.Gt, ast.Lt, ast.GtE, ast.LtE)
}
OPERATORS: dict[type[ast.AST], Callable[..., Any]] = {**_ARITHMETIC, **_COMPARISONS}

_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    *OPERATORS,
)
_SYMBOLS: dict[type[ast.AST], str] = {
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
}


def _parse(text: str) -> ast.Expression:
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula is {len(text)} characters long; at most {MAX_LENGTH} — 公式过长")
    try:
        return ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula does not parse: {exc.msg} in '{text}'") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise FormulaError(f"formula does not parse ({type(exc).__name__}) in '{text}'") from None


def _refusal(node: ast.AST, parent: ast.AST | None, text: str) -> str | None:
    """Why ``node`` has no place in an arithmetic formula, or None."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{value!r} is not a number"
        if isinstance(value, float) and not math.isfinite(value):  # 1e999 (an int literal is finite, if long)
            return f"{value!r} is not a finite number"
        return None
    if isinstance(node, ast.Call):
        if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS) or node.keywords:
            return f"only {', '.join(sorted(FUNCTIONS))} may be called, with plain arguments"
        return None
    if isinstance(node, ast.Name) and node.id in FUNCTIONS:
        if not (isinstance(parent, ast.Call) and parent.func is node):
            return f"function {node.id} used as a value"
        return None
    if not isinstance(node, _NODES):
        name = _SYMBOLS.get(type(node), type(node).__name__)
        return f"'{name}' is not arithmetic (allowed: numbers, names, + - * / // % **, comparisons, if-else, calls)"
    return None


@lru_cache(maxsize=256)
def _validated(text: str) -> tuple[ast.Expression, frozenset[str]]:
    """The parsed formula and the names it reads, after every bound and construct is checked."""
    tree = _parse(text)
    names: set[str] = set()
    count = 0
    stack: list[tuple[ast.AST, ast.AST | None, int]] = [(tree, None, 0)]
    while stack:
        node, parent, depth = stack.pop()
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            limits = f"more than {MAX_NODES} terms or {MAX_DEPTH} levels"
            raise FormulaError(f"formula '{text[:60]}' is too complex ({limits}) — 公式过于复杂")
        why = _refusal(node, parent, text)
        if why is not None:
            raise FormulaError(f"formula '{text}': {why}")
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS:
            names.add(node.id)
        stack.extend((child, node, depth + 1) for child in ast.iter_child_nodes(node))
    return tree, frozenset(names)


def formula_names(text: str) -> set[str]:
    """Names a formula reads (functions excluded); raises FormulaError if it does not parse or is not arithmetic."""
    return set(_validated(text)[1])


def check_formula(text: str, known: set[str], samples: Sequence[Mapping[str, Decimal]] = ()) -> None:
    """Raise FormulaError naming the unknown names (and listing the known ones), or the first failure of the
    formula over ``samples`` (values it may meet: a function used as a value, a comparison as the result,
    ``x ** x ** x`` are found at load, not when a unit is scored).  Division by zero is not a failure: a
    sample of zeros is expected to meet it, and scoring counts it as the part's minimum."""
    unknown = formula_names(text) - known
    if unknown:
        raise FormulaError(
            f"formula '{text}' uses unknown name(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(known)) or '(none)'}"
        )
    for values in samples:
        try:
            evaluate(text, values)
        except ZeroDivisionError:
            continue
        except FormulaError as exc:
            shown = ", ".join(f"{k} = {v}" for k, v in sorted(values.items()) if k in formula_names(text))
            raise FormulaError(f"{exc} (with {shown or 'no values'})") from None


class _DecimalEval(SimpleEval):  # type: ignore[misc]
    """Reads every number literal as Decimal, so ``x * 0.6`` stays exact and no float or huge int ever appears."""

    def _eval_constant(self, node: ast.Constant) -> object:
        value = node.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _checked(Decimal(str(value)))
        return value


_LOCAL = threading.local()


def _evaluator() -> _DecimalEval:
    """This thread's evaluator, made once: setting one up costs more than evaluating a formula (a year of 200
    units evaluates thousands), and only its ``names`` change between formulas.  One per thread, because
    ``names`` is set before each evaluation and the web server scores in several threads."""
    made: _DecimalEval | None = getattr(_LOCAL, "evaluator", None)
    if made is None:
        made = _LOCAL.evaluator = _DecimalEval(operators=OPERATORS, names={}, functions=dict(FUNCTIONS))
    return made


def evaluate(text: str, values: Mapping[str, Decimal]) -> Decimal:
    """Evaluate with exact decimals; the result is a finite Decimal within :data:`MAX_MAGNITUDE`.

    Division by zero is left as ZeroDivisionError (the engine counts it as the part's minimum and says so);
    everything else that stops a formula is a FormulaError saying why.
    """
    tree, _ = _validated(text)
    evaluator = _evaluator()
    evaluator.names = dict(values)
    try:
        with decimal.localcontext() as ctx:
            ctx.traps[decimal.Overflow] = ctx.traps[decimal.InvalidOperation] = True
            result = evaluator.eval(text, previously_parsed=tree.body)
    except ZeroDivisionError:
        raise
    except FormulaError as exc:
        raise FormulaError(f"formula '{text}': {exc}") from None
    except decimal.InvalidOperation:
        raise FormulaError(f"formula '{text}' has no real value (the root of a negative number?) — 无法计算") from None
    except (InvalidExpression, ArithmeticError, TypeError, ValueError, RecursionError) as exc:
        raise FormulaError(f"formula '{text}' cannot be computed: {exc}") from None
    if isinstance(result, bool) or not isinstance(result, int | Decimal):
        raise FormulaError(f"formula '{text}' gave {result!r}, not a number")
    try:
        checked: Decimal = _checked(Decimal(result))
        return checked
    except FormulaError as exc:
        raise FormulaError(f"formula '{text}': {exc}") from None
