"""Request and response bodies of the non-fact endpoints: sign-in, accounts, results, appeals, evidence, audit."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from kaoping.roles import Role


def _with_offset(value: dt.datetime) -> dt.datetime:
    """A stored time with the server's UTC offset: the store keeps its own clock's local time without a zone
    (``kaoping.store.audit.now``), and an RFC 3339 date-time — what the OpenAPI document declares — needs one."""
    return value if value.tzinfo is not None else value.astimezone()


Stamp = Annotated[dt.datetime, AfterValidator(_with_offset)]
"""When the system did something (created, published, audited): a date-time with the server's offset."""


# A body read from a stored row: ``model_validate(row)`` takes the row's attributes.  (A comment, not a
# docstring: pydantic would publish a docstring in the OpenAPI document.)
class FromRow(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class Me(BaseModel):
    username: str | None
    role: str
    display_name: str = ""
    unit_id: str | None = None
    parts: list[str] = []
    via: str = "anonymous"


class LoginOut(BaseModel):
    """Both credentials at once: the cookie (set on the response) for browsers, the token for scripts."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    csrf_token: str
    user: Me


class CsrfOut(BaseModel):
    csrf_token: str


class OkOut(BaseModel):
    ok: bool = True


class PasswordIn(BaseModel):
    """A signed-in account's new password, with its current one."""

    old_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(
        min_length=1, max_length=1000, description="at least 10 characters, not a common one, not the username"
    )


class PasswordReset(BaseModel):
    """The office sets an account's password (no current one needed)."""

    new_password: str = Field(
        min_length=1, max_length=1000, description="at least 10 characters, not a common one, not the username"
    )


class PasswordOut(BaseModel):
    """Every other session and token of the account has ended; these replace the caller's own."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    csrf_token: str | None = None
    """The cookie session's new CSRF token (a caller signed in by cookie); None for a bearer token."""


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000, description="at least 10 characters, not a common one")
    role: Role
    display_name: str = Field("", max_length=200)
    unit_id: str | None = Field(None, max_length=100)
    parts: list[str] = []


class UserOut(FromRow):
    id: int
    username: str
    role: str
    display_name: str
    unit_id: str | None
    parts: list[str]
    active: bool


class SchemeOut(BaseModel):
    scheme: str
    title: str
    version: int
    periods: list[str]
    groups: list[str]
    parts: dict[str, str]
    """Leaf part → where its values come from (scores, deductions, cases...)."""


class ComputeIn(BaseModel):
    scheme: str = Field(min_length=1, max_length=100)
    period: str = Field(min_length=1, max_length=10)
    reason: str = Field("", max_length=2000, description="required for a correction of a published period")


class AdvanceIn(BaseModel):
    scheme: str = Field(min_length=1, max_length=100)
    period: str = Field(min_length=1, max_length=10)
    with_months: bool = Field(True, description="also each month of the period not yet published (一键发布季度及各月)")


class AdvanceStepOut(BaseModel):
    period: str
    done: list[str] = Field(description="steps taken: computed, reviewed, published")
    stop: str = Field(description="done, already (published before), second_person (职责分离) or not_allowed")
    stop_label: str = Field(description="the stop in Chinese")
    version: int | None = None
    result_id: int | None = None


class AdvanceOut(BaseModel):
    scheme: str
    period: str
    steps: list[AdvanceStepOut]


class ResultOut(FromRow):
    id: int
    scheme: str
    period: str
    version: int
    status: str
    reason: str
    created_at: Stamp
    created_by: str
    reviewed_by: str | None
    published_at: Stamp | None
    published_by: str | None
    document: dict[str, Any]


class ResultsView(BaseModel):
    """A period's results as the caller may see them.

    ``current``: the published version; ``versions``: every published version (superseded ones too), and
    for the office every draft; ``draft``: the unpublished version (a unit sees only its own entry in it).
    """

    scheme: str
    period: str
    current: ResultOut | None
    versions: list[ResultOut]
    draft: ResultOut | None = None


class PublishedOut(BaseModel):
    scheme: str
    period: str
    version: int
    id: int
    published_at: Stamp | None


class LineOut(BaseModel):
    part: str
    kind: str
    rule: str
    points: float
    file: str
    rows: list[int]


class ExplainOut(BaseModel):
    scheme: str
    period: str
    unit_id: str
    unit: str
    rank: int
    total: float
    lines: list[LineOut]


class AppealIn(BaseModel):
    period: str = Field(min_length=1, max_length=10)
    text: str = Field(min_length=1, max_length=10000)
    target: str = Field("", max_length=200, description="what is disputed: a part, a row ('deductions:12')...")
    unit_id: str | None = Field(None, max_length=100, description="units: leave empty (always their own)")
    scheme: str | None = Field(None, max_length=100, description="only this scheme's publication opens the window")


class AppealOut(FromRow):
    id: int
    unit_id: str
    period: str
    target: str
    text: str
    status: str
    created_at: Stamp
    created_by: str
    answer: str


class AnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=10000)
    status: Literal["accepted", "rejected", "answered"] = "answered"
    """An answer closes the appeal: any :class:`~kaoping.statuses.AppealStatus` but open."""
    scheme: str | None = Field(None, max_length=100, description="accepted: the scheme whose period is corrected")
    withdraw_row: bool = Field(False, description="accepted: first delete the row the appeal disputes")


class EvidenceOut(FromRow):
    id: int
    unit_id: str
    target: str
    filename: str
    content_type: str
    size: int
    created_at: Stamp
    created_by: str


class AuditOut(FromRow):
    id: int
    at: Stamp
    actor: str
    action: str
    table_name: str
    row_key: str
    unit_id: str | None
    period: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str
