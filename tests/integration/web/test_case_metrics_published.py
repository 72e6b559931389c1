"""数字城管指标 of a published period as published (issue 15): a case entered after publication leaves the
table at the published numbers, says which version it shows, and shows "数据已变更" with each difference and
the case rows changed.  SQLite and PostgreSQL (the store of :mod:`test_case_metrics`).

Worked by hand for s1 in 2024-05 (published with C2405-01 and C2405-02, both closed in time): 应结案数 2,
结案数 2, 结案率 100.00, 未按期处置数 0.  X-LATE (小广告, dispatched 2024-05-25, never disposed) arrives
afterwards: live 应结案数 3, 结案数 2, 结案率 66.67, 未按期处置数 1.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

import openpyxl
import pytest

from case_metrics_testing import SCHEME, Store, at, served_store, table_rows
from db_testing import Build
from kaoping.app.publish import compute_draft, publish, review
from kaoping.store.db import transaction
from kaoping.store.tables import CaseRow

MAY = "2024-05"


@pytest.fixture
def store(db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    yield from served_store(db_url, restore_snapshot, monkeypatch)


def _publish(web: Store, reason: str = "") -> None:
    with transaction(web.factory) as s:
        rid = compute_draft(s, scheme=SCHEME, period=MAY, actor="计算员", reason=reason).id
        review(s, rid, actor="审核员")
        publish(s, rid, actor="发布员")


def _late_case(web: Store) -> None:
    late = at("2024-05-25 09:00")
    with transaction(web.factory) as s:
        s.add(CaseRow(nkey="test-X-LATE", case_id="X-LATE", unit_id="s1", kind="event", category="小广告",
                      reported_at=late, dispatched_at=late, rework_count=0, verify_failed=0, postponed=0))  # fmt: skip


def _differences(page: str) -> dict[str, tuple[str, str, str]]:
    """metric → (published, now, difference) of s1 in the 数据已变更 table."""
    table = re.search(r'<table[^>]*id="case-differences".*?</table>', page, re.S)
    assert table is not None
    rows = re.findall(r'<tr data-unit="s1" data-metric="([^"]+)">(.*?)</tr>', table.group(0), re.S)
    return {m: tuple(re.findall(r'<td class="num">([^<]*)</td>', cells)) for m, cells in rows}  # type: ignore[misc]


def test_unpublished_period_is_live_and_says_nothing(store: Store) -> None:
    store.login("admin")
    page = store.client.get("/cases", params={"period": MAY}).text
    assert 'id="published-note"' not in page and 'id="cases-drift"' not in page


def test_published_without_change_names_the_version(store: Store) -> None:
    _publish(store)
    store.login("admin")
    page = store.client.get("/cases", params={"period": MAY}).text
    assert 'id="published-note"' in page and f"{SCHEME} 第 1 版" in page
    assert 'id="cases-drift"' not in page and "数据已变更" not in page
    assert dict(table_rows(page))["s1"]["应结案数"] == "2"


def test_late_case_keeps_the_published_numbers_and_shows_the_difference(store: Store) -> None:
    _publish(store)
    _late_case(store)
    store.login("admin")
    page = store.client.get("/cases", params={"period": MAY}).text
    s1 = dict(table_rows(page))["s1"]
    assert (s1["应结案数"], s1["结案数"], s1["结案率"], s1["未按期处置数"]) == ("2", "2", "100.00", "0")
    assert 'id="cases-drift"' in page and "数据已变更：发布后有" in page
    shown = _differences(page)
    assert shown["应结案数"] == ("2", "3", "+1")
    assert shown["结案率"] == ("100.00", "66.67", "−33.33")
    assert shown["未按期处置数"] == ("0", "1", "+1")
    assert "结案数" not in shown  # still 2 closed
    assert {u for u, _ in re.findall(r'<tr data-unit="(\w+)" data-metric="([^"]+)">', page)} == {"s1"}
    rows = re.search(r'<table[^>]*id="case-drift-rows".*?</table>', page, re.S)
    assert rows is not None and "新增" in rows.group(0) and "数字城管案卷" in rows.group(0)
    assert f'href="/periods/{SCHEME}/{MAY}#publish-panel"' in page
    assert 'class="row-changed"' in page  # s1's row is marked

    book = openpyxl.load_workbook(io.BytesIO(store.client.get("/cases/metrics.xlsx", params={"period": MAY}).content))
    header, *body = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    s1_row = next(r for r in body if r[0] == "s1")
    assert s1_row[header.index("应结案数")] == 2
    about = {r[0]: r[1] for r in book.worksheets[1].iter_rows(values_only=True)}
    assert about["已发布版本"] == f"{SCHEME} 第 1 版（冻结）" and "数据已变更" in about


def test_category_filter_compares_that_category(store: Store) -> None:
    _publish(store)
    _late_case(store)
    store.login("admin")
    page = store.client.get("/cases", params={"period": MAY, "category": "小广告"}).text
    assert dict(table_rows(page))["s1"]["应结案数"] == "0"
    assert _differences(page)["应结案数"] == ("0", "1", "+1")
    assert 'id="case-drift-rows"' in page  # X-LATE is of 小广告
    other = store.client.get("/cases", params={"period": MAY, "category": "暴露垃圾"}).text
    assert 'id="cases-drift"' not in other and 'id="published-note"' in other  # nothing of 暴露垃圾 changed


def test_correction_brings_them_together(store: Store) -> None:
    _publish(store)
    _late_case(store)
    _publish(store, reason="补录 X-LATE")
    store.login("admin")
    page = store.client.get("/cases", params={"period": MAY}).text
    assert f"{SCHEME} 第 2 版" in page and 'id="cases-drift"' not in page
    assert dict(table_rows(page))["s1"]["应结案数"] == "3"


def test_in_english(store: Store) -> None:
    _publish(store)
    _late_case(store)
    store.login("admin")
    page = store.client.get("/cases", params={"period": MAY, "lang": "en"}).text
    assert "Data changed: " in page and "Published version" in page and "数据已变更" not in page
