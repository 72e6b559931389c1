"""A CSV file rewritten between an import's check pass and its write pass is refused (issue 13), on SQLite and
PostgreSQL: the write pass would otherwise write rows the check pass never saw.  The import names the file
(Chinese, English with ``--lang en``), nothing is written; the same file left alone imports as before, and a
workbook — read once into memory, both passes reading that copy — is not affected by its file changing.

The rewrite happens where another process would do it: after the check pass (``scan_import``) returns and
before the write pass reads the file again.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.app import imports
from kaoping.app.imports import IMPORTED, import_data
from kaoping.cli import app
from kaoping.errors import InputErrors
from kaoping.store.db import close_store, open_store
from kaoping.store.tables import Base, ScoreRow
from store_testing import write_xlsx

CITY = EXAMPLES / "city-1000"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(CITY, folder)
    return folder


def _between_passes(monkeypatch: pytest.MonkeyPatch, change: Callable[[], None]) -> None:
    """Run ``change`` right after the check pass, before the write pass reads the files again."""
    scan = imports.scan_import

    def scanned_then_changed(*args: Any, **kwargs: Any) -> Any:
        found = scan(*args, **kwargs)
        change()
        return found

    monkeypatch.setattr(imports, "scan_import", scanned_then_changed)


def _other_score(scores: Path) -> None:
    """Another process saves the file with one score changed (still a valid row: only the check could tell)."""
    text = scores.read_text(encoding="utf-8")
    assert ",140,市城管局," in text
    scores.write_text(text.replace(",140,市城管局,", ",99,市城管局,", 1), encoding="utf-8")


def _same_bytes_saved_anew(path: Path) -> None:
    """Another process writes the file anew and renames it into place: the bytes end up the same, but what
    the write pass read in between cannot be known."""
    fresh = path.with_suffix(".tmp")
    fresh.write_bytes(path.read_bytes())
    os.replace(fresh, path)


def _rows_per_table(url: str) -> dict[str, int]:
    factory = open_store(url)
    try:
        with factory() as s:
            return {
                t.name: int(s.scalar(select(func.count()).select_from(t)) or 0) for t in Base.metadata.sorted_tables
            }
    finally:
        close_store(factory)


@pytest.mark.parametrize("change", [_other_score, _same_bytes_saved_anew], ids=["changed", "saved-anew"])
def test_a_file_rewritten_between_the_passes_is_refused_and_nothing_is_written(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], None]
) -> None:
    data = _folder(tmp_path)
    scores = data / "scores.csv"
    before = _rows_per_table(db_url)
    _between_passes(monkeypatch, lambda: change(scores))
    with pytest.raises(InputErrors) as caught:
        import_data(open_store(db_url), data, actor="a")
    [error] = caught.value.errors
    assert error.file == str(scores) and error.row is None
    assert str(scores) in error.describe() and "文件在导入过程中被修改" in error.describe()
    assert "请待文件写完后重新导入" in error.describe()
    assert "modified during the import" in error.describe("en")
    assert _rows_per_table(db_url) == before  # no fact, audit entry, batch or cell of the import stayed


def test_the_command_names_the_file_in_chinese_or_english(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _folder(tmp_path)
    scores = data / "scores.csv"
    _between_passes(monkeypatch, lambda: _other_score(scores))
    zh = CliRunner().invoke(app, ["--lang", "zh", "import", str(data), "--db", db_url, "--actor", "a"])
    assert zh.exit_code == 2, zh.output
    assert f"{scores}：文件在导入过程中被修改" in zh.output and "未导入任何内容" in zh.output
    en = CliRunner().invoke(app, ["--lang", "en", "import", str(data), "--db", db_url, "--actor", "a"])
    assert en.exit_code == 2, en.output
    assert f"{scores}: the file was modified during the import" in en.output
    assert _rows_per_table(db_url)["scores"] == 0


def test_an_unchanged_file_still_imports(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _folder(tmp_path)
    _between_passes(monkeypatch, lambda: None)
    report = import_data(open_store(db_url), data, actor="a")
    assert report.file("scores").status == IMPORTED and report.file("scores").inserted > 0
    assert _rows_per_table(db_url)["scores"] == report.file("scores").inserted


def test_a_workbook_is_read_once_so_its_file_changing_meanwhile_changes_nothing(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both passes read the sheets held in memory: the rows written are the rows checked, whatever the file
    on disk becomes (here: saved again with a score changed)."""
    data = _folder(tmp_path)
    book = tmp_path / "city.xlsx"
    write_xlsx(data, book)

    def saved_with_another_score() -> None:
        _other_score(data / "scores.csv")
        write_xlsx(data, book)

    _between_passes(monkeypatch, saved_with_another_score)
    report = import_data(open_store(db_url), book, actor="a")
    assert report.file("scores").status == IMPORTED
    factory = open_store(db_url)
    try:
        with factory() as s:
            points = {float(v) for v in s.scalars(select(ScoreRow.score).where(ScoreRow.source == "市城管局"))}
    finally:
        close_store(factory)
    assert 140.0 in points and 99.0 not in points  # what was read (and checked) before the file changed
