"""A deduction entered through the API is checked against the scheme's standard like a file row: naming a
problem kind where the office's scheme has no standard is refused (422) in Chinese; without a kind, as before."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api


def test_problem_kind_without_a_standard_is_refused(api: Api) -> None:
    insp = api.as_("dcy")
    r = api.client.post("/api/deductions", json=api.deduction_row(problem_kind="MJ0101", quantity=2), headers=insp)
    assert r.status_code == 422, r.text
    assert "方案 test-office 未引用扣分标准" in r.text
    plain = api.client.post("/api/deductions", json=api.deduction_row(problem="无类型"), headers=insp)
    assert plain.status_code == 201, plain.text
    assert plain.json()["row"]["problem_kind"] == "" and plain.json()["row"]["quantity"] is None
