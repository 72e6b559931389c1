"""What every page needs: the templates, the static files, who is looking, and the Chinese labels.

Kept apart from the routes (``pages.py``) so route code reads as "load, check, render" and the page
plumbing is written once.  Pages are guarded by the API's policy table (:mod:`kaoping.app.policy`): each
declares ``require_page(Perm.X)``, and a refusal — from that dependency or from a use case — is answered
here, once: an anonymous reader is sent to sign in, a signed-in one gets the Chinese 403 page.  The header's
links are derived from the same table.  Static assets (htmx, ECharts) are served from this package, never from a CDN:
offices often run on networks without internet access, and a page must not depend on a third party.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from kaoping.api.auth import (
    ANONYMOUS,
    CSRF_HEADER,
    BearerDep,
    Principal,
    active_account,
    current_principal,
    principal_of,
)
from kaoping.api.context import CtxDep, SessionDep
from kaoping.app.policy import Perm, Via, allowed, holders
from kaoping.engine.phrases import flag_label
from kaoping.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from kaoping.facts.columns import FILES
from kaoping.roles import ROLE_NAMES, Role
from kaoping.scheme.model import Scheme
from kaoping.statuses import ResultStatus
from kaoping.web.i18n import HTML_LANG, LANG_COOKIE, request_lang, translator
from kaoping.web.static_files import CompressedStaticFiles

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def flag_filter(code: str, scheme: object = None) -> str:
    """``{{ code|flag(scheme) }}``: a flag in Chinese, by the scheme's own label when the page has the scheme."""
    return flag_label(code, scheme.flags if isinstance(scheme, Scheme) else ())


templates.env.filters["flag"] = flag_filter

CHOICE_NAMES: dict[tuple[str, str], dict[str, str]] = {}
for _file, _columns in FILES.items():
    for _column in _columns:
        for _code, _name in _column.choice_names:
            CHOICE_NAMES.setdefault((_file, _column.name), {}).setdefault(_code, _name)


def choice_name(value: object, file: str, column: str) -> object:
    """``{{ r.kind|choice_name("honors", "kind") }}``: a fact's code (award, provincial, event) by its Chinese
    name, so a table of facts reads as the office speaks; any other value is shown as it is."""
    return CHOICE_NAMES.get((file, column), {}).get(str(value), value)


templates.env.filters["choice_name"] = choice_name

STATUS_NAMES = ResultStatus.names()


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


def session_account(request: Request, session: Session) -> Principal | None:
    """The signed-in account of a plain form post, from its session cookie alone (None: nobody, or a
    session that has ended — then cleared).  A plain form post carries no CSRF header, so a page that takes
    one resolves the account itself and checks the form's token with :func:`form_token_ok`.

    Mirrors ``current_principal`` for the cookie session: same session keys, same password fingerprint.
    """
    username = request.session.get("user")
    if not isinstance(username, str):
        return None
    user = active_account(request.app.state.ctx, session, username, request.session.get("f"))
    if user is None:
        request.session.clear()
        return None
    return principal_of(user, Via.COOKIE)


def form_token_ok(request: Request, token: str) -> bool:
    """Whether a form post's CSRF token (the form field, else the header htmx sends) is the session's."""
    sent = token or request.headers.get(CSRF_HEADER, "")
    kept = request.session.get("csrf", "")
    return bool(sent and isinstance(kept, str) and kept and hmac.compare_digest(sent, kept))


class PageRefused(Exception):
    """A page that answers with a refusal instead of itself: raised by :func:`require_page` or by a page
    for a use case's refusal, answered by :func:`refusal` (installed by :func:`install_refusals`)."""

    def __init__(self, who: Principal, error: DomainError, message: str = "") -> None:
        super().__init__(str(error))
        self.who = who
        self.error = error
        self.message = message


def require_page(perm: Perm) -> Any:
    """The dependency a page declares: who is looking, if their role holds ``perm`` (else a refusal)."""

    def dependency(who: ViewerDep) -> Principal:
        if allowed(who.role, perm):
            return who
        error = Forbidden(f"role '{who.role}' may not open this page", signed_in=who.authenticated)
        raise PageRefused(who, error, f"此页面仅限{holders(perm)}使用。")

    dependency.__name__ = f"page_{perm.name.lower()}"
    return Depends(dependency)


def sign_in(request: Request) -> RedirectResponse:
    """To the sign-in form, coming back here (path and query) afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


_REFUSAL_PAGES: tuple[tuple[type[DomainError], int, str], ...] = (
    (Forbidden, 403, "无权访问"),
    (NotFound, 404, "未找到"),
    (Invalid, 422, "无法处理"),
    (Conflict, 409, "无法完成"),
)


def refusal(request: Request, who: Principal, error: DomainError, message: str = "") -> Response:
    """The pages' one answer to a refused use case: sign-in for an anonymous reader lacking a permission,
    else a Chinese error page with the status the API would give."""
    if isinstance(error, Forbidden) and not error.signed_in:
        return sign_in(request)
    code, title = next(((c, t) for kind, c, t in _REFUSAL_PAGES if isinstance(error, kind)), (400, "无法处理"))
    shown = message or ("此页面不对本账号开放。" if code == 403 else error.text(request_lang(request)))
    return error_page(request, who, code, title, shown)


async def _page_refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageRefused)
    return refusal(request, exc.who, exc.error, exc.message)


async def _not_a_page(request: Request, exc: Exception) -> Response:
    """An address no route answers: the API keeps its JSON, a person typing a page's address gets a page."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code != 404 or request.url.path.startswith(("/api/", "/static/")):
        return await http_exception_handler(request, exc)
    return error_page(request, ANONYMOUS, 404, "未找到", "没有这个页面，请检查网址。")


def install_refusals(app: FastAPI) -> None:
    """Answer :class:`PageRefused` wherever a page raises it, and an unknown page's address with a page."""
    app.add_exception_handler(PageRefused, _page_refused)
    app.add_exception_handler(StarletteHTTPException, _not_a_page)


NAV: tuple[tuple[str, str, Perm], ...] = (
    ("考评结果公示", "/public", Perm.OPEN),
    ("综合看板", "/dashboard", Perm.DASHBOARD),
    ("考评期列表", "/periods", Perm.PERIODS),
    ("申诉处理", "/appeals", Perm.APPEALS_INBOX),
    ("单位列表", "/units", Perm.UNIT_LIST),
    ("数字城管", "/cases", Perm.CASE_METRICS),
    ("检查计划", "/plans", Perm.PLANS_PROGRESS),
    ("照片核验", "/evidence/flags", Perm.EVIDENCE_FLAGS),
    ("督查信号", "/evidence/signals", Perm.EVIDENCE_SIGNALS),
    ("数据录入", "/entry", Perm.ENTRY),
    ("我的录入", "/my-entries", Perm.OWN_ENTRIES),
    ("现场采集", "/field/", Perm.FIELD_APP),
    ("应报分数", "/owed", Perm.OWED_OWN),
    ("报送情况", "/owed/matrix", Perm.OWED_ALL),
    ("本单位", "/units/{unit_id}", Perm.EXPLAIN),
    ("整改", "/rectify", Perm.RECTIFY_PLAN),
    ("复查", "/reinspect", Perm.RECTIFY_REINSPECT),
    ("案卷受理", "/cases/intake", Perm.CASE_INTAKE),
    ("案卷派遣", "/cases/dispatch", Perm.CASE_DISPATCH),
    ("案卷待办", "/cases/todo", Perm.CASE_TODO),
    ("案卷核查", "/cases/verify", Perm.CASE_VERIFY),
    ("案卷审批", "/cases/requests", Perm.CASE_APPROVE),
    ("考评方案", "/schemes", Perm.OPEN),
)
"""The header's links with the permission each page declares: a role is shown the pages it may open."""


def nav_links(who: Principal) -> list[tuple[str, str]]:
    """(label, href) of the header links for ``who``; a unit's own page only for an account with a unit."""
    return [
        (label, href.replace("{unit_id}", who.unit_id or ""))
        for label, href, perm in NAV
        if allowed(who.role, perm) and ("{unit_id}" not in href or who.unit_id)
    ]


def landing_pages() -> dict[str, str]:
    """Where each role lands after signing in: its first header link beyond the open pages (``{unit_id}``
    filled in by the sign-in page), else the public ranking."""
    return {
        role: next((href for _, href, perm in NAV if perm != Perm.OPEN and allowed(role, perm)), "/public")
        for role in Role
    }


def compile_templates() -> int:
    """Compile every page template now (Jinja keeps them compiled for the process), so the first visitor of
    each page does not wait for it — about a third of a fresh server's first dashboard view (0.5 s on a
    10 M-case city) was spent compiling its templates.  Returns how many; a template that does not compile
    stops the server at start rather than on a user's request."""
    names = templates.env.list_templates(extensions=["html"])
    for name in names:
        templates.env.get_template(name)
    return len(names)


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
    """Serve ``static/`` (our CSS and script, and the pinned vendor copies) at /static, gzip-compressed and
    revalidated by ETag (:mod:`kaoping.web.static_files`)."""
    app.mount("/static", CompressedStaticFiles(directory=str(HERE / "static")), name="static")
