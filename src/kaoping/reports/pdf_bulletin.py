"""排名通报 as a printed PDF: a Jinja2 template rendered by WeasyPrint, charts drawn server-side as inline SVG.

The CSS names the CJK family (Noto Sans CJK SC), so the PDF embeds it and ``pdftotext`` gives the Chinese
back.  Everything the bulletin shows comes from :class:`BulletinData`: the ranking and flags from the
period result, the reasons, repeated problems, changes and overdue notices from the deduction analysis;
every page's footer carries its stamp (the published version and audit chain head, or the draft marking).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from kaoping.engine.analysis import ReasonRow
from kaoping.engine.numbers import rounded
from kaoping.engine.phrases import flag_label
from kaoping.engine.result import GroupResult, UnitResult
from kaoping.engine.robustness import fragile_notes
from kaoping.reports.charts import bar_chart, change_chart
from kaoping.reports.data import DRAFT_CREATED, BulletinData, period_label

__all__ = ["fmt_money", "fmt_score", "issue_number", "period_label", "render_html", "write_pdf"]

TEMPLATES = Path(__file__).parent / "templates"

TOP_REASONS_PER_UNIT = 3
TOP_ITEMS = 10


def fmt_score(x: Decimal) -> str:
    """A score as the table prints it: plain digits, the scheme's decimals kept (``913.00``)."""
    return f"{x:f}"


def fmt_money(yuan: int) -> str:
    return f"{yuan:,}"


def issue_number(period: str) -> str:
    """The default 期次: the period's place in its year (``2024-Q2`` -> 2024年第2期, ``2024-H2`` -> 2024年第2期,
    ``2024-05`` -> 2024年第5期)."""
    if m := re.fullmatch(r"(\d{4})-?[QH]([1-4])", period):
        return f"{m.group(1)}年第{m.group(2)}期"
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", period):
        return f"{m.group(1)}年第{int(m.group(2))}期"
    return f"{period[:4]}年第1期"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class _Row:
    unit: UnitResult
    parts: list[str]
    bonus: str
    penalty: str
    total: str
    reward: str
    flags: list[str]


def _change(b: BulletinData, u: UnitResult) -> dict[str, Any]:
    prev = b.previous.unit(u.unit_id) if b.previous is not None else None
    delta = b.analysis.changes.get(u.unit_id)
    moved = b.analysis.rank_changes.get(u.unit_id)
    return {
        "unit": u.name,
        "total": fmt_score(u.shown_total),
        "prev_total": fmt_score(prev.shown_total) if prev is not None and prev.rated else "—",
        "delta": delta,
        "delta_text": "—" if delta is None else f"{delta:+f}" if delta else "持平",
        "rank": u.rank,
        "prev_rank": prev.rank if prev is not None and prev.rated and prev.rank else "—",
        "moved": moved,
        "moved_text": "—" if moved is None else f"↑{moved}" if moved > 0 else f"↓{-moved}" if moved < 0 else "—",
    }


def _group(b: BulletinData, g: GroupResult) -> dict[str, Any]:
    d = b.scheme.display
    top = g.ranking[0].top_parts if g.ranking else [p.name for p in b.scheme.parts]
    show_penalty = any(u.penalty for u in g.ranking)

    def num(x: Decimal) -> str:
        return fmt_score(rounded(x, d.decimals, d.rounding))

    rows = [
        _Row(
            unit=u,
            parts=[num(u.parts.get(p, Decimal(0))) for p in top],
            bonus=num(u.bonus),
            penalty=num(u.penalty),
            total=fmt_score(u.shown_total),
            reward=fmt_money(u.reward) if u.reward else "—",
            flags=[flag_label(f, b.scheme.flags) for f in u.flags],
        )
        for u in g.ranking
    ]
    chart = bar_chart(
        [u.name for u in g.ranking],
        [u.shown_total for u in g.ranking],
        title=f"{g.group}总分",
        highlight=[bool(u.flags) for u in g.ranking],
    )
    return {
        "name": g.group,
        "parts": top,
        "show_penalty": show_penalty,
        "graded": bool(b.scheme.grades_of(g.group)),
        "rows": rows,
        "unrated": [u.name for u in g.unrated],
        "chart": Markup(chart),
        "reward_total": fmt_money(sum(u.reward for u in g.ranking)),
        "changes": [_change(b, u) for u in g.ranking] if b.previous is not None else [],
    }


def _flag_summary(b: BulletinData) -> list[tuple[str, list[str]]]:
    by_flag: dict[str, list[str]] = {}
    for u in b.result.units():
        for f in u.flags:
            by_flag.setdefault(flag_label(f, b.scheme.flags), []).append(u.name)
    for g in b.result.groups:
        for u in g.unrated:
            for f in u.flags:
                by_flag.setdefault(flag_label(f, b.scheme.flags), []).append(u.name)
    return sorted(by_flag.items())


def _reasons(b: BulletinData) -> list[tuple[str, list[ReasonRow]]]:
    names = {u.unit_id: u.name for u in b.result.units()}
    order = [u.unit_id for u in sorted(b.result.units(), key=lambda u: (u.group, u.rank))]
    order += [k for k in b.analysis.by_unit if k not in names]
    return [
        (names.get(k) or b.analysis.by_unit[k][0].unit, b.analysis.by_unit[k][:TOP_REASONS_PER_UNIT])
        for k in order
        if b.analysis.by_unit.get(k)
    ]


def _overdue(b: BulletinData) -> list[dict[str, object]]:
    return [
        {
            "unit": r.get("unit") or r.get("unit_id", ""),
            "problem": r.get("problem_id", ""),
            "notified_on": r.get("notified_on", ""),
            "last_notified_on": r.get("last_notified_on", ""),
            "notices": r.get("notices", ""),
            "due": r.get("due", ""),
            "rectified_on": r.get("rectified_on") or "—",
            "days_open": r.get("days_open", ""),
        }
        for r in b.analysis.overdue
    ]


def _fragile(b: BulletinData) -> list[str]:
    """排名稳健性提示: one sentence per rank resting on a tie-break or a margin below the rounding unit."""
    return fragile_notes(b.robustness) if b.robustness is not None else []


def _grade_summary(b: BulletinData) -> list[tuple[str, list[str]]]:
    """Each grade with its units, best first (优秀：甲区、乙区), over the groups; a grade nobody got is left out."""
    names: list[str] = []
    for g in b.scheme.groups:
        names += [band.name for band in b.scheme.grades_of(g.name) if band.name not in names]
    units = b.result.units()
    return [(n, [u.name for u in units if u.grade == n]) for n in names if any(u.grade == n for u in units)]


def _owed(b: BulletinData) -> list[tuple[str, ...]]:
    """应报分数 not in on time: (owed by, unit, part, item, period, due, status) per score."""
    return [
        (s.cell.scorer, s.cell.unit, s.cell.part, s.cell.item, s.cell.period, str(s.cell.due), s.status.label)
        for s in b.owed_out()
    ]


def _issue_day(b: BulletinData) -> date:
    """A published version's bulletin is dated by its publication, so a reprint next month is the same file;
    a draft is dated the day it is drawn up."""
    return b.stamp.published_at.date() if b.stamp.published_at is not None else date.today()


def context(
    bulletin: BulletinData, *, office: str = "考评办", issue_no: str | None = None, issued_on: date | None = None
) -> dict[str, Any]:
    b = bulletin
    groups = [_group(b, g) for g in b.result.groups]
    changes = [c for g in groups for c in g["changes"] if c["delta"] is not None]
    rewarded = [u for u in b.result.units() if u.reward > 0]
    fined = [u for u in b.result.units() if u.reward < 0]
    d = b.scheme.display
    stamp = b.stamp
    return {
        "office": office,
        "issue_no": issue_no or issue_number(b.result.period),
        "issued_on": cn_date(issued_on or _issue_day(b)),
        "stamp": stamp.line(),
        "stamp_published": stamp.published,
        "created": f"{stamp.published_at:%Y-%m-%d}" if stamp.published_at else "",
        "scheme_title": b.scheme.title,
        "period": b.result.period,
        "period_label": period_label(b.result.period),
        "previous_label": period_label(b.analysis.previous) if b.previous is not None else "",
        "groups": groups,
        "unit_count": len(b.result.units()),
        "rewarded": [(u.name, u.group, fmt_money(u.reward)) for u in rewarded],
        "reward_total": fmt_money(sum(u.reward for u in rewarded)),
        "fined": [(u.name, u.group, fmt_money(-u.reward)) for u in fined],
        "fine_total": fmt_money(-sum(u.reward for u in fined)),
        "flags": _flag_summary(b),
        "grades": _grade_summary(b),
        "owed_chased": b.owed is not None,
        "owed": _owed(b),
        "by_item": b.analysis.by_item[:TOP_ITEMS],
        "by_unit": _reasons(b),
        "repeated": b.analysis.repeated,
        "has_previous": b.previous is not None,
        "change_chart": Markup(
            change_chart([c["unit"] for c in changes], [c["delta"] for c in changes], title="总分较上期变化")
        )
        if changes
        else "",
        "overdue": _overdue(b),
        "excluded": len(b.result.excluded),
        "fragile": _fragile(b),
        "fmt": lambda x: fmt_score(rounded(x, d.decimals, d.rounding)),
    }


def render_html(bulletin: BulletinData, **kwargs: Any) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    return env.get_template("bulletin.html.j2").render(**context(bulletin, **kwargs))


def write_pdf(
    bulletin: BulletinData,
    out: Path,
    *,
    office: str = "考评办",
    issue_no: str | None = None,
    issued_on: date | None = None,
) -> None:
    """Render the bulletin to ``out`` (written to a temporary file beside it, then renamed into place).

    The same bulletin gives the same bytes: the PDF's only date is the publication's (none for a draft),
    WeasyPrint writes no file identifier, and fontTools — which stamps "now" into a font it rewrites —
    reads ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention; set once for the process, to the
    same value every time, so threads rendering at once never disagree).
    """
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(DRAFT_CREATED.replace(tzinfo=UTC).timestamp())))
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_html(bulletin, office=office, issue_no=issue_no, issued_on=issued_on)
    out = Path(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        HTML(string=html, base_url=str(TEMPLATES)).write_pdf(str(tmp))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
