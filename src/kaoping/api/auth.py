"""Who is asking: a signed bearer token, or the signed session cookie of a browser, or nobody (公众).

Two ways in because the API has two kinds of client: scripts and other systems send
``Authorization: Bearer <token>``; the browser front end keeps the Starlette session cookie (HttpOnly,
SameSite=Lax, signed with the app secret).  A cookie is sent by the browser on its own, so a state-changing
request authenticated by the cookie must also carry ``X-CSRF-Token`` equal to the token kept in that
session (double submit): another site can make the browser send the cookie, but cannot read the token.
A bearer token is never sent on its own, so it needs no CSRF token.

Both carry a fingerprint of the account's password hash and session version: changing a password or
signing out (which bumps the version, kept in the store) ends every session and token made before, although
tokens are otherwise stateless — a copied cookie or token stops working at sign-out.

The cookie is marked Secure when the request came over https: directly, or as a trusted reverse proxy says
in ``X-Forwarded-Proto`` (``KAOPING_TRUSTED_PROXIES``); ``KAOPING_COOKIE_SECURE`` forces it always.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from kaoping.api.context import CtxDep, SessionDep, Settings
from kaoping.app.account_cache import Account, fingerprint
from kaoping.app.context import AppContext
from kaoping.app.policy import ANONYMOUS as ANONYMOUS
from kaoping.app.policy import Principal as Principal
from kaoping.app.policy import Via as Via
from kaoping.roles import Role
from kaoping.store.tables import User

CSRF_HEADER = "X-CSRF-Token"
SESSION_COOKIE = "kaoping_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_TOKEN_SALT = "kaoping.api.token"

bearer_scheme = HTTPBearer(auto_error=False, description="token from POST /api/auth/login")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def principal_of(user: User | Account, via: Via) -> Principal:
    """The account as the rules see it."""
    return Principal(
        username=user.username,
        role=Role(user.role),
        display_name=user.display_name,
        unit_id=user.unit_id,
        parts=tuple(user.parts or ()),
        via=via,
    )


def _header(scope: Scope, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == name), "")


def _peer(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def is_https(scope: Scope, settings: Settings) -> bool:
    """Whether the browser reached us over https (a forwarded scheme counts only from a trusted proxy)."""
    if settings.cookie_secure or scope.get("scheme") in ("https", "wss"):
        return True
    if _peer(scope) in settings.trusted_proxies:
        return _header(scope, b"x-forwarded-proto").split(",")[0].strip().lower() == "https"
    return False


def client_address(scope: Scope, settings: Settings) -> str:
    """The caller's address: the peer, or behind trusted proxies the rightmost ``X-Forwarded-For`` entry that
    is not one of them (the entries to its left were written by the client and prove nothing)."""
    address = _peer(scope)
    if address not in settings.trusted_proxies:
        return address
    for hop in reversed([h.strip() for h in _header(scope, b"x-forwarded-for").split(",") if h.strip()]):
        if hop not in settings.trusted_proxies:
            return hop
    return address


class SessionCookies:
    """The signed session cookie (Starlette's middleware), marked Secure per request by :func:`is_https`:
    one middleware with a fixed flag would either leak the cookie over plain http behind a TLS proxy or
    refuse to keep it on a plain-http development server."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        def made(secure: bool) -> SessionMiddleware:
            return SessionMiddleware(
                app,
                secret_key=settings.secret,
                session_cookie=SESSION_COOKIE,
                max_age=settings.token_seconds,
                same_site="lax",
                https_only=secure,
            )

        self.settings = settings
        self.plain, self.secure = made(False), made(True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = self.secure if scope["type"] != "lifespan" and is_https(scope, self.settings) else self.plain
        await chosen(scope, receive, send)


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret, salt=_TOKEN_SALT)


def issue_token(settings: Settings, user: User) -> str:
    return _serializer(settings).dumps({"u": user.username, "f": fingerprint(user)})


def _token_claims(settings: Settings, token: str) -> dict[str, Any] | None:
    try:
        data = _serializer(settings).loads(token, max_age=settings.token_seconds)
    except BadSignature:  # also SignatureExpired, a subclass
        return None
    return data if isinstance(data, dict) else None


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"})


def active_account(ctx: AppContext, session: Session, username: object, print_: object) -> Account | None:
    """The account a token or cookie names, if it is active and its password and session version are still
    those the token was made with (from the account cache: :mod:`kaoping.app.account_cache`)."""
    if not isinstance(username, str):
        return None
    user = ctx.accounts.account(session, username)
    if user is None or not user.active or not hmac.compare_digest(str(print_), user.fingerprint):
        return None
    return user


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (tied to this session: it lives inside the signed cookie)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def start_session(request: Request, user: User) -> str:
    """A fresh session for ``user`` (never reuse the pre-login one: session fixation); returns its CSRF token."""
    request.session.clear()
    request.session.update({"user": user.username, "f": fingerprint(user)})
    return csrf_token(request)


def current_principal(request: Request, session: SessionDep, ctx: CtxDep, bearer: BearerDep) -> Principal:
    """Resolve the caller; every endpoint goes through this (via ``roles.require``), so CSRF is checked here.

    A bearer header that is present but bad is a 401 — it never falls back to the cookie, which would
    make a script's expired token silently act as whoever last used the browser.
    """
    if bearer is not None:
        claims = _token_claims(ctx.settings, bearer.credentials)
        user = active_account(ctx, session, claims.get("u"), claims.get("f")) if claims else None
        if user is None:
            raise _unauthorized("invalid or expired token; sign in again at POST /api/auth/login")
        return principal_of(user, Via.BEARER)
    if "user" not in request.session:
        return ANONYMOUS
    user = active_account(ctx, session, request.session.get("user"), request.session.get("f"))
    if user is None:
        request.session.clear()
        raise _unauthorized("session ended; sign in again")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        kept = request.session.get("csrf", "")
        if not (sent and isinstance(kept, str) and hmac.compare_digest(sent, kept)):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"missing or wrong {CSRF_HEADER} header: send the token from login or GET /api/auth/csrf",
            )
    return principal_of(user, Via.COOKIE)


PrincipalDep = Annotated[Principal, Depends(current_principal)]
