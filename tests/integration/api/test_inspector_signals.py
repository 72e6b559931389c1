"""督查信号 (issue #16, point 4) through the store, on SQLite and PostgreSQL: rows written with their audit
entries by named accounts, read back by the use case, shown by GET /api/signals and /evidence/signals.

Worked by hand for 2025-05 (defaults: 核查集中 ≥ 90 % over ≥ 10 rows; 上报骤降 below 50 % of the mean of
the 3 months before, those holding ≥ 15; 窗口边缘集中 ≥ 50 % at the edge over ≥ 10 deductions):

* d1: insp1 enters 10 deductions (5 on 05-10, 5 on 05-31, the month's last day), insp2 one → insp1 has
  10 of 11 (90.9 %) → 核查集中 d1/insp1; insp1's 5 of 10 on the last day (50 %) → 窗口边缘集中 insp1.
  One of insp1's rows has a photo, which the signal links.
* d2: insp2 enters 6 deductions in each of 2025-02, 03, 04 (18, mean 6) and 1 in 2025-05: 1 < 3 → 上报骤降.
* d3: ten cases, each verified (核查 → 结案) by v1 in 2025-05 → 核查集中 (案件核查) d3/v1, linked by number.
* not raised: insp2 (2 rows in May), d2's one May row (under 10), d3's 10 reported cases (no history).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import polars as pl
import pytest
from sqlalchemy import func, select

from images_testing import photo, scene
from kaoping.app.errors import Forbidden
from kaoping.app.facts import one_row, write_row
from kaoping.app.inspector_signals import inspector_signals
from kaoping.app.policy import Principal
from kaoping.engine.signals import DEFAULTS, SignalKind
from kaoping.facts.columns import ROW
from kaoping.roles import Role
from kaoping.scheme.model import InspectionWindow
from kaoping.store.audit import AuditWriter
from kaoping.store.db import transaction
from kaoping.store.facts import write_facts
from kaoping.store.tables import CaseTransition, DeductionRow, ImportBatch

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api

MONTH = "2025-05"
OFFICE = Principal(username="admin", role=Role.ADMIN)


def _deduction(s: Any, actor: str, unit: str, day: date, n: int, clock: time | None = None) -> int:
    row = {"date": day, "unit_id": unit, "part": "督查考评", "item": "道路保洁", "points": 1.0}
    row |= {"source": "市督查组", "problem": f"{actor}-{unit}-{day}-{n}", "time": clock}
    out = write_row(s, "deductions", one_row("deductions", row), actor=actor, reason="")
    return int(out.row.id)  # type: ignore[attr-defined]


def _seed(api: Api) -> dict[str, Any]:
    ids: dict[str, Any] = {"insp1": []}
    with transaction(api.factory) as s:
        for n in range(5):
            ids["insp1"].append(_deduction(s, "insp1", "d1", date(2025, 5, 10), n, time(10, 0)))
            ids["insp1"].append(_deduction(s, "insp1", "d1", date(2025, 5, 31), n))
        ids["insp2_d1"] = _deduction(s, "insp2", "d1", date(2025, 5, 12), 0)
        for m in (2, 3, 4):
            for n in range(6):
                _deduction(s, "insp2", "d2", date(2025, m, 3), n)
        ids["d2_may"] = _deduction(s, "insp2", "d2", date(2025, 5, 3), 0)
        for n in range(10):
            case = {"case_id": f"S-{n}", "unit_id": "d3", "kind": "event", "category": "井盖"}
            case |= {"reported_at": datetime(2025, 5, 2, 8, 0)}
            write_row(s, "cases", one_row("cases", case), actor="centre", reason="")
            step = CaseTransition(case_id=f"S-{n}", from_status="verifying", to_status="closed", actor="v1",
                                  at=datetime(2025, 5, 20, 9, n))  # fmt: skip
            s.add(step)
    target = f"deductions:{ids['insp1'][1]}"
    files = {"file": ("p.jpg", photo(scene(5), "2025:05:31 09:00:00"), "image/jpeg")}
    form = {"target": target, "unit_id": "d1"}
    r = api.client.post("/api/evidence", files=files, data=form, headers=api.as_("admin"))
    assert r.status_code == 201, r.text
    ids["photo"] = r.json()["id"]
    return ids


def _signals(api: Api, **params: Any) -> list[dict[str, Any]]:
    r = api.client.get("/api/signals", params={"month": MONTH, **params}, headers=api.as_("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["month"] == params.get("month", MONTH)
    return list(r.json()["signals"])


def test_signals_of_a_month_through_the_store(api: Api) -> None:
    ids = _seed(api)
    found = _signals(api)
    assert [(s["kind"], s["entry_kind"], s["unit_id"], s["actor"]) for s in found] == [
        ("concentrated", "deductions", "d1", "insp1"),
        ("concentrated", "verifications", "d3", "v1"),
        ("drop", "deductions", "d2", None),
        ("edge", "deductions", None, "insp1"),
    ]
    conc, verified, drop, edge = found
    assert conc["label"] == "核查集中" and conc["params"]["rows"] == "11" and conc["params"]["count"] == "10"
    assert "共 11 条，其中 10 条由 insp1 录入（90.9%）" in conc["explanation"]
    assert sorted(r["row_id"] for r in conc["rows"]) == sorted(ids["insp1"]) and conc["photos"] == [ids["photo"]]
    assert sorted(r["key"] for r in verified["rows"]) == [f"S-{n}" for n in range(10)]
    wanted = {"rows": "1", "before": "18", "mean": "6.00", "limit": "3.00"}
    assert {k: drop["params"][k] for k in wanted} == wanted
    assert [r["row_id"] for r in drop["rows"]] == [ids["d2_may"]]
    assert edge["params"]["count"] == "5" and edge["params"]["last_day"] == "5"
    assert all(r["day"] == "2025-05-31" for r in edge["rows"])


def test_thresholds_and_kind_filter_change_what_is_raised(api: Api) -> None:
    _seed(api)
    strict = _signals(api, concentrated_pct=95, edge_pct=60, drop_pct=10)  # 90.9 % < 95; 50 % < 60; 1 ≥ 0.6
    assert [(s["kind"], s["unit_id"]) for s in strict] == [("concentrated", "d3")]
    assert [s["kind"] for s in _signals(api, kind="drop")] == ["drop"]
    assert len(_signals(api, kind="")) == 4  # the page's select sends an empty kind for all
    assert _signals(api, month="2025-04") == []  # d2: 6 in April, 12 before it (< 15); nobody has 10 rows
    for bad in ({"concentrated_pct": 0}, {"month": "2025-13"}, {"drop_months": 13}, {"kind": "other"}):
        r = api.client.get("/api/signals", params={"month": MONTH, **bad}, headers=api.as_("admin"))
        assert r.status_code == 422, bad
    unknown = api.client.get("/api/signals", params={"scheme": "no-such"}, headers=api.as_("admin"))
    assert unknown.status_code == 404


def test_only_the_office_reads_signals_and_nothing_is_deleted(api: Api) -> None:
    ids = _seed(api)
    with api.factory() as s:
        before = s.scalar(select(func.count()).select_from(DeductionRow))
    page = api.client.get("/evidence/signals", params={"month": MONTH}, headers=api.as_("admin"))
    assert page.status_code == 200, page.text
    html = page.text
    assert "督查信号" in html and "2025-05 共 4 条信号" in html
    assert html.count('class="signal"') == 4 and 'data-kind="drop" data-unit="d2"' in html
    assert f'href="/units/d1/deductions/{ids["insp1"][0]}"' in html and 'href="/units/d3/cases/S-0"' in html
    assert f'href="/api/evidence/{ids["photo"]}"' in html
    assert "共 11 条，其中 10 条由 insp1 录入（90.9%）" in html
    trend = html[html.index('id="signals-trend-table"') :]  # the chart's table: the 6 months up to May
    assert trend.count("<tr data-month=") == 6 and '<tr data-month="2024-12">' in trend
    may = trend[trend.index('<tr data-month="2025-05">') : trend.index("</tr>", trend.index('"2025-05"'))]
    assert re.findall(r'data-kind="(\w+)">(\d+)<', may) == [("concentrated", "2"), ("drop", "1"), ("edge", "1")]
    april = trend[trend.index('<tr data-month="2025-04">') :]
    assert re.findall(r'data-kind="\w+">(\d+)<', april)[:3] == ["0", "0", "0"]
    assert 'id="signals-trend-data"' in html and "/static/signals.js" in html
    only = api.client.get("/evidence/signals", params={"month": MONTH, "kind": "edge"}, headers=api.as_("admin"))
    assert only.text.count('class="signal"') == 1 and 'data-kind="edge"' in only.text
    english = api.client.get("/evidence/signals", params={"month": MONTH, "lang": "en"}, headers=api.as_("admin"))
    assert "10 of 11 deductions entered by insp1 (90.9%)" in english.text
    for user in ("jiaqu", "dcy", "cgj", "dsf"):
        assert api.client.get("/evidence/signals", headers=api.as_(user)).status_code == 403
        assert api.client.get("/api/signals", headers=api.as_(user)).status_code == 403
    with api.factory() as s:
        assert s.scalar(select(func.count()).select_from(DeductionRow)) == before


def test_an_imported_file_counts_as_its_importer_and_windows_come_from_the_scheme(api: Api) -> None:
    """2025-07, d4: a file of 10 deductions imported by clerk (audited once for the batch, no row ``insert``)
    → 核查集中 names clerk.  2025-06: insp3 enters 10 for d5, 5 at 20:30 and 5 at 10:00 → with the window
    07:00–21:00 (last 60 minutes from 20:00) 5 of 10 are at the edge (50 %); without a window none are."""
    rows = [
        {"date": date(2025, 7, 8), "unit_id": "d4", "part": "督查考评", "item": "道路保洁", "points": 1.0,
         "source": "市督查组", "problem": f"imported-{n}", "time": None}
        for n in range(10)
    ]  # fmt: skip
    with transaction(api.factory) as s:
        batch = ImportBatch(sha256="c" * 64, kind="deductions", label="七月.xlsx", rows=10,
                            imported_at=datetime(2025, 7, 9), imported_by="clerk")  # fmt: skip
        s.add(batch)
        s.flush()
        audit = AuditWriter(s, "import-tool", reason="import")  # a row insert would name this account
        frame = pl.concat([one_row("deductions", row) for row in rows])
        frame = frame.with_columns(pl.Series(ROW, range(2, 12), dtype=frame.schema[ROW]))  # the file's rows
        write_facts(s, "deductions", frame, audit=audit, label="七月.xlsx", import_id=batch.id)
        audit.flush()
        for n in range(10):
            _deduction(s, "insp3", "d5", date(2025, 6, 9), n, time(20, 30) if n < 5 else time(10, 0))
    [imported] = _signals(api, month="2025-07")
    assert (imported["kind"], imported["unit_id"], imported["actor"]) == ("concentrated", "d4", "clerk")
    window = [InspectionWindow(months=[5, 6, 7], start="07:00", end="21:00")]
    with api.factory() as s:
        at_edge = inspector_signals(s, OFFICE, "2025-06", window, DEFAULTS, [SignalKind.EDGE])
        assert [(x.actor, x.params["late"], x.params["last_day"]) for x in at_edge] == [("insp3", "5", "0")]
        assert all(e.clock == time(20, 30) for e in at_edge[0].rows)
        assert inspector_signals(s, OFFICE, "2025-06", [], DEFAULTS, [SignalKind.EDGE]) == []
        unit = Principal(username="jiaqu", role=Role.UNIT, unit_id="d1")
        with pytest.raises(Forbidden):
            inspector_signals(s, unit, "2025-06", window, DEFAULTS)


def test_a_wrong_filter_on_the_page_is_a_chinese_page_naming_it(api: Api) -> None:
    admin = api.as_("admin")
    for params, said in (
        ({"concentrated_pct": "0"}, "concentrated_pct：核查集中的一人占比（%）应为 1–100 的整数"),
        ({"month": "2025-13"}, "month：月份应写作 YYYY-MM"),
        ({"kind": "other"}, "kind：信号类型应为"),
        ({"edge_minutes": "9" * 50}, "edge_minutes：考评时段末尾的分钟数应为 1–1440 的整数"),
        ({"scheme": "x" * 101}, "query：参数不能超过 100 个字符"),
    ):
        page = api.client.get("/evidence/signals", params=params, headers=admin)
        assert page.status_code == 422 and "text/html" in page.headers["content-type"], params
        assert said in page.text, (params, page.text[-800:])
    unknown = api.client.get("/evidence/signals", params={"scheme": "no-such"}, headers=admin)
    assert unknown.status_code == 404 and "本系统未运行考评方案 no-such" in unknown.text
    blank = api.client.get("/evidence/signals", params={"month": "", "kind": "", "drop_pct": ""}, headers=admin)
    assert blank.status_code == 200  # empty fields: the defaults (last month, every kind, 50 %)
