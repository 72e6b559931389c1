"""`kaoping cases …`: synthetic cases, case metrics by level, their benchmark, and checks of the case config.

The metrics command reads the same data folders and workbooks as `kaoping score` (with the optional level
columns of :mod:`kaoping.cases.levels`), so an office can look at 网格, 部门 and 岗位 results of the cases it
already keeps.  Config problems and bad input exit with status 2 and the file, row and column, like score.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kaoping.commands.common import err, fail, out_console
from kaoping.commands.lang import t

if TYPE_CHECKING:
    import polars as pl
    from rich.console import Console

    from kaoping.periods import Span


class Output(StrEnum):
    TABLE = "table"
    JSON = "json"


PERIOD_HELP = "考评期：2024-03（月）、2024-Q2（季度）、2024-H1（半年）、2024（年）或 2019-W15（ISO 周）"


def _span(period: str | None, start: str | None, end: str | None) -> Span:
    """What `cases metrics` counts over: ``--period`` (a month … year, or an ISO week) or ``--from``/``--to``
    dates, exactly one of the two; DateRangeError with a Chinese message otherwise."""
    from kaoping.dateranges import DateRangeError, date_range, parse_week
    from kaoping.periods import PeriodError, parse_period

    if period is not None:
        if start is not None or end is not None:
            raise DateRangeError("--period 与 --from/--to 只能给一种")
        try:
            return parse_week(period) or parse_period(period)
        except PeriodError as exc:
            raise DateRangeError(f"--period：{exc}（或 ISO 周 YYYY-Www）") from None
    if start is None or end is None:
        raise DateRangeError("请给出 --period，或同时给出 --from 和 --to")
    return date_range(start, end)


def register(app: typer.Typer) -> None:
    """Add the `cases` command group to ``app``."""
    cases_app = typer.Typer(
        help="数字城管案卷：合成案卷，按区域、部门、岗位的指标，性能测试，配置检查。",
        no_args_is_help=True,
    )
    app.add_typer(cases_app, name="cases")

    @cases_app.command()
    def generate(
        units: Annotated[int, typer.Option(help="责任单位数：处置手册中的部门加上街道")],
        cases: Annotated[int, typer.Option(help="案卷数")],
        year: Annotated[int, typer.Option(help="案卷上报的年份")],
        out: Annotated[Path, typer.Option(help="写出 cases.csv 和 units.csv 的目录")],
        seed: Annotated[int, typer.Option(help="随机种子：种子相同，案卷相同")] = 1,
        handbook: Annotated[Path | None, typer.Option(help="处置手册 YAML（默认用自带的示例）")] = None,
    ) -> None:
        """写出逼真的合成案卷（按类别，处置时限取自处置手册，约 92% 已结案）。"""
        from kaoping.cases.categories import ConfigError
        from kaoping.cases.generate import CaseDraw, summary, write_dataset
        from kaoping.cases.handbook import load_handbook

        if cases < 1:
            fail(t("--cases 至少为 1"))
        try:
            book = load_handbook(handbook)
            started = time.perf_counter()
            city, frame = write_dataset(out, CaseDraw(cases, year, seed=seed), units=units, handbook=book)
        except (ConfigError, ValueError) as exc:
            fail(str(exc))
        took = time.perf_counter() - started
        s = summary(frame)
        shares = {key: f"{s[key]:.1%}" for key in ("registered", "closed", "closed_on_time", "rework", "postponed")}
        wrote = t(
            GENERATED,
            cases_csv=out / "cases.csv",
            cases=f"{frame.height:,}",
            units_csv=out / "units.csv",
            units=city.units.height,
            grids=city.grids.height,
            took=f"{took:.1f}",
            **shares,
        )
        err.print(wrote, highlight=False)

    @cases_app.command()
    def metrics(
        data: Annotated[Path, typer.Option(help="CSV 文件所在目录，或一个 .xlsx 工作簿")],
        level: Annotated[
            str,
            typer.Option(help="层级：region（区域）、department（部门）、post（岗位），或单一层级 grid … shift_lead"),
        ],
        period: Annotated[str | None, typer.Option(help=PERIOD_HELP)] = None,
        from_: Annotated[str | None, typer.Option("--from", help="起始日期（含），如 2019-04-08；与 --to 同用")] = None,
        to: Annotated[str | None, typer.Option("--to", help="截止日期（含），如 2019-04-14；与 --from 同用")] = None,
        format: Annotated[Output, typer.Option("--format", help="输出格式：table（表格）或 json")] = Output.TABLE,
        indicators: Annotated[Path | None, typer.Option(help="指标方案 YAML（权重、等级）")] = None,
        register_hours: Annotated[float, typer.Option(help="按时立案：在这么多个工作小时内立案")] = 1.0,
    ) -> None:
        """按网格、社区、街道、城区、部门或岗位统计件数、比率、综合指标值和等级。"""
        from kaoping.cases.categories import ConfigError
        from kaoping.cases.grading import load_indicator_scheme, with_composite
        from kaoping.cases.levels import GROUPS, LEVELS, LevelError, metrics_by_level
        from kaoping.dateranges import DateRangeError
        from kaoping.errors import InputErrors
        from kaoping.io.case_levels import read_level_cases

        levels = GROUPS.get(level) or ((level,) if level in LEVELS else None)
        if levels is None:
            fail(
                t(
                    "--level：“{level}”不是 region、department、post 或 {levels} 之一",
                    level=level,
                    levels=", ".join(LEVELS),
                )
            )
        try:
            when = _span(period, from_, to)
            scheme = load_indicator_scheme(indicators)
            frame = read_level_cases(data)
            results = metrics_by_level(frame, when, levels, register_hours=register_hours)
            results = {k: with_composite(v, scheme) for k, v in results.items()}
        except DateRangeError as exc:
            fail(str(exc))
        except InputErrors as exc:
            fail(t("{what}（{n} 处问题）：", what=t("输入有误"), n=exc.total) + f"\n{exc}")
        except FileNotFoundError as exc:
            fail(f"--data：{exc}")
        except (ConfigError, LevelError) as exc:
            fail(str(exc))
        if format == Output.JSON:
            doc = {"period": str(when), "levels": {k: v.to_dicts() for k, v in results.items()}}
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        else:
            _print_tables(results, str(when))

    @cases_app.command()
    def bench(
        cases: Annotated[int, typer.Option(help="生成的案卷数")] = 1_000_000,
        units: Annotated[int, typer.Option(help="责任单位数")] = 200,
        repeat: Annotated[int, typer.Option(help="运行次数，取最好的一次")] = 3,
    ) -> None:
        """在生成的案卷上为各层级指标计时，与纯 Polars 分组计数的耗时之比。"""
        import polars as pl

        from kaoping.cases.generate import CaseDraw, build_city, generate_cases
        from kaoping.cases.handbook import load_handbook
        from kaoping.cases.levels import LEVELS, marked_cases, metrics_by_level, metrics_of
        from kaoping.periods import parse_period

        book = load_handbook()
        with err.status(t("正在生成 {n} 件案卷…", n=f"{cases:,}")):
            started = time.perf_counter()
            frame = generate_cases(CaseDraw(cases, 2024, seed=1), build_city(units, book), book)
            gen_s = time.perf_counter() - started
        year = parse_period("2024")

        def best(run: Callable[[], object]) -> float:
            times = []
            for _ in range(max(1, repeat)):
                t0 = time.perf_counter()
                run()
                times.append(time.perf_counter() - t0)
            return min(times)

        with err.status(t("测试中…")):
            baseline = best(lambda: frame.group_by("unit_id").agg(pl.len()))
            marked = marked_cases(frame, year)
            mark_s = best(lambda: marked_cases(frame, year))
            per_level = {lv: best(partial(metrics_of, marked, lv)) for lv in LEVELS}
            total = best(lambda: metrics_by_level(frame, year))
        _print_bench(out_console(), cases, gen_s, baseline, mark_s, per_level, total)

    @cases_app.command()
    def check(
        categories: Annotated[Path | None, typer.Option(help="案件类别 YAML（默认用自带的）")] = None,
        handbook: Annotated[Path | None, typer.Option(help="处置手册 YAML（默认用自带的）")] = None,
        indicators: Annotated[Path | None, typer.Option(help="指标方案 YAML（默认用自带的）")] = None,
    ) -> None:
        """检查考评办的案卷配置文件：案件类别、处置手册（对照类别）和指标权重。"""
        from kaoping.cases.categories import KIND_LABELS, ConfigError, load_categories
        from kaoping.cases.grading import load_indicator_scheme
        from kaoping.cases.handbook import load_handbook

        try:
            cats = load_categories(categories)
            book = load_handbook(handbook, cats)
            scheme = load_indicator_scheme(indicators)
        except ConfigError as exc:
            fail(str(exc))
        console = out_console()
        for kind, label in KIND_LABELS.items():
            majors = cats.majors(kind)
            console.print(
                f"{cats.source}: {label} {len(majors)} 大类, {len(cats.of_kind(kind))} 小类 "
                + t("（扩展 {n} 个）", n=sum(c.extension for c in cats.of_kind(kind))),
                highlight=False,
            )
        rules = t("{rules} 条规则，{units} 个单位", rules=len(book.rules), units=len(book.units))
        console.print(f"{book.source}: {rules}", highlight=False)
        grades = ", ".join(f"{g} ≥ {v}" for g, v in scheme.grades)
        levels = ", ".join(scheme.weights)
        console.print(
            f"{scheme.source}: "
            + t("层级 {levels}；等级 {grades}，其余 {lowest}", levels=levels, grades=grades, lowest=scheme.lowest),
            highlight=False,
        )


GENERATED = (
    "已写入 {cases_csv}（{cases} 件案卷）和 {units_csv}（{units} 个单位，{grids} 个网格），用时 {took} 秒；"
    "立案率 {registered}，派遣案卷中：结案 {closed}，按期结案 {closed_on_time}，返工 {rework}，延期 {postponed}"
)


def _print_tables(results: dict[str, pl.DataFrame], period: str) -> None:
    from rich.table import Table

    from kaoping.cases.levels import LABELS, RATES

    console = out_console()
    for level, frame in results.items():
        table = Table(title=f"{LABELS[level]} ({level}) — {period}, " + t("{n} 行", n=frame.height))
        for column in frame.columns[1:]:
            title = t("编号") if column == "key" else LABELS.get(column, column)  # tiers by their Chinese names
            table.add_column(title, justify="left" if column in ("key", "community", "street", "district") else "right")
        for row in frame.iter_rows(named=True):
            cells = []
            for column in frame.columns[1:]:
                value = row[column]
                if value is None:
                    cells.append("—")
                elif column in RATES:
                    cells.append(f"{value:.2%}")
                elif isinstance(value, float):
                    cells.append(f"{value:.2f}")
                else:
                    cells.append(str(value))
            table.add_row(*cells)
        console.print(table)


def _print_bench(
    console: Console,
    cases: int,
    gen_s: float,
    baseline: float,
    mark_s: float,
    per_level: dict[str, float],
    total: float,
) -> None:
    from rich.table import Table

    title = t("kaoping cases bench — 生成 {n} 件案卷（生成用时 {took} 秒）", n=f"{cases:,}", took=f"{gen_s:.2f}")
    table = Table(title=title)
    for col in (t("步骤"), t("秒"), t("× 基准")):
        table.add_column(col, justify="right")

    def ratio(s: float) -> str:
        return f"{s / baseline:.1f}×" if baseline else "—"

    table.add_row(t("基准：group_by(unit_id).len()"), f"{baseline:.4f}", "1.0×")
    table.add_row(t("标记本期案卷"), f"{mark_s:.4f}", ratio(mark_s))
    for level, seconds in per_level.items():
        table.add_row(t("  由已标记案卷计算 {level}", level=level), f"{seconds:.4f}", ratio(seconds))
    table.add_row(t("全部 9 个层级（metrics_by_level）"), f"{total:.4f}", ratio(total))
    console.print(table)
