"""Schemathesis against the OpenAPI document, in process (issue 14, point 9 and "What must hold").

Every operation of /api/openapi.json (the REST API and Open311) gets requests generated from its declared
parameters and bodies, sent through the ASGI app itself (no network) as the office (admin, a bearer
token) on a seeded store of its own; each answer must be no 5xx, a status the operation declares, a
content type it declares, and a body that fits the declared schema for that status.  Write endpoints
change the test's store as they go: that is what a store of its own is for.

Bounded and reproducible: a fixed number of examples per operation and ``derandomize`` (the same requests
on every run), on SQLite only (PostgreSQL's answers are the same code; the 5xx it alone raised — lost
updates, integer overflow — have their own tests), well under 60 s on two cores.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from sqlalchemy import func, select

from kaoping.open311 import configure as configure_open311
from kaoping.open311 import load_settings
from kaoping.open311.tables import Open311Request

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 15
"""Requests per operation and mode: 43 operations x 2 modes x 15 requests run in ~20 s here."""


def _failures(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> list[str]:
    """What the operation's generated requests broke, one entry per distinct failure (not shrunk: each
    request is recorded and the next one sent, so one run lists everything an operation breaks)."""
    found: dict[str, str] = {}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=timedelta(seconds=5),
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except FailureGroup as group:  # one sub-exception per broken check
            for failure in group.exceptions:
                key = f"{type(failure).__name__}: {str(failure).splitlines()[:3]}"
                found.setdefault(key, f"{operation.label} ({mode.value}): {str(group).strip()[:1500]}")

    try:
        run()
    except Unsatisfiable:
        # an operation with nothing to get wrong (no parameters, no body) has no negative requests
        assert mode is GenerationMode.NEGATIVE, operation.label
    return list(found.values())


OPEN311_KEY = "schemathesis-key-0123456789"
LAST = ("POST /api/auth/login", "POST /api/auth/logout")
"""Fuzzed after the rest: failed sign-ins lock the client's address out of signing in, and signing out
revokes the office's token, which every other operation is called with."""


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_every_operation_answers_as_documented(api: Api) -> None:
    app = api.client.app
    # Open311 takes reports with a partner's key, into 甲区 (d1) until dispatched: the intake path is fuzzed too
    configure_open311(app, app.state.ctx.factory, load_settings(api_keys={OPEN311_KEY: "fuzz"}, intake_unit="d1"))  # type: ignore[attr-defined]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = api.as_("admin") | {"X-API-Key": OPEN311_KEY}
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=lambda o: o.label in LAST)
    assert len(operations) > 40, [o.label for o in operations]
    failures: list[str] = []
    for operation in operations:
        for mode in GenerationMode:  # every operation: none needs to be left out
            failures.extend(_failures(operation, mode, headers))
    assert failures == [], "\n\n".join(failures)
    with api.factory() as session:  # the generated reports got past the checks into the store, not only to 400s
        assert session.scalar(select(func.count()).select_from(Open311Request)), "no Open311 report was filed"
