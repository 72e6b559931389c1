"""What the 公示 pages show, worked out from the frozen document so the templates only lay it out.

A citizen must be able to check every total by hand: 总分 = 基础分 + 加分 − 扣减 (never below the scheme's
floor), each figure rounded as the scheme displays it.  The money column says what it holds — 奖惩, a reward
with +, a penalty with − — with thousands separators.  The index names periods as people say them
(2024年第四季度) and schemes by their title, grouped by year, newest first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kaoping.periods import PeriodKind, parse_period
from kaoping.reports.data import period_label
from kaoping.scheme import Scheme
from kaoping.web.app import flag_filter

KIND_ORDER = {PeriodKind.YEAR: 0, PeriodKind.HALF: 1, PeriodKind.QUARTER: 2, PeriodKind.MONTH: 3}
"""Of periods ending together the longer comes first: 2024年度, 2024年下半年, 2024年第四季度, 2024年12月,
2024年11月 …"""


def period_name(period: str, lang: str) -> str:
    """``2024-Q4`` → 2024年第四季度 (Chinese pages); the key itself on English pages."""
    return period_label(period) if lang == "zh" else period


def money(yuan: int) -> str:
    """奖惩 in yuan as a reader expects it: ``+30,000`` a reward, ``-20,000`` a penalty, ``0`` neither."""
    return f"{yuan:+,}" if yuan else "0"


@dataclass(frozen=True)
class IndexEntry:
    """One published (scheme, period) on the index."""

    href: str
    period: str
    scheme: str
    title: str


@dataclass(frozen=True)
class IndexYear:
    year: int
    entries: list[IndexEntry]


def index_years(pairs: list[tuple[str, str]], titles: Mapping[str, str], lang: str) -> list[IndexYear]:
    """Published (scheme, period) pairs grouped by year, newest year first, in a year the latest-ending period
    first (see :data:`KIND_ORDER`); a pair whose period is not a period is left out (it cannot be published,
    but the index must not fail on one)."""
    keyed: list[tuple[int, int, int, int, str, IndexEntry]] = []
    for scheme, text in pairs:
        try:
            p = parse_period(text)
        except ValueError:
            continue
        entry = IndexEntry(f"/public/{scheme}/{text}", period_name(text, lang), scheme, titles.get(scheme, scheme))
        ends = -p.end_exclusive().toordinal()
        keyed.append((-p.year, ends, KIND_ORDER.get(p.kind, 3), -p.start().toordinal(), scheme, entry))
    keyed.sort(key=lambda k: k[:5])
    years: dict[int, list[IndexEntry]] = {}
    for year, *_, entry in keyed:
        years.setdefault(-year, []).append(entry)
    return [IndexYear(y, entries) for y, entries in years.items()]


@dataclass(frozen=True)
class PublicRow:
    """One ranked unit as the table prints it: every figure already formatted."""

    rank: int
    unit: str
    total: str
    parts: list[str]
    base: str
    bonus: str
    penalty: str
    money: str
    money_kind: str
    """``reward``, ``penalty`` or ``none``: the cell's colour class."""
    flags: list[str]
    reward_eligible: bool
    floored: bool
    """The total was raised to the scheme's floor, so 基础分 + 加分 − 扣减 is below it."""
    grade: str | None = None
    """等次, when the document carries one (a graded scheme's, published since grades were kept)."""


@dataclass(frozen=True)
class PublicGroup:
    group: str
    rows: list[PublicRow]
    unrated: list[str] = field(default_factory=list)
    graded: bool = False
    """The document grades this group's units (a 等次 column is printed)."""


def _number(x: object) -> Decimal:
    return Decimal(str(x)) if x is not None else Decimal(0)


@dataclass(frozen=True)
class Shown:
    """How the scheme prints numbers: its decimals and the floor of a total (``total_min``), and its flag names."""

    decimals: int
    floor: Decimal | None
    flag: Callable[[str], str]


def _row(u: Mapping[str, Any], part_names: list[str], how: Shown) -> PublicRow:
    decimals = how.decimals

    def shown(x: Decimal) -> str:
        return f"{x:.{decimals}f}"

    total, bonus, penalty = _number(u["total"]), _number(u.get("bonus")), _number(u.get("penalty"))
    # documents published before 基础分 was kept: the base is what the total leaves after bonus and penalty
    base = _number(u["base"]) if "base" in u else total - bonus + penalty
    reward = int(u.get("reward", 0))
    return PublicRow(
        rank=int(u["rank"]),
        unit=str(u["unit"]),
        total=shown(total),
        parts=[shown(_number(u.get("parts", {}).get(p, 0))) for p in part_names],
        base=shown(base),
        bonus=shown(bonus),
        penalty=shown(penalty),
        money=money(reward),
        money_kind="reward" if reward > 0 else "penalty" if reward < 0 else "none",
        flags=[how.flag(code) for code in u.get("flags", [])],
        reward_eligible=bool(u.get("reward_eligible", True)),
        floored=how.floor is not None and total == how.floor and base + bonus - penalty < total,
        grade=str(u["grade"]) if u.get("grade") else None,
    )


def public_groups(document: Mapping[str, Any], part_names: list[str], scheme: Scheme | None) -> list[PublicGroup]:
    """The document's groups as rows to print; flags by the scheme's own labels when the scheme is loaded."""

    def flag(code: str) -> str:
        return flag_filter(code, scheme)

    how = Shown(2, None, flag) if scheme is None else Shown(scheme.display.decimals, scheme.total_min, flag)
    return [
        PublicGroup(
            group=str(g["group"]),
            rows=[_row(u, part_names, how) for u in g.get("ranking", [])],
            unrated=[str(u["unit"]) for u in g.get("unrated", [])],
            graded=any("grade" in u for u in g.get("ranking", [])),
        )
        for g in document.get("groups", [])
    ]


def legend_needs(groups: list[PublicGroup]) -> dict[str, bool]:
    """Which legend lines the page prints: only those that explain something the table shows."""
    rows = [r for g in groups for r in g.rows]
    return {
        "flagged": any(r.flags for r in rows),
        "money": any(r.money_kind != "none" for r in rows),
        "substitution": any(r.money_kind != "none" for r in rows)
        and any(not r.reward_eligible or r.flags for r in rows),
        "floored": any(r.floored for r in rows),
    }
