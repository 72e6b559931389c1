"""Posted rows checked against sets precomputed per scheme (单行校验): the scheme checks of
:func:`kaoping.engine.consistency.check_facts` for rows sent over the API, without building frames.

``check_facts`` answers for whole files: a dozen Polars filters and joins per scheme, which for one posted
row cost more than the rest of the request together (issue 13: 54 % of a POST's server time).  What it
looks up depends only on the scheme — its groups, its part names and aliases, each leaf's items per group,
period kind and score range, which top-level parts are limited to which groups — so those are computed
once per scheme (:func:`sets_for`, cached by the scheme's name and the sha256 of its parsed form) and a row
is checked with a few dictionary look-ups.  The unit's group is not cached: it comes from the request's own
session (the unit was loaded a moment before, to resolve a unit name), so a unit added or moved to another
group by any process counts at once and there is nothing to invalidate.

The answer must be the one ``check_facts`` gives — the same problems, in the same order, with the same
Chinese and English texts, at most 50 kept — which ``tests/unit/app/test_row_checks.py`` checks on random
rows against ``check_facts`` itself.  Each check below mirrors one ``_report`` call there, in its order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from kaoping.engine.aggregate import canonical_parts
from kaoping.engine.consistency import report_rows, wrong_period_kind
from kaoping.engine.point_rows import check_point_rows
from kaoping.engine.standard_rows import check_standard_rows
from kaoping.errors import MAX_ERRORS, ErrorLog, InputError
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.facts.kinds import spec_of
from kaoping.input_messages import Msg, say
from kaoping.periods import parse_period
from kaoping.scheme.model import ItemLeaf, Scheme, ScoreBonus, Source

Row = dict[str, Any]
Said = tuple[str, str]


@dataclass(frozen=True)
class LeafSet:
    """One scores or deductions leaf as the checks see it."""

    name: str
    allowed: dict[str, frozenset[str]] | None
    """Items allowed per group name; None: any item."""
    whole: bool
    """``items: none``: only the whole part (item '')."""
    given_per: str | None
    top: Decimal | None
    """Largest score a row may carry (``row_max``, else ``max``); scores leaves only."""


@dataclass(frozen=True)
class Scope:
    """A top-level part limited to some groups: its own name and every name below it."""

    names: frozenset[str]
    groups: tuple[str, ...]


@dataclass(frozen=True)
class SchemeSets:
    """What the checks of one scheme look up, computed once."""

    scheme: str
    groups: tuple[str, ...]
    score_names: dict[str, str]
    """Every name or alias of a scores leaf → the leaf's name."""
    bonus_names: tuple[str, ...]
    deduction_names: dict[str, str]
    score_leaves: tuple[LeafSet, ...]
    deduction_leaves: tuple[LeafSet, ...]
    scopes: tuple[Scope, ...]
    standard_of: Scheme | None = None
    """The scheme itself: deduction rows naming a problem kind (扣分标准) are checked against its standard by
    :func:`~kaoping.engine.standard_rows.check_standard_rows`, the one copy of those rules (a scheme without
    a standard refuses such rows there)."""


def _allowed(scheme: Scheme, part: ItemLeaf) -> dict[str, frozenset[str]] | None:
    rule = part.items
    if rule == "open":
        return None
    if rule == "none":
        return {g.name: frozenset({""}) for g in scheme.groups}
    if rule == "group":
        return {g.name: frozenset(g.items) for g in scheme.groups}
    return {g.name: frozenset(rule) for g in scheme.groups}


def _leaf(scheme: Scheme, part: Any) -> LeafSet:
    top = getattr(part, "row_max", None)
    top = top if top is not None else part.max
    given = getattr(part, "given_per", None)
    return LeafSet(part.name, _allowed(scheme, part), part.items == "none", given and given.value, top)


def build_sets(scheme: Scheme) -> SchemeSets:
    """The sets of ``scheme`` (see the module's docstring)."""
    scores = [p for p in scheme.leaves() if p.source == Source.SCORES]
    deductions = [p for p in scheme.leaves() if p.source == Source.DEDUCTIONS]
    return SchemeSets(
        scheme=scheme.scheme,
        groups=tuple(g.name for g in scheme.groups),
        score_names=canonical_parts(scores),
        bonus_names=tuple(n for r in scheme.bonus.rules if isinstance(r, ScoreBonus) for n in r.names()),
        deduction_names=canonical_parts(deductions),
        score_leaves=tuple(_leaf(scheme, p) for p in scores),
        deduction_leaves=tuple(_leaf(scheme, p) for p in deductions),
        scopes=tuple(
            Scope(frozenset(p.name for p in top.walk()), tuple(top.groups)) for top in scheme.parts if top.groups
        ),
        standard_of=scheme,
    )


_SETS: dict[tuple[str, str], SchemeSets] = {}
_SHAS: dict[int, tuple[Scheme, str]] = {}


def scheme_sha(scheme: Scheme) -> str:
    """sha256 of the parsed scheme (computed once per loaded scheme object; the object is kept with it so
    its id cannot be reused by another)."""
    kept = _SHAS.get(id(scheme))
    if kept is None or kept[0] is not scheme:
        kept = (scheme, hashlib.sha256(scheme.model_dump_json().encode()).hexdigest())
        _SHAS[id(scheme)] = kept
    return kept[1]


def sets_for(scheme: Scheme) -> SchemeSets:
    """The cached sets of ``scheme``, keyed by (scheme name, sha): a changed scheme file gets new ones."""
    key = (scheme.scheme, scheme_sha(scheme))
    found = _SETS.get(key)
    if found is None:
        found = _SETS[key] = build_sets(scheme)
    return found


class _Log:
    """Collects reports as ``check_facts``'s ``_report`` does: each sorted by row, its first 50 kept."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.log = ErrorLog()
        self.labels = labels

    def report(self, file: str, column: str, bad: Iterable[Row], message: Callable[[Row], Said]) -> None:
        rows = sorted(bad, key=lambda r: r[ROW])
        if rows:
            shown = [InputError.said(self.labels[file], r[ROW], column, message(r)) for r in rows[:MAX_ERRORS]]
            self.log.add_counted(shown, len(rows))


def _n(x: Decimal | None) -> str:
    return "∞" if x is None else format(x.normalize(), "f")


def check_rows(
    sets: SchemeSets, kind: str, rows: list[Row], groups: dict[str, str], labels: dict[str, str]
) -> list[InputError]:
    """Why ``rows`` of ``kind`` do not fit the scheme of ``sets`` (empty when they do).  ``groups``: the
    group of every known unit the rows name (for ``units``, the rows themselves); ``labels``: file → label."""
    log = _Log(labels)
    listed = ("、".join(sets.groups), ", ".join(sets.groups))

    def unknown_group(r: Row) -> Said:
        return say(Msg.UNKNOWN_GROUP, value=r["group"], scheme=sets.scheme, groups=listed)

    # the stored units a row names are a units file of their own (every row numbered 1, as the store has none)
    units = rows if kind == "units" else [{ROW: 1, "unit_id": u, "group": groups[u]} for u in sorted(groups)]
    if not units:
        log.log.add(InputError.said(labels["units"], None, None, say(Msg.NO_UNITS)))
    bad = [r for r in units if r["group"] is not None and r["group"] not in sets.groups]
    log.report("units", "group", bad, unknown_group)
    if kind == "scores":
        _scores(sets, rows, groups, log)
    elif kind == "deductions":
        _deductions(sets, rows, groups, log)
    if len(rows) > 1:
        _duplicates(kind, rows, log)
    return log.log.kept if log.log else []


def _ours(rows: list[Row], names: dict[str, str]) -> list[Row]:
    """Rows naming one of ``names``, the part made canonical and an item repeating the part made ''."""
    out = []
    for r in rows:
        if r["part"] not in names:
            continue
        part, item = names[r["part"]], r["item"]
        out.append(r | {"part": part, "item": "" if item is not None and item in (r["part"], part) else item})
    return out


def _scores(sets: SchemeSets, rows: list[Row], groups: dict[str, str], log: _Log) -> None:
    known = [*sets.score_names, *sets.bonus_names]
    expected = "、".join(known)

    def unknown_part(r: Row) -> Said:
        if r["part"] in sets.deduction_names:
            return say(Msg.DEDUCTION_PART_IN_SCORES, value=r["part"], scheme=sets.scheme)
        return say(Msg.UNKNOWN_SCORE_PART, value=r["part"], scheme=sets.scheme, expected=expected)

    log.report("scores", "part", [r for r in rows if r["part"] is not None and r["part"] not in known], unknown_part)
    ours = _ours(rows, sets.score_names)
    kinds = {r["period"]: str(parse_period(r["period"]).kind.value) for r in ours if r["period"] is not None}
    for leaf in sets.score_leaves:
        _score_rows(log, leaf, [r for r in ours if r["part"] == leaf.name], kinds)
    negative = [r for r in rows if r["part"] in sets.bonus_names and r["score"] is not None and r["score"] < 0]
    log.report("scores", "score", negative, lambda r: say(Msg.BONUS_NEGATIVE, value=_n(Decimal(str(r["score"])))))
    _group_scope(sets, "scores", ours, groups, log)
    _items("scores", ours, sets.score_leaves, groups, log)


def _score_rows(log: _Log, leaf: LeafSet, rows: list[Row], kinds: dict[str, str]) -> None:
    want = leaf.given_per
    if want is not None:

        def wrong_kind(r: Row) -> Said:
            return wrong_period_kind(leaf.name, want, kinds[r["period"]], r["period"])

        wrong = [r for r in rows if r["period"] is not None and kinds[r["period"]] != want]
        log.report("scores", "period", wrong, wrong_kind)
    top = None if leaf.top is None else float(leaf.top)

    def out_of_range(r: Row) -> Said:
        return say(Msg.SCORE_OUT_OF_RANGE, value=_n(Decimal(str(r["score"]))), part=leaf.name, top=_n(leaf.top))

    bad = [r for r in rows if r["score"] is not None and (r["score"] < 0 or (top is not None and r["score"] > top))]
    log.report("scores", "score", bad, out_of_range)


def _group_scope(sets: SchemeSets, file: str, ours: list[Row], groups: dict[str, str], log: _Log) -> None:
    placed = [(r, groups[r["unit_id"]]) for r in ours if r["unit_id"] in groups]
    for scope in sets.scopes:

        def message(r: Row, scope: Scope = scope) -> Said:
            group = groups[r["unit_id"]]
            return say(Msg.PART_NOT_FOR_GROUP, part=r["part"], group=group, groups="、".join(scope.groups))

        bad = [r for r, g in placed if r["part"] in scope.names and g not in scope.groups]
        log.report(file, "part", bad, message)


def _items(file: str, ours: list[Row], leaves: Iterable[LeafSet], groups: dict[str, str], log: _Log) -> None:
    placed = [(r, groups[r["unit_id"]]) for r in ours if r["unit_id"] in groups]
    for leaf in leaves:
        allowed = leaf.allowed
        if allowed is None:
            continue

        def message(r: Row, leaf: LeafSet = leaf, allowed: dict[str, frozenset[str]] = allowed) -> Said:
            if leaf.whole:
                return say(Msg.WHOLE_PART, value=r["item"], part=leaf.name)
            group = groups[r["unit_id"]]
            listed = "、".join(sorted(allowed.get(group, set())))
            return say(Msg.UNKNOWN_ITEM, value=r["item"], part=leaf.name, group=group, expected=listed)

        # an unknown item is one its group does not list; a null item of a listed group is no answer (as in SQL)
        bad = [
            r
            for r, g in placed
            if r["part"] == leaf.name and (g not in allowed or (r["item"] is not None and r["item"] not in allowed[g]))
        ]
        log.report(file, "item", bad, message)


def _deductions(sets: SchemeSets, rows: list[Row], groups: dict[str, str], log: _Log) -> None:
    names = sets.deduction_names
    expected = ("、".join(names) or "（无：本方案没有扣分项目）", ", ".join(names) or "(none: no deduction parts)")

    def unknown_part(r: Row) -> Said:
        return say(Msg.UNKNOWN_DEDUCTION_PART, value=r["part"], scheme=sets.scheme, expected=expected)

    unknown = [r for r in rows if r["part"] is not None and r["part"] not in names]
    log.report("deductions", "part", unknown, unknown_part)
    ours = _ours(rows, names)
    _group_scope(sets, "deductions", ours, groups, log)
    _items("deductions", ours, sets.deduction_leaves, groups, log)
    pointed = [r for r in rows if r.get("lat") is not None or r.get("lon") is not None or r.get("accuracy_m")]
    if pointed:  # a point given: the frame check of every file row (engine/point_rows.py), on these rows
        frame = pl.DataFrame(pointed, schema={**SCHEMAS["deductions"], ROW: pl.Int64})
        check_point_rows(frame, log.labels["deductions"], log.log, report_rows)
    named = [r for r in ours if r.get("problem_kind")]
    if named and sets.standard_of is not None:  # rare and small: the standard's own frame check, on these rows
        frame = pl.DataFrame(named, schema={**SCHEMAS["deductions"], ROW: pl.Int64})
        check_standard_rows(sets.standard_of, frame, log.labels["deductions"], log.log, report_rows)


def _duplicates(kind: str, rows: list[Row], log: _Log) -> None:
    """``duplicate_keys`` for the rows of one batch: a repeat of a key that names one row."""
    spec = spec_of(kind)
    if not spec.key_unique:
        return
    key = list(spec.natural_key)
    firsts: dict[tuple[Any, ...], int] = {}
    keyed = [(tuple(r[k] for k in key), r) for r in rows if all(r[k] is not None for k in key)]
    for values, r in keyed:
        firsts[values] = min(firsts.get(values, r[ROW]), r[ROW])
    bad = [r | {"_first": firsts[values]} for values, r in keyed if r[ROW] > firsts[values]]

    def message(r: Row) -> Said:
        if kind == "units":
            return say(Msg.DUPLICATE_UNIT, first=r["_first"], value=r["unit_id"])
        if kind == "ranks":
            return say(Msg.DUPLICATE_RANK, first=r["_first"], unit=r["unit_id"], task=r["task"], period=r["period"])
        return say(Msg.DUPLICATE_ROW, first=r["_first"], named=", ".join(f"{k}={r[k]}" for k in key), kind=kind)

    log.report(kind, "rank" if kind == "ranks" else key[0], bad, message)
