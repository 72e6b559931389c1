"""`kaoping plan create/draw/reveal/verify` on a store: the committed SHA-256 is printed before the draw, the
seed revealed after the month hashes to it, and `verify` re-runs the same draw (exit 0; 1 when tampered)."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import update
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.store.db import open_store, transaction
from kaoping.store.plan_tables import InspectionPlanRow


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, ["--lang", "zh", "plan", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_commit_print_draw_reveal_verify(db_url: str) -> None:
    created = _run(
        *("create", "--scheme", "nansha", "--period", "2024-06", "--name", "6月暗检", "--part", "暗检"),
        *("--visit", "unannounced", "--frequency", "monthly", "--per-month", "2", "--teams", "2", "--team-size", "1"),
        *("--actor", "考评办", "--db", db_url),
    )
    plan_id = re.search(r"检查计划 (\d+) 已创建", created)
    committed = re.search(r"种子 SHA-256（抽签前公布）：([0-9a-f]{64})", created)
    assert plan_id and committed, created
    drawn = _run("draw", plan_id[1], "--units", "ns,zj,hg,dc,dg", "--inspectors", "甲,乙,丙", "--db", db_url)
    assert f"种子 SHA-256：{committed[1]}" in drawn
    assert drawn.count("第1轮") + drawn.count("第2轮") == 5  # five units, one visit each over two rounds
    revealed = _run("reveal", plan_id[1], "--db", db_url)  # June 2024 is over
    seed = re.search(r"种子：([0-9a-f]{64})", revealed)
    assert seed and hashlib.sha256(seed[1].encode()).hexdigest() == committed[1]
    assert "抽签核验通过" in _run("verify", plan_id[1], "--db", db_url)
    factory = open_store(db_url)
    with transaction(factory) as s:  # the recorded draw edited behind the application's back
        s.execute(update(InspectionPlanRow).values(draw_digest="0" * 64))
    factory.kw["bind"].dispose()
    result = CliRunner().invoke(app, ["--lang", "zh", "plan", "verify", plan_id[1], "--db", db_url])
    assert result.exit_code == 1
    assert "按公开种子重抽的结果与记录的抽签结果不同" in result.output


def test_reveal_refused_before_the_month_is_over(db_url: str) -> None:
    created = _run(
        *("create", "--scheme", "nansha", "--period", "2099-01", "--name", "n", "--part", "明检"), "--db", db_url
    )
    plan_id = re.search(r"检查计划 (\d+) 已创建", created)
    assert plan_id
    _run("draw", plan_id[1], "--units", "ns", "--inspectors", "甲,乙", "--db", db_url)
    result = CliRunner().invoke(app, ["--lang", "zh", "plan", "reveal", plan_id[1], "--db", db_url])
    assert result.exit_code == 2 and "尚未结束" in result.output


def test_create_refuses_a_part_that_is_not_a_checklist(db_url: str) -> None:
    args = ["create", "--scheme", "nansha", "--period", "2024-06", "--name", "n", "--part", "夜检", "--db", db_url]
    result = CliRunner().invoke(app, ["--lang", "zh", "plan", *args])
    assert result.exit_code == 2 and "“夜检”不是方案 nansha 的扣分项目；应为 明检、暗检" in result.output
    ok = _run(*args[:-3], "暗检表", "--db", db_url)  # an alias names the part
    assert "已创建" in ok
