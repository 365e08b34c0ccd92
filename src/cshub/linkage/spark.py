"""The same linkage model on Spark, for data beyond one machine (docs/linkage.md).

`engine.prepare` makes the prepared columns (run it on pandas chunks, or write the same
expressions in Spark SQL for very large inputs); `predict` scores them with the engine's own
Splink settings through Splink's Spark backend. The Spark session needs Splink's similarity JAR
(`session()` adds it) for Jaro-Winkler. pyspark is an optional dependency: `pip install
'cshub[spark]'` and a Java runtime.
"""

from __future__ import annotations

import pandas as pd

from . import engine


def session(master: str = "local[2]", checkpoint_dir: str | None = None):
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    spark = (
        SparkSession.builder.master(master)
        .appName("cshub-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    if checkpoint_dir:
        spark.sparkContext.setCheckpointDir(checkpoint_dir)
    return spark


def _frame(spark, prepared: pd.DataFrame):
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(c, StringType(), True) for c in prepared.columns])
    rows = prepared.astype(object).where(prepared.notna(), None).values.tolist()
    return spark.createDataFrame(rows, schema)


def predict(spark, left: pd.DataFrame, right: pd.DataFrame | None = None, *, threshold: float):
    """Pairs at or above `threshold` (record_id_l, record_id_r, match_probability), scored on
    Spark with the engine's comparisons, blocking rules and weights."""
    from splink import Linker, SparkAPI

    frames = [_frame(spark, engine.prepare(left))]
    if right is not None:
        frames.append(_frame(spark, engine.prepare(right)))
    link_type = "dedupe_only" if right is None else "link_only"
    linker = Linker(frames, engine.settings(link_type), db_api=SparkAPI(spark_session=spark))
    engine._train(linker, sum(f.count() for f in frames))
    scored = linker.inference.predict(threshold_match_probability=threshold)
    return scored.as_pandas_dataframe()[["record_id_l", "record_id_r", "match_probability"]]
