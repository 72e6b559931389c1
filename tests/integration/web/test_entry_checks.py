"""Entry checks through the entry page (issue 12, point 3), on SQLite and PostgreSQL: the form (its JSON
post with the session cookie, and the confirmation box it opens) and the Excel upload each refuse the 2031
typo and ask for a confirmation with a reason for the 250-point deduction and the 23:45 entry; the reason
lands in the audit trail.  The dashboard never offers a period without evaluated data: a stray 2031 row
written straight into the store opens no 2031 period, and an empty period shows 本期尚无考评数据."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from entry_checks_testing import (
    CASES,
    COLUMN,
    REFUSED,
    Client,
    audit_reasons,
    deduction,
    login,
    workbook,
)
from kaoping.app.entry_checks import CONFIRM_LABEL
from kaoping.app.publish import PublishError, compute_draft
from kaoping.facts.columns import SCHEMAS
from kaoping.store.audit import AuditWriter
from kaoping.store.db import transaction
from kaoping.store.facts import write_facts
from kaoping.store.tables import DeductionRow


def _rows(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(DeductionRow)) or 0)


def _upload(client: TestClient, content: bytes, **fields: str) -> Any:
    page = client.get("/entry").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    data = {"csrf": token.group(1), **fields}
    return client.post("/entry/upload", data=data, files={"file": ("巡查扣分.xlsx", content)})


# --- the form ----------------------------------------------------------------------------------------


def test_the_deduction_form_carries_the_confirmation_box(appearance: Client) -> None:
    client, _ = appearance
    login(client, "dcy")
    page = client.get("/entry").text
    form = page[page.index('id="fact-deductions"') : page.index("</form>", page.index('id="fact-deductions"'))]
    assert 'id="confirm-deductions" hidden' in form and CONFIRM_LABEL in form
    assert 'id="deductions-confirm"' in form and 'id="deductions-confirm-reason"' in form
    script = client.get("/static/entry.js").text
    assert "sent.confirm = true" in script and "r.status === 409" in script


@pytest.mark.parametrize("case", list(CASES))
def test_the_form_refuses_or_asks_for_confirmation(appearance: Client, case: str) -> None:
    """What entry.js sends: the form's fields as JSON, then again with confirm and the box's reason."""
    client, factory = appearance
    headers = login(client, "dcy")
    before = _rows(factory)
    r = client.post("/api/deductions", json=deduction(**CASES[case]), headers=headers)
    assert [e["column"] for e in r.json()["errors"]] == [COLUMN[case]]
    reason = f"表单确认 {case}"
    again = client.post("/api/deductions", json=deduction(**CASES[case], confirm=True, reason=reason), headers=headers)
    if case in REFUSED:
        assert (r.status_code, again.status_code) == (422, 422)
        assert _rows(factory) == before
        return
    assert r.status_code == 409 and again.status_code == 201, again.text
    assert _rows(factory) == before + 1
    assert any(reason in text for text in audit_reasons(factory))


# --- the upload --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_the_upload_refuses_or_asks_for_confirmation(appearance: Client, case: str) -> None:
    client, factory = appearance
    login(client, "dcy")
    before = _rows(factory)
    content = workbook([deduction(), deduction(**CASES[case], problem="第二行")])
    r = _upload(client, content)
    assert _rows(factory) == before, "nothing is imported"
    if case in REFUSED:
        assert r.status_code == 422, r.text
        assert 'id="upload-errors"' in r.text and 'data-row="3" data-column="date"' in r.text
        assert "2031-01-01" in r.text and 'id="upload-confirm"' not in r.text
        confirmed = _upload(client, content, confirm="1", reason="确认")
        assert confirmed.status_code == 422 and _rows(factory) == before, "a refusal can never be confirmed"
        return
    assert r.status_code == 409, r.text
    assert 'id="upload-warnings"' in r.text and f'data-row="3" data-column="{COLUMN[case]}"' in r.text
    assert 'id="upload-confirm"' in r.text and CONFIRM_LABEL in r.text
    no_reason = _upload(client, content, confirm="1", reason=" ")
    assert no_reason.status_code == 422 and _rows(factory) == before
    reason = f"上传确认 {case}"
    done = _upload(client, content, confirm="1", reason=reason)
    assert done.status_code == 200 and 'id="upload-summary"' in done.text, done.text
    assert _rows(factory) == before + 2
    assert any(reason in text and CONFIRM_LABEL in text for text in audit_reasons(factory))


# --- the dashboard -----------------------------------------------------------------------------------


def _options(page: str) -> list[str]:
    found = re.search(r'<select[^>]*id="pick-period"[^>]*>(.*?)</select>', page, re.S)
    assert found
    return re.findall(r'<option value="([^"]+)"', found.group(1))


def test_a_stray_2031_row_opens_no_2031_period(appearance: Client) -> None:
    client, factory = appearance
    login(client, "admin")
    row = deduction(date=date(2031, 1, 1), time=None) | {"_row": 0}
    frame = pl.DataFrame([row], schema=SCHEMAS["deductions"])
    with transaction(factory) as s:  # straight into the store, past every entry path
        audit = AuditWriter(s, "stray", reason="test")
        write_facts(s, "deductions", frame, audit=audit)
        audit.flush()
    latest = client.get("/dashboard", follow_redirects=False)
    assert latest.headers["location"] == "/dashboard/city-appearance/2024-11"
    page = client.get(latest.headers["location"]).text
    assert not any(p.startswith("2031") for p in _options(page))
    assert "2024-11" in _options(page) and "2024-12" not in _options(page)  # December holds no data


def test_an_empty_period_shows_no_ranking(appearance: Client) -> None:
    client, _ = appearance
    login(client, "admin")
    page = client.get("/dashboard/city-appearance/2024-01").text
    assert 'id="no-data"' in page and "本期尚无考评数据" in page
    assert "dash-ranking" not in page
    full = client.get("/dashboard/city-appearance/2024-07").text
    assert 'id="no-data"' not in full and "dash-ranking" in full


def test_a_period_without_a_ranked_unit_is_never_published(web: Any) -> None:
    """city-1000 (``web`` fixture) in 2023-Q4: no unit has a row, every one would be 未考评 (under 扣分制 all
    would tie at full marks) — computing it for publication is refused, so no empty ranking is ever public."""
    with pytest.raises(PublishError, match="没有任何考评数据"), transaction(web.factory) as s:
        compute_draft(s, scheme="city-1000", period="2023-Q4", actor="计算员")
    assert web.client.get("/public/city-1000/2023-Q4").status_code == 404
    assert 'id="no-data"' not in web.client.get("/public/city-1000/2024-Q2").text
