"""`kaoping report --format xlsx` as an office opens it: the ranking sheets must say exactly what the
engine's JSON says, the pivot must add up to the deductions, and the sheets must be usable (frozen
header, a chart).  The command runs registered on a fresh Typer app, as the CLI wiring will do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.app.bulletins import bulletin_data
from kaoping.app.scoring import score_folder
from kaoping.commands import report_cmds
from kaoping.io.readers import read_facts
from kaoping.output.document import result_document
from kaoping.scheme import load_scheme

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    report_cmds.register(app)

    @app.command()
    def _other() -> None:  # a second command keeps `report` a named subcommand, as in the real CLI
        """Unused."""

    return app


def _report(*args: str) -> tuple[int, str]:
    result = runner.invoke(_app(), ["report", *args])
    return result.exit_code, result.stderr


def _write(tmp_path: Path, scheme: str, period: str) -> Path:
    out = tmp_path / f"{scheme}-{period}.xlsx"
    code, err = _report("--scheme", scheme, "--data", str(EXAMPLES / scheme), "--period", period, "--out", str(out))
    assert code == 0, err
    return out


@pytest.mark.parametrize(("scheme", "period"), [("district-onsite", "2024-05"), ("city-1000", "2024-Q2")])
def test_group_sheets_equal_the_engine_json(tmp_path: Path, scheme: str, period: str) -> None:
    book = openpyxl.load_workbook(_write(tmp_path, scheme, period))
    _, result = score_folder(scheme, EXAMPLES / scheme, period)
    doc = result_document(load_scheme(scheme), result)
    for group in doc["groups"]:
        ws = book[group["group"][:31]]
        header = [c.value for c in ws[1]]
        col = {name: header.index(name) for name in ("名次", "单位编号", "单位", "总分", "奖惩(元)", "标记")}
        rows: list[tuple[Any, ...]] = list(ws.iter_rows(min_row=2, max_row=1 + len(group["ranking"]), values_only=True))
        for row, unit in zip(rows, group["ranking"], strict=True):
            assert row[col["名次"]] == unit["rank"]
            assert row[col["单位编号"]] == unit["unit_id"]
            assert row[col["单位"]] == unit["unit"]
            assert row[col["总分"]] == pytest.approx(unit["total"])
            assert row[col["奖惩(元)"]] == unit["reward"]
            assert (row[col["标记"]] or "") == " ".join(unit["flags"])
            for part, value in unit["parts"].items():
                assert row[header.index(part)] == pytest.approx(value)
        assert ws.freeze_panes == "D2"
        assert ws._charts, f"no chart on {ws.title}"


def test_flags_read_in_chinese_by_the_scheme_labels(tmp_path: Path) -> None:
    """commended has the scheme's label (表彰奖励); supervision the built-in name (督导); codes stay in 标记."""
    ws = openpyxl.load_workbook(_write(tmp_path, "appearance-management", "2024-Q1"))["各区"]
    header = [c.value for c in ws[1]]
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, max_row=4, values_only=True)}
    assert rows["b2"][header.index("问责标记")] == "表彰奖励" and rows["b2"][header.index("标记")] == "commended"
    assert rows["b1"][header.index("问责标记")] == "督导"


def test_pivot_adds_up_to_the_deductions(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_write(tmp_path, "district-onsite", "2024-05"))
    ws = book["扣分汇总"]
    assert ws.freeze_panes == "C2"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    body, total = rows[:-1], rows[-1]
    assert total[0] == "合计"
    may = read_facts(EXAMPLES / "district-onsite").deductions.filter(pl.col("date").dt.month() == 5)
    assert may["points"].sum() == pytest.approx(44.5)
    assert sum(r[-2] for r in body) == pytest.approx(44.5)
    assert total[-2] == pytest.approx(44.5)
    assert total[-1] == may.height == 7
    header = [c.value for c in ws[1]]
    u2 = header.index("区市容环卫中心")
    assert total[u2] == pytest.approx(37)  # 15 + 10 + 12
    for r in body:  # each row's units add up to its 合计
        assert sum(v for v in r[2:-2] if v is not None) == pytest.approx(r[-2])


def test_reason_overdue_and_metric_sheets(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_write(tmp_path, "district-onsite", "2024-05"))
    assert book.sheetnames == ["责任单位", "扣分汇总", "扣分原因", "重复问题", "整改超期", "案卷指标"]
    reasons = list(book["扣分原因"].iter_rows(min_row=2, values_only=True))
    u2 = [r for r in reasons if r[1] == "u2"]
    assert u2[0][5:] == ("垃圾清运", "垃圾桶满溢", 2, 25, "是")
    overdue = list(book["整改超期"].iter_rows(min_row=2, values_only=True))
    assert overdue[0][:3] == ("P1", "u1", "城东街道办事处") and overdue[0][-1] == 112
    metrics = {r[0]: r for r in book["案卷指标"].iter_rows(min_row=2, values_only=True)}
    assert sorted(metrics) == ["u1", "u4"]
    for name in book.sheetnames:
        assert book[name].freeze_panes is not None


def test_bulletin_data_previous_and_metrics() -> None:
    data = bulletin_data("city-appearance", "2024-07", data=EXAMPLES / "city-appearance")
    assert data.previous is None  # no data in June
    assert data.metrics is None  # no cases
    onsite = bulletin_data("district-onsite", "2024-05", data=EXAMPLES / "district-onsite")
    assert onsite.previous is not None and onsite.previous.period == "2024-04"


def test_no_metrics_sheet_without_cases(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_write(tmp_path, "city-appearance", "2024-07"))
    assert "案卷指标" not in book.sheetnames
    assert [n for n in book.sheetnames if n.startswith("第")] == ["第一系列", "第二系列", "第三系列", "第四系列"]


def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    data = str(EXAMPLES / "district-onsite")
    code, err = _report("--scheme", "district-onsite", "--data", data, "--period", "2024-13", "--out", str(out))
    assert code == 2 and "--period" in err
    code, err = _report("--scheme", "district-onsite", "--data", data, "--period", "2024-Q2", "--out", str(out))
    assert code == 2 and "只评月度考评期" in err  # the scheme evaluates months only
    code, err = _report(
        "--scheme", "district-onsite", "--data", str(tmp_path / "nope"), "--period", "2024-05", "--out", str(out)
    )
    assert code == 2
    code, err = _report("--scheme", "district-onsite", "--period", "2024-05", "--out", str(out))
    assert code == 2 and "--data" in err
    code, err = _report(
        "--scheme", "district-onsite", "--data", data, "--period", "2024-05", "--out", str(tmp_path / "r.doc")
    )
    assert code == 2 and "--format" in err
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "units.csv").write_text("unit_id,name,group\nu1,城东街道办事处,责任单位\n", encoding="utf-8")
    (bad / "deductions.csv").write_text(
        "date,unit_id,part,item,points\n2024-05-40,u1,日常考评,道路保洁,3\n", encoding="utf-8"
    )
    code, err = _report("--scheme", "district-onsite", "--data", str(bad), "--period", "2024-05", "--out", str(out))
    assert code == 2 and "deductions.csv" in err
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))
