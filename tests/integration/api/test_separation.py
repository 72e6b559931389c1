"""Separation of duties (职责分离) through the API: whoever computed a draft cannot review it, whoever reviewed
it cannot compute it again; every refusal is in the audit trail.  Off, one account may do every step.

The ``api`` fixture's app runs with the setting off (its tests act as one admin); here a second app on the
same store runs with it on, as production does by default, and a second office account ``admin2`` exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kaoping.server import create_app
from kaoping.store.db import transaction
from kaoping.store.users import create_user

SECRET = "separation-secret-" + "s" * 32
OFFICE = Path(__file__).with_name("office.yaml")


class Strict:
    """A client of an app with separation of duties on, acting as ``admin`` or ``admin2`` by bearer token."""

    def __init__(self, client: TestClient, password: str, scheme: str) -> None:
        self.client, self.password, self.scheme = client, password, scheme
        self.tokens: dict[str, str] = {}

    def as_(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            r = self.client.post("/api/auth/login", json={"username": username, "password": self.password})
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["access_token"]
            self.client.cookies.clear()
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def compute(self, username: str) -> Any:
        body = {"scheme": self.scheme, "period": "2024-Q2"}
        return self.client.post("/api/results/compute", json=body, headers=self.as_(username))

    def step(self, rid: int, step: str, username: str) -> Any:
        return self.client.post(f"/api/results/{rid}/{step}", headers=self.as_(username))

    def denied(self) -> list[dict[str, Any]]:
        entries = self.client.get("/api/audit", headers=self.as_("admin")).json()
        return [e for e in entries if e["action"] == "denied" and e["table_name"] == "published_results"]


@pytest.fixture
def strict(api: Any, db_url: str) -> Iterator[Strict]:
    with transaction(api.factory) as s:
        create_user(s, username="admin2", password=api.PASSWORD, role="admin", display_name="考评办审核")
    app = create_app(db_url, secret=SECRET, schemes=[str(OFFICE)])
    assert app.state.ctx.settings.separation_of_duties  # on unless told otherwise
    with TestClient(app) as client:
        yield Strict(client, api.PASSWORD, api.SCHEME)


def test_the_account_that_computed_cannot_review_another_can(strict: Strict) -> None:
    r = strict.compute("admin")
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    refused = strict.step(rid, "review", "admin")
    assert refused.status_code == 403
    assert "职责分离" in refused.json()["detail"]
    [entry] = strict.denied()
    assert entry["actor"] == "admin" and entry["after"]["attempted"] == "review"
    assert entry["after"]["computed_by"] == "admin" and "职责分离" in entry["reason"]

    assert strict.step(rid, "review", "admin2").status_code == 200
    # publishing is not separated: the reviewer (or the one who computed) releases the reviewed version
    assert strict.step(rid, "publish", "admin").status_code == 200


def test_the_account_that_reviewed_cannot_compute_again(strict: Strict) -> None:
    rid = strict.compute("admin").json()["id"]
    assert strict.step(rid, "review", "admin2").status_code == 200
    refused = strict.compute("admin2")
    assert refused.status_code == 403 and "职责分离" in refused.json()["detail"]
    [entry] = strict.denied()
    assert entry["actor"] == "admin2" and entry["after"]["attempted"] == "compute"
    assert entry["row_key"].endswith("/v1")
    # nothing else of the refused request was written: v1 is still the reviewed version
    office = strict.client.get(f"/api/results/{strict.scheme}/2024-Q2", headers=strict.as_("admin")).json()
    assert office["draft"]["status"] == "reviewed" and office["draft"]["reviewed_by"] == "admin2"
    # whoever computed may compute again (back to draft, to be reviewed again)
    again = strict.compute("admin")
    assert again.status_code == 201 and again.json()["id"] == rid and again.json()["status"] == "draft"


def test_off_one_account_does_every_step(api: Any) -> None:
    admin = api.as_("admin")
    assert not api.client.app.state.ctx.settings.separation_of_duties
    r = api.client.post("/api/results/compute", json={"scheme": api.SCHEME, "period": "2024-Q2"}, headers=admin)
    rid = r.json()["id"]
    assert api.client.post(f"/api/results/{rid}/review", headers=admin).status_code == 200
    assert api.client.post(f"/api/results/{rid}/publish", headers=admin).status_code == 200
    assert not [e for e in api.audit() if e["action"] == "denied"]
