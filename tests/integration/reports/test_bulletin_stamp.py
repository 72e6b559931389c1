"""The version stamp on a bulletin (issue 12, point 4) and its reproducibility (point 6).

A published version's bulletin names its version, publication time and audit chain head on every PDF page
and in the workbook's properties; anything else says it is a draft.  The same bulletin built twice is the
same bytes: the builds are a second apart, so a "now" anywhere in either file would show.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from examples_testing import EXAMPLES
from kaoping.app.bulletins import bulletin_data
from kaoping.reports.data import FILES_DRAFT, BulletinData, BulletinStamp
from kaoping.reports.pdf_bulletin import write_pdf
from kaoping.reports.xlsx_bulletin import write_xlsx

HEAD = "3f9a0c7d5e21" + "b4" * 26
PUBLISHED = BulletinStamp(version=2, published_at=datetime(2024, 7, 5, 9, 30, 12), audit_head=HEAD, status="published")
LINE = "第 2 版 · 发布于 2024-07-05 09:30 · 审计链头 3f9a0c7d5e21"
DRAFT_LINE = "草稿 · 按数据文件生成，未发布"

needs_poppler = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdfinfo")), reason="poppler-utils not installed"
)


@pytest.fixture(scope="module")
def city() -> BulletinData:
    return bulletin_data("city-1000", "2024-Q2", data=EXAMPLES / "city-1000")


def twice(write: Callable[[Path], None], folder: Path) -> tuple[bytes, bytes]:
    """Two builds of one bulletin, more than a second apart (file dates have one-second resolution)."""
    write(folder / "a")
    time.sleep(1.1)
    write(folder / "b")
    return (folder / "a").read_bytes(), (folder / "b").read_bytes()


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def test_stamp_line() -> None:
    assert PUBLISHED.line() == LINE
    assert PUBLISHED.short_head == HEAD[:12] and PUBLISHED.created == PUBLISHED.published_at
    assert BulletinStamp().line() == "草稿 · 按库中当前数据生成，未发布"
    assert FILES_DRAFT.line() == DRAFT_LINE and not FILES_DRAFT.published
    no_head = BulletinStamp(version=1, published_at=datetime(2024, 7, 5, 9, 30))  # published before the chain
    assert no_head.line() == "第 1 版 · 发布于 2024-07-05 09:30"


@needs_poppler
def test_pdf_is_reproducible_and_every_page_carries_the_stamp(city: BulletinData, tmp_path: Path) -> None:
    data = replace(city, stamp=PUBLISHED)
    a, b = twice(lambda out: write_pdf(data, out), tmp_path)
    assert a == b
    pdf = tmp_path / "a"
    pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf))).group(1))  # type: ignore[union-attr]
    assert pages > 1
    for page in range(1, pages + 1):
        text = _run("pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-")
        assert LINE in text, page
    info = _run("pdfinfo", str(pdf))
    assert "3f9a0c7d5e21" in info and "2024" in re.search(r"CreationDate:(.*)", info).group(1)  # type: ignore[union-attr]
    assert "2024年7月5日" in _run("pdftotext", str(pdf), "-")  # dated by the publication, not by today


@needs_poppler
def test_draft_pdf_says_draft(city: BulletinData, tmp_path: Path) -> None:
    out = tmp_path / "draft.pdf"
    write_pdf(city, out, issued_on=date(2024, 7, 5))
    text = _run("pdftotext", str(out), "-")
    assert DRAFT_LINE in text and "审计链头" not in text
    assert "CreationDate" not in _run("pdfinfo", str(out))


def test_xlsx_is_reproducible(city: BulletinData, tmp_path: Path) -> None:
    data = replace(city, stamp=PUBLISHED)
    a, b = twice(lambda out: write_xlsx(data, out), tmp_path)
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        stamps = {info.date_time for info in z.infolist()}
        assert len(stamps) == 1 and stamps.pop()[0] == 1980  # XlsxWriter's fixed member date, never "now"
        core = z.read("docProps/core.xml").decode()
    assert "2024-07-05T09:30:12Z" in core


def test_draft_xlsx_is_reproducible(city: BulletinData, tmp_path: Path) -> None:
    a, b = twice(lambda out: write_xlsx(city, out), tmp_path)
    assert a == b


def test_xlsx_properties_and_first_sheet_carry_the_stamp(city: BulletinData, tmp_path: Path) -> None:
    out = tmp_path / "b.xlsx"
    write_xlsx(replace(city, stamp=PUBLISHED), out)
    book = openpyxl.load_workbook(out)
    props = book.properties
    assert props.title == "2024年第二季度考评排名通报"
    assert LINE in (props.keywords or "") and LINE in (props.description or "")
    assert "kaoping verify --audit" in (props.description or "")
    assert props.created == datetime(2024, 7, 5, 9, 30, 12)
    custom = {p.name: p.value for p in book.custom_doc_props.props}
    assert custom["audit_head"] == HEAD and custom["version"] == 2 and custom["status"] == "published"
    first = book.worksheets[0]
    assert LINE in [c.value for c in first["A"]]
    assert LINE in (first.oddFooter.left.text or "")


def test_draft_xlsx_says_draft(city: BulletinData, tmp_path: Path) -> None:
    out = tmp_path / "draft.xlsx"
    write_xlsx(city, out)
    book = openpyxl.load_workbook(out)
    assert DRAFT_LINE in [c.value for c in book.worksheets[0]["A"]]
    assert DRAFT_LINE in (book.properties.keywords or "")
    custom = {p.name: p.value for p in book.custom_doc_props.props}
    assert custom == {"status": "draft"}
