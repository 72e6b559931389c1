"""Refusals that come from the scheme or the period reach the API in Chinese, with English beside them
(issue #15): a month asked of a quarterly scheme used to answer "scheme test-office evaluates quarter, year
periods; 2024-06 is a month" to a Chinese office."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api


def test_computing_a_period_the_scheme_does_not_evaluate_is_refused_in_chinese(api: Api) -> None:
    body = {"scheme": api.SCHEME, "period": "2024-06"}
    got = api.client.post("/api/results/compute", json=body, headers=api.as_("admin"))
    assert got.status_code == 422, got.text
    assert "方案 test-office 只评季度、年度考评期，2024-06 是月度考评期" in got.text
    english = api.client.post("/api/results/compute?lang=en", json=body, headers=api.as_("admin"))
    assert english.status_code == 422
    assert "scheme test-office evaluates quarter, year periods; 2024-06 is a month" in english.text
    assert "只评" not in english.text
