"""Every whole number the API takes is bounded by what the store's INTEGER columns hold (issue 14, point 9).

Before, an offset or id of 2^63, or a rework_count of 2^63, reached PostgreSQL and came back as a 500; now
each is a 422 naming the parameter.  The last test walks every endpoint, so a new integer parameter
without a bound fails here rather than in production.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api

import pytest
from fastapi.dependencies.utils import get_flat_params

from kaoping.api.app import endpoints
from kaoping.api.models import DB_INT_MAX, FACT_MODELS

HUGE = 2**63
TOO_BIG = (HUGE, DB_INT_MAX + 1, -1)

CASE = {"case_id": "B-1", "unit_id": "d1", "kind": "event", "category": "井盖", "reported_at": "2024-05-02T08:00:00"}
RANK = {"period": "2024-Q2", "unit_id": "d1", "task": "bounds", "rank": 1}


def _refused(r: Any, name: str) -> None:
    assert r.status_code == 422, (name, r.status_code, r.text)
    assert any(e["column"] == name for e in r.json()["errors"]), r.json()


@pytest.mark.parametrize("value", TOO_BIG)
@pytest.mark.parametrize("path", ["/api/scores", "/api/cases", "/api/ranks", "/api/audit"])
def test_offset_beyond_the_database_is_422(api: Api, path: str, value: int) -> None:
    r = api.client.get(path, params={"offset": value}, headers=api.as_("admin"))
    _refused(r, "offset")


def test_the_largest_offset_is_still_an_empty_page(api: Api) -> None:
    r = api.client.get("/api/scores", params={"offset": DB_INT_MAX}, headers=api.as_("admin"))
    assert r.status_code == 200 and r.json() == []


@pytest.mark.parametrize("value", (HUGE, DB_INT_MAX + 1, 0, -1))
@pytest.mark.parametrize(
    ("method", "path", "name", "kwargs"),
    [
        ("DELETE", "/api/scores/{}", "row_id", {"params": {"reason": "x"}}),
        ("POST", "/api/results/{}/review", "result_id", {}),
        ("POST", "/api/results/{}/publish", "result_id", {}),
        ("POST", "/api/appeals/{}/answer", "appeal_id", {"json": {"status": "answered", "answer": "ok"}}),
        ("GET", "/api/evidence/{}", "evidence_id", {}),
    ],
)
def test_path_ids_beyond_the_database_are_422(
    api: Api, method: str, path: str, name: str, kwargs: dict[str, Any], value: int
) -> None:
    r = api.client.request(method, path.format(value), headers=api.as_("admin"), **kwargs)
    _refused(r, name)


@pytest.mark.parametrize("value", TOO_BIG)
@pytest.mark.parametrize("field", ["rework_count", "verify_failed", "postponed"])
def test_case_counts_beyond_the_database_are_422(api: Api, field: str, value: int) -> None:
    r = api.client.post("/api/cases", json=CASE | {field: value}, headers=api.as_("admin"))
    _refused(r, field)


@pytest.mark.parametrize("value", (HUGE, DB_INT_MAX + 1, 0, -1))
def test_rank_beyond_the_database_is_422(api: Api, value: int) -> None:
    r = api.client.post("/api/ranks", json=RANK | {"rank": value}, headers=api.as_("admin"))
    _refused(r, "rank")


def test_the_largest_count_and_rank_are_stored(api: Api) -> None:
    r = api.client.post("/api/cases", json=CASE | {"rework_count": DB_INT_MAX}, headers=api.as_("admin"))
    assert r.status_code == 201, r.text
    r = api.client.post("/api/ranks", json=RANK | {"rank": DB_INT_MAX}, headers=api.as_("admin"))
    assert r.status_code == 201, r.text


def _upper(metadata: list[Any]) -> int | None:
    bounds = [m.le for m in metadata if getattr(m, "le", None) is not None]
    return min(bounds) if bounds else None


def test_every_integer_the_api_takes_is_bounded(api: Api) -> None:
    """Query and path parameters of every endpoint, and every integer field of the fact bodies."""
    app = api.client.app
    unbounded: list[str] = []
    for path, route in endpoints(app):  # type: ignore[arg-type]
        for param in get_flat_params(route.dependant):
            if param.field_info.annotation is int:
                top = _upper(param.field_info.metadata)
                if top is None or top > DB_INT_MAX:
                    unbounded.append(f"{path} {param.name}")
    for kind, models in FACT_MODELS.items():
        for name, info in models.body.model_fields.items():
            if info.annotation in (int, int | None):
                top = _upper(info.metadata)
                if top is None or top > DB_INT_MAX:
                    unbounded.append(f"{kind}.{name}")
    assert unbounded == []
