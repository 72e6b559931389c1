"""`kaoping import` racing a single-row write: a transaction the database ends for a colliding writer
(PostgreSQL's deadlock or serialization failure, SQLite's busy timeout) is tried again, a bounded number of
times; when it never gets through, the CLI exits 2 with a Chinese message, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from psycopg import errors
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.app import import_cells
from kaoping.app import imports as importer
from kaoping.app.imports import IMPORT_ATTEMPTS, IMPORTED, ImportBusy, import_data
from kaoping.cli import app
from kaoping.store.db import close_store, open_store
from kaoping.store.tables import AuditEntry, ImportBatch, ScoreRow

CITY = EXAMPLES / "city-1000"
runner = CliRunner()


def _wrapped() -> Exception:
    """A deadlock as SQLAlchemy raises it (an UPDATE or INSERT through the session)."""
    return OperationalError("UPDATE scores ...", {}, errors.DeadlockDetected("deadlock detected"))


def _raw() -> Exception:
    """A serialization failure as psycopg raises it on the raw connection (the COPY of new rows)."""
    return errors.SerializationFailure("could not serialize access due to concurrent update")


def _collide(
    monkeypatch: pytest.MonkeyPatch, times: int | None, error: Callable[[], Exception] = _wrapped
) -> list[str]:
    """Make writing scores fail as a deadlock victim ``times`` times (None: every time); returns the calls."""
    real = import_cells.write_facts
    calls: list[str] = []

    def colliding(session: Any, kind: str, *args: Any, **kw: Any) -> Any:
        if kind == "scores":
            calls.append(kind)
            if times is None or len(calls) <= times:
                raise error()
        return real(session, kind, *args, **kw)

    monkeypatch.setattr(import_cells, "write_facts", colliding)
    monkeypatch.setattr(importer, "RETRY_DELAYS", (0.0,) * (IMPORT_ATTEMPTS - 1))
    return calls


def _counts(url: str) -> tuple[int, int, int]:
    factory = open_store(url)
    try:
        with factory() as s:
            rows = s.scalar(select(func.count()).select_from(ScoreRow)) or 0
            batches = s.scalar(select(func.count()).select_from(ImportBatch)) or 0
            audit = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
    finally:
        close_store(factory)
    return rows, batches, audit


@pytest.mark.parametrize("error", [_wrapped, _raw], ids=["sqlalchemy", "driver"])
def test_a_deadlock_victim_is_imported_on_the_next_attempt(
    db_url: str, monkeypatch: pytest.MonkeyPatch, error: Callable[[], Exception]
) -> None:
    calls = _collide(monkeypatch, times=2, error=error)
    result = runner.invoke(app, ["import", str(CITY), "--db", db_url, "--actor", "tester"])
    assert result.exit_code == 0, result.output
    assert calls == ["scores", "scores", "scores"]
    # the failed attempt left nothing: one batch per file, one audit entry set, as a clean import makes
    assert _counts(db_url) == (81, 3, 12)


def test_an_import_that_never_gets_through_exits_2_in_chinese(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _collide(monkeypatch, times=None)
    result = runner.invoke(app, ["import", str(CITY), "--db", db_url, "--actor", "tester"])
    assert result.exit_code == 2
    assert "数据库正忙" in result.stderr and f"已尝试 {IMPORT_ATTEMPTS} 次" in result.stderr
    assert "未导入任何内容" in result.stderr and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(calls) == IMPORT_ATTEMPTS
    assert _counts(db_url) == (0, 0, 0)


def test_the_use_case_says_busy_and_a_later_import_writes_everything(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _collide(monkeypatch, times=None)
    factory = open_store(db_url)
    try:
        with pytest.raises(ImportBusy) as raised:
            import_data(factory, CITY, actor="a")
        assert raised.value.attempts == IMPORT_ATTEMPTS
        monkeypatch.undo()
        assert import_data(factory, CITY, actor="a").file("scores").status == IMPORTED  # not "already imported"
    finally:
        close_store(factory)


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("INSERT ...", {}, Exception("violates check constraint")),
        errors.UniqueViolation("duplicate key value violates unique constraint"),
        RuntimeError("deadlock detected"),  # the words alone, not from the database
    ],
    ids=["integrity", "driver-unique", "not-the-database"],
)
def test_other_errors_are_not_retried(db_url: str, monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """Only a collision is worth another try: a broken constraint would fail the same way every time."""
    calls: list[str] = []

    def broken(session: Any, kind: str, *args: Any, **kw: Any) -> Any:
        calls.append(kind)
        raise error

    monkeypatch.setattr(import_cells, "write_facts", broken)
    factory = open_store(db_url)
    try:
        with pytest.raises(type(error)):
            import_data(factory, CITY, actor="a")
    finally:
        close_store(factory)
    assert calls == ["units"]


RAISE_DEADLOCK = "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40P01', MESSAGE = 'deadlock detected'; END $$"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # the server's own error, PostgreSQL only
@pytest.mark.parametrize("through", ["session", "driver"])
def test_postgresql_aborting_the_transaction_is_rolled_back_and_retried(
    db_url: str, monkeypatch: pytest.MonkeyPatch, through: str
) -> None:
    """The server itself ends the transaction as a deadlock victim (SQLSTATE 40P01), through the session or
    on the raw connection as the COPY runs: the attempt is rolled back and the next one imports everything."""
    real = import_cells.write_facts
    calls: list[str] = []

    def aborted(session: Any, kind: str, *args: Any, **kw: Any) -> Any:
        if kind == "scores":
            calls.append(kind)
            if len(calls) == 1:
                if through == "session":
                    session.execute(text(RAISE_DEADLOCK))
                else:
                    session.connection().connection.driver_connection.execute(RAISE_DEADLOCK)
        return real(session, kind, *args, **kw)

    monkeypatch.setattr(import_cells, "write_facts", aborted)
    monkeypatch.setattr(importer, "RETRY_DELAYS", (0.0,) * (IMPORT_ATTEMPTS - 1))
    result = runner.invoke(app, ["import", str(CITY), "--db", db_url, "--actor", "tester"])
    assert result.exit_code == 0, result.output
    assert calls == ["scores", "scores"]
    assert _counts(db_url) == (81, 3, 12)
