"""The engine's model on Splink's Spark backend, at small scale: the same pairs as DuckDB.
Skipped where pyspark or a Java runtime is missing (pyspark is the `spark` extra)."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("no Java runtime for Spark", allow_module_level=True)

from cshub.linkage import spark as linkage_spark  # noqa: E402
from cshub.linkage.engine import Thresholds, link  # noqa: E402
from tests.linkage.test_engine import SMALL, frame  # noqa: E402


def test_spark_finds_the_same_pairs_as_duckdb(tmp_path):
    spark = linkage_spark.session(master="local[1]", checkpoint_dir=str(tmp_path))
    try:
        scored = linkage_spark.predict(spark, frame(SMALL), threshold=0.95)
    finally:
        spark.stop()
    on_spark = {
        tuple(sorted(p)) for p in zip(scored["record_id_l"], scored["record_id_r"], strict=True)
    }
    duck = link(frame(SMALL), thresholds=Thresholds(0.95, 0.5)).pairs
    # Spark gives Splink's scores, before the twins and identifier rules decide: compare those.
    on_duckdb = {tuple(sorted(p)) for p in zip(duck["left_id"], duck["right_id"], strict=True)}
    assert on_spark == on_duckdb == {("a1", "a2"), ("a3", "a4"), ("a5", "a6"), ("a10", "a9")}
