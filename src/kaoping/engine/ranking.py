"""Ranking within a group (排名), economic rewards and penalties by rank with 递补, accountability flags.

Ties: equal keys share a rank (1, 2, 2, 4) unless the scheme breaks them by named parts.  Rewards go to
the best units that may receive one (not reward-ineligible, not disqualified): a skipped unit's reward
passes down to the next (后位名次递补).  Penalties go to the lowest units that may be penalised
(reward-ineligible units are skipped, so penalties pass up).  A unit in both a reward and a penalty tier
(a group smaller than the tiers) gets their sum.
"""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.numbers import fmt, rounded
from kaoping.engine.phrases import Msg, Param, Params
from kaoping.engine.result import Line, LineKind, UnitResult
from kaoping.scheme.grades import GradeBand, grade_of
from kaoping.scheme.model import Display, GroupTiers

Key = tuple[Decimal, ...]


def rank_group(units: list[UnitResult], display: Display) -> list[UnitResult]:
    """Set ``shown_total`` and ``rank``; return the units in rank order (ties by unit id, for stability)."""
    for u in units:
        u.shown_total = rounded(u.total, display.decimals, display.rounding)

    def key(u: UnitResult) -> Key:
        first = u.shown_total if display.rank_on == "rounded" else u.total
        extra = tuple(u.parts.get(p, Decimal(0)) for p in display.ties) if isinstance(display.ties, list) else ()
        return (first, *extra)

    ordered = sorted(units, key=lambda u: (tuple(-k for k in key(u)), u.unit_id))
    keys = [key(u) for u in ordered]
    for i, u in enumerate(ordered):
        u.rank = ordered[i - 1].rank if i and keys[i] == keys[i - 1] else i + 1
    if isinstance(display.ties, list):
        _explain_tie_breaks(ordered, keys, display.ties)
    return ordered


RANKING = "排名"
"""The ``part`` of the lines that explain a rank (a tie broken by named parts)."""


def _explain_tie_breaks(ordered: list[UnitResult], keys: list[Key], ties: list[str]) -> None:
    """A line for each unit whose equal total was put in order by the tie-break parts (display.ties).

    Units with the same first key (the shown or exact total) that the parts tell apart each get one line:
    the total, the parts that decided (up to the last one that separated any of them), their own values,
    the other tied units by name with theirs, and the rank that resulted — so a reader sees why two 94.31
    are 4th and 5th.
    """
    by_total: dict[Decimal, list[tuple[UnitResult, Key]]] = {}
    for u, k in zip(ordered, keys, strict=True):
        by_total.setdefault(k[0], []).append((u, k))
    for first, tied in by_total.items():
        if len(tied) < 2 or len({k for _, k in tied}) == 1:
            continue
        distinct = len({k for _, k in tied})
        used = next(j for j in range(1, len(ties) + 1) if len({k[: j + 1] for _, k in tied}) == distinct)
        for u, k in tied:
            others = "；".join(f"{o.name} {_values(ko, used)}" for o, ko in tied if o is not u)
            params: Params = {
                "total": first,
                "parts": "、".join(ties[:used]),
                "own": _values(k, used),
                "others": others,
                "rank": u.rank,
            }
            u.lines.append(Line(RANKING, LineKind.RANK, Msg.TIE_BROKEN, params, Decimal(0)))


def _values(key: Key, used: int) -> str:
    """The tie-break values of one unit, as the line shows them (50、30)."""
    return "、".join(fmt(v) for v in key[1 : used + 1])


GRADE = "等次"
"""The ``part`` of grade lines."""


def grade_group(ranking: list[UnitResult], bands: list[GradeBand]) -> None:
    """Give each ranked unit its grade (等次) by its shown total — the number the bulletin prints, so a reader
    checks a grade against it — with a line saying which band it fell in."""
    if not bands:
        return
    for u in ranking:
        band = grade_of(bands, u.shown_total)
        u.grade = band.name if band is not None else None
        if band is None:
            u.lines.append(Line(GRADE, LineKind.GRADE, Msg.UNGRADED, {"total": u.shown_total}, Decimal(0)))
            continue
        i = bands.index(band)
        above = bands[i - 1].min if i else None
        params: dict[str, Param] = {"total": u.shown_total, "grade": band.name}
        params |= {"min": _bound(band.min), "above": _bound(above)}
        u.lines.append(Line(GRADE, LineKind.GRADE, Msg.GRADE, params, Decimal(0)))


def _bound(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def positions_from_top(units: list[UnitResult]) -> dict[str, int]:
    """Competition position among ``units`` (in rank order) by rank: 1 + how many are strictly better."""
    out: dict[str, int] = {}
    for i, u in enumerate(units):
        out[u.unit_id] = out[units[i - 1].unit_id] if i and u.rank == units[i - 1].rank else i + 1
    return out


def positions_from_bottom(units: list[UnitResult]) -> dict[str, int]:
    """Position counted from the last: 1 + how many are strictly worse (tied last units are all 1)."""
    return positions_from_top(units[::-1])


def apply_rewards(ordered: list[UnitResult], tiers: GroupTiers, disqualified: set[str]) -> None:
    """Add reward/penalty yuan to ``reward`` with explanation lines (see the module docstring)."""
    can_win = [u for u in ordered if u.reward_eligible and u.unit_id not in disqualified]
    can_lose = [u for u in ordered if u.reward_eligible]
    _apply(can_win, positions_from_top(can_win), tiers.top, Msg.REWARD)
    _apply(can_lose, positions_from_bottom(can_lose), tiers.from_last, Msg.PENALTY_TIER)
    for u in ordered:
        if not u.reward_eligible:
            u.lines.append(Line(REWARDS, LineKind.REWARD, Msg.NOT_ELIGIBLE, {}, Decimal(0)))


REWARDS = "奖惩"
"""The ``part`` of the lines of economic rewards and penalties."""


def _apply(units: list[UnitResult], pos: dict[str, int], amounts: list[int], key: Msg) -> None:
    for u in units:
        p = pos[u.unit_id]
        if p <= len(amounts):
            amount = amounts[p - 1]
            u.reward += amount
            params = {"position": p, "amount": amount, "group_rank": u.rank}
            u.lines.append(Line(REWARDS, LineKind.REWARD, key, params, Decimal(amount)))


def bottom_sets(ordered: list[UnitResult], n: int) -> set[str]:
    """Unit ids among the last ``n`` of a group (ties included)."""
    pos = positions_from_bottom(ordered)
    return {uid for uid, p in pos.items() if p <= n}
