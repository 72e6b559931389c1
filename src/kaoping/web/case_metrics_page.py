"""数字城管指标 page: every unit's case metrics of a period — sortable, filtered by category and group,
exported to Excel as shown.

The office reads here what it used to rebuild in Excel: 应结案数, 按期处置, 未按期处置, 返工, 结案率 … per
unit, with a line per group and the total, for a month, a quarter or a year.  The numbers are the engine's
(:mod:`kaoping.app.case_metrics`); sorting and filters are query parameters, so a link or a bookmark shows the
same table and the export writes exactly the rows on screen, in the same order.  Behind ``Perm.CASE_METRICS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.app import case_metrics as cm
from kaoping.app import published_cases as pc
from kaoping.app.case_lists import MAX_CATEGORY
from kaoping.app.context import AppContext
from kaoping.app.policy import Perm
from kaoping.cases.metrics import COUNTS
from kaoping.errors import NotFound
from kaoping.facts.snapshot import ChangedRow
from kaoping.output.sheet import ColumnKind, Sheet, workbook_bytes
from kaoping.periods import Period, PeriodError, PeriodKind, parse_period, period_of
from kaoping.web import dashboard_data as dd
from kaoping.web.app import PageRefused, download, render, require_page
from kaoping.web.dashboard_data import changed_row
from kaoping.web.i18n import request_lang, translator

router = APIRouter(include_in_schema=False)
Office = Annotated[Principal, require_page(Perm.CASE_METRICS)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD_TEXT = 10  # "2024-Q2", "2024-05": a period written longer is no period
COUNT_COLUMNS = frozenset((*COUNTS, cm.NOT_ON_TIME))
DEFAULT_SORT = cm.GROUP
"""By group, then unit id: the order the office registered its units in."""


@dataclass(frozen=True)
class Asked:
    """What the page was asked for: the period, the filters and the order (each checked)."""

    period: Period
    category: str
    group: str
    sort: str
    descending: bool

    def query(self, **changes: object) -> str:
        """The query string of this table, with ``changes`` (the links of the headers and the export)."""
        values: dict[str, object] = {"period": str(self.period), "category": self.category, "group": self.group}
        values |= {"sort": self.sort, "order": "desc" if self.descending else "asc"}
        values |= changes
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _period(who: Principal, text: str, months: set[int], today: date) -> Period:
    """The asked period, else the latest month with a dispatched case (else this month)."""
    if not text:
        return dd.latest_period(months, PeriodKind.MONTH) or period_of(today, PeriodKind.MONTH)
    try:
        return parse_period(text)
    except PeriodError:
        raise PageRefused(who, NotFound("考评期的写法应为 2024-05、2024-Q2 或 2024。")) from None


@dataclass(frozen=True)
class Table:
    """What the page and its export show: the rows (as published where a version covers the unit), the
    subtotals, the published versions used and the live values that differ from them."""

    rows: list[cm.MetricsRow]
    totals: list[cm.MetricsRow]
    published: list[pc.PublishedCases]
    differences: list[pc.Difference]


def _table(ctx: AppContext, session: Session, asked: Asked) -> Table:
    live = cm.unit_counts(session, asked.period, asked.category)
    schemes = [s.scheme for s in ctx.schemes.values()]
    published = pc.published_cases(session, schemes, asked.period, asked.category)
    counts = pc.shown_counts(live, published)
    rows = cm.metric_rows(session, asked.period, asked.category, asked.group, counts)
    shown = {r.unit_id for r in rows}
    found = [d for d in pc.differences(live, published) if d.unit_id in shown]
    return Table(cm.sort_rows(rows, asked.sort, asked.descending), cm.subtotals(rows), published, found)


def asked_for(
    who: Office,
    session: SessionDep,
    ctx: CtxDep,
    period: Annotated[str, Query(max_length=PERIOD_TEXT)] = "",
    category: Annotated[str, Query(max_length=MAX_CATEGORY)] = "",
    group: Annotated[str, Query(max_length=100)] = "",
    sort: Annotated[str, Query(max_length=20)] = "",
    order: Annotated[str, Query(max_length=4)] = "asc",
) -> Asked:
    """The request checked, for the page and its export alike: a period that parses (none: the latest month
    with a dispatched case), a known sort key (else :data:`DEFAULT_SORT`), any category and group (one
    nobody has shows an empty table)."""
    months = set() if period else cm.case_months(session)
    chosen = _period(who, period, months, ctx.settings.clock().date())
    key = sort if sort in cm.SORT_KEYS else DEFAULT_SORT
    return Asked(chosen, category, group, key, order == "desc")


AskedDep = Annotated[Asked, Depends(asked_for)]


@router.get("/cases")
def case_metrics_page(request: Request, session: SessionDep, ctx: CtxDep, who: Office, asked: AskedDep) -> Response:
    """The table of one period (the latest month with cases by default); a published period as published,
    with what changed since."""
    months = cm.case_months(session)
    table = _table(ctx, session, asked)
    names = {r.unit_id: r.name for r in table.rows}
    changed = [changed_row(r, names) for v in table.published for r in v.changed if _listed(r, names, asked)]
    periods = [(dd.KIND_NAMES[k], dd.period_options(months, k)) for k in PeriodKind]
    return render(
        request,
        "case_metrics.html",
        who,
        asked=asked,
        rows=table.rows,
        totals=table.totals,
        published=table.published,
        differences=table.differences,
        marked=pc.changed_units(table.differences),
        changed=changed,
        names=names,
        uncovered=len(names.keys() - {u for v in table.published for u in v.units}),
        numbers=cm.NUMBERS,
        counts=COUNT_COLUMNS,
        periods=periods,
        known_period=any(str(asked.period) in options for _, options in periods),
        categories=[(c, c) for c in _with(cm.period_categories(session, asked.period), asked.category)],
        groups=[(g, g) for g in cm.groups(session)],
        figure=figure,
        change=change,
    )


def _listed(row: ChangedRow, units: dict[str, str], asked: Asked) -> bool:
    """A changed case row belongs on this table: its unit is shown, and its category (before or after the
    change) is the chosen one, when a category is chosen."""
    wanted = not asked.category or asked.category in (row.before.get("category"), row.after.get("category"))
    return row.unit_id in units and wanted


def _with(choices: list[str], chosen: str) -> list[str]:
    """The filter's choices, with the chosen one kept (a category of no case this period stays selected)."""
    return choices if not chosen or chosen in choices else [*choices, chosen]


def figure(value: Decimal | None, column: str) -> str:
    """A number as the table shows it: counts with separators, rates with two decimals, none as "—"."""
    if value is None:
        return "—"
    return f"{int(value):,}" if column in COUNT_COLUMNS else f"{value.quantize(Decimal('0.01'))}"


def change(d: pc.Difference) -> str:
    """Live minus published, signed ("+1", "−16.67"), "—" when a side has no value."""
    if d.published is None or d.live is None:
        return "—"
    delta = d.live - d.published
    return ("+" if delta > 0 else "−") + figure(abs(delta), d.column)


def _sheet_rows(rows: list[cm.MetricsRow], totals: list[cm.MetricsRow]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for r in [*rows, *totals]:
        numbers = [None if r.values[n] is None else round(float(r.values[n] or 0), 2) for n in cm.NUMBERS]
        out.append([r.unit_id, r.name, r.group, *numbers])
    return out


@router.get("/cases/metrics.xlsx")
def case_metrics_export(request: Request, session: SessionDep, ctx: CtxDep, who: Office, asked: AskedDep) -> Response:
    """The table as shown (same filters, same order, the subtotals last) and a sheet saying what it is."""
    _ = translator(request_lang(request))
    table = _table(ctx, session, asked)
    rows, totals = table.rows, table.totals
    kinds = [ColumnKind.COUNT if n in COUNT_COLUMNS else ColumnKind.PERCENT for n in cm.NUMBERS]
    columns = [(_("单位编号"), ColumnKind.TEXT), (_("单位"), ColumnKind.TEXT), (_("分组"), ColumnKind.TEXT)]
    columns += [(_(n), k) for n, k in zip(cm.NUMBERS, kinds, strict=True)]
    about = [
        [_("考评期"), str(asked.period)],
        [_("案件类别"), asked.category or _("全部")],
        [_("分组"), asked.group or _("全部")],
        [_("口径"), _("按本期派遣的案卷计算（应结案数），与得分所用的指标相同。")],
        [_("未按期处置数"), _("应结案数 − 按期处置数：超期处置、超期未处置及期末尚未处置的案卷。")],
    ]
    if asked.category:
        about.append([_("说明"), _("按案件类别筛选时，由该类别本期派遣的案卷逐件计算。")])
    for v in table.published:
        about.append([_("已发布版本"), _("{s} 第 {k} 版（冻结）", s=v.scheme, k=v.version)])
    if table.differences:
        about.append([_("数据已变更"), _("发布后有 {n} 项数字与现有数据不同，见页面。", n=len(table.differences))])
    sheets = [
        Sheet(_("数字城管指标"), columns, _sheet_rows(rows, totals)),
        Sheet(_("说明"), [(_("项目"), ColumnKind.TEXT), (_("内容"), ColumnKind.TEXT)], about),
    ]
    suffix = f"-{asked.category}" if asked.category else ""
    return download(workbook_bytes(sheets), f"数字城管指标-{asked.period}{suffix}.xlsx", XLSX)
