"""Deduction rows checked against the scheme's standards catalogue (扣分标准).

A row that names a problem kind (``problem_kind``) takes its points from the standard: the kind must be in
the standard, under the row's item and on the row's checklist (its part); a kind counted per m² or per
place needs a quantity; and the points must be the standard's — points × quantity, capped — unless the row
gives a reason (``override_reason``), which then stays with the row for anyone who reads it.  Rows without
a kind are untouched, so every file written before the standard existed reads as before.

The points are computed by the standard itself (:meth:`kaoping.scheme.standard.Entry.points`), once per
distinct (kind, quantity), so a million rows cost a join, not a million calls.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import polars as pl

from kaoping.errors import ErrorLog
from kaoping.input_messages import Msg, say
from kaoping.scheme.model import Scheme
from kaoping.scheme.standard import PER_NAMES, Entry, Per

Report = Callable[[ErrorLog, str, str, pl.DataFrame, Callable[[dict[str, Any]], tuple[str, str]]], None]
_TOLERANCE = 1e-6
"""Points are read as floats; a row agrees with the standard when it is within a millionth of it."""


def check_standard_rows(scheme: Scheme, rows: pl.DataFrame, label: str, log: ErrorLog, report: Report) -> None:
    """Report every row of ``rows`` (deductions with canonical part names) that does not fit the standard."""
    named = rows.filter(pl.col("problem_kind") != "")
    if named.is_empty():
        return
    standard = scheme.catalogue
    if standard is None:
        report(
            log,
            label,
            "problem_kind",
            named,
            lambda r: say(Msg.NO_STANDARD, scheme=scheme.scheme, value=r["problem_kind"]),
        )
        return
    kinds = standard.kinds()
    example = "、".join(list(kinds)[:5])
    unknown = named.filter(~pl.col("problem_kind").is_in(list(kinds)))
    report(
        log,
        label,
        "problem_kind",
        unknown,
        lambda r: say(Msg.UNKNOWN_PROBLEM_KIND, standard=standard.standard, value=r["problem_kind"], expected=example),
    )
    known = named.filter(pl.col("problem_kind").is_in(list(kinds)))
    _placement(known, kinds, label, log, report)
    _points(known, kinds, label, log, report)


def _placement(rows: pl.DataFrame, kinds: dict[str, Entry], label: str, log: ErrorLog, report: Report) -> None:
    """The kind's item and checklist must be the row's; a kind counted per m² or place needs its quantity."""
    items = {code: e.item for code, e in kinds.items()}
    item_of = pl.col("problem_kind").replace_strict(items, return_dtype=pl.String)
    report(
        log,
        label,
        "item",
        rows.filter(pl.col("item") != item_of),
        lambda r: say(Msg.KIND_OTHER_ITEM, value=r["problem_kind"], item=items[r["problem_kind"]], got=r["item"]),
    )
    on_sheet = pl.lit(False)
    for code, e in kinds.items():
        on_sheet = on_sheet | ((pl.col("problem_kind") == code) & pl.col("part").is_in(list(e.checklists)))
    report(
        log,
        label,
        "part",
        rows.filter(~on_sheet),
        lambda r: say(
            Msg.KIND_OTHER_CHECKLIST,
            value=r["problem_kind"],
            part=r["part"],
            expected="、".join(kinds[r["problem_kind"]].checklists),
        ),
    )
    measured = [code for code, e in kinds.items() if e.kind.per is not Per.OCCURRENCE]
    missing = rows.filter(pl.col("problem_kind").is_in(measured) & ~(pl.col("quantity") > 0).fill_null(False))

    def no_quantity(r: dict[str, Any]) -> tuple[str, str]:
        return say(Msg.QUANTITY_NEEDED, value=r["problem_kind"], per=PER_NAMES[kinds[r["problem_kind"]].kind.per])

    report(log, label, "quantity", missing, no_quantity)


def _points(rows: pl.DataFrame, kinds: dict[str, Entry], label: str, log: ErrorLog, report: Report) -> None:
    """Rows whose points are not the standard's and give no reason (a missing quantity is reported already)."""
    measured = [code for code, e in kinds.items() if e.kind.per is not Per.OCCURRENCE]
    rows = rows.filter(~pl.col("problem_kind").is_in(measured) | (pl.col("quantity") > 0).fill_null(False))
    combos = rows.select("problem_kind", "quantity").unique()
    expected: list[float] = []
    for code, qty in combos.iter_rows():
        expected.append(float(kinds[code].points(_decimal(qty))))
    table = combos.with_columns(_expected=pl.Series(expected, dtype=pl.Float64))
    joined = rows.join(table, on=["problem_kind", "quantity"], how="left", nulls_equal=True)
    bad = joined.filter(
        ((pl.col("points") - pl.col("_expected")).abs() > _TOLERANCE)
        & (pl.col("override_reason").str.strip_chars() == "")
    )

    def message(r: dict[str, Any]) -> tuple[str, str]:
        entry = kinds[r["problem_kind"]]
        qty = _decimal(r["quantity"])
        how = entry.explain(qty)
        return say(Msg.POINTS_NOT_STANDARD, value=_n(r["points"]), expected=_n(entry.points(qty)), how=how)

    report(log, label, "points", bad, message)


def _decimal(x: float | None) -> Decimal | None:
    return None if x is None else Decimal(str(x))


def _n(x: float | Decimal | None) -> str:
    return "" if x is None else format(Decimal(str(x)).normalize(), "f")
