"""`kaoping rollup`: 省级汇总 — rank a province's cities from the Parquet tree their stores exported.

The heavy pass (every case of every city in the period) runs on Spark (:mod:`kaoping.rollup.spark_metrics`,
local by default, ``--master`` for a cluster); the ranking is the engine evaluating the provincial scheme
(:mod:`kaoping.rollup.ranking`).  Output: the ranking as `kaoping score` prints it (table, or JSON with the
`score` document under ``result``) and the metrics per city and period behind it.
"""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kaoping.commands.common import bad_input_exits, err, fail, out_console
from kaoping.commands.lang import t

if TYPE_CHECKING:
    import polars as pl

    from kaoping.engine.result import PeriodResult
    from kaoping.scheme import Scheme


class Output(StrEnum):
    TABLE = "table"
    JSON = "json"


def register(app: typer.Typer) -> None:
    """Add `rollup` to ``app``."""
    app.command("rollup")(rollup_command)


def rollup_command(
    parquet: Annotated[Path, typer.Option(help="Parquet 目录（各城市 kaoping export --parquet 的输出）")],
    period: Annotated[str, typer.Option(help="考评期：2024-03、2024-Q1 或 2024")],
    scheme: Annotated[str, typer.Option(help="省级方案（名称或 YAML 文件）")] = "province-cases",
    cities: Annotated[
        Path | None, typer.Option(help="城市名单 units.csv（unit_id=城市代码, name, group）；默认取目录中的城市")
    ] = None,
    format: Annotated[
        Output | None, typer.Option("--format", help="输出格式：table（表格）或 json（管道输出时默认 json）")
    ] = None,
    master: Annotated[str, typer.Option(help="Spark 主节点：local[*]、local[2]、spark://主机:7077 …")] = "local[*]",
) -> None:
    """省级汇总：在 Spark 上按城市计算案卷指标，用省级方案排名。"""
    from kaoping.periods import parse_period
    from kaoping.rollup.parquet_tree import TreeError
    from kaoping.rollup.parquet_tree import cities as tree_cities
    from kaoping.rollup.ranking import ProvinceSchemeError, check_province_scheme, city_units, direct_kind, rank_cities
    from kaoping.scheme import load_scheme

    with bad_input_exits(scheme):
        chosen = load_scheme(scheme)
        when = parse_period(period)
    if when.kind not in chosen.periods:
        kinds = "、".join(k.value for k in chosen.periods)
        fail(
            t(
                "--period：方案 {scheme} 只评 {kinds} 考评期，{period} 是 {kind}",
                scheme=chosen.scheme,
                kinds=kinds,
                period=when,
                kind=when.kind.value,
            )
        )
    try:
        check_province_scheme(chosen)
        codes = tree_cities(parquet)
        if not codes:
            raise TreeError(t("{tree}：没有城市数据（没有 units/city=… 目录）", tree=parquet))
        units = city_units(chosen, codes, _read_cities(cities) if cities else None)
    except (TreeError, ProvinceSchemeError) as exc:
        fail(str(exc))
    left_out = sorted(set(codes) - set(units.get_column("unit_id").to_list()))
    if left_out:
        err.print(
            t("注意：目录中的城市 {cities} 不在 --cities 名单中，不参加排名", cities="、".join(left_out)),
            highlight=False,
        )
    kind = direct_kind(chosen, when)
    started = time.perf_counter()
    metrics = _spark_metrics(parquet, when, kind, master)
    took = time.perf_counter() - started
    with bad_input_exits(scheme):
        result = rank_cities(chosen, units, metrics, when)
    note = t(
        "Spark 指标计算 {took} 秒：{n} 个城市，{rows} 行（城市 × {kind}）",
        took=f"{took:.1f}",
        n=len(codes),
        rows=metrics.height,
        kind=kind.value,
    )
    err.print(note, highlight=False)
    _print(chosen, result, metrics, format or (Output.TABLE if sys.stdout.isatty() else Output.JSON))


def _spark_metrics(root: Path, when: Any, kind: Any, master: str) -> pl.DataFrame:
    """The Spark pass; a missing pyspark or Java is named in Chinese first, not as a stack trace."""
    from importlib.util import find_spec

    from kaoping.rollup.parquet_tree import TreeError
    from kaoping.rollup.spark_metrics import spark_city_metrics, spark_session

    if find_spec("pyspark") is None:
        fail(t("需要 pyspark：pip install 'kaoping[spark]'（以及 Java 17）"))
    try:
        spark = spark_session(master)
    except Exception as exc:  # pyspark raises its own runtime errors when Java is missing or the master is wrong
        fail(t("无法启动 Spark（主节点 {master}；需要 Java 17）：", master=master) + str(exc))
    try:
        return spark_city_metrics(spark, root, when, kind)
    except TreeError as exc:
        fail(str(exc))


def _read_cities(path: Path) -> pl.DataFrame:
    """A units file naming the province's cities (unit_id = the city code of the tree, name, group)."""
    import polars as pl

    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        fail(t("--cities {path}：无法读取（{reason}）", path=path, reason=exc))
    missing = [c for c in ("unit_id", "name", "group") if c not in frame.columns]
    if missing:
        fail(t("--cities {path}：缺少列 {missing}（须有 unit_id, name, group）", path=path, missing=", ".join(missing)))
    return frame.select("unit_id", "name", "group")


def _print(scheme: Scheme, result: PeriodResult, metrics: pl.DataFrame, output: Output) -> None:
    from kaoping.output.document import result_document
    from kaoping.output.table import print_ranking

    if output == Output.JSON:
        doc: dict[str, Any] = {"scheme": scheme.scheme, "period": result.period, "metrics": metrics.to_dicts()}
        doc["result"] = result_document(scheme, result)
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    console = out_console()
    print_ranking(console, scheme, result, t)
    console.print(_metrics_table(metrics))


def _metrics_table(metrics: pl.DataFrame) -> Any:
    from rich.table import Table

    table = Table(title=t("各城市案卷指标"), title_justify="left")
    for column in metrics.columns:
        table.add_column(
            t("城市") if column == "city" else t("考评期") if column == "period" else column, justify="right"
        )
    for row in metrics.iter_rows():
        table.add_row(*[f"{v:.2f}" if isinstance(v, float) else str(v) for v in row])
    return table
