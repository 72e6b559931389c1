"""Scores owed (应报分数): which (unit, part, item, period) scores a period needs, by when, and which came in.

A department's score that never arrives does not show in a ranking as a gap: the part is averaged over what
is there, or the unit is 未考评.  The office must therefore know what is owed before it publishes.  The
scheme says which parts are chased (a scores part with ``due``, scheme/due.py); its ``items`` say per what
(``group``: each content item of the unit's group, a list: each listed item, otherwise the whole part) and
its ``given_per`` for which periods (a quarterly 部门考评 owes one score per quarter, also to each of its
months).  Pure: the store's rows come in as :class:`Written`, so the CLI, the pages, the publication check
and the bulletin count the same cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kaoping.periods import Period, period_of
from kaoping.scheme.model import Scheme, ScoresLeaf

Key = tuple[str, str, str, str, str]
"""(unit_id, part, item, period, scorer): one owed score; ``item`` is "" for a score of the whole part,
``scorer`` "" when the scheme names nobody (any row counts)."""


class OwedStatus(StrEnum):
    """Where an owed score stands (filled / late / missing / not yet due)."""

    FILLED = "filled"
    LATE = "late"
    MISSING = "missing"
    PENDING = "pending"

    @property
    def label(self) -> str:
        return {"filled": "已报", "late": "逾期报送", "missing": "未报（已逾期）", "pending": "未报（未到期）"}[self]

    @property
    def owed(self) -> bool:
        """Still to come in (missing, or not yet due)."""
        return self in (OwedStatus.MISSING, OwedStatus.PENDING)


@dataclass(frozen=True)
class UnitRef:
    unit_id: str
    name: str
    group: str


@dataclass(frozen=True)
class OwedCell:
    """One score the period needs: whose, for which part and item, for which period, due by when."""

    unit_id: str
    unit: str
    group: str
    part: str
    item: str
    period: str
    due: date
    scorer: str = ""
    """The organisation owing it (the scheme's ``by``), "" when not named."""

    @property
    def key(self) -> Key:
        return (self.unit_id, self.part, self.item, self.period, self.scorer)


@dataclass(frozen=True)
class OwedState:
    cell: OwedCell
    status: OwedStatus
    written_at: datetime | None = None


def chased_leaves(scheme: Scheme) -> list[tuple[ScoresLeaf, list[str]]]:
    """The scores parts with a due date, each with the groups it applies to (its top-level part's; [] = all)."""
    out: list[tuple[ScoresLeaf, list[str]]] = []
    for top in scheme.parts:
        out += [(leaf, top.groups) for leaf in top.walk() if isinstance(leaf, ScoresLeaf) and leaf.due is not None]
    return out


def owed_cells(scheme: Scheme, units: Iterable[UnitRef], period: Period) -> list[OwedCell]:
    """Every score ``period`` needs from the chased parts, unit by unit in the order given."""
    chased = chased_leaves(scheme)
    out: list[OwedCell] = []
    for u in units:
        for leaf, groups in chased:
            if groups and u.group not in groups:
                continue
            assert leaf.due is not None
            for p in _given_periods(scheme, leaf, period):
                due = leaf.due.deadline(p)
                for i in _items(scheme, leaf, u):
                    out += [
                        OwedCell(u.unit_id, u.name, u.group, leaf.name, i, str(p), due, s) for s in leaf.scorers_of(i)
                    ]
    return out


def _given_periods(scheme: Scheme, leaf: ScoresLeaf, period: Period) -> list[Period]:
    """The periods rows of ``leaf`` are given for that ``period`` reads: its sub-periods of the leaf's kind, or
    the one coarser period holding it (a month reads its quarter's 部门考评)."""
    kind = leaf.given_per or scheme.main_kind
    if kind.size <= period.kind.size:
        return period.subperiods(kind)
    return [period_of(period.start(), kind)]


def _items(scheme: Scheme, leaf: ScoresLeaf, unit: UnitRef) -> list[str]:
    if leaf.items == "group":
        group = scheme.group(unit.group)
        return list(group.items) if group is not None else []
    if isinstance(leaf.items, list):
        return list(leaf.items)
    return [""]


def states(cells: Iterable[OwedCell], written: Mapping[Key, datetime | None], today: date) -> list[OwedState]:
    """Each cell's standing: written (on time or late, by the time it was first written — unknown counts as on
    time), or still owed (missing once its due day has passed)."""
    out: list[OwedState] = []
    for c in cells:
        if c.key in written:
            at = written[c.key]
            late = at is not None and at.date() > c.due
            out.append(OwedState(c, OwedStatus.LATE if late else OwedStatus.FILLED, at))
        else:
            out.append(OwedState(c, OwedStatus.MISSING if today > c.due else OwedStatus.PENDING))
    return out


def worst(found: Iterable[OwedStatus]) -> OwedStatus:
    """One status for several scorers of a cell (the office's matrix): missing, then not yet due, late, filled."""
    order = (OwedStatus.MISSING, OwedStatus.PENDING, OwedStatus.LATE, OwedStatus.FILLED)
    given = set(found)
    return next((s for s in order if s in given), OwedStatus.FILLED)


def item_key(part_names: Mapping[str, str], part: str, item: str) -> tuple[str, str]:
    """A row's (part, item) as owed cells name them: the canonical part, "" for the whole part (an empty item
    or one repeating the part's name)."""
    name = part_names.get(part, part)
    return name, "" if item in ("", part, name) else item
