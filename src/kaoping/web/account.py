"""修改密码: the page where a signed-in account changes its own password, linked from the header's user menu.

A plain form post (no JavaScript needed), so the account is resolved from the session and the CSRF token
checked from the form (:func:`~kaoping.web.app.session_account`, :func:`~kaoping.web.app.form_token_ok`).
The change itself is the use case the API and the CLI call (:func:`kaoping.app.accounts.change_password`):
the current password required, the password policy, every other session and token of the account ended,
audited.  The browser that made the change gets a fresh session and stays signed in.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kaoping.api.auth import Principal, client_address, csrf_token, start_session
from kaoping.api.context import ApiContext, CtxDep
from kaoping.app.accounts import PasswordChange, SignInLocked, change_password
from kaoping.app.errors import Invalid
from kaoping.store.users import LoginBusy
from kaoping.web.app import ViewerDep, error_page, form_token_ok, render, session_account, sign_in

router = APIRouter(include_in_schema=False)
PASSWORD_PATH = "/account/password"
FIELD_MAX = 1000


def _form(request: Request, who: Principal, status_code: int = 200, *, error: str = "", done: bool = False) -> Response:
    context = {"csrf": csrf_token(request), "error": error, "done": done, "field_max": FIELD_MAX}
    return render(request, "account_password.html", who, status_code=status_code, **context)


@router.get(PASSWORD_PATH)
def password_page(request: Request, who: ViewerDep) -> Response:
    """The form: current password, new password twice."""
    if not who.authenticated:
        return sign_in(request)
    return _form(request, who)


def _change(request: Request, ctx: ApiContext, fields: dict[str, str]) -> Response:
    """The blocking part (argon2, the store), run in the thread pool."""
    with ctx.factory() as session:
        who = session_account(request, session)
        if who is None:
            return RedirectResponse(f"/login?next={PASSWORD_PATH}", status_code=303)
        if not form_token_ok(request, fields["csrf"]):
            message = "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试。"
            return error_page(request, who, 403, "无法修改密码", message)
        if fields["new_password"] != fields["again"]:
            return _form(request, who, 422, error="两次输入的新密码不一致。")
        change = PasswordChange(
            username=who.username or "",
            new_password=fields["new_password"],
            old_password=fields["old_password"],
            address=client_address(request.scope, ctx.settings),
        )
        try:
            user = change_password(session, who, change, ctx.settings.clock())
        except Invalid as exc:
            return _form(request, who, 422, error=exc.problems[0].message if exc.problems else str(exc))
        except SignInLocked as locked:
            error = f"当前密码错误次数过多，该账号已暂时锁定，请于 {locked.until:%Y-%m-%d %H:%M} 后再试。"
            return _form(request, who, 429, error=error)
        except LoginBusy:
            return _form(request, who, 503, error="请求过多，请稍后再试。")
        start_session(request, user)
        return _form(request, who, done=True)


@router.post(PASSWORD_PATH)
async def password_change(request: Request, ctx: CtxDep) -> Response:
    """Change the password: the page again, saying it is done (other sessions ended) or what was wrong."""
    async with request.form(max_files=0, max_fields=5, max_part_size=4 * FIELD_MAX) as form:
        names = ("csrf", "old_password", "new_password", "again")
        fields = {name: str(form.get(name) or "")[: FIELD_MAX + 1] for name in names}
    return await run_in_threadpool(_change, request, ctx, fields)
