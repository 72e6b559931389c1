"""Grades (等次): bands of the shown total that a plan turns into consequences (优秀/良好/合格/不合格, 好/较好/一般/差).

A plan rarely stops at a rank: it says which scores are 优秀 and which 不合格, and what follows from each
(评优评先 for the top grade, 问责 for the bottom one).  A scheme writes the bands once, best first, each with the
lowest shown total it takes (``min``, inclusive); the last band may leave ``min`` out and then takes every total
below the band above it.  A group may write its own bands (a 序列 graded more strictly).  What follows from a
grade is a flag rule with the condition ``grade: 不合格`` (conditions.py), so 连续两次不合格 needs no new code.

The checks here are the office's: bands in order, not overlapping, names once — in Chinese, since the office
edits the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import Field

from kaoping.scheme.base import Strict

MAX_BANDS = 10
"""No plan grades in more than a handful of bands; ten bounds what a page and a bulletin list."""


class GradeBand(Strict):
    """One grade (等次): its name and the lowest shown total that earns it."""

    name: str = Field(min_length=1, max_length=20)
    min: Decimal | None = None
    """Lowest shown total of the grade, inclusive (90: 90 分及以上); None on the last band only: every total
    below the band above (不合格: 60 分以下)."""


Grades = list[GradeBand]


def grade_of(bands: Sequence[GradeBand], total: Decimal) -> GradeBand | None:
    """The band a shown total falls in: the first, best first, whose ``min`` it reaches; None below them all
    (bands whose last one has a ``min`` leave totals below it ungraded)."""
    return next((b for b in bands if b.min is None or total >= b.min), None)


def check_bands(bands: Sequence[GradeBand], where: str) -> list[str]:
    """Why ``bands`` cannot be used, in Chinese, each problem with its path in the file (``grades[1] (良好).min``)."""
    out: list[str] = []
    if len(bands) > MAX_BANDS:
        out.append(f"{where}: 等次最多 {MAX_BANDS} 个，此处有 {len(bands)} 个")
    names = [b.name for b in bands]
    for name in sorted({n for n in names if names.count(n) > 1}):
        out.append(f"{where}: 等次名称“{name}”重复；每个等次只能写一次")
    for i, band in enumerate(bands):
        path = f"{where}[{i}] ({band.name}).min"
        if band.min is None:
            if i != len(bands) - 1:
                out.append(f"{path}: 只有最后一个等次可以不写下限（其余等次须写 min）")
            continue
        above = bands[i - 1].min if i else None
        if above is not None and band.min >= above:
            out.append(
                f"{path}: 下限 {_plain(band.min)} 不低于上一等次“{bands[i - 1].name}”的下限 {_plain(above)}；"
                "等次须按分数从高到低排列，互不重叠"
            )
    return out


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def band_text(bands: Sequence[GradeBand]) -> list[str]:
    """Each band as a person reads it (优秀 90 分及以上 / 不合格 60 分以下), for the scheme page and bulletins."""
    out: list[str] = []
    for i, band in enumerate(bands):
        above = bands[i - 1].min if i else None
        low = f"{_plain(band.min)} 分及以上" if band.min is not None else ""
        high = f"{_plain(above)} 分以下" if above is not None else ""
        out.append(f"{band.name}：{'、'.join(t for t in (low, high) if t) or '全部'}")
    return out
