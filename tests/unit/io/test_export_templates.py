"""Export writes what the reader reads back unchanged; templates carry the contract into Excel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from examples_testing import EXAMPLES
from kaoping.facts import FILE_NAMES, Facts, facts_from_frames
from kaoping.facts.columns import FILES, column_of
from kaoping.io.export import csv_text, number_text, write_csv_folder, write_workbook
from kaoping.io.readers import read_facts
from kaoping.io.templates import LISTS_SHEET, TemplateLists, header, sheet_title, write_template

FOLDERS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir())


def frames_of(facts: Facts) -> dict[str, pl.DataFrame]:
    return {name: getattr(facts, name) for name in FILE_NAMES}


def assert_same_facts(a: Facts, b: Facts) -> None:
    """Equal frames, row for row in order, ignoring ``_row`` (blank lines and headers may shift it)."""
    for name in FILE_NAMES:
        left, right = getattr(a, name).drop("_row"), getattr(b, name).drop("_row")
        assert left.schema == right.schema, name
        assert left.to_dicts() == right.to_dicts(), name


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (140.0, "140"),
        (912.5555, "912.5555"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-7, "0.0000001"),
        (-3.0, "-3"),
        (1e20, "100000000000000000000"),
        (None, ""),
    ],
)
def test_numbers_are_written_without_float_noise(value: float | None, text: str) -> None:
    assert number_text(value) == text


def test_csv_text_spells_values_as_the_contract_does() -> None:
    facts = facts_from_frames(
        units=pl.DataFrame({"unit_id": ["u1"], "name": ["甲, 区"], "group": ["一组"], "reward_eligible": [False]}),
        cases=pl.DataFrame(
            {
                "case_id": ["K1"],
                "unit_id": ["u1"],
                "kind": ["event"],
                "category": ['说"明'],
                "reported_at": [dt.datetime(2024, 5, 2, 8, 10)],
                "deadline": [None],
                "rework_count": [2],
            }
        ),
        deductions=pl.DataFrame(
            {"date": [dt.date(2024, 5, 6)], "unit_id": ["u1"], "part": ["p"], "points": [3.0], "time": [dt.time(9, 5)]}
        ),
    )
    assert csv_text("units", facts.units) == 'unit_id,name,group,reward_eligible\nu1,"甲, 区",一组,false\n'
    cases = csv_text("cases", facts.cases).splitlines()
    assert cases[0] == ",".join(c.name for c in FILES["cases"])
    assert cases[1] == 'K1,u1,event,"说""明",2024-05-02 08:10:00,,,,,2,0,0,,,'
    assert csv_text("deductions", facts.deductions).splitlines()[1] == "2024-05-06,u1,p,,3,,,,,09:05:00,,,,,,"


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_every_example_survives_csv_and_xlsx_export(folder: Path, tmp_path: Path) -> None:
    facts = read_facts(folder)
    write_csv_folder(tmp_path / "csv", frames_of(facts))
    write_workbook(tmp_path / "book.xlsx", frames_of(facts))
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(f"{n}.csv" for n in FILE_NAMES)
    assert_same_facts(read_facts(tmp_path / "csv"), facts)
    assert_same_facts(read_facts(tmp_path / "book.xlsx"), facts)
    assert not [p for p in tmp_path.rglob("*.tmp")], "temporary files left behind"


def test_workbook_cells_are_typed_and_sheets_named_after_files(tmp_path: Path) -> None:
    facts = read_facts(EXAMPLES / "district-onsite")
    write_workbook(tmp_path / "b.xlsx", frames_of(facts))
    book = openpyxl.load_workbook(tmp_path / "b.xlsx")
    assert book.sheetnames == list(FILE_NAMES)
    sheet = book["deductions"]
    assert [c.value for c in sheet[1]] == [c.name for c in FILES["deductions"]]
    assert isinstance(sheet["A2"].value, dt.datetime) and isinstance(sheet["E2"].value, int | float)
    assert book["units"].column_dimensions["B"].width >= 8


def validations(path: Path) -> dict[tuple[str, str], tuple[str | None, str | None, str | None]]:
    """(file, column of the validated header) -> (type, formula1, prompt) for every validation (the template's
    sheets and headers are Chinese: read back to the contract's names, as the import does)."""
    book = openpyxl.load_workbook(path)
    files = {sheet_title(name): name for name in FILE_NAMES}
    out = {}
    for sheet in book.worksheets:
        file = files.get(sheet.title, sheet.title)
        headers = {c.column_letter: column_of(file, str(c.value)) if file in FILES else c.value for c in sheet[1]}
        for dv in sheet.data_validations.dataValidation:
            ref = str(dv.sqref)
            letter = ref.split(":")[0].rstrip("0123456789")
            assert ref == f"{letter}2:{letter}1048576", ref
            out[(file, str(headers[letter]))] = (dv.type, dv.formula1, dv.prompt)
    return out


def test_template_offers_units_parts_and_enumerations_in_lists(tmp_path: Path) -> None:
    lists = TemplateLists(
        units=["d1", "d2"], groups=["第一组"], parts={"scores": ["部门考评", "社会评价"], "deductions": ["日常考评"]}
    )
    write_template(tmp_path / "t.xlsx", lists)
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == [sheet_title(name) for name in FILE_NAMES]  # short lists: no hidden sheet
    assert book.sheetnames[:3] == ["考评对象", "考评得分", "督查扣分"]
    for name in FILE_NAMES:
        assert [c.value for c in book[sheet_title(name)][1]] == [header(c) for c in FILES[name]]
    assert [c.value for c in book["督查扣分"][1]][:5] == ["日期", "考评对象编号", "考评项目", "考评内容", "扣分"]
    found = validations(tmp_path / "t.xlsx")
    for name in ("scores", "deductions", "honors", "notices", "cases", "ranks"):
        assert found[(name, "unit_id")][:2] == ("list", '"d1,d2"')
    assert found[("scores", "part")][:2] == ("list", '"部门考评,社会评价"')
    assert found[("deductions", "part")][:2] == ("list", '"日常考评"')
    assert found[("units", "group")][:2] == ("list", '"第一组"')
    assert found[("honors", "kind")][:2] == ("list", '"表彰,通报批评"')
    assert found[("honors", "level")][:2] == ("list", '"国家部委,省委省政府,省级业务主管部门"')
    assert found[("cases", "kind")][:2] == ("list", '"部件,事件"')
    assert found[("scores", "score")][0] == "decimal"
    assert found[("ranks", "rank")][:2] == ("whole", "1")
    # every column of every sheet says what it expects
    for name in FILE_NAMES:
        for column in FILES[name]:
            prompt = found[(name, column.name)][2]
            assert prompt and ("必填" in prompt or "可空" in prompt), (name, column.name)
    assert "2024-12-05" in str(found[("honors", "date")][2])


def test_long_unit_list_goes_to_a_hidden_sheet(tmp_path: Path) -> None:
    units = [f"unit-{i:03d}" for i in range(120)]  # far more than Excel's 255 characters inline
    write_template(tmp_path / "t.xlsx", TemplateLists(units=units, parts={"scores": ["a,b", "c"]}))
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames[-1] == LISTS_SHEET and book[LISTS_SHEET].sheet_state == "hidden"
    found = validations(tmp_path / "t.xlsx")
    unit_ref = found[("scores", "unit_id")][1]
    assert unit_ref == f"'{LISTS_SHEET}'!$A$2:$A$121"
    assert found[("ranks", "unit_id")][1] == unit_ref  # one copy of the list serves every sheet
    assert [book[LISTS_SHEET].cell(r, 1).value for r in (2, 121)] == ["unit-000", "unit-119"]
    # a part name with a comma cannot go in an inline list either
    part_ref = found[("scores", "part")][1]
    assert part_ref == f"'{LISTS_SHEET}'!$B$2:$B$3"
    assert [book[LISTS_SHEET].cell(r, 2).value for r in (2, 3)] == ["a,b", "c"]


def test_template_without_store_units_points_unit_id_at_its_units_sheet(tmp_path: Path) -> None:
    write_template(tmp_path / "t.xlsx")
    found = validations(tmp_path / "t.xlsx")
    assert found[("scores", "unit_id")][:2] == ("list", "'考评对象'!$A$2:$A$1048576")
    assert found[("scores", "part")][0] is None  # no scheme: a prompt, no list
    # the template reads as valid (empty) interchange data
    facts = read_facts(tmp_path / "t.xlsx")
    assert all(getattr(facts, n).is_empty() for n in FILE_NAMES)


def test_a_filled_template_reads_back_as_the_contract(tmp_path: Path) -> None:
    """The Chinese sheets, headers and drop-down names are what the import reads: codes come out."""
    write_template(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    book["考评对象"].append(["d1", "甲区", "第一组", "是"])
    book["表彰与通报批评"].append([dt.datetime(2024, 5, 9), "d1", "表彰", "国家部委", "全国文明城区"])
    book.save(tmp_path / "t.xlsx")
    facts = read_facts(tmp_path / "t.xlsx")
    assert facts.honors.select("unit_id", "kind", "level").rows() == [("d1", "award", "national")]
    assert facts.units["name"].to_list() == ["甲区"]
