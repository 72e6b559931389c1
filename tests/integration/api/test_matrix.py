"""Every /api endpoint × every role: allowed, or 401 (anonymous) / 403 (signed in) — as written out below.

The table is written by hand from the requirements, not derived from ``kaoping.api.roles.POLICY``, so a
change to the policy that nobody meant shows up here.  It must list every route the app has: a new
endpoint without a row fails ``test_matrix_covers_every_api_route``.  "allowed" means the role got past
the permission check (any answer but 401/403, and never a 5xx): the request may still be a 404 or 409.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api

from typing import Any

from fastapi.routing import iter_route_contexts

ROLES = ("anon", "public", "admin", "dept", "insp", "third", "unit", "acc", "disp", "sup")
ACCOUNT = {
    "anon": None,
    "public": "citizen",
    "admin": "admin",
    "dept": "cgj",
    "insp": "dcy",
    "third": "dsf",
    "unit": "jiaqu",
    "acc": "shouli",
    "disp": "paiqian",
    "sup": "jiandu",
}

MATRIX_TEXT = """
                                                 anon public admin dept insp third unit  acc disp sup
POST   /api/auth/login                             Y    Y      Y    Y    Y    Y     Y     Y   Y    Y
POST   /api/auth/logout                            Y    Y      Y    Y    Y    Y     Y     Y   Y    Y
GET    /api/auth/me                                Y    Y      Y    Y    Y    Y     Y     Y   Y    Y
GET    /api/auth/csrf                              Y    Y      Y    Y    Y    Y     Y     Y   Y    Y
POST   /api/auth/password                          -    Y      Y    Y    Y    Y     Y     Y   Y    Y
GET    /api/schemes                                Y    Y      Y    Y    Y    Y     Y     Y   Y    Y
GET    /api/users                                  -    -      Y    -    -    -     -     -   -    -
POST   /api/users                                  -    -      Y    -    -    -     -     -   -    -
PUT    /api/users/{username}/password              -    -      Y    -    -    -     -     -   -    -
GET    /api/units                                  -    -      Y    Y    Y    Y     Y     -   -    -
GET    /api/units/{unit_id}                        -    -      Y    Y    Y    Y     Y     -   -    -
POST   /api/units                                  -    -      Y    -    -    -     -     -   -    -
PUT    /api/units/{unit_id}                        -    -      Y    -    -    -     -     -   -    -
GET    /api/scores                                 -    -      Y    Y    Y    Y     Y     -   -    -
POST   /api/scores                                 -    -      Y    Y    -    Y     -     -   -    -
POST   /api/scores/batch                           -    -      Y    Y    -    Y     -     -   -    -
GET    /api/deductions                             -    -      Y    Y    Y    Y     Y     -   -    -
POST   /api/deductions                             -    -      Y    -    Y    -     -     -   -    -
POST   /api/deductions/batch                       -    -      Y    -    Y    -     -     -   -    -
GET    /api/honors                                 -    -      Y    Y    Y    Y     Y     -   -    -
POST   /api/honors                                 -    -      Y    -    -    -     -     -   -    -
POST   /api/honors/batch                           -    -      Y    -    -    -     -     -   -    -
GET    /api/notices                                -    -      Y    Y    Y    Y     Y     -   -    -
POST   /api/notices                                -    -      Y    -    Y    -     -     -   -    -
POST   /api/notices/batch                          -    -      Y    -    Y    -     -     -   -    -
GET    /api/ranks                                  -    -      Y    Y    Y    Y     Y     -   -    -
POST   /api/ranks                                  -    -      Y    -    -    -     -     -   -    -
POST   /api/ranks/batch                            -    -      Y    -    -    -     -     -   -    -
GET    /api/cases                                  -    -      Y    Y    Y    Y     Y     -   -    -
POST   /api/cases                                  -    -      Y    -    -    -     -     -   -    -
POST   /api/cases/batch                            -    -      Y    -    -    -     -     -   -    -
DELETE /api/{kind}/{row_id}                        -    -      Y    -    -    -     -     -   -    -
POST   /api/results/compute                        -    -      Y    -    -    -     -     -   -    -
POST   /api/results/{result_id}/review             -    -      Y    -    -    -     -     -   -    -
POST   /api/results/{result_id}/publish            -    -      Y    -    -    -     -     -   -    -
POST   /api/results/advance                        -    -      Y    -    -    -     -     -   -    -
GET    /api/results/published                      Y    Y      Y    Y    Y    Y     Y     Y   Y    Y
GET    /api/results/{scheme}/{period}              Y    Y      Y    Y    Y    Y     Y     Y   Y    Y
GET    /api/explain/{scheme}/{period}/{unit_id}    -    -      Y    -    -    -     Y     -   -    -
POST   /api/appeals                                -    -      Y    -    -    -     Y     -   -    -
GET    /api/appeals                                -    -      Y    -    -    -     Y     -   -    -
POST   /api/appeals/{appeal_id}/answer             -    -      Y    -    -    -     -     -   -    -
POST   /api/evidence                               -    -      Y    -    -    -     Y     -   -    -
GET    /api/evidence                               -    -      Y    -    Y    -     Y     -   -    Y
GET    /api/evidence/{evidence_id}                 -    -      Y    -    Y    -     Y     -   -    Y
GET    /api/evidence/flags                         -    -      Y    -    -    -     -     -   -    -
POST   /api/evidence/flags/{flag_id}/review        -    -      Y    -    -    -     -     -   -    -
GET    /api/signals                                -    -      Y    -    -    -     -     -   -    -
GET    /api/audit                                  -    -      Y    -    -    -     Y     -   -    -
POST   /api/plans                                  -    -      Y    -    -    -     -     -   -    -
GET    /api/plans                                  -    -      Y    Y    Y    Y     Y     -   -    -
GET    /api/plans/progress                         -    -      Y    -    -    -     -     -   -    -
GET    /api/plans/{plan_id}                        -    -      Y    Y    Y    Y     Y     -   -    -
POST   /api/plans/{plan_id}/draw                   -    -      Y    -    -    -     -     -   -    -
POST   /api/plans/{plan_id}/reveal                 -    -      Y    -    -    -     -     -   -    -
GET    /api/plans/{plan_id}/verify                 -    -      Y    Y    Y    Y     Y     -   -    -
GET    /api/field/tasks                            -    -      Y    -    Y    Y     -     -   -    -
POST   /api/field/sync                             -    -      Y    -    Y    Y     -     -   -    -
GET    /api/rectifications                         -    -      Y    -    Y    -     Y     -   -    -
POST   /api/rectifications/plan                    -    -      Y    -    -    -     Y     -   -    -
POST   /api/rectifications/reinspect               -    -      Y    -    Y    -     -     -   -    -
POST   /api/rectifications/supervise               -    -      Y    -    -    -     -     -   -    -
GET    /api/cases/queue/intake                   -    -      Y    -    -    -     -     Y   -    -
POST   /api/cases/intake                         -    -      Y    -    -    -     -     Y   -    -
POST   /api/cases/{case_id}/register             -    -      Y    -    -    -     -     Y   -    -
POST   /api/cases/{case_id}/invalidate           -    -      Y    -    -    -     -     Y   -    -
GET    /api/cases/queue/dispatch                 -    -      Y    -    -    -     -     Y   Y    -
POST   /api/cases/{case_id}/dispatch             -    -      Y    -    -    -     -     Y   Y    -
GET    /api/cases/queue/todo                     -    -      Y    -    -    -     Y     -   -    -
POST   /api/cases/{case_id}/feedback             -    -      Y    -    -    -     Y     -   -    -
POST   /api/cases/{case_id}/ask                  -    -      Y    -    -    -     Y     -   -    -
GET    /api/cases/queue/verify                   -    -      Y    -    -    -     -     -   -    Y
POST   /api/cases/{case_id}/verify               -    -      Y    -    -    -     -     -   -    Y
GET    /api/cases/requests                       -    -      Y    -    -    -     -     -   -    -
POST   /api/cases/requests/{request_id}/decide   -    -      Y    -    -    -     -     -   -    -
POST   /api/cases/{case_id}/resume               -    -      Y    -    -    -     -     -   -    -
GET    /api/openapi.json                           Y    Y      Y    Y    Y    Y     Y     Y   Y    Y
GET    /api/docs                                   Y    Y      Y    Y    Y    Y     Y     Y   Y    Y
"""


def _matrix() -> dict[tuple[str, str], set[str]]:
    lines = [ln.split() for ln in MATRIX_TEXT.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert tuple(header) == ROLES
    return {(r[0], r[1]): {role for role, mark in zip(ROLES, r[2:], strict=True) if mark == "Y"} for r in rows}


MATRIX = _matrix()


def _api_routes(api: Api) -> set[tuple[str, str]]:
    """Every (method, path) the app serves under /api: its endpoints and the OpenAPI/docs routes.

    Included routers are expanded with FastAPI's ``iter_route_contexts`` (``app.routes`` keeps them as
    unexpanded nodes since FastAPI 0.137).
    """
    app: Any = api.client.app
    found: set[tuple[str, str]] = set()
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        if path.startswith("/api"):
            found |= {(m, path) for m in context.methods or {"WEBSOCKET"} if m != "HEAD"}
    return found


def test_matrix_covers_every_api_route(api: Api) -> None:
    routes = _api_routes(api)
    assert routes - set(MATRIX) == set(), "endpoints without a row in MATRIX_TEXT"
    assert set(MATRIX) - routes == set(), "rows in MATRIX_TEXT for endpoints that do not exist"


def _request(api: Api, role: str, method: str, path: str, ids: dict[str, int]) -> tuple[str, dict[str, Any]]:
    """A request that the role's row-level rules accept when the role holds the permission."""
    url = (
        path.replace("{unit_id}", "d1")
        .replace("{scheme}", api.SCHEME)
        .replace("{period}", "2024-Q2")
        .replace("{kind}", "scores")
        .replace("{row_id}", "999999")
        .replace("{result_id}", str(ids["result"]))
        .replace("{appeal_id}", "999999")
        .replace("{evidence_id}", str(ids["evidence"]))
        .replace("{username}", "nobody")
        .replace("{plan_id}", "999999")
        .replace("{flag_id}", "999999")
        .replace("{case_id}", "NO-SUCH-CASE")
        .replace("{request_id}", "999999")
    )
    scores = {
        "dept": api.score_row(item="生活垃圾收运(含城乡环卫一体化)", score=140),
        "third": {"period": "2024-05", "unit_id": "d1", "part": "第三方测评", "score": 470},
    }.get(role, api.score_row(source=f"matrix-{role}"))
    bodies: dict[tuple[str, str], dict[str, Any]] = {
        ("POST", "/api/auth/login"): {"json": {"username": ACCOUNT[role] or "citizen", "password": "password-1"}},
        ("POST", "/api/users"): {"json": {"username": f"new-{role}", "password": "password-9", "role": "public"}},
        # a new password the policy refuses: the change gets past the permission and stops there (422)
        ("POST", "/api/auth/password"): {"json": {"old_password": "wrong-password-1", "new_password": "short"}},
        ("PUT", "/api/users/{username}/password"): {"json": {"new_password": "short"}},
        ("POST", "/api/units"): {"json": {"unit_id": f"n-{role}", "name": "新区", "group": "第一组"}},
        ("PUT", "/api/units/{unit_id}"): {"json": {"name": "甲区", "group": "第一组"}},
        ("POST", "/api/scores"): {"json": scores},
        ("POST", "/api/deductions"): {"json": api.deduction_row(problem=f"matrix-{role}")},
        ("POST", "/api/honors"): {
            "json": {"date": "2024-05-01", "unit_id": "d1", "kind": "award", "level": "provincial_dept"}
        },
        ("POST", "/api/notices"): {"json": {"problem_id": f"M-{role}", "unit_id": "d1", "notified_on": "2024-05-02"}},
        ("POST", "/api/ranks"): {"json": {"period": "2024-Q2", "unit_id": "d1", "task": "matrix", "rank": 1}},
        ("POST", "/api/cases"): {
            "json": {
                "case_id": f"M-{role}",
                "unit_id": "d1",
                "kind": "event",
                "category": "井盖",
                "reported_at": "2024-05-02T08:00:00",
            }
        },
        ("DELETE", "/api/{kind}/{row_id}"): {"params": {"reason": "matrix"}},
        ("POST", "/api/cases/intake"): {"json": {"unit_id": "d1", "kind": "event", "category": "暴露垃圾"}},
        ("POST", "/api/cases/{case_id}/register"): {"json": {}},
        ("POST", "/api/cases/{case_id}/invalidate"): {"json": {"reason": "matrix"}},
        ("POST", "/api/cases/{case_id}/dispatch"): {"json": {"unit_id": "d1"}},
        ("POST", "/api/cases/{case_id}/feedback"): {"files": {"photo": ("p.png", api.PNG, "image/png")}},
        ("POST", "/api/cases/{case_id}/ask"): {"json": {"kind": "suspend", "reason": "matrix"}},
        ("POST", "/api/cases/{case_id}/verify"): {"json": {"passed": True}},
        ("POST", "/api/cases/requests/{request_id}/decide"): {"json": {"approve": True}},
        ("POST", "/api/results/compute"): {"json": {"scheme": api.SCHEME, "period": "2024-Q2"}},
        ("POST", "/api/results/advance"): {"json": {"scheme": api.SCHEME, "period": "2024-Q2"}},
        ("POST", "/api/appeals"): {"json": {"period": "2024-Q2", "text": "matrix", "unit_id": "d1"}},
        ("POST", "/api/appeals/{appeal_id}/answer"): {"json": {"answer": "ok"}},
        ("POST", "/api/evidence"): {
            "files": {"file": ("m.png", api.PNG, "image/png")},
            "data": {"target": "matrix", "unit_id": "d1"},
        },
    }
    for kind in ("scores", "deductions", "honors", "notices", "ranks", "cases"):  # a batch of the single row
        single = bodies[("POST", f"/api/{kind}")]["json"]
        bodies[("POST", f"/api/{kind}/batch")] = {"json": {"rows": [single], "reason": "matrix"}}
    return url, bodies.get((method, path), {})


def test_every_role_on_every_endpoint(api: Api) -> None:
    admin = api.as_("admin")
    draft = api.client.post("/api/results/compute", json={"scheme": api.SCHEME, "period": "2024-Q2"}, headers=admin)
    upload = api.client.post(
        "/api/evidence",
        files={"file": ("e.png", api.PNG, "image/png")},
        data={"target": "setup", "unit_id": "d1"},
        headers=admin,
    )
    ids = {"result": draft.json()["id"], "evidence": upload.json()["id"]}
    headers = {role: api.as_(ACCOUNT[role]) for role in ROLES}
    denied_before = len([e for e in api.audit() if e["action"] == "denied"])

    wrong: list[str] = []
    for (method, path), allowed in MATRIX.items():  # in the order written: review before publish
        for role in ROLES:
            url, extra = _request(api, role, method, path, ids)
            api.client.cookies.clear()  # bearer or nothing: no cookie left by a sign-in
            r = api.client.request(method, url, headers=headers[role], **extra)
            api.client.cookies.clear()
            if (method, path) == ("POST", "/api/auth/logout") and ACCOUNT[role]:
                # signing out ends the role's token (issue 14, point 8): sign in again for the next endpoints
                api.tokens.pop(str(ACCOUNT[role]), None)
                headers[role] = api.as_(ACCOUNT[role])
            if r.status_code >= 500:
                wrong.append(f"{role:6} {method} {path}: {r.status_code} {r.text[:200]}")
            elif role in allowed and r.status_code in (401, 403):
                wrong.append(f"{role:6} {method} {path}: expected allowed, got {r.status_code} {r.text[:200]}")
            elif role not in allowed and r.status_code != (refused := 401 if role == "anon" else 403):
                wrong.append(f"{role:6} {method} {path}: expected {refused}, got {r.status_code}")
    assert wrong == [], "\n".join(wrong)

    # every write refused to a signed-in role left a `denied` audit event; anonymous attempts do not
    refused = [
        (method, path, role)
        for (method, path), allowed in MATRIX.items()
        if method != "GET"
        for role in ROLES
        if role not in allowed and role != "anon"
    ]
    denied = [e for e in api.audit() if e["action"] == "denied"]
    assert len(denied) - denied_before == len(refused)


def test_an_endpoint_without_a_permission_is_caught(api: Api) -> None:
    from kaoping.api.app import unguarded_routes

    app: Any = api.client.app
    assert unguarded_routes(app) == []

    @app.get("/api/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    assert unguarded_routes(app) == ["['GET'] /api/forgotten"]
