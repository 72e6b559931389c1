"""What every page needs: the templates, the static files, who is looking, and the Chinese labels.

Kept apart from the routes (``pages.py``) so route code reads as "load, check, render" and the page
plumbing is written once.  Static assets (htmx, ECharts) are served from this package, never from a CDN:
offices often run on networks without internet access, and a page must not depend on a third party.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from kaoping.api.auth import ANONYMOUS, BearerDep, Principal, current_principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.engine.phrases import flag_label
from kaoping.scheme.model import Scheme
from kaoping.store.users import ROLE_NAMES
from kaoping.web.i18n import HTML_LANG, LANG_COOKIE, request_lang, translator

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def flag_filter(code: str, scheme: object = None) -> str:
    """``{{ code|flag(scheme) }}``: a flag in Chinese, by the scheme's own label when the page has the scheme."""
    return flag_label(code, scheme.flags if isinstance(scheme, Scheme) else ())


templates.env.filters["flag"] = flag_filter

STATUS_NAMES = {"draft": "草稿", "reviewed": "已审核", "published": "已发布", "superseded": "已被更正"}


def viewer(request: Request, session: SessionDep, ctx: CtxDep, bearer: BearerDep) -> Principal:
    """The API's own principal resolution, but a stale or bad sign-in shows a page as to the public.

    The API answers 401 for an ended session; a browser page would rather show itself to an anonymous
    reader (and offer the sign-in link) than print a JSON error.
    """
    try:
        return current_principal(request, session, ctx, bearer)
    except HTTPException:
        return ANONYMOUS


ViewerDep = Annotated[Principal, Depends(viewer)]


NAV: dict[str, tuple[tuple[str, str], ...]] = {
    "admin": (("综合看板", "/dashboard"), ("数据录入", "/entry"), ("考评方案", "/schemes")),
    "department": (("数据录入", "/entry"), ("考评方案", "/schemes")),
    "inspector": (("数据录入", "/entry"), ("考评方案", "/schemes")),
    "third_party": (("数据录入", "/entry"), ("考评方案", "/schemes")),
    "unit": (("本单位", "/units/{unit_id}"), ("考评方案", "/schemes")),
    "public": (("考评方案", "/schemes"),),
}
"""The header's links by role: each role is shown only the pages it may open (the pages check again)."""


def nav_links(who: Principal) -> list[tuple[str, str]]:
    """(label, href) of the header links for ``who``; a unit's own page is filled in with its unit id."""
    links = [("考评结果公示", "/public")]
    links += [(label, href.replace("{unit_id}", who.unit_id or "")) for label, href in NAV.get(who.role, ())]
    return links


def render(request: Request, name: str, who: Principal, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``name`` with what the base template always needs: the user, the header links, the language.

    ``?lang=en`` switches the language and is remembered in a cookie for the next pages.
    """
    lang = request_lang(request)
    context.update(
        who=who,
        role_name=ROLE_NAMES.get(who.role, who.role),
        status_names=STATUS_NAMES,
        nav=nav_links(who),
        lang=lang,
        html_lang=HTML_LANG[lang],
        _=translator(lang),
        line_text=lambda line: line.text(lang),
    )
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def error_page(request: Request, who: Principal, status_code: int, title: str, message: str) -> HTMLResponse:
    """A Chinese error page: a reader of 公示 should not meet an English JSON error."""
    return render(request, "error.html", who, status_code=status_code, title=title, message=message)


def download(content: bytes, filename: str, media_type: str) -> Response:
    """A file download whose Chinese name survives: RFC 6266 ``filename*`` in UTF-8, ASCII fallback too."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


def mount_static(app: FastAPI) -> None:
    """Serve ``static/`` (our CSS and script, and the pinned vendor copies) at /static."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
