"""kaoping rectify list / supervise (issue #17) on a store of examples/district-onsite, on SQLite and PostgreSQL:
on 2024-06-01 the open notices are P1 (due 02-22), P4 (04-09), P2 (05-17), all overdue; supervise sends three,
then none."""

from __future__ import annotations

from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.store.db import close_store
from store_testing import example_store


def test_list_and_supervise(db_url: str) -> None:
    close_store(example_store(db_url, "district-onsite"))
    runner = CliRunner()
    base = ["--scheme", "district-onsite", "--on", "2024-06-01", "--db", db_url]
    listed = runner.invoke(app, ["rectify", "list", *base])
    assert listed.exit_code == 0, listed.output
    rows = [line.split("\t")[:4] for line in listed.stdout.strip().splitlines()]
    assert rows == [
        ["u1", "P1", "2024-02-10", "2024-02-22"],
        ["u3", "P4", "2024-04-01", "2024-04-09"],
        ["u2", "P2", "2024-05-12", "2024-05-17"],
    ]
    sent = runner.invoke(app, ["rectify", "supervise", *base, "--actor", "考评办"])
    assert sent.exit_code == 0 and "已转督办 3 件" in sent.stdout
    again = runner.invoke(app, ["rectify", "supervise", *base])
    assert "已转督办 0 件" in again.stdout
    assert "已转督办 2024-06-01" in runner.invoke(app, ["rectify", "list", *base]).stdout
