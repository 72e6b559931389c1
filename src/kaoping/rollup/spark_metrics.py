"""The case metrics per city and period on Apache Spark, rendered from the same table as the Polars path.

:data:`kaoping.cases.metric_defs.COUNT_DEFS` and :data:`~kaoping.cases.metric_defs.RATE_DEFS` are turned
into Spark columns here term by term, exactly as :mod:`kaoping.cases.metrics` turns them into Polars
expressions: a definition changed there changes both, and the equality test compares the two on the same
cases.  The table's names are written ``defs.…`` here, so each use shows it is the shared table's.  Only
the heavy pass runs on Spark — scanning the month folders of the period and reducing every city's cases
to a handful of counts; the counts (300 cities × a few periods) come back to the driver.

One pass serves several periods of one kind (the three months of a quarter ranked as the mean of its
months): each case is placed in its period by its dispatch month, and ``END`` is that period's end.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from kaoping.cases import metric_defs as defs
from kaoping.facts.columns import FILES, SCHEMAS
from kaoping.periods import Period, PeriodKind
from kaoping.rollup.parquet_tree import TreeError, months_of

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql.types import StructType

PERIOD_FIRST = "period_first"
"""Month index (year × 12 + month − 1) of the first month of each case's period: the grouping key."""


def spark_session(master: str = "local[2]", shuffle_partitions: int = 4) -> SparkSession:
    """A Spark session for the roll-up: UTC (case times are wall-clock times without a zone, read as
    TIMESTAMP_NTZ, so no zone may shift them), no web UI, few shuffle partitions for a small result."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName("kaoping-rollup")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def cases_schema() -> StructType:
    """The Spark schema of the tree's case files (interchange dtypes) plus the ``city`` and ``month`` folders."""
    from pyspark.sql import types as T

    spark_types = {
        pl.String(): T.StringType(),
        pl.Datetime("us"): T.TimestampNTZType(),
        pl.Date(): T.DateType(),
        pl.Int64(): T.LongType(),
        pl.Float64(): T.DoubleType(),
        pl.Boolean(): T.BooleanType(),
    }
    schema = SCHEMAS["cases"]
    fields = [T.StructField(c.name, spark_types[schema[c.name]]) for c in FILES["cases"]]
    fields += [T.StructField("city", T.StringType()), T.StructField("month", T.StringType())]
    return T.StructType(fields)


def read_cases(spark: SparkSession, root: Path) -> DataFrame:
    """All case files of the tree, partition columns included (Spark prunes ``month`` folders on filters)."""
    folder = root / "cases"
    if not folder.is_dir():
        raise TreeError(f"{folder}：没有案卷数据（no cases in the tree）")
    reader = spark.read.schema(cases_schema()).option("basePath", str(folder))
    return reader.parquet(str(folder))


def _month_index(column: str) -> Column:
    from pyspark.sql import functions as F

    return F.year(column) * 12 + F.month(column) - 1


def _end_of_period(size: int) -> Column:
    """The first instant after each case's period (a TIMESTAMP_NTZ), from its ``period_first``."""
    from pyspark.sql import functions as F

    end = F.col(PERIOD_FIRST) + size
    year, month0 = F.floor(end / 12), F.pmod(end, F.lit(12))
    zero = F.lit(0)
    return F.make_timestamp_ntz(year, month0 + 1, F.lit(1), zero, zero, zero)


def _operand(name: str, end: Column) -> Column:
    from pyspark.sql import functions as F

    return end if name == defs.END else F.col(name)


def _condition(cond: defs.Condition, end: Column) -> Column:
    from pyspark.sql import functions as F

    match cond:
        case defs.Present(column):
            return F.col(column).isNotNull()
        case defs.Positive(column):
            return F.col(column) > 0
        case defs.OneOf(column, values):
            return F.coalesce(F.col(column).isin(*values), F.lit(False))
        case defs.Filled(column):
            return F.coalesce(F.length(F.col(column)) > 0, F.lit(False))
        case defs.Before(left, right, strict):
            a, b = _operand(left, end), _operand(right, end)
            return a < b if strict else a <= b


def count_column(term: defs.Term, end: Column) -> Column:
    """One count of ``defs.COUNT_DEFS`` as a Spark aggregate; a condition on a missing time is not met
    (SQL's null), as in Polars, where a null condition is left out of the sum."""
    from pyspark.sql import functions as F

    match term:
        case defs.Every():
            return F.count(F.lit(1))
        case defs.AllOf(conditions):
            joined = _condition(conditions[0], end)
            for cond in conditions[1:]:
                joined = joined & _condition(cond, end)
            return F.sum(F.when(joined, 1).otherwise(0))
        case _:
            return F.sum(F.greatest(*[F.col(c) for c in term.columns]))


def rate_columns() -> list[Column]:
    """Every rate of ``defs.RATE_DEFS`` over the count columns, in percent (a double: the driver recomputes
    them exactly from the counts with :func:`kaoping.cases.metrics.rates` where a score depends on them)."""
    from pyspark.sql import functions as F

    out = []
    for r in defs.RATE_DEFS:
        den = sum((F.col(d) for d in r.denominator[1:]), F.col(r.denominator[0]))
        value = F.when(den == 0, F.lit(float(r.empty))).otherwise(F.lit(100.0) * F.col(r.numerator) / den)
        out.append(value.alias(r.name))
    return out


def city_counts(cases: DataFrame, period: Period, by: PeriodKind) -> DataFrame:
    """Counts and rates per city and period of kind ``by`` inside ``period`` (cases dispatched in it)."""
    from pyspark.sql import functions as F

    size = by.size
    index = _month_index("dispatched_at")
    in_period = cases.filter(F.col("month").isin(months_of(period))).filter(index.between(period.first, period.last))
    placed = in_period.withColumn(PERIOD_FIRST, index - F.pmod(index, F.lit(size)))
    end = _end_of_period(size)
    counts = [count_column(term, end).cast("long").alias(name) for name, term in defs.COUNT_DEFS.items()]
    grouped = placed.groupBy("city", PERIOD_FIRST).agg(*counts)
    return grouped.select("city", PERIOD_FIRST, *defs.COUNT_DEFS, *rate_columns())


def collect_metrics(frame: DataFrame, by: PeriodKind) -> pl.DataFrame:
    """The Spark result as a Polars frame: city, period (text), the counts (Int64) and rates (Float64)."""
    rows = [row.asDict() for row in frame.collect()]
    schema = {"city": pl.String(), PERIOD_FIRST: pl.Int64()}
    schema.update({c: pl.Int64() for c in defs.COUNT_DEFS})
    schema.update({r.name: pl.Float64() for r in defs.RATE_DEFS})
    out = pl.DataFrame(rows, schema=schema, orient="row")
    labels = {first: str(Period(first, first + by.size - 1)) for first in out.get_column(PERIOD_FIRST).unique()}
    period = out.get_column(PERIOD_FIRST).replace_strict(labels, return_dtype=pl.String).alias("period")
    return (
        out.with_columns(period)
        .select("city", "period", *defs.COUNT_DEFS, *(r.name for r in defs.RATE_DEFS))
        .sort("city", "period")
    )


def spark_city_metrics(spark: SparkSession, root: Path, period: Period, by: PeriodKind) -> pl.DataFrame:
    """The case metrics of every city of the tree, per period of kind ``by`` inside ``period``."""
    return collect_metrics(city_counts(read_cases(spark, root), period, by), by)
