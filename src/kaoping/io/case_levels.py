"""Reading the cases of a data folder or workbook with the optional level columns (网格, 社区, 岗位...) that
:mod:`kaoping.cases.levels` evaluates: file reading lives here, in io, so the case metrics stay pure.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kaoping.errors import InputError, InputErrors
from kaoping.facts.columns import FALSE_WORDS, ROW, TRUE_WORDS
from kaoping.io.readers import read_facts
from kaoping.io.sources import RawTable, read_csv_table, read_workbook

EXTRA_TEXT = (
    "grid",
    "community",
    "street",
    "district",
    "department",
    "reporter",
    "registrar",
    "dispatcher",
    "shift_lead",
)
EXTRAS = (*EXTRA_TEXT, "registered_at", "source", "dispatch_correct")
SOURCES = {
    "supervisor": "supervisor",
    "监督员": "supervisor",
    "public": "public",
    "公众": "public",
    "公众举报": "public",
}


def read_level_cases(source: str | Path) -> pl.DataFrame:
    """The cases of a data folder or workbook: the interchange columns checked by ``read_facts``, plus the
    level columns (EXTRAS) that the interchange reader does not know yet, checked here the same way.

    Raises InputErrors with file, row and column for every bad cell.
    """
    facts = read_facts(source)
    raw = _raw_cases(Path(source), facts.label("cases"))
    if raw is None:
        return facts.cases
    where = {h.lower(): i for i, h in reversed(list(enumerate(raw.header)))}
    present = [c for c in EXTRAS if c in where]
    if not present:
        return facts.cases
    text = raw.body.select(ROW, *[pl.col(f"c{where[c]}").fill_null("").str.strip_chars().alias(c) for c in present])
    parsed = text.select(ROW, *[_parse_extra(c) for c in present])
    errors: list[InputError] = []
    for column in present:
        bad = text.filter((pl.col(column) != "") & parsed[column].is_null()).head(50)
        for row, value in bad.select(ROW, column).iter_rows():
            errors.append(InputError(raw.label, row, column, f"'{value}' {_EXPECTED[column]}"))
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    return facts.cases.join(parsed, on=ROW, how="left")


_EXPECTED = {
    **{c: "is not a value" for c in EXTRA_TEXT},
    "registered_at": "is not a time: expected YYYY-MM-DD HH:MM[:SS] or YYYY-MM-DD",
    "source": "is not a source: expected supervisor (监督员) or public (公众举报)",
    "dispatch_correct": "is not a yes/no value: expected true/false, 是/否, 1/0 or yes/no",
}


def _parse_extra(column: str) -> pl.Expr:
    text = pl.col(column)
    empty = text == ""
    if column == "registered_at":
        value = pl.coalesce(
            text.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False),
            text.str.to_datetime("%Y-%m-%d %H:%M", time_unit="us", strict=False),
            text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")),
        )
    elif column == "source":
        value = text.str.to_lowercase().replace_strict(SOURCES, default=None, return_dtype=pl.String)
    elif column == "dispatch_correct":
        low = text.str.to_lowercase()
        value = pl.when(low.is_in(TRUE_WORDS)).then(True).when(low.is_in(FALSE_WORDS)).then(False)
    else:
        value = text
    return pl.when(~empty).then(value).alias(column)


def _raw_cases(source: Path, label: str) -> RawTable | None:
    """The cases file or sheet as text cells (None when absent)."""
    if source.is_dir():
        path = Path(label)
        table = read_csv_table(path, label, EXTRAS) if path.is_file() else None
        return table if isinstance(table, RawTable) else None
    tables, _, _ = read_workbook(source, ("cases",), {"cases": EXTRAS})
    return tables.get("cases")
