"""Row-level rules by role: departments score their parts, inspectors deduct, units see themselves,
the public sees published results only — and refused writes are in the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api


def test_department_cannot_write_another_departments_part_and_the_attempt_is_audited(api: Api) -> None:
    # 市交警支队 scores 交通秩序管理; 生活垃圾收运 belongs to 市城管局
    theirs = api.score_row(item="生活垃圾收运(含城乡环卫一体化)", score=140)
    r = api.client.post("/api/scores", json=theirs, headers=api.as_("jj"))
    assert r.status_code == 403
    # ... also not through the part's alias, nor in a part it has nothing of
    alias = api.score_row(part="市政府部门考评", item="生活垃圾收运(含城乡环卫一体化)")
    assert api.client.post("/api/scores", json=alias, headers=api.as_("jj")).status_code == 403
    third = {"period": "2024-04", "unit_id": "d1", "part": "第三方测评", "score": 400}
    assert api.client.post("/api/scores", json=third, headers=api.as_("jj")).status_code == 403

    denied = [e for e in api.audit(unit_id="d1") if e["action"] == "denied"]
    assert len(denied) == 3
    assert {e["actor"] for e in denied} == {"jj"}
    assert denied[0]["table_name"] == "scores" and denied[0]["period"] == "2024-Q2"
    assert denied[0]["after"]["part"] == "部门考评" and "生活垃圾收运" in denied[0]["after"]["item"]

    # its own item is fine, written under its own name as the scorer
    r = api.client.post("/api/scores", json=api.score_row(score=131, reason="季度考评"), headers=api.as_("jj"))
    assert r.status_code == 201, r.text
    assert r.json()["row"]["source"] == "市交警支队"
    written = [e for e in api.audit(unit_id="d1") if e["action"] in ("insert", "update") and e["actor"] == "jj"]
    assert [e["reason"] for e in written] == ["季度考评"]


def test_department_may_not_write_under_another_scorers_name(api: Api) -> None:
    # the seeded row of 市交警支队 for d1 has source 市交警支队; 市城管局 must not overwrite it by naming it
    row = api.score_row(source="市交警支队", score=10)
    assert api.client.post("/api/scores", json=row, headers=api.as_("cgj")).status_code == 403


def test_department_reads_its_own_writes_only(api: Api) -> None:
    row = api.score_row(item="生活垃圾收运(含城乡环卫一体化)", score=141)
    assert api.client.post("/api/scores", json=row, headers=api.as_("cgj")).status_code == 201
    mine = api.client.get("/api/scores", headers=api.as_("cgj")).json()
    assert [(r["unit_id"], r["score"], r["source"]) for r in mine] == [("d1", 141.0, "市城管局")]
    assert api.client.get("/api/scores", headers=api.as_("jj")).json() == []


def test_third_party_scores_its_part(api: Api) -> None:
    row = {"period": "2024-06", "unit_id": "d1", "part": "第三方测评", "score": 475}
    r = api.client.post("/api/scores", json=row, headers=api.as_("dsf"))
    assert r.status_code == 201, r.text
    assert r.json()["row"]["source"] == "第三方机构"
    other = api.score_row(score=100)
    assert api.client.post("/api/scores", json=other, headers=api.as_("dsf")).status_code == 403


def test_inspector_writes_deductions_and_notices_but_not_scores(api: Api) -> None:
    r = api.client.post("/api/deductions", json=api.deduction_row(), headers=api.as_("dcy"))
    assert r.status_code == 201, r.text
    notice = {"problem_id": "P9", "unit_id": "d2", "notified_on": "2024-05-10"}
    assert api.client.post("/api/notices", json=notice, headers=api.as_("dcy")).status_code == 201
    assert api.client.post("/api/scores", json=api.score_row(), headers=api.as_("dcy")).status_code == 403
    denied = [e for e in api.audit() if e["action"] == "denied"]
    assert [(e["actor"], e["row_key"]) for e in denied] == [("dcy", "POST /api/scores")]


def test_rows_that_fit_no_scheme_are_422_with_file_row_and_column(api: Api) -> None:
    r = api.client.post("/api/scores", json=api.score_row(score=350), headers=api.as_("admin"))
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert errors == [
        {
            "scheme": api.SCHEME,
            "file": "api:scores",
            "row": 0,
            "column": "score",
            "message": "得分 350 超出“部门考评”的范围：应为 0–300",
            "message_en": "score 350 out of range for 部门考评: expected 0–300",
        }
    ]
    r = api.client.post("/api/deductions", json=api.deduction_row(unit_id="nowhere"), headers=api.as_("admin"))
    assert r.status_code == 422 and r.json()["errors"][0]["column"] == "unit_id"
    r = api.client.post("/api/scores", json=api.score_row(period="2024-13"), headers=api.as_("admin"))
    assert r.status_code == 422 and r.json()["errors"][0]["column"] == "period"
    bad = api.deduction_row(part="不存在的扣分项")
    assert api.client.post("/api/deductions", json=bad, headers=api.as_("admin")).status_code == 422


def test_unit_sees_its_own_data_only(api: Api) -> None:
    me = api.as_("jiaqu")  # unit d1
    rows = api.client.get("/api/scores", headers=me).json()
    assert rows and {r["unit_id"] for r in rows} == {"d1"}
    assert api.client.get("/api/scores", params={"unit_id": "d2"}, headers=me).status_code == 403
    assert api.client.get("/api/honors", params={"unit_id": "d1"}, headers=me).status_code == 200
    assert api.client.get("/api/units", headers=me).json() == [
        {"unit_id": "d1", "name": "甲区", "group": "第一组", "reward_eligible": True}
    ]
    assert api.client.get("/api/units/d2", headers=me).status_code == 403
    assert api.client.get("/api/explain/test-office/2024-Q2/d2", headers=me).status_code == 403
    assert api.client.get("/api/explain/test-office/2024-Q2/d1", headers=me).status_code == 200
    assert api.client.get("/api/audit", params={"unit_id": "d2"}, headers=me).status_code == 403
    trail = api.client.get("/api/audit", headers=me).json()
    assert trail and {e["unit_id"] for e in trail} == {"d1"}


def test_public_sees_published_results_only_and_a_unit_its_own_draft_entry(api: Api) -> None:
    admin = api.as_("admin")
    url = "/api/results/test-office/2024-Q2"
    assert api.client.get(url).status_code == 404
    draft = api.client.post("/api/results/compute", json={"scheme": api.SCHEME, "period": "2024-Q2"}, headers=admin)
    assert draft.status_code == 201, draft.text
    result_id = draft.json()["id"]

    assert api.client.get(url).status_code == 404  # a draft is not public
    assert api.client.get(url, headers=api.as_("citizen")).status_code == 404
    assert api.client.get(url, headers=api.as_("jj")).status_code == 404
    office = api.client.get(url, headers=admin).json()
    assert office["draft"]["id"] == result_id and len(office["draft"]["document"]["groups"]) == 2
    unit = api.client.get(url, headers=api.as_("jiaqu")).json()
    assert unit["current"] is None and unit["versions"] == []
    groups = unit["draft"]["document"]["groups"]
    assert [g["group"] for g in groups] == ["第一组"]
    assert [u["unit_id"] for u in groups[0]["ranking"]] == ["d1"]
    assert api.client.get("/api/results/published").json() == []

    assert api.client.post(f"/api/results/{result_id}/publish", headers=admin).status_code == 409  # not reviewed
    assert api.client.post(f"/api/results/{result_id}/review", headers=admin).status_code == 200
    assert api.client.post(f"/api/results/{result_id}/publish", headers=admin).status_code == 200
    public = api.client.get(url).json()
    assert public["current"]["id"] == result_id and public["draft"] is None
    assert len(public["current"]["document"]["groups"]) == 2
    listed = api.client.get("/api/results/published").json()
    assert [(p["scheme"], p["period"], p["version"]) for p in listed] == [(api.SCHEME, "2024-Q2", 1)]
    assert api.client.post("/api/results/999/review", headers=admin).status_code == 404


def test_delete_needs_a_reason_and_is_audited(api: Api) -> None:
    admin = api.as_("admin")
    row_id = api.client.post("/api/scores", json=api.score_row(source="复核组"), headers=admin).json()["row"]["id"]
    assert api.client.delete(f"/api/scores/{row_id}", headers=admin).status_code == 422
    r = api.client.delete(f"/api/scores/{row_id}", params={"reason": "录入错误"}, headers=admin)
    assert r.status_code == 200 and r.json()["row"]["source"] == "复核组"
    assert api.client.delete(f"/api/scores/{row_id}", params={"reason": "again"}, headers=admin).status_code == 404
    deletes = [e for e in api.audit(unit_id="d1") if e["action"] == "delete"]
    assert [(e["actor"], e["reason"], e["before"]["source"]) for e in deletes] == [("admin", "录入错误", "复核组")]


def test_units_and_accounts_are_the_offices(api: Api) -> None:
    admin = api.as_("admin")
    new = {"unit_id": "d6", "name": "己区", "group": "第一组", "reason": "新设区"}
    assert api.client.post("/api/units", json=new, headers=admin).status_code == 201
    assert api.client.post("/api/units", json=new, headers=admin).status_code == 409
    bad = {"unit_id": "d7", "name": "庚区", "group": "第九组"}
    assert api.client.post("/api/units", json=bad, headers=admin).status_code == 422
    upd = {"name": "己区(新)", "group": "第一组", "reward_eligible": False}
    r = api.client.put("/api/units/d6", json=upd, headers=admin)
    assert r.status_code == 200 and r.json()["action"] == "update"
    account = {"username": "bingqu", "password": "password-2", "role": "unit", "unit_id": "d6"}
    assert api.client.post("/api/users", json=account, headers=admin).status_code == 201
    no_unit = {"username": "x1", "password": "password-2", "role": "unit"}
    r = api.client.post("/api/users", json=no_unit, headers=admin)
    assert r.status_code == 422 and r.json()["errors"][0]["column"] == "unit_id"
