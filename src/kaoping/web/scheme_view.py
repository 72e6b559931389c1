"""考评方案: the scheme rendered for reading, so a unit can check the rules it is scored by.

Open to everyone, signed in or not: the rules of an evaluation are public, and a unit appealing its rank
must be able to read exactly what the engine applied.  The page is drawn from the loaded scheme (the
model the engine runs), and the scheme file itself can be downloaded as it is.  Besides the office's own
schemes, the built-in ones can be read too, as examples of how other cities' plans are written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kaoping.api.context import CtxDep
from kaoping.app.policy import Perm, allowed
from kaoping.engine.phrases import FLAG_NAMES, flag_label
from kaoping.scheme import Scheme, builtin_text
from kaoping.web.app import ViewerDep, download, error_page, render
from kaoping.web.scheme_text import builtin_schemes, charts, num, part_rows, percent, scheme_yaml

router = APIRouter(include_in_schema=False)

PERIOD_NAMES = {"month": "月度", "quarter": "季度", "half": "半年度", "year": "年度"}
COMBINE_NAMES = {
    "sum": "求和",
    "mean": "平均",
    "max": "取最高",
    "min": "取最低",
    "latest": "取最新",
    "trimmed_mean": "去掉一个最高分和一个最低分后取平均",
    "weighted": "加权",
}
SOURCE_NAMES = {"scores": "评分", "deductions": "扣分制", "cases": "数字城管案卷"}
ROUNDING_NAMES = {"half_up": "四舍五入", "truncate": "截尾（舍去）", "half_even": "银行家舍入（四舍六入五成双）"}
ITEMS_NAMES = {"group": "本组考评内容", "open": "不限（自由填写）", "none": "仅整项评分"}
LEVEL_NAMES = {"national": "国家部委", "provincial": "省委省政府", "provincial_dept": "省级业务主管部门"}
HONOR_KINDS = {"award": "表彰", "criticism": "通报批评"}


@dataclass(frozen=True)
class Found:
    """A scheme the page can show: its URL name, the scheme, the YAML text, and whether the office runs it."""

    name: str
    scheme: Scheme
    yaml: str | None
    office: bool


def _find(ctx: CtxDep, name: str) -> Found | None:
    office = ctx.schemes.get(name)
    if office is not None:
        return Found(name, office.scheme, scheme_yaml(office.source), True)
    for builtin, scheme in builtin_schemes():
        if builtin == name:
            return Found(name, scheme, builtin_text(name), False)
    return None


def flag_namer(translate: Callable[..., str], scheme: Scheme) -> Callable[[str], str]:
    """A flag code → its name in the page's language, for a condition naming an earlier flag (已获标记)."""
    return lambda code: translate(flag_label(code, scheme.flags))


HELPERS: dict[str, Any] = {
    "period_names": PERIOD_NAMES,
    "combine_names": COMBINE_NAMES,
    "source_names": SOURCE_NAMES,
    "rounding_names": ROUNDING_NAMES,
    "items_names": ITEMS_NAMES,
    "level_names": LEVEL_NAMES,
    "honor_kinds": HONOR_KINDS,
    "flag_names": FLAG_NAMES,
    "flag_namer": flag_namer,
    "num": num,
    "percent": percent,
}
"""What every scheme template uses: the Chinese names of the scheme language's words, number formatting."""


@router.get("/schemes")
def scheme_list(request: Request, ctx: CtxDep, who: ViewerDep) -> Response:
    """The schemes this office runs, then the other built-in schemes for reference."""
    office = [(name, o.scheme) for name, o in ctx.schemes.items()]
    others = [(name, s) for name, s in builtin_schemes() if name not in ctx.schemes]
    return render(request, "scheme_list.html", who, office=office, others=others, **HELPERS)


@router.get("/schemes/{name}.yaml")
def scheme_file(request: Request, name: str, ctx: CtxDep, who: ViewerDep) -> Response:
    """The scheme file as written (with its comments, which record how the document was read)."""
    found = _find(ctx, name)
    if found is None or found.yaml is None:
        return error_page(request, who, 404, "未找到考评方案", f"没有名为 {name} 的考评方案文件。")
    return download(found.yaml.encode("utf-8"), f"{name}.yaml", "application/yaml; charset=utf-8")


@router.get("/schemes/{name}")
def scheme_page(request: Request, name: str, ctx: CtxDep, who: ViewerDep) -> Response:
    """One scheme, readable: periods, display rules, groups, parts with weights, bonus, penalties, tiers, flags."""
    found = _find(ctx, name)
    if found is None:
        return error_page(request, who, 404, "未找到考评方案", f"没有名为 {name} 的考评方案。")
    scheme = found.scheme
    return render(
        request,
        "scheme.html",
        who,
        scheme_name=found.name,
        s=scheme,
        office=found.office,
        has_yaml=found.yaml is not None,
        rows=part_rows(scheme),
        charts=charts(scheme),
        main_kind=scheme.main_kind.value,
        can_whatif=found.office and allowed(who.role, Perm.WHATIF),
        **HELPERS,
    )
