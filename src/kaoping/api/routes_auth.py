"""Sign in and out: ``/api/auth/login`` gives both a session cookie and a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status

from kaoping.api.auth import Principal, issue_token, start_session
from kaoping.api.auth import csrf_token as session_csrf
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.roles import Perm, credentials_not_needed, require
from kaoping.api.schemas import CsrfOut, LoginIn, LoginOut, Me, OkOut
from kaoping.store.users import authenticate

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


@router.post("/login")
def login(
    body: LoginIn,
    request: Request,
    session: SessionDep,
    ctx: CtxDep,
    _: Annotated[None, Depends(credentials_not_needed)],
) -> LoginOut:
    """Check the password; start a cookie session and issue a token (the same answer for a wrong user or password)."""
    user = authenticate(session, body.username, body.password)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong username or password")
    session.commit()  # authenticate may have upgraded the password hash
    csrf = start_session(request, user)
    me = Me(
        username=user.username,
        role=user.role,
        display_name=user.display_name,
        unit_id=user.unit_id,
        parts=list(user.parts or ()),
        via="cookie",
    )
    token = issue_token(ctx.settings, user)
    return LoginOut(access_token=token, expires_in=ctx.settings.token_seconds, csrf_token=csrf, user=me)


@router.post("/logout")
def logout(request: Request, _: Anyone) -> OkOut:
    """End the cookie session (a bearer token simply expires; change the password to end it earlier)."""
    request.session.clear()
    return OkOut()


@router.get("/me")
def me(principal: Anyone) -> Me:
    """The caller: anonymous callers are role ``public`` with no username."""
    return _me(principal)


@router.get("/csrf")
def csrf(request: Request, _: Anyone) -> CsrfOut:
    """The CSRF token of this browser session, for a page loaded after sign-in."""
    return CsrfOut(csrf_token=session_csrf(request))
