"""A standards catalogue through Excel: exported with XlsxWriter, read back with openpyxl to the same kinds;
a bad cell named by sheet, row and column in Chinese."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from kaoping.io.standard_book import read_standard_book, write_standard_book
from kaoping.scheme.standard import StandardError, load_standard


def _kinds(name_or_path: str) -> dict[str, tuple[object, ...]]:
    s = load_standard(name_or_path)
    return {c: (e.item, e.kind.name, e.kind.points, e.kind.per, e.kind.cap, e.checklists) for c, e in s.kinds().items()}


@pytest.mark.parametrize("name", ["nansha-standard", "district-onsite-standard"])
def test_round_trip_keeps_every_kind(tmp_path: Path, name: str) -> None:
    book = tmp_path / "std.xlsx"
    write_standard_book(load_standard(name), book)
    standard, text = read_standard_book(book)
    (tmp_path / "std.yaml").write_text(text, encoding="utf-8")
    assert _kinds(str(tmp_path / "std.yaml")) == _kinds(name)
    original = load_standard(name)
    assert (standard.standard, standard.version, standard.notes) == (
        original.standard,
        original.version,
        original.notes,
    )
    assert [i.cap for i in standard.items] == [i.cap for i in original.items]


def test_bad_cells_are_named(tmp_path: Path) -> None:
    book = tmp_path / "std.xlsx"
    write_standard_book(load_standard("nansha-standard"), book)
    wb = openpyxl.load_workbook(book)
    wb["扣分标准"]["E2"] = "一分"
    wb["扣分标准"]["F3"] = "每公里"
    wb["说明"]["B3"] = "二"
    wb.save(book)
    with pytest.raises(StandardError) as err:
        read_standard_book(book)
    assert err.value.problems == [
        "工作表“说明”第 3 行，列“B”：版本应为正整数，实为“二”",
        "工作表“扣分标准”第 2 行，列“标准分值”：应为数字，实为“一分”",
        "工作表“扣分标准”第 3 行，列“计分单位”：“每公里”应为 每次、每平方米、每处",
    ]
    assert Decimal("0.2") in {k.points for i in load_standard("nansha-standard").items for k in i.problems}
