"""The office's bulletin downloads of a published period carry that version's stamp (issue 12, point 4), and
downloading again gives the same file (point 6).  On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaoping.store.publishing import current


def _published_line(web: Any) -> tuple[str, str]:
    with web.factory() as s:
        row = current(s, scheme=web.SCHEME, period=web.PERIOD)
        assert row is not None and row.audit_head and row.published_at
        line = f"第 {row.version} 版 · 发布于 {row.published_at:%Y-%m-%d %H:%M} · 审计链头 {row.audit_head[:12]}"
        return line, row.audit_head


def test_xlsx_download_is_stamped_and_the_same_each_time(web: Any) -> None:
    web.login("admin")
    url = f"/periods/{web.SCHEME}/{web.PERIOD}/bulletin.xlsx"
    first = web.client.get(url)
    time.sleep(1.1)
    again = web.client.get(url)
    assert first.status_code == 200 and first.content == again.content
    line, head = _published_line(web)
    book = openpyxl.load_workbook(io.BytesIO(first.content))
    assert {p.name: p.value for p in book.custom_doc_props.props}["audit_head"] == head
    assert line in [c.value for c in book.worksheets[0]["A"]]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdf_download_footer_names_the_version(web: Any, tmp_path: Path) -> None:
    web.login("admin")
    pdf = web.client.get(f"/periods/{web.SCHEME}/{web.PERIOD}/bulletin.pdf")
    assert pdf.status_code == 200
    (tmp_path / "b.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], check=True, capture_output=True, text=True)
    line, _ = _published_line(web)
    assert line in text.stdout and "草稿" not in text.stdout
