"""督查信号 page of the office (/evidence/signals): the per-inspector signals of a month — one person entering
(nearly) all of a unit's rows, a unit's reports falling sharply, one person's entries clustered at the edge
of the 考评时段 or the month — each with its sentence (the counts and the threshold, to check by hand) and
links to the rows and photos it rests on.  Filters (month, kind, scheme, thresholds) are query parameters
read by :func:`kaoping.app.signal_query.read_query` (a wrong one: a Chinese error page naming it), so a link
shows the same list; the JSON is GET /api/signals.  Read only: a signal is a reason to look, nothing is
changed or deleted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.routes_signals import windows
from kaoping.app.errors import DomainError
from kaoping.app.inspector_signals import MonthView, month_view
from kaoping.app.policy import Perm
from kaoping.app.signal_query import read_query
from kaoping.engine.signals import TEXTS, Entry, EntryKind, Signal, SignalKind
from kaoping.web.app import refusal, render, require_page
from kaoping.web.i18n import request_lang, translator

router = APIRouter(include_in_schema=False)
Office = Annotated[Principal, require_page(Perm.EVIDENCE_SIGNALS)]
PAGE = "/evidence/signals"
SHOWN_ROWS = 50
"""Row links shown per signal (the rest are counted; the API lists them all)."""


def row_link(entry: Entry) -> str:
    """The page of the row: a deduction's by its id, a case's by its number."""
    unit = quote(entry.unit_id, safe="")
    if entry.kind is EntryKind.DEDUCTION:
        return f"/units/{unit}/deductions/{entry.row_id}"
    return f"/units/{unit}/cases/{quote(entry.key, safe='')}"


def trend_chart(view: MonthView, lang: str) -> dict[str, object]:
    """What the chart draws (the table beside it shows the same): months, and per kind its name and counts."""
    _ = translator(lang)
    kinds = list(view.trend[-1][1]) if view.trend else []
    series = [{"name": _(k.label), "data": [counts[k] for _, counts in view.trend]} for k in kinds]
    return {"months": [m for m, _ in view.trend], "series": series}


def sentence(lang: str) -> Callable[[Signal], str]:
    """A signal's sentence in the page's language (the catalogue's, with the counts filled in)."""
    _ = translator(lang)
    return lambda s: _(TEXTS[s.kind], **s.params, what=_(s.entry_kind.label))


@router.get(PAGE)
def signals_page(request: Request, ctx: CtxDep, session: SessionDep, who: Office) -> Response:
    """The month's signals of the kinds asked for, with the thresholds they were computed with, and a chart
    (and its table) of how many each of the last months had."""
    try:
        asked = read_query(request.query_params, ctx.schemes, ctx.settings.clock().date())
        scheme, found = windows(ctx, asked.scheme)
        view = month_view(session, who, asked, found)
    except DomainError as error:
        return refusal(request, who, error, str(error))
    counts, lang = Counter(s.kind for s in view.signals), request_lang(request)
    _ = translator(lang)
    headers = [_("月份"), *(_(k.label) for k in asked.kinds)]
    return render(
        request, "inspector_signals.html", who, signals=view.signals, asked=asked, scheme=scheme, counts=counts,
        trend=view.trend, chart=trend_chart(view, lang), trend_headers=headers, kinds_shown=list(asked.kinds),
        kinds=list(SignalKind), schemes=list(ctx.schemes), windows=found, row_link=row_link,
        sentence=sentence(lang), shown_rows=SHOWN_ROWS,
        kind=asked.kinds[0] if len(asked.kinds) == 1 else "",
    )  # fmt: skip
