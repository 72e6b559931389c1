"""Turning a table of text cells into a typed frame, reporting every bad cell by row and column.

Checks are Polars expressions over whole columns, not a Python loop over rows: a case file can have
hundreds of thousands of rows and most of them are fine.  Only the failing cells (at most
:data:`~kaoping.errors.MAX_ERRORS` per check) are ever pulled into Python to build messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from kaoping.errors import MAX_ERRORS, ErrorLog, InputError
from kaoping.facts.columns import FALSE_WORDS, FILES, ROW, TRUE_WORDS, Column, Kind, default_value
from kaoping.io.sources import RawTable
from kaoping.periods import PeriodError, parse_period

_DATE_RE = r"^\d{4}-\d{1,2}-\d{1,2}$"
_TIME_RE = r"^\d{4}-\d{1,2}-\d{1,2}( \d{1,2}:\d{2}(:\d{2})?)?$"
_WHOLE_LIMIT = 2**53  # beyond this a float no longer holds every whole number exactly


def _q(value: str) -> str:
    """A cell value quoted for a message, cut short so one silly cell cannot flood the screen."""
    shown = value.replace("\r", "\\r").replace("\n", "\\n")
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"'{shown}'"


@dataclass(frozen=True)
class _Check:
    """A way a non-empty cell can be wrong: ``fails`` is true for such cells; ``message`` explains one."""

    fails: pl.Expr
    message: Callable[[str], str]


@dataclass(frozen=True)
class _Parse:
    """How to read one column: the typed value of a non-empty cell, and the checks it must pass."""

    value: pl.Expr
    checks: list[_Check]


def _number(text: pl.Expr) -> pl.Expr:
    return text.cast(pl.Float64, strict=False)


def _whole_checks(num: pl.Expr, name: str, minimum: int, what: str) -> list[_Check]:
    whole = (num.is_finite() & (num == num.round(0)) & (num.abs() < _WHOLE_LIMIT)).fill_null(False)
    below = f"is less than {minimum}" if minimum > 0 else "is negative"
    return [
        _Check(~whole, lambda v: f"{_q(v)} is not {what}"),
        _Check(num < minimum, lambda v: f"{_q(v)} {below}: expected a whole number ≥ {minimum}"),
    ]


_EXCEL_MONTH = re.compile(r"^\d{4}-\d{2}-01$")


def _period_parse(column: Column, values: pl.Series) -> _Parse:
    """Periods are checked by :func:`parse_period` itself, once per distinct text (there are few)."""
    normal: dict[str, str] = {}
    problems: dict[str, str] = {}
    for text in values.unique().to_list():
        if not text:
            continue
        # Excel turns a typed 2024-03 into the date 2024-03-01; a first-of-month date means that month.
        typed = text[:7] if _EXCEL_MONTH.match(text) else text
        try:
            normal[text] = str(parse_period(typed))
        except PeriodError as exc:
            problems[text] = str(exc)
    value = pl.col(column.name).replace_strict(normal, default=None, return_dtype=pl.String)
    return _Parse(value, [_Check(value.is_null(), lambda v: problems.get(v, f"{_q(v)} is not a period"))])


def _empty_message(column: Column) -> Callable[[str], str]:
    message = f"empty; expected {column.expected()}"
    return lambda _value: message


def _parse(column: Column, text: pl.Expr) -> _Parse:
    """The reading of every kind except periods (which need the column's values, see above)."""
    name = column.name
    match column.kind:
        case Kind.TEXT | Kind.PERIOD:
            return _Parse(text, [])
        case Kind.CHOICE:
            low = text.str.to_lowercase()
            expected = column.expected()
            return _Parse(
                low,
                [
                    _Check(
                        ~low.is_in(column.choices),
                        lambda v: f"{_q(v)} is not a valid {name}: expected {expected}",
                    )
                ],
            )
        case Kind.DATE:
            date = pl.when(text.str.contains(_DATE_RE)).then(text.str.to_date("%Y-%m-%d", strict=False))
            return _Parse(date, [_Check(date.is_null(), lambda v: f"{_q(v)} is not a date: expected YYYY-MM-DD")])
        case Kind.TIME:
            parsed = pl.coalesce(
                text.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False),
                text.str.to_datetime("%Y-%m-%d %H:%M", time_unit="us", strict=False),
                text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")),
            )
            time = pl.when(text.str.contains(_TIME_RE)).then(parsed)
            message = "is not a time: expected YYYY-MM-DD HH:MM[:SS] or YYYY-MM-DD"
            return _Parse(time, [_Check(time.is_null(), lambda v: f"{_q(v)} {message}")])
        case Kind.CLOCK:
            clock = pl.when(text.str.contains(r"^\d{1,2}:\d{2}(:\d{2})?$")).then(
                pl.coalesce(text.str.to_time("%H:%M:%S", strict=False), text.str.to_time("%H:%M", strict=False))
            )
            return _Parse(clock, [_Check(clock.is_null(), lambda v: f"{_q(v)} is not a time of day: expected HH:MM")])
        case Kind.NUMBER | Kind.POINTS:
            num = _number(text)
            checks = [_Check(~num.is_finite().fill_null(False), lambda v: f"{_q(v)} is not a number")]
            if column.kind is Kind.POINTS:
                checks.append(
                    _Check(
                        num < 0,
                        lambda v: f"{_q(v)} is negative: expected a number ≥ 0 (deductions are positive points)",
                    )
                )
            return _Parse(num, checks)
        case Kind.RANK | Kind.COUNT:
            num = _number(text)
            minimum = 1 if column.kind is Kind.RANK else 0
            return _Parse(num.cast(pl.Int64, strict=False), _whole_checks(num, name, minimum, "a whole number"))
        case Kind.TIMES:
            low = text.str.to_lowercase()
            as_number = (
                pl.when(low.is_in(("true", "yes", "是")))
                .then(pl.lit("1"))
                .when(low.is_in(("false", "no", "否")))
                .then(pl.lit("0"))
                .otherwise(text)
            )
            num = _number(as_number)
            checks = _whole_checks(num, name, 0, "a whole number or true/false")
            return _Parse(num.cast(pl.Int64, strict=False), checks)
        case Kind.FLAG:
            low = text.str.to_lowercase()
            flag = pl.when(low.is_in(TRUE_WORDS)).then(True).when(low.is_in(FALSE_WORDS)).then(False)
            message = "is not a yes/no value: expected true/false, 是/否, 1/0 or yes/no (empty = true)"
            return _Parse(flag, [_Check(flag.is_null(), lambda v: f"{_q(v)} {message}")])
    raise AssertionError(column.kind)  # pragma: no cover - the match is exhaustive


def _locate_columns(name: str, raw: RawTable, found: list[tuple[int, int, InputError]]) -> dict[str, int]:
    """Which body column holds each contract column; missing and doubled columns are reported at row 1.

    Header cells are compared stripped and ignoring case, so ``Unit_ID `` still finds ``unit_id``.
    """
    positions: dict[str, list[int]] = {}
    for i, cell in enumerate(raw.header):
        positions.setdefault(cell.lower(), []).append(i)
    shown = ", ".join(h for h in raw.header if h)
    where: dict[str, int] = {}
    if not shown:  # an empty file or a blank first line: one error, not one per column
        needed = ",".join(c.name for c in FILES[name] if not c.optional)
        message = f"the header row is empty; expected the column names first: {needed}"
        found.append((1, -1, InputError(raw.label, 1, None, message)))
        return where
    for order, column in enumerate(FILES[name]):
        at = positions.get(column.name.lower(), [])
        if len(at) > 1:
            letters = " and ".join(_letter(i) for i in at)
            message = f"column '{column.name}' appears more than once in the header (columns {letters})"
            found.append((1, order, InputError(raw.label, 1, column.name, message)))
        if at:
            where[column.name] = at[0]
        elif not column.optional:
            message = f"missing column '{column.name}'; the header has: {shown}"
            found.append((1, order, InputError(raw.label, 1, column.name, message)))
    return where


def _letter(index: int) -> str:
    """Spreadsheet column letters (0 -> A, 26 -> AA), because that is how a user finds a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def validate(name: str, raw: RawTable, log: ErrorLog) -> pl.DataFrame:
    """The typed frame of file ``name`` read from ``raw``; every problem found goes to ``log``.

    When there are problems the frame is still returned (bad cells null) but should not be used.
    """
    columns = FILES[name]
    header_errors: list[tuple[int, int, InputError]] = []
    where = _locate_columns(name, raw, header_errors)
    present = [c for c in columns if c.name in where]

    text = raw.body.select(
        *[pl.col(f"c{where[c.name]}").fill_null("").str.strip_chars().alias(c.name) for c in present],
        pl.col(ROW),
    )
    # Entirely empty rows are skipped (judged on the contract's columns: a stray note elsewhere holds no fact).
    filled = [pl.col(c.name) != "" for c in present]
    text = text.filter(pl.any_horizontal(filled) if filled else pl.lit(False))

    parses: dict[str, _Parse] = {}
    flags: list[pl.Expr] = []
    reports: list[tuple[str, int, Column, Callable[[str], str]]] = []
    for order, column in enumerate(columns):
        if column.name not in where:
            continue
        cell = pl.col(column.name)
        empty = cell == ""
        if column.kind is Kind.PERIOD:
            parse = _period_parse(column, text.get_column(column.name))
        else:
            parse = _parse(column, cell)
        parses[column.name] = parse
        if column.required:
            flag = f"__bad{len(flags)}"
            flags.append(empty.alias(flag))
            reports.append((flag, order, column, _empty_message(column)))
        caught = empty
        for check in parse.checks:
            fails = check.fails.fill_null(False)
            flag = f"__bad{len(flags)}"
            flags.append((~caught & fails).alias(flag))
            reports.append((flag, order, column, check.message))
            caught = caught | fails

    found: list[tuple[int, int, InputError]] = []
    counted = 0
    if flags:
        checked = text.with_columns(flags)
        counts = checked.select(pl.col(f).sum() for f, *_ in reports).row(0)
        for (flag, order, column, message), count in zip(reports, counts, strict=True):
            if not count:
                continue
            counted += count
            bad = checked.filter(pl.col(flag)).head(MAX_ERRORS).select(ROW, column.name)
            for row, value in bad.iter_rows():
                found.append((row, order, InputError(raw.label, row, column.name, message(value))))

    # Row by row, as the user will fix them; the first MAX_ERRORS of each check include the first overall.
    found.sort(key=lambda item: (item[0], item[1]))
    log.add_counted([error for *_, error in header_errors + found], len(header_errors) + counted)

    out: list[pl.Expr] = []
    for column in columns:
        default = default_value(column)
        if column.name in parses:
            value = parses[column.name].value
            typed = pl.when(pl.col(column.name) == "").then(default).otherwise(value)
            out.append(typed.cast(column.dtype, strict=False).alias(column.name))
        else:
            out.append(default.alias(column.name))
    return text.select(*out, pl.col(ROW).cast(pl.Int64))
