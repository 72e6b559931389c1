"""The command line reads Chinese first (issue 15): help, messages, tables, explanations and the Excel it
writes; English with ``--lang en`` or ``KAOPING_LANG=en``; flag codes stay in the JSON, their names beside.

The zh checks fail on any ASCII word of four letters or more that is not a code, a name of a format or
tool, an option, an environment variable or a path: a new English help text or message shows up here.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import typer.main
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.commands.lang import catalog, current, from_argv, help_texts, set_lang, t, without_lang
from kaoping.engine.phrases import Lang

CITY = EXAMPLES / "city-1000"
SRC = Path(__file__).resolve().parents[2] / "src" / "kaoping"
runner = CliRunner()

ALLOWED = {
    # formats, tools and products named as they are typed
    "json",
    "table",
    "xlsx",
    "yaml",
    "sqlite",
    "parquet",
    "polars",
    "spark",
    "duckdb",
    "python",
    "calamine",
    "openpyxl",
    "postgresql",
    "kaoping",
    "excel",
    "ctrl",
    "local",
    "http",
    "https",
    # codes a user types: roles, levels, scheme names, ids, placeholders
    "admin",
    "department",
    "inspector",
    "third_party",
    "unit",
    "public",
    "acceptor",
    "dispatcher",
    "supervisor",
    "region",
    "post",
    "grid",
    "shift_lead",
    "unit_id",
    "name",
    "group",
    "city",
    "demo",
    "jinchuan",
    "file",
    "true",
    "false",
    # argument names in usage lines, each explained in Chinese beside it
    "source",
    "target",
    "username",
    "case_id",
    "which",
    # the work lists of `kaoping case-flow queue`, typed as they are
    "intake",
    "dispatch",
    "todo",
    # values of `kaoping grades --kind`, typed as they are
    "honors",
    "performance",
}
"""Words allowed in Chinese output: what a user types or reads as a code, never prose."""
CODE_LIKE = re.compile(
    r"--[\w-]+"  # options
    r"|`[^`]*`"  # commands quoted in help
    r"|\$?\b[A-Z][A-Z0-9_]{3,}\b"  # environment variables, YYYY-MM-DD, FILE, DIR
    r"|[\w./:<>=*\[\]-]*\.(?:db|xlsx|csv|yaml|pdf|parquet)\b"  # files
    r"|\b[\w-]+://\S*"  # URLs
    r"|\b[a-z]+(?:-[a-z0-9]+)+\b"  # scheme names such as city-1000, demo-city
    r"|<[^>]*>"  # metavars: <str>, <path>, <json|table|xlsx>
    r"|\broot\b"  # the program's name under the test runner
)


def english_words(text: str) -> set[str]:
    """ASCII words of four letters or more that are not codes, names of tools or paths."""
    words = re.findall(r"[A-Za-z_]{4,}", CODE_LIKE.sub(" ", text))
    return {w for w in words if w.lower() not in ALLOWED}


def commands(command: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from commands(sub, (*path, name))


ALL_COMMANDS = list(commands(typer.main.get_command(app)))
ALLOWED |= {name for path in ALL_COMMANDS for name in path}  # command names are typed as they are


def test_every_help_text_has_its_english() -> None:
    missing = [text for text in help_texts(typer.main.get_command(app)) if text not in catalog()]
    assert not missing


def _t_literals() -> Iterator[tuple[str, str]]:
    files = [SRC / "cli.py", SRC / "output" / "table.py", SRC / "demo" / "console.py"]
    files += sorted((SRC / "commands").glob("*.py"))
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            is_t = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
            if is_t and node.args and isinstance(node.args[0], ast.Constant):
                yield file.name, str(node.args[0].value)


def test_every_message_has_its_english() -> None:
    texts = list(_t_literals())
    assert len(texts) > 20  # the scan finds the messages: an empty scan would pass anything
    assert [(file, text) for file, text in texts if text not in catalog()] == []


def test_catalogue_placeholders_match() -> None:
    for zh, en in catalog().items():
        assert set(re.findall(r"\{(\w*)\}", zh)) == set(re.findall(r"\{(\w*)\}", en)), zh


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "kaoping")
def test_help_is_chinese(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"KAOPING_LANG": ""}, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert english_words(result.output) == set(), result.output


@pytest.mark.parametrize(
    ("before", "after", "env"),
    [(["--lang", "en"], [], ""), (["--lang=en"], [], ""), ([], ["--lang", "en"], ""), ([], [], "en")],
)
def test_help_in_english_on_asking(before: list[str], after: list[str], env: str) -> None:
    result = runner.invoke(app, [*before, "score", *after, "--help"], env={"KAOPING_LANG": env}, terminal_width=200)
    assert result.exit_code == 0
    assert "Score one period" in result.output and "Options" in result.output
    assert "计算一个考评期" not in result.output


def city_q2(*extra: str, lang: str = "") -> tuple[int, str, str]:
    args = ["score", "--scheme", "city-1000", "--data", str(CITY), "--period", "2024-Q2", *extra]
    result = runner.invoke(app, args, env={"KAOPING_LANG": lang})
    return result.exit_code, result.stdout, result.stderr


def test_table_and_explanation_are_chinese() -> None:
    code, table, err = city_q2("--format", "table")
    assert code == 0, err
    assert "名次" in table and "末位表态发言" in table and "statement" not in table
    assert english_words(table) == set(), table
    code, tree, err = city_q2("--format", "table", "--explain", "d1")
    assert code == 0, err
    assert "总分" in tree and "条记录" in tree
    assert english_words(tree) == set(), tree


def test_schemes_list_is_chinese() -> None:
    result = runner.invoke(app, ["schemes"], env={"KAOPING_LANG": ""})
    assert result.exit_code == 0 and "季度/年度" in result.stdout and "个组" in result.stdout
    titles = [line.split(maxsplit=1)[1] for line in result.stdout.splitlines() if line.strip()]  # after the name
    assert english_words("\n".join(titles)) == set(), result.stdout


def test_table_and_explanation_in_english() -> None:
    code, table, _ = city_q2("--format", "table", lang="en")
    assert code == 0 and "Rank" in table and "名次" not in table
    code, again, _ = city_q2("--format", "table", "--lang", "en")
    assert code == 0 and again == table
    code, tree, _ = city_q2("--format", "table", "--explain", "d1", lang="en")
    assert code == 0 and " rows" in tree and "条记录" not in tree


def test_errors_are_chinese_then_english() -> None:
    code, out, err = city_q2("--explain", "zz9")
    assert code == 2 and out == ""
    assert "错误" in err and "没有单位 zz9" in err and english_words(err) == set(), err
    code, _, err = city_q2("--explain", "zz9", lang="en")
    assert code == 2 and "error: --explain: unknown unit 'zz9'" in " ".join(err.split())


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["score"], "缺少选项 '--scheme'"),
        (["score", "--scheme", "city-1000", "--period", "2024", "--bogus"], "没有此选项：--bogus"),
        (["demo", "--port", "abc"], "'--port' 的值无效：应为整数"),
        (["demo", "--port", "0"], "'--port' 的值无效：应大于或等于 1"),
        (["zz9"], "没有此命令 'zz9'"),
        (["import"], "缺少参数 'source'"),
    ],
)
def test_usage_errors_are_chinese(args: list[str], said: str) -> None:
    result = runner.invoke(app, args, env={"KAOPING_LANG": ""})
    assert result.exit_code == 2
    assert said in result.output and english_words(result.output) == set(), result.output
    english = runner.invoke(app, ["--lang", "en", *args])
    assert english.exit_code == 2 and "Usage" in english.output


def test_a_run_in_english_leaves_the_next_in_chinese() -> None:
    assert city_q2("--explain", "zz9", lang="en")[0] == 2
    assert current() == Lang.ZH and t("名次") == "名次"


def test_lang_is_read_anywhere_before_a_double_dash() -> None:
    assert from_argv(["score", "--lang", "en"]) == Lang.EN and from_argv(["--lang=EN"]) == Lang.EN
    assert from_argv(["import", "--", "--lang", "en"]) == Lang.ZH
    assert without_lang(["--lang", "en", "score", "--lang=zh", "--", "--lang", "x"]) == ["score", "--", "--lang", "x"]


def test_json_keeps_codes_and_adds_labels() -> None:
    code, out, err = city_q2("--format", "json")
    assert code == 0, err
    flagged = [u for g in json.loads(out)["groups"] for u in g["ranking"] if u["flags"]]
    assert flagged
    for unit in flagged:
        assert len(unit["flag_labels"]) == len(unit["flags"])
    labels = {code: label for u in flagged for code, label in zip(u["flags"], u["flag_labels"], strict=True)}
    assert labels["statement"] == "末位表态发言" and labels["disqualified"] == "取消获奖资格"


def test_explain_json_adds_chinese_text_beside_rule() -> None:
    code, out, err = city_q2("--explain", "d1", "--format", "json")
    assert code == 0, err
    lines = json.loads(out)["lines"]
    assert all(ln["rule"] and ln["text"] for ln in lines)
    assert any("条记录" in ln["text"] and "rows" in ln["rule"] for ln in lines)


def _workbook_texts(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    texts = list(book.sheetnames)
    for sheet in book.worksheets:
        texts += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    return texts


def test_score_workbook_is_chinese(tmp_path: Path) -> None:
    out = tmp_path / "排名.xlsx"
    code, _, err = city_q2("--format", "xlsx", "--out", str(out))
    assert code == 0, err
    texts = _workbook_texts(out)
    assert "末位表态发言、公开说明原因" in texts
    assert [t for t in texts if english_words(t)] == []


def test_bulletin_workbook_is_chinese(tmp_path: Path) -> None:
    out = tmp_path / "通报.xlsx"
    args = ["report", "--scheme", "city-1000", "--data", str(CITY), "--period", "2024-Q2", "--out", str(out)]
    result = runner.invoke(app, args, env={"KAOPING_LANG": ""})
    assert result.exit_code == 0, result.stderr
    codes = {"statement", "public_explanation", "reminder", "supervision", "warning", "disqualified"}
    texts = [t for t in _workbook_texts(out) if not set(t.split()) <= codes]  # the 标记代码 column: codes
    assert [t for t in texts if english_words(t)] == []


def demo_console_text(lang: Lang) -> str:
    """What ``kaoping demo`` prints around the ranking (summary, pages, logins, a finished build step)."""
    from rich.console import Console
    from rich.progress import Progress

    from kaoping.demo import console as demo_console
    from kaoping.demo.build import DemoCity, demo_logins

    demo = DemoCity("sqlite:///demo.db", "demo-city", 2024, 13, 50_000, ["2024-Q1", "2024-01"], demo_logins())
    out = Console(record=True, width=200)
    set_lang(lang)
    try:
        demo_console.print_summary(out, demo, Path("demo.db"))
        demo_console.print_pages(out, "http://127.0.0.1:8000")
        out.print(demo_console.logins_table(demo))
        with Progress(console=out) as bar:
            log = demo_console.StepLog(bar)
            log("写入数字城管案卷 writing cases", 300, 300)
            log.finish()
    finally:
        set_lang(Lang.ZH)
    return out.export_text()


def test_demo_console_is_chinese() -> None:
    from kaoping.demo.build import demo_logins

    text = demo_console_text(Lang.ZH)
    assert "演示账号" in text and "写入数字城管案卷" in text
    usernames = {login.username for login in demo_logins()}  # the accounts to sign in with, typed as shown
    assert english_words(text) - usernames - {"OpenAPI"} == set()


def test_demo_console_in_english() -> None:
    text = demo_console_text(Lang.EN)
    assert "Demo logins" in text and "writing cases" in text and "every other unit" in text
