"""Server-side SVG charts for the printed bulletin: plain SVG strings, no JavaScript, no extra dependency.

The bulletin inlines them in its HTML, so WeasyPrint draws them as vectors with the same CJK font as the text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from html import escape

FONT = "Noto Sans CJK SC, Noto Serif CJK SC, sans-serif"
RED = "#b4141e"
BAR = "#3c5a82"
GREEN = "#2f7d4f"
GRID = "#d9d9d9"
INK = "#222222"
MUTED = "#666666"


def _nice_step(span: float, ticks: int = 5) -> float:
    """A 1-2-5 step that cuts ``span`` into about ``ticks`` intervals."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _line(x1: float, y1: float, x2: float, y2: float, color: str, w: float = 0.6) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{color}" stroke-width="{w}"/>'


def _text(x: float, y: float, body: str, *, anchor: str = "start", fill: str = INK, extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{body}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" rx="1.5"/>'


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 or x == int(x) else f"{x:,.1f}"


def axis_range(values: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) of the value axis.  Totals cluster high (900 of 1000), so the axis need not start at 0:
    it starts at a round number below the lowest bar, keeping differences visible."""
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = (0.0, hi) if hi > 0 else (hi, 0.0) if hi < 0 else (0.0, 1.0)
    if lo > 0 and (hi - lo) > hi * 0.6:
        lo = 0.0
    step = _nice_step(hi - lo)
    low = math.floor(lo / step) * step
    if lo > 0 and low == lo and low > 0:
        low -= step  # the lowest bar keeps some length
    high = math.ceil(hi / step) * step
    if high == hi:
        high += step if hi > 0 else 0
    return max(low, 0.0) if lo >= 0 and low < 0 else low, high, step


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Decimal],
    *,
    title: str = "",
    highlight: Sequence[bool] | None = None,
    width: int = 640,
    bar_height: int = 18,
) -> str:
    """A horizontal bar chart, one bar per label, in the given order; returns an ``<svg>`` element."""
    if not labels:
        return ""
    nums = [float(v) for v in values]
    low, high, step = axis_range(nums)
    label_w = min(200, 16 + 13 * max(len(s) for s in labels))
    left, right, top = label_w, 56, 30 if title else 10
    gap = 8
    plot_w = width - left - right
    height = top + len(labels) * (bar_height + gap) + 26

    def x(v: float) -> float:
        return left + (v - low) / (high - low) * plot_w

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">'
    ]
    if title:
        out.append(f'<text x="0" y="16" font-size="12.5" font-weight="bold" fill="{INK}">{escape(title)}</text>')
    bottom = top + len(labels) * (bar_height + gap)
    tick = low
    while tick <= high + step / 1000:
        tx = x(tick)
        out.append(_line(tx, top - 4, tx, bottom, GRID))
        out.append(_text(tx, bottom + 14, _fmt(tick), anchor="middle", fill=MUTED))
        tick += step
    for i, (label, v) in enumerate(zip(labels, nums, strict=True)):
        y = top + i * (bar_height + gap)
        hot = highlight[i] if highlight is not None else False
        base = x(max(low, 0.0)) if low < 0 else x(low)
        end = x(v)
        x0, w = min(base, end), abs(end - base)
        fill = RED if hot else BAR
        out.append(_text(left - 8, y + bar_height * 0.72, escape(label), anchor="end"))
        out.append(_rect(x0, y, max(w, 1), bar_height, fill))
        out.append(
            f'<text x="{max(end, base) + 5:.1f}" y="{y + bar_height * 0.72:.1f}" fill="{INK}">{_fmt2(values[i])}</text>'
        )
    out.append(_line(left, top - 4, left, bottom, MUTED, 0.8))
    out.append("</svg>")
    return "".join(out)


def _fmt2(v: Decimal) -> str:
    return f"{v:,}"


def change_chart(labels: Sequence[str], changes: Sequence[Decimal], *, title: str = "", width: int = 640) -> str:
    """Diverging bars around zero: gains green to the right, losses red to the left."""
    if not labels:
        return ""
    nums = [float(c) for c in changes]
    reach = (max(abs(n) for n in nums) or 1.0) * 1.25  # room for the value labels beyond the longest bar
    step = _nice_step(2 * reach, 6)
    reach = math.ceil(reach / step) * step
    label_w = min(200, 16 + 13 * max(len(s) for s in labels))
    left, right, top, bh, gap = label_w, 56, 30 if title else 10, 16, 7
    plot_w = width - left - right
    height = top + len(labels) * (bh + gap) + 26
    bottom = top + len(labels) * (bh + gap)

    def x(v: float) -> float:
        return left + (v + reach) / (2 * reach) * plot_w

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">'
    ]
    if title:
        out.append(f'<text x="0" y="16" font-size="12.5" font-weight="bold" fill="{INK}">{escape(title)}</text>')
    tick = -reach
    while tick <= reach + step / 1000:
        tx = x(tick)
        out.append(_line(tx, top - 4, tx, bottom, GRID))
        sign = "+" if tick > 0 else ""
        out.append(_text(tx, bottom + 14, sign + _fmt(tick), anchor="middle", fill=MUTED))
        tick += step
    zero = x(0)
    for i, (label, v) in enumerate(zip(labels, nums, strict=True)):
        y = top + i * (bh + gap)
        end = x(v)
        fill = GREEN if v > 0 else RED
        out.append(_text(left - 8, y + bh * 0.75, escape(label), anchor="end"))
        if v != 0:
            out.append(_rect(min(zero, end), y, abs(end - zero), bh, fill))
        text = f"{changes[i]:+,}" if v != 0 else "0"
        tx, anchor = (end + 4, "start") if v >= 0 else (end - 4, "end")
        out.append(f'<text x="{tx:.1f}" y="{y + bh * 0.75:.1f}" text-anchor="{anchor}" fill="{INK}">{text}</text>')
    out.append(_line(zero, top - 4, zero, bottom, INK, 0.9))
    out.append("</svg>")
    return "".join(out)
