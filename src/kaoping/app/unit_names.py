"""Units named as clerks name them (单位名称或编号): a row may give a unit's id or its name.

A spreadsheet kept by hand says 东湖区, not DH01.  Before the other checks of an import, every ``unit_id``
cell of the fact files is looked up among the units this import brings and the units of the store: an
id stays as it is, a name that belongs to one unit becomes that unit's id, a name that belongs to several
is an error listing them (give the id), and an unknown value is an error naming the closest names, so a
typo (东湖 for 东湖区) is fixed at a glance.  Full-width forms are folded first (ＤＨ０１ is DH01).

The cells that cannot be resolved become null, so the scheme's checks do not report them a second time.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

import polars as pl

from kaoping.engine.consistency import UNIT_FILES
from kaoping.errors import MAX_ERRORS, ErrorLog, InputError, Invalid, Problem
from kaoping.facts import Facts
from kaoping.facts.columns import ROW
from kaoping.input_messages import Msg, quoted, say

if TYPE_CHECKING:  # the store is read only when a session is given: `score --data` never loads SQLAlchemy
    from sqlalchemy.orm import Session

__all__ = ["UnitDirectory", "one_unit", "resolve_unit_names"]

_CLOSEST = 3


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


class UnitDirectory:
    """Every known unit as (id, name, group): the store's, and the import's own (which win on an id)."""

    def __init__(self, units: Iterable[tuple[str, str, str]]) -> None:
        self.units: dict[str, tuple[str, str]] = {}
        for unit_id, name, group in units:
            self.units[unit_id] = (name, group)
        self.by_folded_id = {_fold(u): u for u in self.units}
        self.by_name: dict[str, list[str]] = {}
        for unit_id, (name, _) in self.units.items():
            self.by_name.setdefault(_fold(name), []).append(unit_id)

    @classmethod
    def of(cls, session: Session | None, facts: Facts) -> UnitDirectory:
        """The store's units (none without a session) and those of ``facts``."""
        stored = [] if session is None else _stored_units(session)
        ours = facts.units.select("unit_id", "name", "group").drop_nulls().rows()
        return cls([*stored, *ours])

    def resolve(self, value: str) -> str | list[str]:
        """The unit id ``value`` means: one id, or the candidates (several, or none) when it names no unit."""
        if value in self.units:
            return value
        folded = _fold(value)
        if folded in self.by_folded_id:
            return self.by_folded_id[folded]
        named = self.by_name.get(folded, [])
        return named[0] if len(named) == 1 else list(named)

    def describe(self, unit_id: str) -> str:
        name, group = self.units[unit_id]
        return f"{unit_id} {name}（{group}）"

    def closest(self, value: str) -> list[str]:
        """Up to three known names or ids that look like ``value`` (a typo, a name cut short)."""
        names = {name: unit_id for unit_id, (name, _) in self.units.items()}
        words = list(names) + list(self.units)
        found = difflib.get_close_matches(_fold(value), words, n=_CLOSEST, cutoff=0.5)
        contained = [w for w in names if value and (value in w or w in value)]
        picked = list(dict.fromkeys([*contained, *found]))[:_CLOSEST]
        return [self.describe(names.get(w, w)) for w in picked]


def _message(directory: UnitDirectory, value: str, candidates: list[str]) -> tuple[str, str]:
    if len(candidates) > 1:
        listed = "、".join(directory.describe(u) for u in candidates)
        return say(Msg.UNIT_AMBIGUOUS, value=quoted(value), candidates=listed)
    near = directory.closest(value)
    closest = say(Msg.UNIT_CLOSEST, names="、".join(near)) if near else ("", "")
    return say(Msg.UNIT_UNKNOWN, value=quoted(value), closest=closest)


def resolve_unit_names(session: Session | None, facts: Facts, log: ErrorLog) -> Facts:
    """``facts`` with every unit name turned into its unit's id (units of the store and of ``facts``; without
    a session, of ``facts`` only); what names no single unit goes to ``log`` (by file and row, the column
    named as the file heads it) and is left null."""
    directory = UnitDirectory.of(session, facts)
    frames: dict[str, pl.DataFrame] = {}
    for name in UNIT_FILES:
        frame: pl.DataFrame = getattr(facts, name)
        values = [v for v in frame.get_column("unit_id").unique().to_list() if v]
        meaning = {v: directory.resolve(v) for v in values}
        if all(isinstance(m, str) and m == v for v, m in meaning.items()):
            continue
        ids = {v: m for v, m in meaning.items() if isinstance(m, str)}
        frames[name] = frame.with_columns(pl.col("unit_id").replace_strict(ids, default=None, return_dtype=pl.String))
        bad = frame.filter(pl.col("unit_id").is_in([v for v, m in meaning.items() if not isinstance(m, str)]))
        header = facts.header(name, "unit_id")
        shown: list[InputError] = []
        for row, value in bad.sort(ROW).head(MAX_ERRORS).select(ROW, "unit_id").iter_rows():
            candidates = meaning[value]
            assert isinstance(candidates, list)
            shown.append(InputError.said(facts.label(name), row, header, _message(directory, value, candidates)))
        log.add_counted(shown, bad.height)
    if not frames:
        return facts
    by_name = {n: frames.get(n, getattr(facts, n)) for n in ("units", *UNIT_FILES)}
    return Facts(**by_name, labels=facts.labels, case_cells=facts.case_cells, headers=facts.headers)


def one_unit(session: Session, kind: str, value: str) -> str:
    """The id of the unit ``value`` names (an id or a stored unit's name) for a single-row write of ``kind``;
    :class:`~kaoping.errors.Invalid` naming the candidates or the closest names otherwise."""
    from kaoping.store.tables import Unit

    if session.get(Unit, value) is not None:
        return value
    directory = UnitDirectory(_stored_units(session))
    meaning = directory.resolve(value)
    if isinstance(meaning, str):
        return meaning
    zh, en = _message(directory, value, meaning)
    raise Invalid((zh, en), [Problem(f"api:{kind}", 0, "unit_id", zh, None, en)])


def _stored_units(session: Session) -> list[tuple[str, str, str]]:
    """Every unit of the store as (id, name, group); SQLAlchemy is imported here, when a store is read."""
    from sqlalchemy import select

    from kaoping.store.tables import Unit

    return [(u.unit_id, u.name, u.group) for u in session.scalars(select(Unit))]
