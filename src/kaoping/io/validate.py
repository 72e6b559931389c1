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
from kaoping.facts.columns import FALSE_WORDS, FILES, ROW, TRUE_WORDS, Column, Kind, column_of, default_value
from kaoping.input_messages import Msg, quoted, say
from kaoping.io.sources import RawTable
from kaoping.periods import PeriodError, parse_period

_DATE_RE = r"^\d{4}-\d{1,2}-\d{1,2}$"
_TIME_RE = r"^\d{4}-\d{1,2}-\d{1,2}( \d{1,2}:\d{2}(:\d{2})?)?$"
_DATE_SPELLING = r"^(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})(?:\s*日)?"
"""2024/12/5, 2024.12.5 and 2024年12月5日 (after full-width folding), rewritten as 2024-12-5."""
_WHOLE_LIMIT = 2**53  # beyond this a float no longer holds every whole number exactly
_FOLDED = (Kind.TEXT,)
"""Kinds whose cells are taken as written; every other kind is read after full-width folding (１５０ = 150)."""

Message = Callable[[str], tuple[str, str]]
"""A failing cell's value -> the message ``(Chinese, English)``."""


@dataclass(frozen=True)
class _Check:
    """A way a non-empty cell can be wrong: ``fails(value)`` is true for such cells, given the column of
    typed values (parsed once, see :func:`validate`); ``message`` explains one."""

    fails: Callable[[pl.Expr], pl.Expr]
    message: Message


@dataclass(frozen=True)
class _Parse:
    """How to read one column: the typed value of a non-empty cell, and the checks it must pass."""

    value: pl.Expr
    checks: list[_Check]


def _number(text: pl.Expr) -> pl.Expr:
    return text.cast(pl.Float64, strict=False)


def _null(v: pl.Expr) -> pl.Expr:
    return v.is_null()


def _split(text: pl.Expr, length: int) -> tuple[pl.Expr, pl.Expr]:
    """``text`` where it has the canonical format's ``length``, and the other non-empty cells.

    Polars parses one fixed format fast, but a cell that does not fit a format is slow to reject; the
    other accepted spellings (``2024-3-5 8:05``, a plain date) are therefore tried only on the few cells
    that do not have the canonical length.  Behind the shape regex no other spelling has that length.
    """
    size = text.str.len_bytes()
    return pl.when(size == length).then(text), pl.when((size != length) & (size > 0)).then(text)


def _whole_checks(column: Column, minimum: int) -> list[_Check]:
    def not_whole(num: pl.Expr) -> pl.Expr:
        return ~(num.is_finite() & (num == num.round(0)) & (num.abs() < _WHOLE_LIMIT)).fill_null(False)

    expected = column.expected()
    return [
        _Check(not_whole, lambda v: say(Msg.NOT_WHOLE, value=quoted(v), expected=expected)),
        _Check(
            lambda num: num < minimum, lambda v: say(Msg.TOO_SMALL, value=quoted(v), minimum=minimum, expected=expected)
        ),
    ]


_EXCEL_MONTH = re.compile(r"^\d{4}-\d{2}-01$")


def _period_parse(column: Column, values: pl.Series) -> _Parse:
    """Periods are checked by :func:`parse_period` itself, once per distinct text (there are few)."""
    normal: dict[str, str] = {}
    for text in values.unique().to_list():
        if not text:
            continue
        # Excel turns a typed 2024-03 into the date 2024-03-01; a first-of-month date means that month.
        typed = text[:7] if _EXCEL_MONTH.match(text) else text
        try:
            normal[text] = str(parse_period(typed))
        except PeriodError:
            continue
    value = pl.col(column.name).replace_strict(normal, default=None, return_dtype=pl.String)
    expected = column.expected()
    return _Parse(value, [_Check(_null, lambda v: say(Msg.NOT_A_PERIOD, value=quoted(v), expected=expected))])


def _empty_message(column: Column) -> Message:
    message = say(Msg.EMPTY, expected=column.expected())
    return lambda _value: message


def _spelled_date(text: pl.Expr) -> pl.Expr:
    """``2024/12/5``, ``2024.12.5``, ``2024年12月5日`` (a time may follow) as ``2024-12-5``."""
    return text.str.replace(_DATE_SPELLING, "${1}-${2}-${3}")


def _date_value(text: pl.Expr) -> pl.Expr:
    """``YYYY-MM-DD`` fast; the other spellings only on the cells that are not (few, in practice)."""
    fast = pl.when(text.str.contains(_DATE_RE)).then(text.str.to_date("%Y-%m-%d", strict=False))
    rest = _spelled_date(pl.when(fast.is_null() & (text != "")).then(text))
    return pl.coalesce(fast, pl.when(rest.str.contains(_DATE_RE)).then(rest.str.to_date("%Y-%m-%d", strict=False)))


def _time_value(text: pl.Expr) -> pl.Expr:
    """``YYYY-MM-DD HH:MM:SS`` (what systems export) fast; ``HH:MM``, plain dates and the other date
    spellings (``2024/12/5 8:30``, ``2024年12月5日 08:30``) only on the cells the fast format did not read."""
    canonical, _ = _split(text, len("2024-03-05 08:30:00"))
    fast = canonical.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)
    rest = _spelled_date(pl.when(fast.is_null() & (text != "")).then(text)).str.replace(r"\s+", " ")
    parsed = pl.coalesce(
        rest.str.to_datetime("%Y-%m-%d %H:%M", time_unit="us", strict=False),
        rest.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False),
        rest.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")),
    )
    return pl.coalesce(fast, pl.when(rest.str.contains(_TIME_RE)).then(parsed))


def _clock_value(text: pl.Expr) -> pl.Expr:
    canonical, rest = _split(text, len("08:30:00"))
    parsed = pl.coalesce(canonical.str.to_time("%H:%M:%S", strict=False), rest.str.to_time("%H:%M", strict=False))
    return pl.when(text.str.contains(r"^\d{1,2}:\d{2}(:\d{2})?$")).then(parsed)


def _times_value(text: pl.Expr) -> pl.Expr:
    """A count, or true/false words as 1/0 (looked up only in the cells that are not numbers)."""
    num = _number(text)
    words = {w: 1.0 for w in ("true", "yes", "是")} | {w: 0.0 for w in ("false", "no", "否")}
    low = pl.when(num.is_null() & (text != "")).then(text).str.to_lowercase()
    word = low.replace_strict(words, default=None, return_dtype=pl.Float64)
    return pl.coalesce(num, word)


def _choice_parse(column: Column, text: pl.Expr) -> _Parse:
    """A code (any case) or its Chinese name (``表彰`` for ``award``)."""
    expected, choices = column.expected(), column.choices
    names = {name: code for code, name in column.choice_names}
    value = text.str.to_lowercase()
    if names:
        value = pl.when(text.is_in(list(names))).then(text.replace_strict(names, default=None)).otherwise(value)

    def message(v: str) -> tuple[str, str]:
        return say(Msg.NOT_A_CHOICE, value=quoted(v), column=(column.zh or column.name, column.name), expected=expected)

    return _Parse(value, [_Check(lambda v: ~v.is_in(choices), message)])


def _number_parse(column: Column, text: pl.Expr) -> _Parse:
    expected = column.expected()
    not_number = _Check(
        lambda num: ~num.is_finite().fill_null(False),
        lambda v: say(Msg.NOT_A_NUMBER, value=quoted(v), expected=expected),
    )
    checks = [not_number]
    if column.kind is Kind.POINTS:
        checks.append(_Check(lambda num: num < 0, lambda v: say(Msg.NEGATIVE_POINTS, value=quoted(v))))
    return _Parse(_number(text), checks)


def _invalid(msg: Msg, column: Column) -> list[_Check]:
    """The one check of kinds read by a parser: a non-empty cell it could not read."""
    expected = column.expected()
    return [_Check(_null, lambda v: say(msg, value=quoted(v), expected=expected))]


def _parse(column: Column, text: pl.Expr) -> _Parse:
    """The reading of every kind except periods (which need the column's values, see above).

    Whole-number kinds keep their Float64 reading here (the checks need it); the final cast to the
    contract's dtype happens when the frame is built.
    """
    match column.kind:
        case Kind.TEXT | Kind.PERIOD:
            return _Parse(text, [])
        case Kind.CHOICE:
            return _choice_parse(column, text)
        case Kind.DATE:
            return _Parse(_date_value(text), _invalid(Msg.NOT_A_DATE, column))
        case Kind.TIME:
            return _Parse(_time_value(text), _invalid(Msg.NOT_A_TIME, column))
        case Kind.CLOCK:
            return _Parse(_clock_value(text), _invalid(Msg.NOT_A_CLOCK, column))
        case Kind.NUMBER | Kind.POINTS:
            return _number_parse(column, text)
        case Kind.RANK | Kind.COUNT:
            return _Parse(_number(text), _whole_checks(column, 1 if column.kind is Kind.RANK else 0))
        case Kind.TIMES:
            return _Parse(_times_value(text), _whole_checks(column, 0))
        case Kind.FLAG:
            low = text.str.to_lowercase()
            flag = pl.when(low.is_in(TRUE_WORDS)).then(True).when(low.is_in(FALSE_WORDS)).then(False)
            return _Parse(flag, _invalid(Msg.NOT_A_FLAG, column))
    raise AssertionError(column.kind)  # pragma: no cover - the match is exhaustive


def _positions(name: str, raw: RawTable) -> dict[str, list[int]]:
    """Contract column -> the header positions naming it (more than one: a doubled column)."""
    positions: dict[str, list[int]] = {}
    for i, cell in enumerate(raw.header):
        named = column_of(name, cell) if cell else None
        if named is not None:
            positions.setdefault(named, []).append(i)
    return positions


def _header_empty(name: str, label: str) -> InputError:
    needed = [c for c in FILES[name] if not c.optional]
    names = (",".join(c.zh or c.name for c in needed), ",".join(c.name for c in needed))
    return InputError.said(label, 1, None, say(Msg.HEADER_EMPTY, needed=names))


def _missing(raw: RawTable, column: Column, shown: str, english: bool) -> InputError:
    """A missing column, named the way the file names the others: by the contract's name or the Chinese one."""
    spellings = " / ".join(column.headers[:4])
    message = say(Msg.COLUMN_MISSING, column=(column.zh or column.name, column.name), spellings=spellings, shown=shown)
    return InputError.said(raw.label, 1, column.name if english else column.zh, message)


def _twice(raw: RawTable, at: list[int]) -> InputError:
    letters = [_letter(i) for i in at]
    message = say(Msg.COLUMN_TWICE, column=raw.header[at[0]], letters=("、".join(letters), " and ".join(letters)))
    return InputError.said(raw.label, 1, raw.header[at[0]], message)


def _locate_columns(name: str, raw: RawTable, found: list[tuple[int, int, InputError]]) -> dict[str, int]:
    """Which body column holds each contract column; missing and doubled columns are reported at row 1.

    A header cell names a column by any of its headers (:attr:`Column.headers`: ``date``, ``日期``,
    ``检查日期``...), compared by :func:`~kaoping.facts.columns.header_key` (case, spaces, full-width forms,
    a ``*`` and a bracketed note ignored), so ``Unit_ID `` and ``单位`` both find ``unit_id``.
    """
    positions = _positions(name, raw)
    shown = ", ".join(h for h in raw.header if h)
    if not shown:  # an empty file or a blank first line: one error, not one per column
        found.append((1, -1, _header_empty(name, raw.label)))
        return {}
    english = any(h.strip().lower() == c.name for h in raw.header for c in FILES[name])
    for order, column in enumerate(FILES[name]):
        at = positions.get(column.name, [])
        if len(at) > 1:
            found.append((1, order, _twice(raw, at)))
        elif not at and not column.optional:
            found.append((1, order, _missing(raw, column, shown, english)))
    return {column: at[0] for column, at in positions.items()}


def header_names(name: str, raw: RawTable) -> dict[str, str]:
    """Column -> its header as written in ``raw`` (the first, if doubled): how messages name the column."""
    return {column: raw.header[at[0]] for column, at in _positions(name, raw).items()}


def _letter(index: int) -> str:
    """Spreadsheet column letters (0 -> A, 26 -> AA), because that is how a user finds a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _value_name(index: int) -> str:
    return f"__v{index}"


def _bad_name(index: int) -> str:
    return f"__bad_cell{index}"


def validate(name: str, raw: RawTable, log: ErrorLog, *, header_checked: bool = False) -> pl.DataFrame:
    """The typed frame of file ``name`` read from ``raw``; every problem found goes to ``log``.

    Each column is parsed once, column-wise, into a typed column; the checks then look at the typed
    values, and only the cells that fail (at most MAX_ERRORS per check) are pulled into Python.
    When there are problems the frame is still returned with every bad cell null, so the checks that come
    after reading (units, the scheme) can look at the rest of the row and report its other mistakes in the
    same answer; such a frame is never written.  ``header_checked``: a later chunk of a file read in chunks,
    whose header (missing or doubled columns) was reported with the first.
    """
    columns = FILES[name]
    header_errors: list[tuple[int, int, InputError]] = []
    where = _locate_columns(name, raw, header_errors)
    if header_checked:
        header_errors = []
    present = [c for c in columns if c.name in where]

    text = raw.body.select(
        *[pl.col(f"c{where[c.name]}").fill_null("").str.strip_chars().alias(c.name) for c in present],
        pl.col(ROW),
    )
    text = _folded(text, [c for c in present if c.kind not in _FOLDED])
    # Entirely empty rows are skipped (judged on the contract's columns: a stray note elsewhere holds no fact).
    filled = [pl.col(c.name) != "" for c in present]
    text = text.filter(pl.any_horizontal(filled) if filled else pl.lit(False))

    parses = {c.name: _column_parse(c, text) for c in present}
    typed = text.with_columns(parses[c.name].value.alias(_value_name(i)) for i, c in enumerate(columns) if c in present)
    headers = {c.name: raw.header[where[c.name]] for c in present}
    found, counted, typed = _problems(raw.label, columns, headers, parses, typed)
    # Row by row, as the user will fix them; the first MAX_ERRORS of each check include the first overall.
    found.sort(key=lambda item: (item[0], item[1]))
    log.add_counted([error for *_, error in header_errors + found], len(header_errors) + counted)

    out: list[pl.Expr] = []
    for i, column in enumerate(columns):
        default = default_value(column)
        if column.name in parses:
            empty, bad = pl.col(column.name) == "", pl.col(_bad_name(i))
            value = pl.when(bad).then(None).when(empty).then(default).otherwise(pl.col(_value_name(i)))
            out.append(value.cast(column.dtype, strict=False).alias(column.name))
        else:
            out.append(default.alias(column.name))
    return typed.select(*out, pl.col(ROW).cast(pl.Int64))


def _has_non_ascii(cells: pl.Series) -> bool:
    """Whether any cell holds a non-ASCII character (byte and character lengths differ: cheaper than a regex)."""
    return bool((cells.str.len_bytes() != cells.str.len_chars()).any())


def _folded(text: pl.DataFrame, columns: list[Column]) -> pl.DataFrame:
    """Full-width forms folded (NFKC: ``１５０`` → ``150``, ``２０２４／１２／５`` → ``2024/12/5``) in the
    columns of ``columns`` that hold any non-ASCII cell: the check is one cheap pass, the fold is rare."""
    folded = [
        pl.col(c.name).str.normalize("NFKC").str.strip_chars()
        for c in columns
        if _has_non_ascii(text.get_column(c.name))
    ]
    return text.with_columns(folded) if folded else text


def _column_parse(column: Column, text: pl.DataFrame) -> _Parse:
    if column.kind is Kind.PERIOD:
        return _period_parse(column, text.get_column(column.name))
    return _parse(column, pl.col(column.name))


def _problems(
    label: str, columns: tuple[Column, ...], headers: dict[str, str], parses: dict[str, _Parse], typed: pl.DataFrame
) -> tuple[list[tuple[int, int, InputError]], int, pl.DataFrame]:
    """The first MAX_ERRORS failing cells of every check (row, column order, error), the count of all, and
    ``typed`` with a column per present column saying which of its cells failed (:func:`_bad_name`).

    A cell fails at most one check: empty cells only the "required" one, then each check only the cells
    that passed the earlier checks of its column.  ``headers``: each present column's header as written in
    the file, which is how the errors name the column.
    """
    flags: list[pl.Expr] = []
    reports: list[tuple[str, int, Column, Message]] = []
    cells: list[pl.Expr] = []
    for order, column in enumerate(columns):
        if column.name not in parses:
            continue
        empty = pl.col(column.name) == ""
        failed = pl.lit(False)
        if column.required:
            flags.append(empty.alias(f"__bad{len(flags)}"))
            reports.append((f"__bad{len(reports)}", order, column, _empty_message(column)))
            failed = empty
        caught = empty
        value = pl.col(_value_name(order))
        for check in parses[column.name].checks:
            fails = check.fails(value).fill_null(False)
            flags.append((~caught & fails).alias(f"__bad{len(flags)}"))
            reports.append((f"__bad{len(reports)}", order, column, check.message))
            caught = caught | fails
            failed = failed | (~empty & fails)
        cells.append(failed.alias(_bad_name(order)))
    found: list[tuple[int, int, InputError]] = []
    typed = typed.with_columns(cells)
    if not flags:
        return found, 0, typed
    checked = typed.with_columns(flags)
    counts = checked.select(pl.col(f).sum() for f, *_ in reports).row(0)
    for (flag, order, column, message), count in zip(reports, counts, strict=True):
        if not count:
            continue
        bad = checked.filter(pl.col(flag)).head(MAX_ERRORS).select(ROW, column.name)
        for row, cell in bad.iter_rows():
            error = InputError.said(label, row, headers[column.name], message(cell))
            found.append((row, order, error))
    return found, sum(counts), typed
