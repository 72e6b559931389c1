"""方案修订对比: what a draft revision of a scheme changes, rule by rule, placed where it acts.

试算 (what-if) must say *which rule* moved a unit, not only that it moved.  So the two schemes are compared
field by field and each change is placed in an :class:`Area` — a top-level part (changes anywhere inside it,
its weight and cap included), the bonus, the penalties, the combination of the total, rewards, flags, display —
so a unit whose 部门考评 contribution changed can be shown exactly the changes made inside 部门考评.

Lists of named things (parts, bonus rules, flags) are matched by name (code for flags), so reordering is
no change and a renamed part is one removed and one added.  Pure: two Scheme models in, values out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from kaoping.engine.numbers import fmt
from kaoping.scheme.model import Node, Part, Scheme

__all__ = ["Area", "SchemeChange", "scheme_changes"]


class Area(StrEnum):
    """Where a change acts, so a unit's moved number can be matched with the changes that can move it."""

    PART = "part"
    """Inside one top-level part (``part`` names it): its cap, weight, formula, sub-parts, how rows combine."""
    TOTAL = "total"
    """How the top-level parts make the total (combine, total_max, total_min)."""
    BONUS = "bonus"
    PENALTY = "penalty"
    REWARDS = "rewards"
    FLAGS = "flags"
    DISPLAY = "display"
    """Rounding and tie rules (a rank can move with them, a total's exact value cannot)."""
    OTHER = "other"
    """Periods, groups, inspection windows, evaluated years: they change which facts count."""


AREA_NAMES = {
    Area.PART: "考评部分",
    Area.TOTAL: "总分组合",
    Area.BONUS: "加分",
    Area.PENALTY: "整改扣分",
    Area.REWARDS: "经济奖惩",
    Area.FLAGS: "问责标记",
    Area.DISPLAY: "显示与并列",
    Area.OTHER: "其他规则",
}

AREA_NAMES_EN = {
    Area.PART: "part",
    Area.TOTAL: "total",
    Area.BONUS: "bonus",
    Area.PENALTY: "penalty",
    Area.REWARDS: "rewards",
    Area.FLAGS: "flags",
    Area.DISPLAY: "display and ties",
    Area.OTHER: "other rules",
}

FIELD_NAMES = {
    "max": "满分/上限",
    "min": "下限",
    "weight": "权重(%)",
    "formula": "公式",
    "combine": "组合方式",
    "points": "分值",
    "cap": "上限",
    "cap_per_year": "年度上限",
    "tiers": "档次",
    "top": "前列奖励",
    "bottom": "末位处罚",
    "floor": "保底",
    "item_cap": "单项扣分上限",
    "scorers": "多人评分合并",
    "over_time": "跨期合并",
    "items_combine": "细项合并",
    "total_max": "总分上限",
    "total_min": "总分下限",
    "decimals": "小数位",
    "rounding": "舍入",
    "rank_on": "排名依据",
    "ties": "并列规则",
    "delay": "延后期数",
    "escalated_points": "加重扣分",
    "escalate_after": "加重起点",
    "rectify_days": "整改期限(天)",
}
"""Chinese names of the fields a revision usually touches (others are shown by their key)."""

_IGNORED = {"scheme", "title", "version", "source_document", "notes"}
"""Metadata: changing them moves no number."""
_TOTAL_KEYS = {"combine", "total_max", "total_min"}
_AREA_OF_KEY = {
    "bonus": Area.BONUS,
    "penalties": Area.PENALTY,
    "rewards": Area.REWARDS,
    "flags": Area.FLAGS,
    "display": Area.DISPLAY,
}


@dataclass(frozen=True)
class SchemeChange:
    """One changed field: ``path`` inside the scheme (``部门考评.max``), the value before and after ('' when
    the thing is added or removed), and where it acts (``part``: the top-level part, for Area.PART)."""

    area: Area
    part: str
    path: str
    before: str
    after: str

    @property
    def field_name(self) -> str:
        """The last key of the path in Chinese, when it has a name (``max`` → 满分/上限)."""
        key = self.path.rsplit(".", 1)[-1]
        return FIELD_NAMES.get(key, key)

    def text(self, lang: str = "zh") -> str:
        """``部门考评.max（满分/上限）：300 → 275``; an added or removed thing says so.  ``lang`` en: the path
        (its keys are the scheme language's own) and English words."""
        if lang == "en":
            if not self.before:
                return f"{self.path}: added {self.after}"
            return (
                f"{self.path}: removed (was {self.before})"
                if not self.after
                else f"{self.path}: {self.before} → {self.after}"
            )
        where = f"{self.path}（{self.field_name}）" if self.field_name != self.path.rsplit(".", 1)[-1] else self.path
        if not self.before:
            return f"{where}：新增 {self.after}"
        if not self.after:
            return f"{where}：删除（原为 {self.before}）"
        return f"{where}：{self.before} → {self.after}"


def scheme_changes(old: Scheme, new: Scheme) -> list[SchemeChange]:
    """Every field that differs between ``old`` and ``new``, parts first (in the new scheme's order)."""
    out = _part_changes(old, new)
    a, b = old.model_dump(), new.model_dump()
    for key in [k for k in b if k not in _IGNORED and k != "parts"]:
        area = Area.TOTAL if key in _TOTAL_KEYS else _AREA_OF_KEY.get(key, Area.OTHER)
        part = "基本分" if area == Area.TOTAL else ""
        out += [SchemeChange(area, part, p, x, y) for p, x, y in _diff(a.get(key), b.get(key), key)]
    return out


def _tops(scheme: Scheme) -> dict[str, tuple[str, Part]]:
    """Every part by name with the top-level part it lies in."""
    out: dict[str, tuple[str, Part]] = {}
    for top in scheme.parts:
        for p in top.walk():
            out[p.name] = (top.name, p)
    return out


def _part_changes(old: Scheme, new: Scheme) -> list[SchemeChange]:
    before, after = _tops(old), _tops(new)
    out: list[SchemeChange] = []
    for name, (top, part) in after.items():
        if name not in before:
            out.append(SchemeChange(Area.PART, top, name, "", _part_text(part)))
            continue
        old_part = before[name][1]
        a = old_part.model_dump(exclude={"parts"})
        b = part.model_dump(exclude={"parts"})
        out += [SchemeChange(Area.PART, top, p, x, y) for p, x, y in _diff(a, b, name)]
    for name, (top, part) in before.items():
        if name not in after:
            out.append(SchemeChange(Area.PART, top if top in after else name, name, _part_text(part), ""))
    return out


def _part_text(part: Part) -> str:
    bits = [f"max {fmt(part.max)}" if part.max is not None else "", f"weight {fmt(part.weight)}" if part.weight else ""]
    kind = "node" if isinstance(part, Node) else str(part.source)
    return " ".join(b for b in (kind, *bits) if b)


def _diff(a: Any, b: Any, path: str) -> list[tuple[str, str, str]]:
    """(path, before, after) of every leaf value that differs; dicts by key, lists of named dicts by name."""
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[tuple[str, str, str]] = []
        for key in [*a, *(k for k in b if k not in a)]:
            out += _diff(a.get(key), b.get(key), f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and _named(a) and _named(b):
        return _diff(_by_name(a), _by_name(b), path)
    return [(path, _text(a), _text(b))]


def _named(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(x, dict) and ("name" in x or "code" in x) for x in items)


def _by_name(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {str(x.get("name", x.get("code"))): x for x in items}


def _text(value: Any) -> str:
    """A value as a reader writes it: 300 not 300.000, lists and mappings compact; absent is ''."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, StrEnum):
        return value.value
    return str(value)
