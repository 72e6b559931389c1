"""Error answers in one shape: ``{"detail": "...", "errors": [{file, row, column, message}]}``.

The API's one mapping of the use cases' refusals (:mod:`kaoping.app.errors`): not found → 404, conflict →
409, invalid input → 422 with its problems, input that needs confirmation → 409 with its problems (sent
again with ``confirm: true`` and a reason, it is written), forbidden → 403 (401 for an anonymous caller,
who may sign in).

Bad data is reported the way the CLI reports it — file, row and column — so an office reads the same kind
of message whether a row came from a spreadsheet or a form; request-validation errors get the same
``errors`` list next to FastAPI's usual ``detail``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from kaoping.api.lang import request_lang
from kaoping.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InputErrors,
    Invalid,
    NeedsConfirmation,
    NotFound,
    Problem,
    problems_of,
)
from kaoping.field_messages import field_message
from kaoping.store.db import is_busy


@dataclass(frozen=True)
class InputProblem(Problem):
    """A problem as the API reports it: the use case's :class:`Problem`, placed like the CLI's — file
    (``db:<table>`` or ``request``), row (0: the row this request sent), column — and whether it may be
    confirmed: True, a warning the request may confirm (``confirm: true`` with a reason); False, refused."""

    confirmable: bool | None = None


class ApiProblem(Exception):
    """An answer other than success, with the data problems that caused it (if any)."""

    def __init__(self, status_code: int, detail: str, errors: Iterable[InputProblem] = ()) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.errors = list(errors)


def _problem_model(p: Problem, confirmable: bool | None = None) -> InputProblem:
    return InputProblem(**asdict(p), confirmable=confirmable)


def problem_of(exc: DomainError, lang: str = "zh") -> ApiProblem:
    """The HTTP answer to a refused use case, its ``detail`` in ``lang`` (Chinese unless the caller switched
    to English, :func:`kaoping.api.lang.request_lang`)."""
    detail = exc.text(lang)
    if isinstance(exc, Invalid):
        return unprocessable(detail, [_problem_model(p) for p in exc.problems])
    if isinstance(exc, NeedsConfirmation):
        problems = [_problem_model(p, confirmable=True) for p in exc.problems]
        return ApiProblem(status.HTTP_409_CONFLICT, detail, problems)
    code = status.HTTP_409_CONFLICT
    if isinstance(exc, NotFound):
        code = status.HTTP_404_NOT_FOUND
    elif isinstance(exc, Forbidden):
        code = status.HTTP_403_FORBIDDEN if exc.signed_in else status.HTTP_401_UNAUTHORIZED
    elif not isinstance(exc, Conflict):
        code = status.HTTP_400_BAD_REQUEST
    return ApiProblem(code, detail)


def unprocessable(detail: str, errors: Iterable[InputProblem] = ()) -> ApiProblem:
    return ApiProblem(status.HTTP_422_UNPROCESSABLE_CONTENT, detail, errors)


def _dump(problem: InputProblem) -> dict[str, object]:
    """A problem as JSON; the entry checks' two additions only where they say something, so an answer to a
    client that knows nothing of them is what it always was."""
    body = asdict(problem)
    shown = {k: v for k, v in body.items() if v is not None or k not in ("message_en", "confirmable")}
    return {"scheme": shown.pop("scheme"), **shown}  # scheme first, as the answers always had it


async def _problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    body = {"detail": exc.detail, "errors": [_dump(e) for e in exc.errors]}
    return JSONResponse(body, status_code=exc.status_code)


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    problem = problem_of(exc, request_lang(request))
    body = {"detail": problem.detail, "errors": [_dump(e) for e in problem.errors]}
    headers = {"WWW-Authenticate": "Bearer"} if problem.status_code == status.HTTP_401_UNAUTHORIZED else None
    return JSONResponse(body, status_code=problem.status_code, headers=headers)


async def _input_errors(_request: Request, exc: Exception) -> JSONResponse:
    """Facts in the store that the engine refuses (when computing or explaining a period)."""
    assert isinstance(exc, InputErrors)
    errors = [_dump(_problem_model(p)) for p in problems_of(exc.errors)]
    body = {"detail": f"数据库中的数据与考评方案不符（{exc.total} 处问题）", "errors": errors}
    return JSONResponse(body, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # the offending input is not echoed: it may be a password, or a NaN that JSON cannot carry
    raw = [{k: v for k, v in e.items() if k not in ("input", "url", "ctx")} for e in exc.errors()]
    errors = []
    for e, full in zip(raw, exc.errors(), strict=True):
        loc = [str(p) for p in e.get("loc", ())]
        where, column = (loc[0], ".".join(loc[1:])) if loc else ("request", "")
        zh, en = field_message(full)  # Chinese, with the field's Chinese name (the form shows it by the field)
        errors.append(InputProblem(f"request {where}", None, column or None, zh, message_en=en))
    body = {"detail": jsonable_encoder(raw), "errors": [_dump(p) for p in errors]}
    return JSONResponse(body, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


async def _busy(_request: Request, exc: Exception) -> JSONResponse:
    """Two writers collided (:func:`kaoping.store.db.is_busy`): the request was fine, the moment was not —
    a conflict to try again, never a 500."""
    assert isinstance(exc, DBAPIError)
    if not is_busy(exc):
        raise exc
    detail = "数据库正忙（另一写入进行中），请稍后重试（the store is busy with another write; try again）"
    body: dict[str, object] = {"detail": detail, "errors": []}
    return JSONResponse(body, status_code=status.HTTP_409_CONFLICT, headers={"Retry-After": "1"})


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiProblem, _problem)
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(InputErrors, _input_errors)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(DBAPIError, _busy)
