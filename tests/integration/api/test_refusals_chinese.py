"""A refused use case answers in Chinese first (issue #15, point 2), in English with the pages' one language
switch: ``?lang=en`` or the ``kaoping_lang`` cookie the pages set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.api.lang import LANG_COOKIE

if TYPE_CHECKING:
    from tests.integration.api.conftest import Api


def _draft(api: Api) -> int:
    r = api.client.post(
        "/api/results/compute", json={"scheme": api.SCHEME, "period": "2024-Q2"}, headers=api.as_("admin")
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_a_wrong_workflow_step_is_refused_in_chinese(api: Api) -> None:
    rid = _draft(api)
    r = api.client.post(f"/api/results/{rid}/publish", headers=api.as_("admin"))  # a draft is reviewed first
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert detail.startswith("不能发布 ") and "其状态为草稿，只有已审核的结果可以发布；请先审核" in detail
    assert not any(word in detail for word in ("cannot", "draft", "review"))


def test_the_language_switch_gives_the_english(api: Api) -> None:
    rid = _draft(api)
    r = api.client.post(f"/api/results/{rid}/publish?lang=en", headers=api.as_("admin"))
    assert r.status_code == 409
    assert (
        "cannot publish" in r.json()["detail"]
        and "only a reviewed result can be; review it first" in r.json()["detail"]
    )
    api.client.cookies.set(LANG_COOKIE, "en")
    again = api.client.post(f"/api/results/{rid}/publish", headers=api.as_("admin"))
    assert "review it first" in again.json()["detail"]
    api.client.cookies.delete(LANG_COOKIE)
    zh = api.client.post(f"/api/results/{rid}/publish?lang=xx", headers=api.as_("admin"))  # unknown: Chinese
    assert "请先审核" in zh.json()["detail"]


def test_a_closed_period_refuses_an_appeal_in_chinese(api: Api) -> None:
    appeal = {"period": "2024-Q2", "target": "社会评价", "text": "12345 工单重复计入"}
    r = api.client.post("/api/appeals", json=appeal, headers=api.as_("jiaqu"))
    assert r.status_code == 409 and r.json()["detail"] == "2024-Q2 尚未发布：申诉自发布之日起受理"
    en = api.client.post("/api/appeals?lang=en", json=appeal, headers=api.as_("jiaqu"))
    assert en.json()["detail"] == "2024-Q2 is not published yet; appeals open at publication"


def test_a_role_refusal_is_in_chinese(api: Api) -> None:
    body = {"scheme": api.SCHEME, "period": "2024-Q2"}
    r = api.client.post("/api/results/compute", json=body, headers=api.as_("jiaqu"))
    assert r.status_code == 403 and r.json()["detail"] == "本账号的角色（被考评单位）无权进行此操作"
    en = api.client.post("/api/results/compute?lang=en", json=body, headers=api.as_("jiaqu"))
    assert en.json()["detail"].startswith("role 'unit' may not: ")
