"""Entry checks through `kaoping import` (issue 12, point 3), on SQLite and PostgreSQL: the 2031 typo fails
the import even with --confirm; the 250-point deduction and the 23:45 entry fail it until it is run again
with --confirm --reason, whose reason goes into the audit trail of every row written."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from entry_checks_testing import (
    APPEARANCE,
    CASES,
    COLUMN,
    HEADER,
    REFUSED,
    SCHEME,
    audit_reasons,
    confirmed_events,
    deduction,
)
from kaoping.cli import app
from kaoping.store.db import open_store
from kaoping.store.tables import DeductionRow

runner = CliRunner()


def _folder(tmp_path: Path, rows: list[dict[str, Any]]) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(APPEARANCE / "units.csv", folder / "units.csv")
    with (folder / "deductions.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return folder


def _import(folder: Path, url: str, *extra: str) -> Any:
    return runner.invoke(app, ["import", str(folder), "--db", url, "--scheme", SCHEME, "--actor", "tester", *extra])


def _rows(url: str) -> int:
    with open_store(url)() as s:
        return int(s.scalar(select(func.count()).select_from(DeductionRow)) or 0)


@pytest.mark.parametrize("case", list(CASES))
def test_import_refuses_or_asks_for_confirmation(db_url: str, tmp_path: Path, case: str) -> None:
    folder = _folder(tmp_path, [deduction(), deduction(**CASES[case], problem="第二行")])
    first = _import(folder, db_url)
    assert first.exit_code == 2 and _rows(db_url) == 0
    assert "deductions.csv" in first.stderr and f"第 3 行，列“{COLUMN[case]}”" in first.stderr
    if case in REFUSED:
        assert "考评年度" in first.stderr
        confirmed = _import(folder, db_url, "--confirm", "--reason", "确认")
        assert confirmed.exit_code == 2 and _rows(db_url) == 0, "a refusal can never be confirmed"
        return
    assert "--confirm --reason" in first.stderr
    no_reason = _import(folder, db_url, "--confirm")
    assert no_reason.exit_code == 2 and "--reason" in no_reason.stderr and _rows(db_url) == 0
    reason = f"命令行确认 {case}"
    done = _import(folder, db_url, "--confirm", "--reason", reason)
    assert done.exit_code == 0, done.stderr
    assert _rows(db_url) == 2
    reasons = audit_reasons(open_store(db_url))
    # the two rows are one batch: its one `import` entry carries the reason
    assert len(reasons) == 1 and all(reason in r and r.startswith("import ") for r in reasons)
    [event] = confirmed_events(open_store(db_url))
    assert event.actor == "tester" and event.table_name == "import" and reason in event.reason
    assert event.after["total"] == 1 and "deductions.csv 3" in event.after["warnings"][0]


def test_an_import_without_problems_is_audited_as_before(db_url: str, tmp_path: Path) -> None:
    done = _import(_folder(tmp_path, [deduction()]), db_url)
    assert done.exit_code == 0, done.stderr
    [reason] = audit_reasons(open_store(db_url))
    assert reason.startswith("import ") and "确认" not in reason
