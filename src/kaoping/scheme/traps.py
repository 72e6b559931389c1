"""Traps of the scheme language, caught at load with the fix said (issue 19).

Each of these loaded before and scored wrongly without a word: weights under a parent that does not weigh
(every unit then totals the plain sum), a penalty written as a positive amount (the last units won 60万),
``bottom`` written in the document's order (the last unit fined least), a name twice, a formula that cannot
name a part whose name has brackets, ``rewards.第一组`` for ``rewards.tiers.第一组``, a tab in the YAML.  Each
is refused with a message in Chinese first (and English) that says where and how to fix it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from kaoping.scheme.model import BottomOrder, GroupTiers, Node, Part, Scheme, ScoreBonus
from kaoping.scheme.said import Said, SchemeMsg, say, wan

_NOT_IN_A_NAME = re.compile(r"\W")
"""What a formula name cannot contain: anything but letters, digits (Chinese ones too) and ``_``."""


def tab_problem(exc: yaml.YAMLError) -> Said | None:
    """The Chinese message for a YAML error caused by a tab (PyYAML refuses tabs in most places), or None."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None or "\\t" not in str(getattr(exc, "problem", "")):
        return None
    return say(SchemeMsg.TAB, line=mark.line + 1, column=mark.column + 1)


def trap_of_shape(err: Any, path: str, got: str) -> Said | None:
    """A Pydantic error that is a trap, said with its fix: money that is not an amount, ``rewards.第一组``."""
    if err["type"] in ("money", "money_not_whole"):
        msg = SchemeMsg.MONEY if err["type"] == "money" else SchemeMsg.MONEY_NOT_WHOLE
        return say(msg, path=path, got=got, yuan=err.get("ctx", {}).get("yuan", ""))
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden" and len(loc) == 2 and loc[0] == "rewards" and isinstance(loc[1], str):
        return say(SchemeMsg.REWARDS_WITHOUT_TIERS, key=loc[1])  # the group meant under rewards.tiers
    return None


def part_paths(s: Scheme) -> list[tuple[str, Part]]:
    """Every part with its path in the file (``parts[0] (实绩).parts[1] (暗查)``), parents first."""
    out: list[tuple[str, Part]] = []

    def walk(part: Part, path: str) -> None:
        out.append((path, part))
        if isinstance(part, Node):
            for i, child in enumerate(part.parts):
                walk(child, f"{path}.parts[{i}] ({child.name})")

    for i, part in enumerate(s.parts):
        walk(part, f"parts[{i}] ({part.name})")
    return out


def check_traps(s: Scheme, *, published: bool = False) -> list[str]:
    """Every trap of ``s``, each with its fix.  ``published`` (the text of a published version): only the
    traps that were load errors before they were said with their fix (a name twice)."""
    if published:
        return _names_twice(s)
    out: list[str] = [*_names_twice(s), *_ignored_weights(s)]
    for group, tiers in s.rewards.tiers.items():
        out += _reward_signs(group, tiers)
        out += _bottom_order(group, tiers)
    return out


def _names_twice(s: Scheme) -> list[str]:
    """A name (or alias) used twice, with both places: data rows could not say which part they mean."""
    owners: list[tuple[str, list[str]]] = [(path, p.names()) for path, p in part_paths(s)]
    owners += [
        (f"bonus.rules[{i}] ({r.name})", r.names()) for i, r in enumerate(s.bonus.rules) if isinstance(r, ScoreBonus)
    ]
    seen: dict[str, str] = {}
    out: list[str] = []
    for path, names in owners:
        for k, name in enumerate(names):
            where = path if k == 0 else f"{path}.aliases[{k - 1}]"
            if name in seen:
                out.append(say(SchemeMsg.NAME_TWICE, name=name, first=seen[name], second=where))
            else:
                seen[name] = where
    return out


def _ignored_weights(s: Scheme) -> list[str]:
    """Weights under a parent that adds its parts up: they would be ignored without a word."""
    out: list[str] = []
    weighted = [p.name for p in s.parts if p.weight is not None]
    if weighted and s.combine != "weighted":
        out.append(say(SchemeMsg.WEIGHT_IGNORED_TOP, names="、".join(weighted), combine=s.combine))
    if s.round_terms is not None and s.combine != "weighted":
        out.append(say(SchemeMsg.ROUND_TERMS_UNWEIGHTED, path="", combine=s.combine))
    for path, part in part_paths(s):
        if isinstance(part, Node) and part.combine != "weighted":
            named = [c.name for c in part.parts if c.weight is not None]
            if named:
                out.append(say(SchemeMsg.WEIGHT_IGNORED_NODE, path=path, names="、".join(named), combine=part.combine))
            if part.round_terms is not None:
                out.append(say(SchemeMsg.ROUND_TERMS_UNWEIGHTED, path=f"{path}.", combine=part.combine))
    return out


def _reward_signs(group: str, tiers: GroupTiers) -> list[str]:
    """A reward that fines, a penalty that rewards: the sign tells them apart, so it must be right."""
    out: list[str] = []
    for i, amount in enumerate(tiers.top):
        if amount < 0:
            out.append(
                say(SchemeMsg.TOP_NOT_POSITIVE, group=group, index=i, position=i + 1, amount=amount, fixed=-amount)
            )
    last = len(tiers.bottom)
    for i, amount in enumerate(tiers.bottom):
        if amount > 0:
            position = last - i if tiers.bottom_order == BottomOrder.WORST_LAST else i + 1
            fixed = dict(fixed=-amount, fixed_wan=wan(-amount))
            out.append(
                say(SchemeMsg.BOTTOM_NOT_NEGATIVE, group=group, index=i, position=position, amount=amount, **fixed)
            )
    return out


def _bottom_order(group: str, tiers: GroupTiers) -> list[str]:
    """``bottom`` whose order is not said and whose last unit would be fined less than a better one."""
    if tiers.bottom_order is not None or len(tiers.bottom) < 2 or any(a > 0 for a in tiers.bottom):
        return []
    worst = tiers.bottom[0]
    harsher = [(i, a) for i, a in enumerate(tiers.bottom) if a < worst]
    if not harsher:
        return []
    i, amount = harsher[-1]
    return [
        say(
            SchemeMsg.BOTTOM_ORDER,
            group=group,
            worst=wan(-worst),
            position=i + 1,
            harsher=wan(-amount),
            count=len(tiers.bottom),
        )
    ]


def formula_name_problem(path: str, formula: str, children: list[str], *, failed: bool) -> Said | None:
    """A child of a formula node whose name a formula cannot write (``结案率(%)``, ``社会评价（满意度）``).

    Said when the formula writes the name, or — when the formula does not check (``failed``: the bracket
    made a call or a syntax error, or the name without it is unknown) — when it writes the name without
    those characters or the part before them: the office meant that part.
    """
    for name in children:
        if name.isidentifier():
            continue
        fixed = _NOT_IN_A_NAME.sub("", name) or "部分1"
        if name in formula or (failed and (fixed in formula or _stem(name) in formula)):
            chars = " ".join(sorted({f"“{c}”" for c in _NOT_IN_A_NAME.findall(name)}))
            return say(SchemeMsg.FORMULA_NAME, path=path, name=name, chars=chars, fixed=fixed)
    return None


def _stem(name: str) -> str:
    """The name before its first character a formula cannot contain (结案率 of 结案率(%))."""
    return _NOT_IN_A_NAME.split(name, maxsplit=1)[0] or name
