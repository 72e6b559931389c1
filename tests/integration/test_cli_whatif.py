"""`kaoping whatif` on city-1000: one weight of the 1000-point plan changed (部门考评's 300 points → 275) names
the movers, by how much, and the rule — numbers worked by hand from examples/city-1000 (2024-Q2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.scheme import builtin_text

CITY = EXAMPLES / "city-1000"


def draft(tmp_path: Path, *, name: str = "city-1000", points: str = "275") -> Path:
    text = builtin_text("city-1000")
    assert text is not None and text.count("    max: 300\n") == 1
    path = tmp_path / f"{name}-draft.yaml"
    path.write_text(
        text.replace("    max: 300\n", f"    max: {points}\n").replace("scheme: city-1000", f"scheme: {name}")
    )
    return path


def whatif(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["whatif", *args])
    assert result.exit_code == 0 or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def movers(doc: dict[str, object], period: int = 0) -> dict[str, dict[str, object]]:
    return {m["unit_id"]: m for m in doc["periods"][period]["movers"]}  # type: ignore[index]


def test_one_weight_changed_names_the_movers_and_the_rule(tmp_path: Path) -> None:
    code, out, err = whatif(
        "--scheme", str(draft(tmp_path)), "--against", "city-1000", "--data", str(CITY), "--period", "2024-Q2", "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert [c["text"] for c in doc["changes"]] == ["部门考评.max（满分/上限）：300 → 275"]
    found = movers(doc)
    # 部门考评 above 275 in 2024-Q2: 乙区 d2 150 + 130 = 280 and 子县 c1 140 + 140 = 280 (甲区 d1: mean(140,150)
    # + 130 = 275, not above).  乙区 910 → 905 (280 + 150 + 480 → 275 + 150 + 480) falls from a shared 2nd with
    # 丙区 (910) to 3rd; 子县 910 → 905 stays first of 第二组.  丙区 keeps 910 and rank 2, but now alone:
    # its reward goes from 300,000 (tied with the disqualified 乙区) to 800,000, the whole 2nd tier.
    assert set(found) == {"d2", "c1", "d3"}
    d2, c1, d3 = found["d2"], found["c1"], found["d3"]
    assert (d2["rank_before"], d2["rank_after"], d2["total_before"], d2["total_after"]) == (2, 3, 910.0, 905.0)
    assert (c1["rank_before"], c1["rank_after"], c1["total_change"]) == (1, 1, -5.0)
    assert (d3["rank_before"], d3["rank_after"], d3["total_change"]) == (2, 2, 0.0)
    assert (d3["reward_before"], d3["reward_after"]) == (300_000, 800_000)
    reason = d2["reasons"][0]
    assert (reason["cause"], reason["name"], reason["before"], reason["after"]) == ("part", "部门考评", 280.0, 275.0)
    assert [r["path"] for r in reason["rules"]] == ["部门考评.max"]
    assert [r["cause"] for r in d3["reasons"]] == ["reward"] and d3["reasons"][0]["rules"] == []


def test_the_table_names_the_mover_and_the_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kaoping.commands import whatif_cmds

    monkeypatch.setattr(whatif_cmds, "_to_terminal", lambda: True)
    args = ("--scheme", str(draft(tmp_path)), "--against", "city-1000", "--data", str(CITY))
    code, out, err = whatif(*args, "--period", "2024-Q2", "--period", "2024")
    assert code == 0, err
    assert "部门考评.max（满分/上限）：300 → 275" in out
    assert "2024-Q2 试算：3 个单位变动（共 10 个）" in out and "2024 试算：2 个单位变动（共 10 个）" in out
    assert "乙区（d2）：部门考评 −5（部门考评.max（满分/上限）：300 → 275）" in out
    assert "丙区（d3）：经济奖惩 +500,000 元（随名次与并列的变化，奖惩规则未改）" in out


def test_the_table_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kaoping.commands import whatif_cmds

    monkeypatch.setattr(whatif_cmds, "_to_terminal", lambda: True)
    args = ("--scheme", str(draft(tmp_path)), "--against", "city-1000", "--data", str(CITY), "--period", "2024-Q2")
    code, out, err = whatif("--lang", "en", *args)
    assert code == 0, err
    assert "2024-Q2 what-if: 3 unit(s) move (of 10)" in out
    assert "乙区 (d2): 部门考评 −5 (部门考评.max: 300 → 275)" in out
    assert "丙区 (d3): reward +500,000 yuan (follows the rank and ties; reward rules unchanged)" in out


def test_against_a_scheme_kept_in_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    imported = CliRunner().invoke(app, ["import", str(CITY), "--db", url, "--actor", "test"])
    assert imported.exit_code == 0, imported.output
    from kaoping.store.db import close_store, open_store
    from kaoping.store.publishing import store_scheme

    kept = draft(tmp_path, name="city-1000-old", points="300")  # the scheme as it was, kept under its name
    factory = open_store(url)
    with factory() as session:
        store_scheme(session, str(kept), actor="test")
        session.commit()
    close_store(factory)
    kept.unlink()  # only the store has it now
    code, out, err = whatif(
        "--scheme", str(draft(tmp_path)), "--against", "city-1000-old", "--db", url, "--period", "2024-Q2", "--json"
    )
    assert code == 0, err
    assert set(movers(json.loads(out))) == {"d2", "c1", "d3"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--against", "no-such-scheme", "--period", "2024-Q2"], "no-such-scheme"),
        (["--against", "city-1000", "--period", "2024-13"], "--period"),
        (["--against", "city-1000", "--period", "2024-03"], "--period"),  # city-1000 has no months
    ],
)
def test_bad_input_exits_2_with_its_message(tmp_path: Path, args: list[str], message: str) -> None:
    code, out, err = whatif("--scheme", str(draft(tmp_path)), "--data", str(CITY), *args)
    assert code == 2 and out == ""
    assert message in err
