"""Facts checked against a scheme before anything is computed (nothing is half-computed).

The readers check each file on its own (dates, numbers, enumerations).  What only the scheme can say is
checked here: unknown units, units in groups the plan does not have, parts the plan does not know, items
not in the unit's group, scores out of a part's range, a monthly part given a quarter.  Every problem
names file, row and column, and all of them are reported at once (first 50).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import polars as pl

from kaoping.engine.aggregate import canonical_parts, normalise_item
from kaoping.engine.point_rows import check_point_rows
from kaoping.engine.standard_rows import check_standard_rows
from kaoping.errors import ErrorLog, InputError, InputErrors
from kaoping.facts import KINDS, UNIT_FACTS, Facts
from kaoping.facts.columns import EXPECTED, Kind
from kaoping.input_messages import Msg, quoted, say
from kaoping.periods import PeriodError, parse_period
from kaoping.scheme.model import ItemLeaf, Part, Scheme, ScoreBonus, ScoresLeaf, Source

UNIT_FILES = tuple(spec.name for spec in UNIT_FACTS)
_KIND_EN = ("month", "quarter", "half", "year")
_KIND_ZH = ("月", "季度", "半年", "年")


def check_facts(scheme: Scheme, facts: Facts) -> None:
    """Raise InputErrors listing every row that does not fit ``scheme``."""
    log = ErrorLog()
    check_units(scheme, facts, log)
    check_rows_of(scheme, facts, log)
    duplicate_keys(facts, log)
    log.raise_if_any()


def check_rows_of(scheme: Scheme, facts: Facts, log: ErrorLog) -> None:
    """The checks of :func:`check_facts` on the rows of the fact files, each row judged with the units of
    ``facts`` alone (no other row): what an import read in chunks asks of each chunk."""
    known = facts.units.get_column("unit_id").unique().to_list()
    for name in UNIT_FILES:
        frame: pl.DataFrame = getattr(facts, name)
        if frame.is_empty():  # nothing to check; the empty files of a one-row API write cost nothing
            continue
        _report(
            log,
            facts.label(name),
            "unit_id",
            frame.filter(~pl.col("unit_id").is_in(known)),
            lambda r: say(Msg.UNIT_UNKNOWN, value=r["unit_id"], closest=""),
        )
    _scores(scheme, facts, log)
    _deductions(scheme, facts, log)


Message = Callable[[dict[str, Any]], tuple[str, str]]
"""A bad row -> its message ``(Chinese, English)`` from the catalogue :mod:`kaoping.input_messages`."""


def _report(log: ErrorLog, file: str, column: str, bad: pl.DataFrame, message: Message) -> None:
    """Report each row of ``bad`` (by row number, the first 50 shown, all counted) with its ``message``."""
    if bad.is_empty():
        return
    bad = bad.sort("_row")
    shown = [InputError.said(file, r["_row"], column, message(r)) for r in bad.head(50).iter_rows(named=True)]
    log.add_counted(shown, bad.height)


def check_units(scheme: Scheme, facts: Facts, log: ErrorLog) -> None:
    """Units there at all, each in a group of the scheme."""
    label = facts.label("units")
    units = facts.units
    if units.is_empty():
        log.add(InputError.said(label, None, None, say(Msg.NO_UNITS)))
        return
    groups = [g.name for g in scheme.groups]
    _report(
        log,
        label,
        "group",
        units.filter(~pl.col("group").is_in(groups)),
        lambda r: say(
            Msg.UNKNOWN_GROUP, value=r["group"], scheme=scheme.scheme, groups=("、".join(groups), ", ".join(groups))
        ),
    )


def _allowed_items(scheme: Scheme, part: ItemLeaf) -> dict[str, set[str]] | None:
    """Allowed items per group name, or None when any item is accepted."""
    rule = part.items
    if rule == "open":
        return None
    if rule == "none":
        return {g.name: {""} for g in scheme.groups}
    if rule == "group":
        return {g.name: set(g.items) for g in scheme.groups}
    return {g.name: set(rule) for g in scheme.groups}


def _group_scope(scheme: Scheme, facts: Facts, name: str, frame: pl.DataFrame, log: ErrorLog) -> None:
    """Rows for a top-level part (or one of its sub-parts) that does not apply to the unit's group."""
    if frame.is_empty():
        return
    with_group = frame.join(facts.units.select("unit_id", "group"), on="unit_id", how="inner")
    for top in scheme.parts:
        if not top.groups:
            continue
        names = [p.name for p in top.walk()]
        bad = with_group.filter(pl.col("part").is_in(names) & ~pl.col("group").is_in(top.groups))

        def message(r: dict[str, Any], top: Part = top) -> tuple[str, str]:
            return say(Msg.PART_NOT_FOR_GROUP, part=r["part"], group=r["group"], groups="、".join(top.groups))

        _report(log, facts.label(name), "part", bad, message)


def _items(
    scheme: Scheme, facts: Facts, name: str, frame: pl.DataFrame, parts: Sequence[ItemLeaf], log: ErrorLog
) -> None:
    """Rows naming an item their part (or their unit's group) does not have."""
    if frame.is_empty():
        return
    with_group = frame.join(facts.units.select("unit_id", "group"), on="unit_id", how="inner")
    for part in parts:
        allowed = _allowed_items(scheme, part)
        if allowed is None:
            continue
        rows = with_group.filter(pl.col("part") == part.name)
        ok = pl.lit(False)
        for group, items in allowed.items():
            ok = ok | ((pl.col("group") == group) & pl.col("item").is_in(list(items)))
        bad = rows.filter(~ok)

        def message(
            r: dict[str, Any], part: ItemLeaf = part, allowed: dict[str, set[str]] = allowed
        ) -> tuple[str, str]:
            if part.items == "none":
                return say(Msg.WHOLE_PART, value=r["item"], part=part.name)
            listed = "、".join(sorted(allowed.get(r["group"], set())))
            return say(Msg.UNKNOWN_ITEM, value=r["item"], part=part.name, group=r["group"], expected=listed)

        _report(log, facts.label(name), "item", bad, message)


def _scores(scheme: Scheme, facts: Facts, log: ErrorLog) -> None:
    label = facts.label("scores")
    leaves = [p for p in scheme.leaves() if p.source == Source.SCORES]
    bonus_names = [n for r in scheme.bonus.rules if isinstance(r, ScoreBonus) for n in r.names()]
    names = canonical_parts(leaves)
    deduction_names = list(canonical_parts([p for p in scheme.leaves() if p.source == Source.DEDUCTIONS]))
    scores = facts.scores
    if scores.is_empty():
        return
    known = list(names) + bonus_names
    unknown = scores.filter(~pl.col("part").is_in(known))
    expected = "、".join(known)

    def unknown_part(r: dict[str, Any]) -> tuple[str, str]:
        if r["part"] in deduction_names:
            return say(Msg.DEDUCTION_PART_IN_SCORES, value=r["part"], scheme=scheme.scheme)
        return say(Msg.UNKNOWN_SCORE_PART, value=r["part"], scheme=scheme.scheme, expected=expected)

    _report(log, label, "part", unknown, unknown_part)
    ours = scores.filter(pl.col("part").is_in(list(names))).with_columns(
        item=normalise_item(names), part=pl.col("part").replace_strict(names)
    )
    kinds = _period_kinds(ours, label, log)
    for part in leaves:
        _score_rows(log, label, part, ours.filter(pl.col("part") == part.name), kinds)
    bonus_rows = scores.filter(pl.col("part").is_in(bonus_names) & (pl.col("score") < 0))
    _report(log, label, "score", bonus_rows, lambda r: say(Msg.BONUS_NEGATIVE, value=_n(Decimal(str(r["score"])))))
    _group_scope(scheme, facts, "scores", ours, log)
    _items(scheme, facts, "scores", ours, leaves, log)


def _period_kinds(rows: pl.DataFrame, label: str, log: ErrorLog) -> dict[str, str]:
    """Each period text of ``rows`` → its kind.  The readers refuse a text that is no period; one that reaches
    here anyway (a workbook sheet whose period header was blank, found by the import fuzz test) is reported
    as the reader would report it, and then counts as no period, instead of failing the whole check."""
    kinds: dict[str, str] = {}
    bad: list[str] = []
    for text in rows.get_column("period").drop_nulls().unique().to_list():
        try:
            kinds[text] = str(parse_period(text).kind.value)
        except PeriodError:
            bad.append(text)
    message = lambda r: say(Msg.NOT_A_PERIOD, value=quoted(r["period"]), expected=EXPECTED[Kind.PERIOD])  # noqa: E731
    _report(log, label, "period", rows.filter(pl.col("period").is_in(bad)), message)
    return kinds


def wrong_period_kind(part: str, want: str, got: str, period: str) -> tuple[str, str]:
    """Why a row of ``part``, given per ``want`` (a period kind: month, quarter, half, year), may not name
    ``period`` of kind ``got``: the one wording of the file check and the single-row check (app/row_checks)."""
    names = dict(zip(_KIND_EN, _KIND_ZH, strict=True))
    return say(
        Msg.WRONG_PERIOD_KIND, part=part, want=names[want], want_en=want, value=period, kind=names[got], kind_en=got
    )


def _score_rows(log: ErrorLog, label: str, part: ScoresLeaf, rows: pl.DataFrame, kinds: dict[str, str]) -> None:
    """A part's rows: the period kind it is given per, and the score range (0 to row_max, default max)."""
    if part.given_per is not None:
        want = part.given_per.value
        known = pl.col("period").is_in(list(kinds))  # an unreadable period is reported already
        wrong = rows.filter(known & (pl.col("period").replace_strict(kinds, default="") != want))

        def wrong_kind(r: dict[str, Any]) -> tuple[str, str]:
            return wrong_period_kind(part.name, want, kinds[r["period"]], r["period"])

        _report(log, label, "period", wrong, wrong_kind)
    top = part.row_max if part.row_max is not None else part.max
    bad = pl.col("score") < 0
    if top is not None:
        bad = bad | (pl.col("score") > float(top))

    def out_of_range(r: dict[str, Any]) -> tuple[str, str]:
        return say(Msg.SCORE_OUT_OF_RANGE, value=_n(Decimal(str(r["score"]))), part=part.name, top=_n(top))

    _report(log, label, "score", rows.filter(bad), out_of_range)


def duplicate_keys(facts: Facts, log: ErrorLog) -> None:
    """Rows of a kind whose natural key names one row (``key_unique``: units, notices, cases, ranks) given twice.

    The one check of duplicates for every way facts come in — scored from a folder, imported, uploaded:
    counted, a second case would raise a unit's score silently; stored, it would break the table's unique
    key.  Each repeat after the first is reported, naming the row of the first (units too: a unit listed twice).
    """
    for spec in KINDS:
        frame: pl.DataFrame = getattr(facts, spec.name)
        if not spec.key_unique or frame.is_empty():
            continue
        key = list(spec.natural_key)
        frame = frame.drop_nulls(key)  # a key cell that could not be read is reported already
        dup = frame.with_columns(_first=pl.col("_row").min().over(key)).filter(pl.col("_row") > pl.col("_first"))
        report_duplicates(spec.name, dup, facts.label(spec.name), log)


def report_duplicates(kind: str, dup: pl.DataFrame, label: str, log: ErrorLog) -> None:
    """Report each row of ``dup`` as a repeat of the row ``_first`` of its key (an import read in chunks
    finds the first row of a key in an earlier chunk)."""
    key = list(next(spec for spec in KINDS if spec.name == kind).natural_key)
    column = "rank" if kind == "ranks" else key[0]
    _report(log, label, column, dup, _duplicate_message(kind, key))


def _duplicate_message(kind: str, key: list[str]) -> Message:
    def message(r: dict[str, Any]) -> tuple[str, str]:
        first = r["_first"]
        if kind == "units":
            return say(Msg.DUPLICATE_UNIT, first=first, value=r["unit_id"])
        if kind == "ranks":  # a second row would silently double a rank bonus
            return say(Msg.DUPLICATE_RANK, first=first, unit=r["unit_id"], task=r["task"], period=r["period"])
        named = ", ".join(f"{k}={r[k]}" for k in key)
        return say(Msg.DUPLICATE_ROW, first=first, named=named, kind=kind)

    return message


def _n(x: Decimal | None) -> str:
    return "∞" if x is None else format(x.normalize(), "f")


def _deductions(scheme: Scheme, facts: Facts, log: ErrorLog) -> None:
    label = facts.label("deductions")
    leaves = [p for p in scheme.leaves() if p.source == Source.DEDUCTIONS]
    names = canonical_parts(leaves)
    frame = facts.deductions
    if frame.is_empty():
        return
    expected = ("、".join(names) or "（无：本方案没有扣分项目）", ", ".join(names) or "(none: no deduction parts)")
    _report(
        log,
        label,
        "part",
        frame.filter(~pl.col("part").is_in(list(names))),
        lambda r: say(Msg.UNKNOWN_DEDUCTION_PART, value=r["part"], scheme=scheme.scheme, expected=expected),
    )
    ours = frame.filter(pl.col("part").is_in(list(names))).with_columns(
        item=normalise_item(names), part=pl.col("part").replace_strict(names)
    )
    _group_scope(scheme, facts, "deductions", ours, log)
    _items(scheme, facts, "deductions", ours, leaves, log)
    check_standard_rows(scheme, ours, label, log, _report)
    check_point_rows(frame, label, log, _report)


report_rows = _report
"""The row reporter, for checks run on a few rows outside ``check_facts`` (app/row_checks.py)."""

__all__ = [
    "InputErrors",
    "check_facts",
    "check_rows_of",
    "check_units",
    "duplicate_keys",
    "report_duplicates",
    "report_rows",
]
