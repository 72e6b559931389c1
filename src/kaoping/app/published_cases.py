"""数字城管指标 of a published period as published (冻结版本), and how the live numbers differ since.

A published ranking was computed from the case rows as they were at publication; the table the office
compares it with must show those same numbers, or a late case makes the table and the published 结案率
disagree without a word.  So for a period with a published version (of an office scheme whose snapshot
holds cases), the units that version ranks are counted from its frozen snapshot
(:func:`kaoping.app.frozen.published_frozen`) by the same :func:`~kaoping.cases.metrics.case_counts`; the
live counts are kept beside them, and every unit and column where they differ is listed, with the case rows
changed since (the dashboard's drift, :func:`kaoping.app.frozen.drift`, restricted to cases) — so the office
sees what changed and can start a correction.  Units no published version covers are counted live.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import polars as pl
from sqlalchemy.orm import Session

from kaoping.app import frozen
from kaoping.app.case_metrics import NUMBERS, metric_values
from kaoping.app.results import period_rows
from kaoping.cases.metrics import COUNTS, case_counts
from kaoping.facts.kinds import FactKind
from kaoping.facts.snapshot import ChangedRow
from kaoping.periods import Period
from kaoping.scheme import Scheme
from kaoping.store import publishing

Counts = dict[str, dict[str, int]]


@dataclass(frozen=True)
class Difference:
    """One column of one unit whose live value is no longer the published one."""

    unit_id: str
    column: str
    published: Decimal | None
    live: Decimal | None


@dataclass(frozen=True)
class PublishedCases:
    """The case counts of one published version for its units, and what changed since."""

    scheme: str
    version: int
    published_at: datetime | None
    units: frozenset[str]
    counts: Counts
    """Per unit of the version with a case dispatched in the period (the others count zero)."""
    changed: tuple[ChangedRow, ...]
    """The period's case rows added, changed or deleted since publication."""


def _counts(cases: pl.DataFrame, period: Period, category: str) -> Counts:
    if category:
        cases = cases.filter(pl.col("category") == category)
    counted = case_counts(cases, period)
    return {r["unit_id"]: {c: int(r[c]) for c in COUNTS} for r in counted.iter_rows(named=True)}


def published_cases(
    session: Session, schemes: Iterable[Scheme], period: Period, category: str = ""
) -> list[PublishedCases]:
    """Per office scheme with a published version of ``period`` whose snapshot holds cases, its counts as
    published (of ``category`` only, when given) and the case rows changed since."""
    out: list[PublishedCases] = []
    for scheme in schemes:
        kept = frozen.published_frozen(session, scheme.scheme, str(period))
        if kept is None or not kept.facts.has_cases():
            continue
        row = publishing.current(session, scheme=scheme.scheme, period=str(period))
        drift = frozen.drift(kept, period_rows(session, scheme, period))
        out.append(
            PublishedCases(
                scheme=scheme.scheme,
                version=kept.version,
                published_at=row.published_at if row is not None else None,
                units=frozenset(kept.facts.units.get_column("unit_id").to_list()),
                counts=_counts(kept.facts.cases, period, category),
                changed=tuple(r for r in drift if r.kind == FactKind.CASES.value),
            )
        )
    return out


def shown_counts(live: Counts, versions: Iterable[PublishedCases]) -> Counts:
    """The counts the table shows: a published version's for the units it covers, live for the rest."""
    out = dict(live)
    for version in versions:
        for unit in version.units:
            out.pop(unit, None)
        out.update(version.counts)
    return out


def differences(live: Counts, versions: Iterable[PublishedCases]) -> list[Difference]:
    """Every (unit, column) of a published version whose live value differs, in unit and column order."""
    zero = dict.fromkeys(COUNTS, 0)
    out: list[Difference] = []
    for version in versions:
        for unit in sorted(version.units):
            then = metric_values(version.counts.get(unit, zero))
            now = metric_values(live.get(unit, zero))
            out += [Difference(unit, c, then[c], now[c]) for c in NUMBERS if then[c] != now[c]]
    return out


def changed_units(found: Iterable[Difference]) -> Mapping[str, int]:
    """How many columns changed per unit (the table marks those rows)."""
    out: dict[str, int] = {}
    for d in found:
        out[d.unit_id] = out.get(d.unit_id, 0) + 1
    return out
