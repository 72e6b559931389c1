"""`kaoping cases metrics --period 2019-W15` and `--from/--to`: a week's and a date range's case metrics,
hand-worked on four cases dispatched around the week's edges (the month rule: from the first midnight up to,
not including, the midnight after the last day)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kaoping.cli import app

runner = CliRunner()

HEADER = "case_id,unit_id,kind,category,reported_at,dispatched_at,deadline,disposed_at,closed_at,rework_count"
HEADER += ",department"
# A: Sunday of W14, 23:59 — disposed and closed on the Monday, in time.
# B: Monday of W15, 00:00 — disposed 12:00 (deadline next day), closed 13:00.
# C: Sunday of W15, 23:59 — disposed and closed on Monday of W16 (in time for its deadline, after the week).
# D: Monday of W16, 00:00 — neither disposed nor closed.
CASES = """A,u1,event,x,2019-04-07 23:50,2019-04-07 23:59,2019-04-08 12:00,2019-04-08 09:00,2019-04-08 10:00,0,环卫处
B,u1,event,x,2019-04-07 23:55,2019-04-08 00:00,2019-04-09 00:00,2019-04-08 12:00,2019-04-08 13:00,0,环卫处
C,u1,event,x,2019-04-14 23:50,2019-04-14 23:59,2019-04-16 00:00,2019-04-15 09:00,2019-04-15 10:00,0,环卫处
D,u1,event,x,2019-04-14 23:58,2019-04-15 00:00,2019-04-17 00:00,,,0,环卫处
"""


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "units.csv").write_text("unit_id,name,group,reward_eligible\nu1,环卫处,部门,是\n", encoding="utf-8")
    (data / "cases.csv").write_text(f"{HEADER}\n{CASES}", encoding="utf-8")
    return data


def _department(tmp_path: Path, *when: str) -> tuple[str, dict[str, object]]:
    args = ["cases", "metrics", "--data", str(_data(tmp_path)), "--level", "department", "--format", "json", *when]
    got = runner.invoke(app, args)
    assert got.exit_code == 0, got.output
    doc = json.loads(got.stdout)
    (row,) = doc["levels"]["department"]
    return doc["period"], row


def test_a_weeks_case_metrics_count_the_cases_dispatched_monday_to_sunday(tmp_path: Path) -> None:
    # W15 holds B and C: 应处置数 2; B disposed in time and closed in the week; C both after the week ended:
    # 按期处置数 1 → 0.5, 结案数 1 → 结案率 0.5 (rates are fractions here).
    period, row = _department(tmp_path, "--period", "2019-W15")
    assert period == "2019-W15"
    assert (row["应处置数"], row["按期处置数"], row["结案数"], row["结案率"], row["按期处置率"]) == (2, 1, 1, 0.5, 0.5)
    _, chinese = _department(tmp_path, "--period", "2019年第15周")
    assert chinese == row


def test_from_to_counts_the_days_given_both_included(tmp_path: Path) -> None:
    # 2019-04-07 to 2019-04-15 holds all four; A, B, C disposed in time and closed before 04-16: 3 of 4 → 0.75.
    period, row = _department(tmp_path, "--from", "2019-04-07", "--to", "2019-04-15")
    assert period == "2019-04-07/2019-04-15"
    assert (row["应处置数"], row["按期处置数"], row["结案数"], row["结案率"]) == (4, 3, 3, 0.75)


def test_months_still_work_and_bad_spans_exit_2_in_chinese(tmp_path: Path) -> None:
    period, row = _department(tmp_path, "--period", "2019-04")
    assert period == "2019-04" and row["应处置数"] == 4
    data = str(_data(tmp_path / "again"))
    base = ["cases", "metrics", "--data", data, "--level", "department"]
    for extra, why in [
        (["--period", "2019-W53"], "2019 年没有第 53 周"),
        (["--period", "2019-W15", "--from", "2019-04-01", "--to", "2019-04-02"], "只能给一种"),
        (["--from", "2019-04-01"], "同时给出 --from 和 --to"),
        ([], "同时给出 --from 和 --to"),
        (["--from", "2019-04-09", "--to", "2019-04-08"], "早于"),
        (["--period", "2019-13"], "ISO 周 YYYY-Www"),
    ]:
        got = runner.invoke(app, [*base, *extra])
        assert got.exit_code == 2 and why in got.output, (extra, got.output)
