"""`kaoping import`: checked first, all or nothing, idempotent — on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.app import import_cells
from kaoping.app.imports import ABSENT, ALREADY, IMPORTED, import_data
from kaoping.cli import app
from kaoping.errors import InputErrors
from kaoping.facts import FILE_NAMES
from kaoping.scheme import load_scheme
from kaoping.store.db import open_store
from kaoping.store.facts import TABLES
from kaoping.store.tables import AuditEntry, ImportBatch
from store_testing import write_xlsx

CITY = EXAMPLES / "city-1000"
runner = CliRunner()


def counts(url: str) -> dict[str, int]:
    """Rows of every fact table, of the import log and of the audit trail."""
    factory = open_store(url)
    with factory() as s:
        out = {name: s.scalar(select(func.count()).select_from(TABLES[name])) or 0 for name in FILE_NAMES}
        out["imports"] = s.scalar(select(func.count()).select_from(ImportBatch)) or 0
        out["audit"] = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
    return out


def score_json(*args: str) -> Any:
    result = runner.invoke(app, ["score", "--scheme", "city-1000", "--period", "2024-Q2", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def cli_import(source: Path, url: str, *extra: str) -> Any:
    return runner.invoke(app, ["import", str(source), "--db", url, "--actor", "tester", *extra])


def test_import_then_score_from_store_equals_scoring_the_folder(db_url: str) -> None:
    result = cli_import(CITY, db_url, "--scheme", "city-1000")
    assert result.exit_code == 0, result.stderr
    assert "scores.csv" in result.stdout and "已导入" in result.stdout
    assert score_json("--db", db_url) == score_json("--data", str(CITY))
    with open_store(db_url)() as s:
        batches = list(s.scalars(select(ImportBatch).order_by(ImportBatch.id)))
    assert [b.kind for b in batches] == ["units", "scores", "honors"]
    assert all(len(b.sha256) == 64 and b.imported_by == "tester" for b in batches)
    assert batches[1].rows == 81


def test_importing_twice_changes_nothing(db_url: str) -> None:
    factory = open_store(db_url)
    first = import_data(factory, CITY, actor="a")
    once = counts(db_url)
    second = import_data(factory, CITY, actor="b", scheme=load_scheme("city-1000"))
    assert counts(db_url) == once
    # units are audited row by row, every other file by one `import` entry for its batch
    assert once["audit"] == once["units"] + 2 == 12 and once["scores"] + once["honors"] == 88
    assert [f.status for f in first.files] == [IMPORTED, IMPORTED, ABSENT, IMPORTED, ABSENT, ABSENT, ABSENT]
    assert [f.status for f in second.files] == [ALREADY, ALREADY, ABSENT, ALREADY, ABSENT, ABSENT, ABSENT]
    assert second.changed == 0 and first.file("scores").inserted == 81
    # through the CLI too, which says so
    result = cli_import(CITY, db_url)
    assert result.exit_code == 0 and "此前已导入" in result.stdout
    assert counts(db_url) == once


def test_a_resaved_copy_only_updates_what_changed(db_url: str, tmp_path: Path) -> None:
    factory = open_store(db_url)
    import_data(factory, CITY, actor="a")
    before = counts(db_url)
    copy = tmp_path / "copy"
    shutil.copytree(CITY, copy)
    text = (copy / "scores.csv").read_text(encoding="utf-8")
    old = "2024-Q2,d2,部门考评,生活垃圾收运(含城乡环卫一体化),150"
    assert old in text
    (copy / "scores.csv").write_text(text.replace(old, old[:-3] + "149.5", 1), encoding="utf-8-sig")
    report = import_data(factory, copy, actor="b")
    assert [f.status for f in report.files if f.status != ABSENT] == [ALREADY, IMPORTED, ALREADY]
    scores = report.file("scores")
    assert (scores.inserted, scores.updated, scores.unchanged) == (0, 1, 80)
    after = counts(db_url)
    # the changed row's own entry (before/after) and the batch's `import` entry
    assert after["audit"] == before["audit"] + 2 and after["imports"] == before["imports"] + 1
    assert after["scores"] == before["scores"]


def write_big_scores(folder: Path, rows: int, bad_row: int | None) -> None:
    """units.csv of city-1000 and a scores.csv of ``rows`` data rows; ``bad_row`` (as Excel numbers rows:
    header = 1) gets a score that is not a number."""
    folder.mkdir()
    shutil.copy(CITY / "units.csv", folder / "units.csv")
    units = ["d1", "d2", "d3", "d4", "d5", "c1", "c2", "c3", "c4", "s1"]
    with (folder / "scores.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["period", "unit_id", "part", "item", "score", "source", "note"])
        for i in range(rows):
            score = "12,5" if i + 2 == bad_row else f"{(i % 400) / 4}"
            w.writerow(["2024-04", units[i % 10], "专家评议", f"第{i}项", score, f"专家{i % 7}", ""])


def test_bad_value_in_row_9000_of_10000_names_it_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    import_data(open_store(db_url), CITY, actor="a")
    before = counts(db_url)
    write_big_scores(tmp_path / "big", 10_000, bad_row=9000)
    result = cli_import(tmp_path / "big", db_url)
    assert result.exit_code == 2, result.stdout
    assert "scores.csv，第 9000 行，列“score”" in result.stderr
    assert "未导入任何内容" in result.stderr
    assert counts(db_url) == before


def test_10000_rows_import_with_progress(db_url: str, tmp_path: Path) -> None:
    write_big_scores(tmp_path / "big", 10_000, bad_row=None)
    calls: list[tuple[str, int, int]] = []
    report = import_data(open_store(db_url), tmp_path / "big", actor="a", progress=lambda *a: calls.append(a))
    assert report.file("scores").inserted == 10_000
    assert calls[0][1:] == (0, 0)  # checking: total not known yet
    assert calls[-1][1:] == (10_010, 10_010) and calls[-1][0].endswith("scores.csv")
    assert counts(db_url)["scores"] == 10_000


def test_failure_while_writing_rolls_everything_back(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    factory = open_store(db_url)
    before = counts(db_url)
    real = import_cells.write_facts

    def failing(session: Any, kind: str, *args: Any, **kw: Any) -> Any:
        if kind == "honors":  # units and scores are written by now
            raise RuntimeError("disk full")
        return real(session, kind, *args, **kw)

    monkeypatch.setattr(import_cells, "write_facts", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        import_data(factory, CITY, actor="a")
    assert counts(db_url) == before
    monkeypatch.setattr(import_cells, "write_facts", real)
    assert import_data(factory, CITY, actor="a").file("honors").status == IMPORTED  # not "already imported"


def test_unknown_unit_is_named_by_file_row_and_column(db_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "units.csv").write_text("unit_id,name,group\nd1,甲区,第一组\n", encoding="utf-8")
    (data / "honors.csv").write_text(
        "date,unit_id,kind,level,title\n2024-01-01,d1,award,national,a\n2024-01-02,zz,award,national,b\n",
        encoding="utf-8",
    )
    result = cli_import(data, db_url)
    assert result.exit_code == 2
    assert "honors.csv，第 3 行，列“unit_id”：没有考评对象“zz”" in result.stderr
    assert counts(db_url)["imports"] == 0


def test_units_already_in_the_store_may_be_referenced(db_url: str, tmp_path: Path) -> None:
    factory = open_store(db_url)
    import_data(factory, CITY, actor="a")
    data = tmp_path / "more"
    data.mkdir()
    (data / "ranks.csv").write_text("period,unit_id,task,rank\n2024-04,d3,市级任务,1\n2024-04,x9,市级任务,2\n")
    with pytest.raises(InputErrors) as caught:
        import_data(factory, data, actor="a")
    assert [str(e).split("：")[0] for e in caught.value.errors] == [f"{data / 'ranks.csv'}，第 3 行，列“unit_id”"]
    (data / "ranks.csv").write_text("period,unit_id,task,rank\n2024-04,d3,市级任务,1\n")
    assert import_data(factory, data, actor="a").file("ranks").inserted == 1


def test_scheme_checks_the_import_merged_with_the_store(db_url: str, tmp_path: Path) -> None:
    factory = open_store(db_url)
    scheme = load_scheme("city-1000")
    import_data(factory, CITY, actor="a", scheme=scheme)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "scores.csv").write_text(
        "period,unit_id,part,item,score\n2024-Q2,d1,社会评价,交通秩序管理,70\n2024-Q2,d1,不存在的项目,,5\n",
        encoding="utf-8",
    )
    with pytest.raises(InputErrors) as caught:
        import_data(factory, bad, actor="a", scheme=scheme)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "part")]
    # without a scheme the rows go in; a later scheme check then names the stored row by its table
    import_data(factory, bad, actor="a")
    with pytest.raises(InputErrors) as caught:
        import_data(factory, CITY, actor="a", scheme=scheme)
    assert [e.file for e in caught.value.errors] == ["db:scores"] and caught.value.errors[0].column == "part"


def test_xlsx_import_equals_csv_import(db_url: str, tmp_path: Path) -> None:
    factory = open_store(db_url)
    write_xlsx(CITY, tmp_path / "city.xlsx")
    first = import_data(factory, tmp_path / "city.xlsx", actor="a", scheme=load_scheme("city-1000"))
    assert first.file("scores").label.endswith("city.xlsx[scores]") and first.file("ranks").status == ABSENT
    assert score_json("--db", db_url) == score_json("--data", str(CITY))
    once = counts(db_url)
    # the CSV files hold exactly the same rows: a file already in canonical form (scores.csv) has the hash
    # of its sheet; the others (units.csv says 是, not true) are imported, yet not one row changes
    second = import_data(factory, CITY, actor="a")
    assert second.file("scores").status == ALREADY and second.file("units").status == IMPORTED
    for f in second.files:
        if f.status == IMPORTED:
            assert (f.inserted, f.updated, f.unchanged) == (0, 0, f.rows), f
    assert {k: v for k, v in counts(db_url).items() if k != "imports"} == {
        k: v for k, v in once.items() if k != "imports"
    }
    # and the same workbook again is recognised by its sheets' content
    assert all(f.status in (ALREADY, ABSENT) for f in import_data(factory, tmp_path / "city.xlsx", actor="a").files)


@pytest.mark.parametrize("scheme", [[], ["--scheme", "district-onsite"]], ids=["no-scheme", "scheme"])
def test_a_case_given_twice_is_an_input_error_not_a_traceback(db_url: str, tmp_path: Path, scheme: list[str]) -> None:
    """Issue 14: a duplicate case_id in one cases.csv died with an IntegrityError (exit 1); now exit 2,
    naming file, row and column, and nothing is written."""
    data = tmp_path / "onsite"
    shutil.copytree(EXAMPLES / "district-onsite", data)
    cases = data / "cases.csv"
    lines = cases.read_text(encoding="utf-8").splitlines()
    cases.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    result = cli_import(data, db_url, *scheme)
    assert result.exit_code == 2, result.stderr
    flat = " ".join(result.stderr.split())
    assert f"cases.csv，第 {len(lines) + 1} 行，列“case_id”" in flat and "重复行" in flat, flat
    assert "Traceback" not in result.stderr


def test_a_unit_listed_twice_is_an_input_error_without_a_scheme(db_url: str, tmp_path: Path) -> None:
    data = tmp_path / "onsite"
    shutil.copytree(EXAMPLES / "district-onsite", data)
    units = data / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    units.write_text("\n".join([*lines, lines[-1]]) + "\n", encoding="utf-8")
    result = cli_import(data, db_url)
    assert result.exit_code == 2, result.stderr
    flat = " ".join(result.stderr.split())
    assert f"units.csv，第 {len(lines) + 1} 行，列“unit_id”" in flat and "考评对象重复" in flat, flat
