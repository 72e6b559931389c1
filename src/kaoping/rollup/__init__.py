"""Province / national roll-up (省级汇总): many city stores exported as one partitioned Parquet tree, the case
metrics of :mod:`kaoping.cases.metric_defs` computed per city on Apache Spark, and the cities ranked under a
provincial scheme by the ordinary engine.

Pyspark is imported only inside :mod:`kaoping.rollup.spark_metrics`, so the rest of kaoping (and the Parquet
export) works without it.
"""
