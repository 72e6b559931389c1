"""The running application handed to an endpoint: ``CtxDep`` (settings, store, the office's schemes) and
``SessionDep`` (one session per request).

The context itself is plain data of the application layer (:mod:`kaoping.app.context`); here are only the
FastAPI dependencies, as ``Annotated`` aliases so an endpoint's signature says what it uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, cast

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from kaoping.app.context import (
    DEFAULT_APPEAL_DAYS,
    DEFAULT_SCHEMES,
    DEFAULT_TOKEN_SECONDS,
    AppContext,
    OfficeScheme,
    Settings,
    load_office_schemes,
    load_settings,
)

__all__ = [
    "DEFAULT_APPEAL_DAYS",
    "DEFAULT_SCHEMES",
    "DEFAULT_TOKEN_SECONDS",
    "ApiContext",
    "CtxDep",
    "OfficeScheme",
    "SessionDep",
    "Settings",
    "context",
    "db_session",
    "load_office_schemes",
    "load_settings",
]

ApiContext = AppContext
"""The name the API's modules know the application context by."""


def context(request: Request) -> AppContext:
    return cast(AppContext, request.app.state.ctx)


CtxDep = Annotated[AppContext, Depends(context)]


def db_session(ctx: CtxDep) -> Iterator[Session]:
    """One session per request; endpoints commit what they write, anything uncommitted is rolled back."""
    with ctx.factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(db_session)]
