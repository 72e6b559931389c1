"""试算 as a JSON document (``kaoping whatif --json``) and as the lines a person reads beside a mover.

One shape for the CLI and the page, so the two never disagree.  Totals are the shown (rounded) totals of
each scheme; contributions are exact, given to six decimals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaoping.engine.numbers import fmt
from kaoping.engine.scheme_diff import AREA_NAMES, SchemeChange
from kaoping.engine.whatif import CAUSE_NAMES, CAUSE_NAMES_EN, Cause, Mover, Shift, WhatIf

__all__ = ["reason_text", "whatif_document"]


def _num(x: Decimal) -> float:
    return float(x.quantize(Decimal("0.000001")))


def _change(c: SchemeChange) -> dict[str, Any]:
    return {
        "area": c.area.value,
        "part": c.part,
        "path": c.path,
        "before": c.before,
        "after": c.after,
        "text": c.text(),
    }


_UNCHANGED = {
    "zh": ("随名次与并列的变化，奖惩规则未改", "此处规则未改，由其他规则带动"),
    "en": ("follows the rank and ties; reward rules unchanged", "no rule changed here; moved by other rules"),
}


def reason_text(s: Shift, lang: str = "zh") -> str:
    """``部门考评 −5（部门考评.max（满分/上限）：300 → 275）``; a piece moved by no rule placed in it says so."""
    en = lang == "en"
    name = s.name if s.cause == Cause.PART else (CAUSE_NAMES_EN if en else CAUSE_NAMES)[s.cause]
    sep = "; " if en else "；"
    rules = sep.join(c.text(lang) for c in s.changes)
    if s.cause in (Cause.OTHERS, Cause.FLAGS):
        return name + ((f" ({rules})" if en else f"（{rules}）") if rules else "")
    sign = "+" if s.delta > 0 else "−"
    amount = f"{sign}{fmt(abs(s.delta))}"
    if s.cause == Cause.REWARD:
        amount = f"{sign}{abs(int(s.delta)):,}" + (" yuan" if en else " 元")
    if not rules:
        rules = _UNCHANGED["en" if en else "zh"][0 if s.cause == Cause.REWARD else 1]
    return f"{name} {amount} ({rules})" if en else f"{name} {amount}（{rules}）"


def _mover(m: Mover) -> dict[str, Any]:
    return {
        "group": m.group,
        "unit_id": m.unit_id,
        "unit": m.name,
        "rank_before": m.rank_before,
        "rank_after": m.rank_after,
        "rank_change": m.rank_delta,
        "total_before": _num(m.total_before),
        "total_after": _num(m.total_after),
        "total_change": _num(m.total_delta),
        "reward_before": m.reward_before,
        "reward_after": m.reward_after,
        "flags_before": list(m.flags_before),
        "flags_after": list(m.flags_after),
        "reasons": [
            {
                "cause": s.cause.value,
                "name": s.name,
                "before": _num(s.before),
                "after": _num(s.after),
                "change": _num(s.delta),
                "rules": [_change(c) for c in s.changes],
                "text": reason_text(s),
            }
            for s in m.shifts
        ],
    }


def whatif_document(draft: str, runs: list[WhatIf]) -> dict[str, Any]:
    """``{scheme, draft, changes, periods: [{period, units, movers}]}``: the rule changes once (they are the
    same for every period), then each period's movers."""
    changes = runs[0].changes if runs else []
    return {
        "scheme": runs[0].scheme if runs else "",
        "draft": draft,
        "changes": [_change(c) | {"area_name": AREA_NAMES[c.area]} for c in changes],
        "periods": [
            {"period": r.period, "units": r.units, "notes": r.notes, "movers": [_mover(m) for m in r.movers]}
            for r in runs
        ],
    }
