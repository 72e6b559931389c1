"""kaoping case-flow (issue #17) on SQLite and PostgreSQL: a pending 垃圾箱 intake listed, registered, listed for
dispatch with the handbook's hwc, dispatched (another unit needs --reason), fed back (by the unit, through the
use case) and verified from the command line."""

from __future__ import annotations

from datetime import datetime

from typer.testing import CliRunner

from db_testing import opened_store
from images_testing import image
from kaoping.app import case_flow as flow
from kaoping.app.policy import Principal
from kaoping.cli import app
from kaoping.roles import Role
from kaoping.store.db import transaction
from kaoping.store.tables import Unit

ACCEPTOR = Principal(username="shouli", role=Role.ACCEPTOR)


def test_the_centres_steps_from_the_command_line(db_url: str) -> None:
    with opened_store(db_url) as factory:
        with transaction(factory) as s:
            s.add_all([Unit(unit_id=u, name=n, group="地市") for u, n in (("center", "指挥中心"), ("hwc", "环卫处"))])
        with factory() as s:
            case_id = flow.take_in(
                s, ACCEPTOR, flow.NewIntake("center", "component", "垃圾箱"), datetime(2025, 2, 7, 9)
            ).case_id
        runner = CliRunner()
        db = ["--db", db_url]
        listed = runner.invoke(app, ["case-flow", "queue", "intake", *db])
        assert listed.exit_code == 0, listed.output
        assert [line.split("\t")[:4] for line in listed.stdout.splitlines()] == [
            [case_id, "center", "垃圾箱", "信息收集"]
        ]
        assert "已立案" in runner.invoke(app, ["case-flow", "register", case_id, *db, "--actor", "受理员甲"]).stdout
        waiting = runner.invoke(app, ["case-flow", "queue", "dispatch", *db]).stdout
        assert waiting.rstrip("\n").split("\t")[-1] == "市环境卫生管理处（1 个工作日）"
        refused = runner.invoke(app, ["case-flow", "dispatch", case_id, "--unit", "center", *db])
        assert refused.exit_code == 2 and "须说明理由" in refused.output
        assert runner.invoke(app, ["case-flow", "dispatch", case_id, "--unit", "hwc", *db]).exit_code == 0
        with factory() as s:
            unit = Principal(username="hwc", role=Role.UNIT, unit_id="hwc")
            flow.feedback(s, unit, case_id, "", [flow.Photo("p.png", image("PNG", (40, 40)))], datetime(2025, 2, 8, 9))
        assert runner.invoke(app, ["case-flow", "verify", case_id, "--fail", *db]).exit_code == 2  # a note is needed
        failed = runner.invoke(app, ["case-flow", "verify", case_id, "--fail", "--note", "仍破损", *db])
        assert failed.exit_code == 0 and f"案卷 {case_id} 现为 dispatched" in failed.stdout
        todo = runner.invoke(app, ["case-flow", "queue", "todo", *db]).stdout
        assert todo.split("\t")[:2] == [case_id, "hwc"] and todo.rstrip("\n").split("\t")[5] == "1"
