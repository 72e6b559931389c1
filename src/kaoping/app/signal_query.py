"""What the 督查信号 were asked for — month, kind, scheme, thresholds — read from query parameters, bounded,
with a Chinese message naming the parameter and what it must be.  One reading for both edges: the page reads
its query string here (a wrong value gives a Chinese error page), the API declares the same bounds for its
OpenAPI document and hands its checked values here too.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kaoping.app.errors import Invalid, NotFound, Problem
from kaoping.engine.signals import DEFAULTS, SignalKind, Thresholds

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
KIND = "^(|" + "|".join(SignalKind) + ")$"
"""A kind of signal, or empty (all): what the page's select sends."""
MAX_TEXT = 100
"""A parameter longer than this is refused before it is parsed."""

BOUNDS: dict[str, tuple[int, int, int, str]] = {
    "concentrated_pct": (1, 100, int(DEFAULTS.concentrated_share * 100), "核查集中的一人占比（%）"),
    "concentrated_min_rows": (1, 100_000, DEFAULTS.concentrated_min_rows, "核查集中的最少记录数"),
    "drop_pct": (1, 100, int(DEFAULTS.drop_share * 100), "上报骤降的月均占比（%）"),
    "drop_months": (1, 12, DEFAULTS.drop_months, "上报骤降对比的此前月数"),
    "drop_min_rows": (1, 100_000, DEFAULTS.drop_min_rows, "上报骤降此前的最少记录数"),
    "edge_pct": (1, 100, int(DEFAULTS.edge_share * 100), "窗口边缘集中的边缘占比（%）"),
    "edge_min_rows": (1, 100_000, DEFAULTS.edge_min_rows, "窗口边缘集中的最少记录数"),
    "edge_minutes": (1, 1440, DEFAULTS.edge_minutes, "考评时段末尾的分钟数"),
}
"""Each threshold parameter: its bounds (inclusive), its default (:data:`kaoping.engine.signals.DEFAULTS`,
shares in whole per cent) and its Chinese name."""


@dataclass(frozen=True)
class SignalQuery:
    """What the signals were asked for: the month, the kinds shown, the scheme whose windows count, the
    thresholds."""

    month: str
    kinds: tuple[SignalKind, ...]
    scheme: str | None
    thresholds: Thresholds


def last_month(today: date) -> str:
    """The month before ``today``'s: the last whole month, the default."""
    return f"{today.year - 1}-12" if today.month == 1 else f"{today.year}-{today.month - 1:02d}"


def _bad(column: str, message: str) -> Invalid:
    return Invalid(f"{column}：{message}", [Problem(file="request query", row=None, column=column, message=message)])


def _number(values: Mapping[str, str], name: str) -> int:
    low, high, default, label = BOUNDS[name]
    text = (values.get(name) or "").strip()
    if not text:
        return default
    if len(text) > 7 or not text.isdigit() or not low <= int(text) <= high:
        raise _bad(name, f"{label}应为 {low}–{high} 的整数")
    return int(text)


def _month(values: Mapping[str, str], today: date) -> str:
    text = (values.get("month") or "").strip()
    if not text:
        return last_month(today)
    year, _, month = text.partition("-")
    if len(text) != 7 or not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        raise _bad("month", "月份应写作 YYYY-MM，例如 2024-05")
    return text


def read_query(values: Mapping[str, str], schemes: Collection[str], today: date) -> SignalQuery:
    """The query, checked: :class:`Invalid` naming the parameter, :class:`NotFound` for a scheme not run."""
    if any(len(v) > MAX_TEXT for v in values.values()):
        raise _bad("query", f"参数不能超过 {MAX_TEXT} 个字符")
    kind = (values.get("kind") or "").strip()
    if kind and kind not in SignalKind.names():
        raise _bad("kind", "信号类型应为 " + "、".join(f"{k}（{k.label}）" for k in SignalKind) + " 之一，或留空")
    scheme = (values.get("scheme") or "").strip() or None
    if scheme is not None and scheme not in schemes:
        raise NotFound(f"本系统未运行考评方案 {scheme}。")
    n = {name: _number(values, name) for name in BOUNDS}
    thresholds = Thresholds(
        Decimal(n["concentrated_pct"]) / 100, n["concentrated_min_rows"],
        Decimal(n["drop_pct"]) / 100, n["drop_months"], n["drop_min_rows"],
        Decimal(n["edge_pct"]) / 100, n["edge_min_rows"], n["edge_minutes"],
    )  # fmt: skip
    kinds = (SignalKind(kind),) if kind else tuple(SignalKind)
    return SignalQuery(_month(values, today), kinds, scheme, thresholds)
