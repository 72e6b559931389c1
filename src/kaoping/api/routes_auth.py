"""Sign in and out: ``/api/auth/login`` gives both a session cookie and a bearer token.

Sign-in is throttled (:mod:`kaoping.store.login_guard`): a locked account name or address is a 429 saying
until when, answered before any password hash is computed; too many sign-ins being checked at once is a
503 (the argon2 checks are bounded so a flood cannot take every core).  Sign-out ends the account's every
session and token, so a copied cookie or token stops working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status

from kaoping.api.auth import Principal, Via, client_address, issue_token, principal_of, start_session
from kaoping.api.auth import csrf_token as session_csrf
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.models import problem
from kaoping.api.roles import Perm, credentials_not_needed, require
from kaoping.api.schemas import CsrfOut, LoginIn, LoginOut, Me, OkOut, PasswordIn, PasswordOut
from kaoping.app import accounts
from kaoping.app.accounts import PasswordChange, SignInLocked, sign_in, sign_out
from kaoping.store.users import LoginBusy

router = APIRouter(prefix="/api/auth", tags=["auth"])
Anyone = Annotated[Principal, Depends(require(Perm.OPEN))]


def _me(p: Principal) -> Me:
    return Me(
        username=p.username,
        role=p.role,
        display_name=p.display_name,
        unit_id=p.unit_id,
        parts=list(p.parts),
        via=p.via,
    )


def _locked(locked: SignInLocked, now: datetime) -> HTTPException:
    """429 until the lock ends, saying when."""
    wait = max(1, int((locked.until - now).total_seconds()))
    message = (
        f"登录失败次数过多，该账户或来源地址已暂时锁定，请于 {locked.until:%Y-%m-%d %H:%M} 后再试"
        f"（too many failed sign-ins: locked until {locked.until:%Y-%m-%d %H:%M}）"
    )
    return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, message, headers={"Retry-After": str(wait)})


def _busy() -> HTTPException:
    """503: too many passwords being checked at once (the argon2 checks are bounded)."""
    message = "登录请求过多，请稍后再试（too many sign-ins at once; try again shortly）"
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, message, headers={"Retry-After": "5"})


@router.post(
    "/login",
    responses={
        429: problem("too many failed sign-ins: locked for a while (Retry-After)"),
        503: problem("too many sign-ins at once: try again shortly (Retry-After)"),
    },
)
def login(
    body: LoginIn,
    request: Request,
    session: SessionDep,
    ctx: CtxDep,
    _: Annotated[None, Depends(credentials_not_needed)],
) -> LoginOut:
    """Check the password; start a cookie session and issue a token (the same answer for a wrong user or password)."""
    now = ctx.settings.clock()
    try:
        user = sign_in(session, body.username, body.password, client_address(request.scope, ctx.settings), now)
    except SignInLocked as locked:
        raise _locked(locked, now) from None
    except LoginBusy:
        raise _busy() from None
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong username or password")
    csrf = start_session(request, user)
    me = _me(principal_of(user, Via.COOKIE))
    token = issue_token(ctx.settings, user)
    return LoginOut(access_token=token, expires_in=ctx.settings.token_seconds, csrf_token=csrf, user=me)


@router.post("/logout")
def logout(request: Request, session: SessionDep, who: Anyone) -> OkOut:
    """End the cookie session, and every other session and token of the account: a cookie or token copied
    before sign-out no longer works (audited)."""
    sign_out(session, who)
    request.session.clear()
    return OkOut()


@router.post("/password", responses={422: problem("current password wrong, or the new one too weak")})
def change_password(
    body: PasswordIn,
    request: Request,
    session: SessionDep,
    ctx: CtxDep,
    who: Annotated[Principal, Depends(require(Perm.OWN_PASSWORD))],
) -> PasswordOut:
    """Change one's own password (the current one required): every other session and token of the account
    ends; the caller gets a new token, and a new cookie session when signed in by cookie (audited)."""
    now = ctx.settings.clock()
    change = PasswordChange(
        username=who.username or "",
        new_password=body.new_password,
        old_password=body.old_password,
        address=client_address(request.scope, ctx.settings),
    )
    try:
        user = accounts.change_password(session, who, change, now)
    except SignInLocked as locked:
        raise _locked(locked, now) from None
    except LoginBusy:
        message = "请求过多，请稍后再试（too many password checks at once; try again shortly）"
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, message, headers={"Retry-After": "5"}) from None
    csrf = start_session(request, user) if who.via == Via.COOKIE else None
    return PasswordOut(
        access_token=issue_token(ctx.settings, user), expires_in=ctx.settings.token_seconds, csrf_token=csrf
    )


@router.get("/me")
def me(principal: Anyone) -> Me:
    """The caller: anonymous callers are role ``public`` with no username."""
    return _me(principal)


@router.get("/csrf")
def csrf(request: Request, _: Anyone) -> CsrfOut:
    """The CSRF token of this browser session, for a page loaded after sign-in."""
    return CsrfOut(csrf_token=session_csrf(request))
