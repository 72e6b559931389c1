"""``POST /api/<kind>/batch`` (issue 13, point 4): many rows in one request, checked like single rows and
written all or none — a case system sending its events in bulk."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from kaoping.store.case_cells import differing_cells, read_cells
from kaoping.store.chain import check_trail
from kaoping.store.tables import CaseRow, DeductionRow


def _case(n: int, **changes: Any) -> dict[str, Any]:
    row = {
        "case_id": f"BATCH-{n}",
        "unit_id": "d1" if n % 2 else "d2",
        "kind": "event",
        "category": "井盖",
        "reported_at": "2024-05-02T08:00:00",
        "dispatched_at": "2024-05-02T09:00:00",
        "deadline": "2024-05-03T09:00:00",
        "closed_at": "2024-05-02T17:00:00" if n % 3 else None,
    }
    return row | changes


def _count(api: Any, table: Any) -> int:
    with api.factory() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_a_batch_of_cases_is_written_at_once_and_counted_in_the_cells(api: Any) -> None:
    body = {"rows": [_case(n) for n in range(1, 31)], "reason": "案卷系统同步"}
    r = api.client.post("/api/cases/batch", json=body, headers=api.as_("admin"))
    assert r.status_code == 201, r.text
    assert r.json() == {"inserted": 30, "updated": 0, "unchanged": 0}
    assert _count(api, CaseRow) == 30
    with api.factory() as s:
        cells = read_cells(s)
    may = cells.filter((cells["month"] == 2024 * 12 + 4) & (cells["measure"] == "应结案数"))
    assert dict(may.select("unit_id", "value").iter_rows()) == {"d1": 15, "d2": 15}
    closed = cells.filter((cells["month"] == 2024 * 12 + 4) & (cells["measure"] == "结案数"))
    assert closed.get_column("value").sum() == 20  # n not divisible by 3: 30 − 10
    # sent again: every row is as stored
    again = api.client.post("/api/cases/batch", json=body, headers=api.as_("admin"))
    assert again.json() == {"inserted": 0, "updated": 0, "unchanged": 30}
    inserts = [e for e in api.audit() if e.get("table_name", e.get("table")) == "cases" and e["action"] == "insert"]
    assert len(inserts) == 30


def test_a_batch_moving_cases_on_updates_each_row_with_its_own_before_and_after(api: Any) -> None:
    """Rows already stored and changed are updated together (one statement for the batch): each stored row
    holds what was sent, each has its own audit entry whose "before" is the row as it was, the chain checks
    intact and the cells equal a recount."""
    first = [_case(n) for n in range(1, 13)]
    assert api.client.post("/api/cases/batch", json={"rows": first}, headers=api.as_("admin")).status_code == 201
    moved = {n: _case(n, closed_at=f"2024-05-0{2 + n % 3}T1{n % 10}:00:00") for n in (1, 3, 4, 9)}
    rows = [moved.get(n, _case(n)) for n in range(1, 13)] + [_case(13), _case(14)]
    r = api.client.post("/api/cases/batch", json={"rows": rows, "reason": "状态同步"}, headers=api.as_("admin"))
    assert r.status_code == 201, r.text
    assert r.json() == {"inserted": 2, "updated": 4, "unchanged": 8}
    with api.factory() as s:
        stored = {c.case_id: c for c in s.scalars(select(CaseRow))}
        assert len(stored) == 14
        for n, row in moved.items():
            assert stored[f"BATCH-{n}"].closed_at.isoformat() == row["closed_at"]
        assert stored["BATCH-2"].closed_at.isoformat() == "2024-05-02T17:00:00"
        assert check_trail(s).intact
        assert differing_cells(s).is_empty()
    updates = [e for e in api.audit() if e["table_name"] == "cases" and e["action"] == "update"]
    by_key = {e["after"]["case_id"]: e for e in updates}
    assert sorted(by_key) == sorted(f"BATCH-{n}" for n in moved)
    for n, row in moved.items():
        entry = by_key[f"BATCH-{n}"]
        assert entry["before"]["closed_at"] == _case(n)["closed_at"]
        assert entry["after"]["closed_at"] == row["closed_at"]
        assert entry["reason"] == "状态同步"


def test_one_bad_row_refuses_the_batch_and_names_its_place(api: Any) -> None:
    rows = [_case(1), _case(2, unit_id="nowhere"), _case(3)]
    r = api.client.post("/api/cases/batch", json={"rows": rows}, headers=api.as_("admin"))
    assert r.status_code == 422, r.text
    assert [(e["row"], e["column"]) for e in r.json()["errors"]] == [(2, "unit_id")]
    assert _count(api, CaseRow) == 0
    twice = [_case(1), _case(1, category="路灯")]
    r = api.client.post("/api/cases/batch", json={"rows": twice}, headers=api.as_("admin"))
    assert r.status_code == 422, r.text
    assert _count(api, CaseRow) == 0


def test_a_batch_keeps_the_role_rules_and_its_bounds(api: Any) -> None:
    rows = [api.deduction_row(problem=f"p{n}") for n in range(3)]
    assert api.client.post("/api/deductions/batch", json={"rows": rows}, headers=api.as_("jiaqu")).status_code == 403
    r = api.client.post("/api/deductions/batch", json={"rows": rows}, headers=api.as_("dcy"))
    assert r.status_code == 201, r.text
    assert _count(api, DeductionRow) == 3
    too_many = {"rows": [_case(n) for n in range(1001)]}
    assert api.client.post("/api/cases/batch", json=too_many, headers=api.as_("admin")).status_code == 422
    assert api.client.post("/api/cases/batch", json={"rows": []}, headers=api.as_("admin")).status_code == 422


def test_a_batch_body_past_its_byte_limit_is_413_before_it_is_parsed(api: Any) -> None:
    """The batch paths have a byte limit of their own, far below the API's (which fits a photo): a body
    declared longer is refused before any of it is read, one within it is parsed and its rows counted."""
    from kaoping.api.app import MAX_BODY
    from kaoping.app.fact_batch import MAX_BYTES, MAX_ROWS

    assert MAX_BYTES < MAX_BODY
    padded = {"rows": [_case(1)], "reason": "x" * MAX_BYTES}  # too long in bytes, one row
    r = api.client.post("/api/cases/batch", json=padded, headers=api.as_("admin"))
    assert r.status_code == 413 and r.json()["detail"] == "request body too large"
    too_many = {"rows": [{"case_id": str(n)} for n in range(MAX_ROWS + 1)]}  # within the bytes, too many rows
    r = api.client.post("/api/cases/batch", json=too_many, headers=api.as_("admin"))
    assert r.status_code == 422, r.text
    assert _count(api, CaseRow) == 0
