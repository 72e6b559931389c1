"""What a reviewer checks (审核对比): the open version's ranking beside the published one, who moves and why.

A reviewer shown only "draft v2" approves blind.  A second look needs the difference: per group, each unit's
rank and total in the published version and in the draft, how many places it moves and by how much its total
changes, the units entering or leaving the ranking — and the fact rows that differ between the two versions'
snapshots, dated in the period and listed under their unit ("高新区 ↓2, −0.30: 扣分 row 1234 新增 points
0.3").  Before anything is published there is nothing to compare with, and the draft ranking is shown alone.

:func:`compare` is pure (documents and changed rows in, rows out), so it is tested without a store;
:func:`review_of` reads the two versions and their snapshots from the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from kaoping.facts import Facts
from kaoping.facts.snapshot import ChangedRow, changes, scope, within
from kaoping.periods import parse_period
from kaoping.store import snapshots
from kaoping.store.publishing import current
from kaoping.store.tables import PublishedResult

__all__ = ["Comparison", "GroupReview", "Move", "Review", "Standing", "UnitReview", "compare", "review_of"]

Document = Mapping[str, Any]


class Move(StrEnum):
    """How a unit's place differs from the published version."""

    UP = "up"
    DOWN = "down"
    SAME = "same"
    ENTERED = "entered"
    """Ranked in the draft, not in the published version (new, moved group, or 未考评 then)."""
    LEFT = "left"
    """Ranked in the published version, not in the draft."""
    UNRATED = "unrated"
    """Ranked in neither (未考评 in both), listed only because rows of it changed."""
    NONE = "none"
    """Nothing published yet: no comparison."""


class Standing(NamedTuple):
    """A unit's rank and shown total in one version (a pair of values, compared as such)."""

    rank: int
    total: Decimal


@dataclass(frozen=True)
class UnitReview:
    """One unit in one group: where it stands in each version, the move, and the rows that changed."""

    unit_id: str
    unit: str
    published: Standing | None
    draft: Standing | None
    move: Move
    places: int = 0
    """Places up (negative: down) from the published rank to the draft rank."""
    delta: Decimal | None = None
    """Draft total − published total, when the unit is ranked in both."""
    rows: tuple[ChangedRow, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether a reviewer has something to look at for this unit."""
        moved = self.move not in (Move.SAME, Move.UNRATED, Move.NONE)
        return moved or bool(self.delta) or bool(self.rows)


@dataclass(frozen=True)
class GroupReview:
    group: str
    units: list[UnitReview]
    """Draft ranking order, then the units that left it (in their published order)."""


@dataclass(frozen=True)
class Comparison:
    """The pure part: per group the units, and changed rows of units found in no group of either version."""

    groups: list[GroupReview]
    elsewhere: list[ChangedRow] = field(default_factory=list)

    @property
    def changed_units(self) -> int:
        return sum(1 for g in self.groups for u in g.units if u.changed)


@dataclass(frozen=True)
class Review:
    """An open version compared with the published one (``published_version`` None: nothing published)."""

    draft_version: int
    published_version: int | None
    comparison: Comparison
    period_rows: int = 0
    """Rows dated in the period that differ between the two snapshots (all listed under their units)."""
    other_rows: int = 0
    """Rows dated outside the period that differ (they may still count: yearly caps, bonus of a past quarter)."""
    rows_known: bool = True
    """False when a version was kept without its facts (computed before snapshots existed)."""


def _number(value: Any) -> Decimal:
    """A document total (a float already rounded by the scheme) as the decimal it prints as."""
    return Decimal(str(value))


def _ranked(document: Document | None) -> dict[str, dict[str, Standing]]:
    """Group → unit id → standing, in rank order."""
    out: dict[str, dict[str, Standing]] = {}
    for g in (document or {}).get("groups", []):
        ranking = g.get("ranking", [])  # a report-only document (通报型) has units, never a ranking
        out[g["group"]] = {u["unit_id"]: Standing(int(u["rank"]), _number(u["total"])) for u in ranking}
    return out


def _members(document: Document | None) -> dict[str, list[str]]:
    """Group → every unit id in it, ranked or 未考评."""
    out: dict[str, list[str]] = {}
    for g in (document or {}).get("groups", []):
        out[g["group"]] = [u["unit_id"] for u in _listed(g)]
    return out


def _names(document: Document | None) -> dict[str, str]:
    groups = (document or {}).get("groups", [])
    return {u["unit_id"]: u["unit"] for g in groups for u in _listed(g)}


def _listed(group: dict[str, Any]) -> list[dict[str, Any]]:
    """Every unit entry of a document's group: ranked (or, in a report-only document, reported) and 未考评."""
    return [*group.get("ranking", []), *group.get("units", []), *group.get("unrated", [])]


def _unit(
    unit_id: str, name: str, before: Standing | None, after: Standing | None, rows: Sequence[ChangedRow], baseline: bool
) -> UnitReview:
    """One unit's line: the move follows from the two standings (``baseline`` False: nothing to compare)."""
    kept = tuple(rows)
    if not baseline:
        return UnitReview(unit_id, name, None, after, Move.NONE, rows=kept)
    if before is not None and after is not None:
        places = before.rank - after.rank
        move = Move.UP if places > 0 else Move.DOWN if places < 0 else Move.SAME
        return UnitReview(unit_id, name, before, after, move, places, after.total - before.total, kept)
    move = Move.ENTERED if after is not None else Move.LEFT if before is not None else Move.UNRATED
    return UnitReview(unit_id, name, before, after, move, rows=kept)


def compare(draft: Document, published: Document | None, rows: Sequence[ChangedRow] = ()) -> Comparison:
    """The draft's ranking beside the published one, group by group, with ``rows`` under their units.

    A unit appears in each group it is ranked in (in either version); a unit ranked in neither appears only
    when some of ``rows`` are its.  Rows of a unit in no group of either version are ``elsewhere``.
    """
    by_unit: dict[str, list[ChangedRow]] = defaultdict(list)
    for row in rows:
        by_unit[row.unit_id].append(row)
    after, before = _ranked(draft), _ranked(published)
    members = {**_members(published), **_members(draft)}
    names = {**_names(published), **_names(draft)}
    groups: list[GroupReview] = []
    placed: set[str] = set()
    for group in [*after, *(g for g in before if g not in after)]:
        a, b = after.get(group, {}), before.get(group, {})
        ids = [*a, *(u for u in b if u not in a)]
        ids += [u for u in members.get(group, []) if u in by_unit and u not in ids]
        units = [_unit(u, names.get(u, u), b.get(u), a.get(u), by_unit.get(u, ()), published is not None) for u in ids]
        groups.append(GroupReview(group, units))
        placed.update(ids)
    return Comparison(groups, [r for r in rows if r.unit_id not in placed])


def _row_changes(before: Facts, after: Facts, period: str) -> tuple[list[ChangedRow], int]:
    """Rows dated in ``period`` that differ, and how many more differ outside it (within the period's scope:
    a snapshot kept whole and one kept scoped differ in rows that cannot matter, which are not counted)."""
    p = parse_period(period)
    inside = changes(within(before, p), within(after, p))
    everywhere = changes(scope(before, p), scope(after, p))
    return inside, max(0, len(everywhere) - len(inside))


def review_of(session: Session, row: PublishedResult) -> Review:
    """Version ``row`` (an open one) compared with the published version of its period, if there is one."""
    published = current(session, scheme=row.scheme, period=row.period)
    if published is None or published.id == row.id:
        return Review(row.version, None, compare(row.document, None))
    if row.snapshot_id is None or published.snapshot_id is None:
        return Review(row.version, published.version, compare(row.document, published.document), rows_known=False)
    before = snapshots.snapshot_facts(session, published.snapshot_id)
    after = snapshots.snapshot_facts(session, row.snapshot_id)
    rows, other = _row_changes(before, after, row.period)
    comparison = compare(row.document, published.document, rows)
    return Review(row.version, published.version, comparison, period_rows=len(rows), other_rows=other)
