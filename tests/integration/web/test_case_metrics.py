"""数字城管 on screen, on SQLite and PostgreSQL: the office's case metrics table (filter, sort, export) and a
unit's case list (filters, 案卷号 search, export, and the sentence reconciling its count with the score).

The store is district-performance (17 cases of five 街镇, April–June 2024) plus three cases written here:

- ``X-LATER`` of s1, reported 2024-05-30, dispatched 2024-06-01 (counted in June, listed in May);
- ``X-NEW`` of s1, reported 2024-05-31, never dispatched;
- ``X-QUOTE`` of s2, dispatched 2024-05-15, of a category with a quote and a backslash (``a'b\\c``);
- ``X-FORMULA`` of s5, dispatched 2024-06-25, of the category ``=1+2`` (a formula to a spreadsheet).

Worked by hand for s1 in 2024-05: the list touches C2404-04 (dispatched 04-28, disposed and closed 05-02),
C2405-01, C2405-02, X-LATER and X-NEW — 5 cases; the score counts the two dispatched in May (C2405-01/02);
the other three: one dispatched later, one not dispatched, one dispatched earlier.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import openpyxl
import pytest

from case_metrics_testing import FORMULA, QUOTE, SCHEME, Store, at, served_store, table_rows
from db_testing import Build
from kaoping.app.publish import compute_draft, publish, review
from kaoping.app.scoring import score_store
from kaoping.cases.metrics import COUNTS, RATES
from kaoping.engine.phrases import Msg
from kaoping.store.db import transaction
from kaoping.store.tables import CaseRow


@pytest.fixture
def store(db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    yield from served_store(db_url, restore_snapshot, monkeypatch)


def _sheet(content: bytes) -> tuple[list[str], list[list[Any]]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:]


# --- the office's table -------------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2024-05", "2024-Q2"])
def test_table_shows_the_engines_numbers(store: Store, period: str) -> None:
    store.login("admin")
    page = store.client.get(f"/cases?period={period}")
    assert page.status_code == 200
    engine = store.engine_metrics(period)
    shown = dict(table_rows(page.text))
    assert set(shown) == {"s1", "s2", "s3", "s4", "s5"}  # every unit, with or without cases
    for unit, cells in shown.items():
        if unit not in engine:
            assert cells["应结案数"] == "0" and cells["结案率"] == "—"
            continue
        for name in (*COUNTS, *RATES):
            assert cells[name] == (f"{int(engine[unit][name]):,}" if name in COUNTS else f"{engine[unit][name]:.2f}")
        assert int(cells["未按期处置数"]) == engine[unit]["应结案数"] - engine[unit]["按期处置数"]


def test_may_by_hand(store: Store) -> None:
    """2024-05: s1 has C2405-01 and C2405-02 (both closed in time); s2 C2405-03 and X-QUOTE (not closed)."""
    store.login("admin")
    shown = dict(table_rows(store.client.get("/cases?period=2024-05").text))
    assert shown["s1"]["应结案数"] == "2" and shown["s1"]["结案率"] == "100.00"
    assert shown["s2"]["应结案数"] == "2" and shown["s2"]["结案数"] == "1" and shown["s2"]["结案率"] == "50.00"
    assert shown["s2"]["未按期处置数"] == "1"  # X-QUOTE disposed after its deadline
    assert shown["s3"]["应结案数"] == "0"
    page = store.client.get("/cases?period=2024-05").text
    total = re.search(r'<tr class="subtotal" data-total="合计">(.*?)</tr>', page, re.S)
    # C2405-01..05 and X-QUOTE; 5 closed in May (X-QUOTE is not): 5 / 6
    assert total is not None and '<td class="num" data-metric="应结案数">6</td>' in total.group(1)
    assert '<td class="num" data-metric="结案率">83.33</td>' in total.group(1)


def test_the_score_counts_what_the_table_says(store: Store) -> None:
    _, result = score_store(SCHEME, store.url, "2024-05")
    unit = result.unit("s1")
    assert unit is not None
    counted = [ln for ln in unit.lines if ln.key == Msg.CASE_COUNTS]
    assert counted and counted[0].params["n"] == 2


def test_sort_by_a_rate_descending_puts_units_without_cases_last(store: Store) -> None:
    store.login("admin")
    page = store.client.get("/cases", params={"period": "2024-05", "sort": "应结案数", "order": "desc"}).text
    counts = [int(c["应结案数"]) for _, c in table_rows(page)]
    assert counts == sorted(counts, reverse=True)
    assert 'aria-sort="descending"' in page
    rated = store.client.get("/cases", params={"period": "2024-05", "sort": "结案率", "order": "asc"}).text
    rows = table_rows(rated)
    assert [u for u, c in rows[-2:] if c["结案率"] == "—"] == ["s3", "s5"]  # no case in May: last, by unit
    assert rows[0][0] == "s2"  # 50 % first when ascending
    bad = store.client.get("/cases", params={"period": "2024-05", "sort": "DROP TABLE"})
    assert bad.status_code == 200 and [u for u, _ in table_rows(bad.text)] == ["s1", "s2", "s3", "s4", "s5"]


def test_category_filter_counts_that_categorys_rows(store: Store) -> None:
    """A category containing a quote and a backslash is a value, never SQL (both databases)."""
    store.login("admin")
    page = store.client.get("/cases", params={"period": "2024-05", "category": QUOTE})
    shown = dict(table_rows(page.text))
    assert shown["s2"]["应结案数"] == "1" and shown["s2"]["结案数"] == "0" and shown["s1"]["应结案数"] == "0"
    garbage = store.engine_metrics("2024-05", "暴露垃圾")
    listed = dict(table_rows(store.client.get("/cases", params={"period": "2024-05", "category": "暴露垃圾"}).text))
    assert {u for u, c in listed.items() if c["应结案数"] != "0"} == set(garbage) == {"s1", "s4"}


def test_group_filter_and_unknown_group(store: Store) -> None:
    store.login("admin")
    assert len(table_rows(store.client.get("/cases", params={"period": "2024-05", "group": "街镇"}).text)) == 5
    assert table_rows(store.client.get("/cases", params={"period": "2024-05", "group": "部门"}).text) == []


def test_export_opens_and_holds_the_engines_numbers(store: Store) -> None:
    store.login("admin")
    r = store.client.get("/cases/metrics.xlsx", params={"period": "2024-Q2", "sort": "核查不通过数", "order": "desc"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    header, rows = _sheet(r.content)
    assert header[:3] == ["单位编号", "单位", "分组"] and "应结案数" in header and "结案率" in header
    engine = store.engine_metrics("2024-Q2")
    units = [row for row in rows if row[0]]
    # 核查不通过数 = max(verify_failed, rework_count) per case: s2 2 (C2406-01), s1 1 and s3 1 (by unit id)
    assert [row[0] for row in units][:3] == ["s2", "s1", "s3"]
    for row in units:
        values = dict(zip(header, row, strict=True))
        for name in (*COUNTS, *RATES):
            assert values[name] == pytest.approx(float(round(engine[row[0]][name], 2)))
    total = next(row for row in rows if row[1] == "合计")
    assert total[header.index("应结案数")] == sum(int(m["应结案数"]) for m in engine.values())


def test_export_in_english_and_formula_text_stays_text(store: Store) -> None:
    store.login("admin")
    r = store.client.get("/cases/metrics.xlsx", params={"period": "2024-05", "lang": "en"})
    header, _ = _sheet(r.content)
    assert "Cases due" in header and "应结案数" not in header
    r = store.client.get("/cases/metrics.xlsx", params={"period": "2024-06", "category": FORMULA})
    about = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[1]
    cell = next(c for row in about.iter_rows() for c in row if c.value == FORMULA)
    assert cell.data_type == "s" and cell.quotePrefix
    header, rows = _sheet(r.content)
    assert next(row for row in rows if row[0] == "s5")[header.index("应结案数")] == 1
    listed = store.client.get("/units/s5/cases.xlsx", params={"period": "2024-06"})
    case = openpyxl.load_workbook(io.BytesIO(listed.content)).worksheets[0]
    cell = next(c for row in case.iter_rows() for c in row if c.value == FORMULA)
    assert cell.data_type == "s" and cell.quotePrefix


def test_only_the_office_sees_the_table(store: Store) -> None:
    assert store.client.get("/cases", follow_redirects=False).status_code == 303
    store.login("jia")
    assert store.client.get("/cases").status_code == 403
    assert store.client.get("/cases/metrics.xlsx?period=2024-05").status_code == 403
    store.login("ducha")
    assert store.client.get("/cases").status_code == 403


def test_defaults_to_the_latest_month_with_cases_and_refuses_a_bad_period(store: Store) -> None:
    store.login("admin")
    page = store.client.get("/cases").text
    assert '<option value="2024-06" selected>' in page and 'href="/cases"' in page  # in the navigation
    assert store.client.get("/cases?period=2024-13").status_code == 404
    assert store.client.get("/cases?period=" + "9" * 11).status_code == 422


# --- a unit's case list -------------------------------------------------------------------------------


def _listed(page: str) -> list[str]:
    return re.findall(r'<span class="case-id">([^<]+)</span>', page)


def test_reconciliation_sentence_by_hand(store: Store) -> None:
    store.login("jia")
    page = store.client.get("/units/s1/cases?period=2024-05").text
    box = re.search(r'<div class="reconcile" id="case-reconcile" data-listed="(\d+)" data-counted="(\d+)"', page)
    assert box is not None and box.groups() == ("5", "2")
    assert "本期相关案卷 5 件" in page and "计入本期得分的是本期派遣的 2 件（应结案数）" in page
    assert "其余 3 件不计入本期得分" in page and "case-score-drift" not in page  # live numbers: nothing to explain
    reasons = dict(re.findall(r'<li data-reach="(\w+)" data-n="(\d+)">', page))
    assert reasons == {"later": "1", "undispatched": "1", "earlier": "1"}
    assert sorted(_listed(page)) == ["C2404-04", "C2405-01", "C2405-02", "X-LATER", "X-NEW"]
    quarter = store.client.get("/units/s1/cases?period=2024-Q2").text
    assert "计入本期得分的是本期派遣的 7 件" in quarter  # X-LATER is June's, inside the quarter
    assert dict(re.findall(r'<li data-reach="(\w+)" data-n="(\d+)">', quarter)) == {"undispatched": "1"}


def test_a_case_added_after_publication_is_explained(store: Store) -> None:
    """2024-05 published with s1's 2 cases; a third dispatched in May arrives afterwards: the list counts 3,
    the published score 2, and the page says why."""
    with transaction(store.factory) as s:
        rid = compute_draft(s, scheme=SCHEME, period="2024-05", actor="计算员").id
        review(s, rid, actor="审核员")
        publish(s, rid, actor="发布员")
        late = at("2024-05-25 09:00")
        s.add(CaseRow(nkey="test-X-LATE", case_id="X-LATE", unit_id="s1", kind="event", category="小广告",
                      reported_at=late, dispatched_at=late, rework_count=0, verify_failed=0, postponed=0))  # fmt: skip
    store.login("jia")
    page = store.client.get("/units/s1/cases?period=2024-05").text
    assert "计入本期得分的是本期派遣的 3 件" in page
    drift = re.search(r'id="case-score-drift" data-score-counted="(\d+)"', page)
    assert drift is not None and drift.group(1) == "2" and "所显示的得分计入的是 2 件" in page


def test_each_reason_lists_exactly_its_cases(store: Store) -> None:
    store.login("admin")
    expected = {"counted": ["C2405-01", "C2405-02"], "later": ["X-LATER"], "undispatched": ["X-NEW"]}
    expected["earlier"] = ["C2404-04"]
    for reach, ids in expected.items():
        page = store.client.get("/units/s1/cases", params={"period": "2024-05", "reach": reach}).text
        assert sorted(_listed(page)) == ids, reach


def test_unit_page_reconciles_too(store: Store) -> None:
    store.login("jia")
    page = store.client.get("/units/s1?period=2024-05").text
    assert "计入本期得分的是本期派遣的 2 件" in page and 'href="/units/s1/cases?' in page


@pytest.mark.parametrize(
    ("params", "ids"),
    [
        ({"category": "暴露垃圾"}, ["C2405-01", "X-LATER"]),
        ({"q": "2405"}, ["C2405-01", "C2405-02"]),
        ({"q": "x-"}, ["X-LATER", "X-NEW"]),  # any case of letters
        ({"q": "%"}, []),  # a LIKE wildcard is a character
        ({"state": "closed"}, ["C2404-04", "C2405-01", "C2405-02", "X-LATER"]),
        ({"state": "undispatched"}, ["X-NEW"]),
        ({"state": "nonsense"}, ["C2404-04", "C2405-01", "C2405-02", "X-LATER", "X-NEW"]),
        ({"against": "1"}, ["C2404-04"]),  # disposed 05-02, after its 04-30 deadline
    ],
)
def test_filters(store: Store, params: dict[str, str], ids: list[str]) -> None:
    store.login("jia")
    page = store.client.get("/units/s1/cases", params={"period": "2024-05", **params}).text
    assert sorted(_listed(page)) == ids
    assert "本期相关案卷 5 件" in page  # the reconciliation is of the whole list, whatever the filter


def test_more_keeps_the_filter(store: Store) -> None:
    store.login("jia")
    page = store.client.get("/units/s1/cases", params={"period": "2024-05", "category": "暴露垃圾"}).text
    assert 'id="cases-export"' in page and "category=%E6%9A%B4%E9%9C%B2%E5%9E%83%E5%9C%BE" in page


def test_unit_export(store: Store) -> None:
    store.login("jia")
    r = store.client.get("/units/s1/cases.xlsx", params={"period": "2024-05", "state": "closed"})
    assert r.status_code == 200
    header, rows = _sheet(r.content)
    assert header[0] == "案卷号" and header[-1] == "计分"
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert sorted(by_id) == ["C2404-04", "C2405-01", "C2405-02", "X-LATER"]
    assert by_id["X-LATER"]["计分"] == "本期之后才派遣，计入派遣当期"
    assert by_id["C2405-01"]["计分"] == "本期派遣，计入本期得分"
    assert by_id["C2405-01"]["派遣时间"] == datetime(2024, 5, 6, 8, 30)
    assert store.client.get("/units/s2/cases.xlsx?period=2024-05").status_code == 403  # another unit's


def test_unit_list_in_english(store: Store) -> None:
    store.login("jia")
    page = store.client.get("/units/s1/cases?period=2024-05&lang=en").text
    assert "The score counts the 2 dispatched in the period" in page and "Dispatched before the period" in page
