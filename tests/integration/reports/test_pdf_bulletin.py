"""The printed 排名通报: a real PDF with the CJK font embedded, every unit and total in its text, a non-blank page 1.

Set KAOPING_WRITE_DOC_IMAGES=1 to also refresh docs/images/bulletin-page1.png (shown in the README).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from examples_testing import EXAMPLES, ROOT
from kaoping.app.bulletins import bulletin_data
from kaoping.engine.phrases import flag_label as flag_text
from kaoping.reports.data import BulletinData
from kaoping.reports.pdf_bulletin import fmt_score, issue_number, write_pdf

CASES = {
    "city-1000": ("2024-Q2", "city-1000"),
    "district-onsite": ("2024-05", "district-onsite"),
}

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdftoppm")), reason="poppler-utils not installed"
)


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module", params=sorted(CASES))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[BulletinData, Path]:
    scheme = str(request.param)
    period, folder = CASES[scheme]
    data = bulletin_data(scheme, period, data=EXAMPLES / folder)
    out = tmp_path_factory.mktemp(scheme) / "bulletin.pdf"
    write_pdf(data, out, office="市城市管理考评办公室", issued_on=date(2024, 7, 5))
    return data, out


def test_text_has_title_units_and_totals(built: tuple[BulletinData, Path]) -> None:
    data, pdf = built
    text = _run("pdftotext", str(pdf), "-")
    assert "城市管理考评通报" in text
    assert "考评排名情况的通报" in text
    assert data.scheme.title in text
    assert "市城市管理考评办公室" in text
    assert issue_number(data.result.period) in text
    assert "2024年7月5日" in text
    for group in data.result.groups:
        assert group.group in text
        for u in (*group.ranking, *group.unrated):
            assert u.name in text, u.name
        for u in group.ranking:
            assert fmt_score(u.shown_total) in text, (u.name, u.shown_total)
            for flag in u.flags:
                assert flag_text(flag) in text


def test_analysis_sections(built: tuple[BulletinData, Path]) -> None:
    data, pdf = built
    text = _run("pdftotext", str(pdf), "-")
    for heading in ("一、考评排名", "二、奖惩与标注", "三、扣分原因分析", "四、与上期对比", "附件"):
        assert heading in text
    for row in data.analysis.by_item:
        assert row.item in text
    for row in data.analysis.repeated:
        assert row.problem in text
    for o in data.analysis.overdue:
        assert str(o["problem_id"]) in text


def test_district_onsite_has_deductions_and_overdue() -> None:
    data = bulletin_data("district-onsite", "2024-05", data=EXAMPLES / "district-onsite")
    assert data.analysis.by_item and data.analysis.overdue and data.previous is not None
    assert flag_text("unqualified_cases:3") == "核查不通过3次"
    assert flag_text("statement") == "末位表态发言"


def test_cjk_font_embedded(built: tuple[BulletinData, Path]) -> None:
    _, pdf = built
    lines = _run("pdffonts", str(pdf)).splitlines()[2:]
    cjk = [ln for ln in lines if "NotoSansCJK" in ln or "Noto-Sans-CJK" in ln]
    assert cjk, lines
    # columns: name type encoding emb sub uni object-id; "emb" is the 4th from the right
    assert any(ln.split()[-5] == "yes" for ln in cjk), cjk


def _ppm_pixels(path: Path) -> tuple[int, int, bytes]:
    raw = path.read_bytes()
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:  # magic, width, height, maxval (no comments in pdftoppm output)
        while raw[pos : pos + 1].isspace():
            pos += 1
        end = pos
        while not raw[end : end + 1].isspace():
            end += 1
        fields.append(raw[pos:end])
        pos = end
    assert fields[0] == b"P6"
    return int(fields[1]), int(fields[2]), raw[pos + 1 :]


def test_page_one_renders(built: tuple[BulletinData, Path], tmp_path: Path) -> None:
    data, pdf = built
    _run("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(tmp_path / "p1"))
    png = tmp_path / "p1.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000
    _run("pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(tmp_path / "p1"))
    width, height, pixels = _ppm_pixels(tmp_path / "p1.ppm")
    assert 245 <= width <= 250 and 349 <= height <= 353, (width, height)  # A4 portrait at 30 dpi
    assert len(pixels) == width * height * 3
    rgb = [pixels[i : i + 3] for i in range(0, len(pixels), 3)]
    inked = sum(1 for p in rgb if min(p) < 200)
    red = sum(1 for p in rgb if p[0] > 140 and p[1] < 90 and p[2] < 90)
    assert inked > 0.05 * len(rgb), inked  # not a blank page
    assert red > 200, red  # the red masthead and rule are there
    if os.environ.get("KAOPING_WRITE_DOC_IMAGES") == "1" and data.scheme.scheme == "city-1000":
        target = ROOT / "docs" / "images" / "bulletin-page1.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        _run("pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target.with_suffix("")))
