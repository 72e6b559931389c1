"""The case flow over /api/cases (issue #17) on SQLite and PostgreSQL: a 12345 transfer taken in by the
受理员, registered, dispatched (the handbook names hwc, not in this store: d1 needs a reason), fed back by d1
with a photo, failed and passed by the 监督员; d2 sees none of it; a 延期 request decided by the office."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from httpx import Response

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api


def _ok(r: Response, code: int = 200) -> dict[str, Any]:
    assert r.status_code == code, r.text
    body: dict[str, Any] = r.json()
    return body


def test_a_12345_transfer_through_the_api(api: Api) -> None:
    acc, disp, sup, d1, d2 = (api.as_(u) for u in ("shouli", "paiqian", "jiandu", "jiaqu", "yiqu"))
    c = api.client
    new = {"unit_id": "d1", "kind": "component", "category": "垃圾箱", "channel": "12345"}
    case_id = str(_ok(c.post("/api/cases/intake", json=new, headers=acc), 201)["case_id"])
    assert case_id.startswith("12345-")
    queue = c.get("/api/cases/queue/intake", headers=acc).json()
    assert [(q["case_id"], q["channel"], q["status"]) for q in queue] == [(case_id, "12345", "reported")]
    assert (
        _ok(c.post(f"/api/cases/{case_id}/register", json={"expected": "reported"}, headers=acc))["status"]
        == "registered"
    )
    stale = c.post(f"/api/cases/{case_id}/register", json={"expected": "reported"}, headers=acc)
    assert stale.status_code == 409

    [waiting] = c.get("/api/cases/queue/dispatch", headers=disp).json()
    assert waiting["suggestion"] == {
        "unit": "hwc",
        "unit_name": "市环境卫生管理处",
        "limit": "1 个工作日",
        "action": "",
    }
    assert c.post(f"/api/cases/{case_id}/dispatch", json={"unit_id": "d1"}, headers=disp).status_code == 422
    step = _ok(c.post(f"/api/cases/{case_id}/dispatch", json={"unit_id": "d1", "reason": "辖区自管"}, headers=disp))
    assert (step["status"], step["unit_id"]) == ("dispatched", "d1") and step["deadline"]

    assert [t["case_id"] for t in c.get("/api/cases/queue/todo", headers=d1).json()] == [case_id]
    assert c.get("/api/cases/queue/todo", headers=d2).json() == []
    assert c.get("/api/cases/queue/todo", params={"unit_id": "d1"}, headers=d2).status_code == 403
    photo = {"photo": ("a.png", api.PNG, "image/png")}
    assert c.post(f"/api/cases/{case_id}/feedback", files=photo, headers=d2).status_code == 403  # not its case
    assert c.post(f"/api/cases/{case_id}/feedback", data={"note": "无照片"}, headers=d1).status_code == 422
    fed = _ok(c.post(f"/api/cases/{case_id}/feedback", data={"note": "已更换"}, files=photo, headers=d1))
    assert fed["status"] == "feedback"

    assert [v["case_id"] for v in c.get("/api/cases/queue/verify", headers=sup).json()] == [case_id]
    assert c.post(f"/api/cases/{case_id}/verify", json={"passed": False}, headers=sup).status_code == 422  # no note
    failed = _ok(c.post(f"/api/cases/{case_id}/verify", json={"passed": False, "note": "仍破损"}, headers=sup))
    assert (failed["status"], failed["rework_count"], failed["verify_failed"]) == ("dispatched", 1, 1)

    ask = {"kind": "postpone", "reason": "等配件", "new_deadline": "2099-01-05T17:00:00"}
    asked = _ok(c.post(f"/api/cases/{case_id}/ask", json=ask, headers=d1), 201)
    [pending] = c.get("/api/cases/requests", headers=api.as_("admin")).json()
    assert pending["id"] == asked["id"] and pending["kind"] == "postpone"
    decided = c.post(f"/api/cases/requests/{asked['id']}/decide", json={"approve": True}, headers=api.as_("admin"))
    assert _ok(decided)["status"] == "approved"

    _ok(c.post(f"/api/cases/{case_id}/feedback", files={"photo": ("b.png", api.PNG, "image/png")}, headers=d1))
    closed = _ok(c.post(f"/api/cases/{case_id}/verify", json={"passed": True}, headers=sup))
    assert (closed["status"], closed["deadline"], closed["rework_count"]) == ("closed", "2099-01-05T17:00:00", 1)
    steps = [e for e in api.audit() if e["action"] == "case_step"]
    assert len(steps) == 9  # register, dispatch, feedback, verify + fail, postpone, feedback, verify + pass
