"""Every mart on local Spark over the Parquet export of the sample shop, compared with DuckDB's row for row.

Marked ``spark``: ``make test`` deselects these (pytest.ini), ``make test-spark`` installs pyspark and a Java
runtime and runs only them. Without pyspark they fail (the import is in the fixture), never skip.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from insights.core.db import sql_text
from insights.core.workspace import Workspace, build_steps
from insights.scale.parquet import canonical_tables, export_parquet
from insights.scale.portable import NOT_ON_SPARK, spark_functions, spark_sql, sql_files

pytestmark = pytest.mark.spark

MARTS = [(folder, name) for folder, name in build_steps()]
# derived tables the sample shop leaves empty (no order attributes, no product catalog): they run on Spark and
# must come out empty with the same columns, but compare no rows
EMPTY_IN_SAMPLE = {"order_late_flags", "category_catalog", "product_catalog", "line_products"}


@pytest.fixture(scope="module")
def exported(sample_workspace_path, tmp_path_factory) -> Path:
    """The sample shop's canonical tables and DuckDB's marts as Parquet."""
    folder = tmp_path_factory.mktemp("sample_parquet")
    ws = Workspace.open(sample_workspace_path, read_only=True)
    try:
        export_parquet(ws, folder)
    finally:
        ws.close()
    return folder


@pytest.fixture(scope="module")
def spark(exported, tmp_path_factory):
    """A local Spark session (two cores, UTC) with the canonical tables as views and every mart built by its
    translated SQL, in build order (a mart reads the marts Spark built before it, not DuckDB's)."""
    from pyspark.sql import SparkSession      # make test-spark installs it; a missing pyspark fails here

    session = (SparkSession.builder.master("local[2]").appName("clueboard-marts")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark_warehouse")))
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    for table in canonical_tables():
        session.read.parquet(str(exported / f"{table}.parquet")).createOrReplaceTempView(table)
    out = tmp_path_factory.mktemp("spark_marts")
    built = {}
    for folder, name in MARTS:
        try:
            frame = session.sql(spark_sql(f"{folder}/{name}.sql"))
            frame.write.parquet(str(out / name))
            session.read.parquet(str(out / name)).createOrReplaceTempView(name)
            built[name] = out / name
        except Exception as exc:           # reported by the mart's own test, with Spark's message
            built[name] = exc
            session.read.parquet(str(exported / f"{name}.parquet")).createOrReplaceTempView(name)
    yield session, built
    session.stop()


NUMBERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")


def _frame(path: Path) -> pd.DataFrame:
    """A Parquet file (DuckDB's mart) or folder (Spark's) as pandas: numbers as doubles, dates and times as
    they are, everything else (text, booleans) as text, rows in one order (floats rounded for sorting only)."""
    with duckdb.connect() as con:
        relation = con.read_parquet(str(path / "*.parquet") if path.is_dir() else str(path))
        columns = []
        for name, kind in zip(relation.columns, relation.types):
            quoted = '"' + name.replace('"', '""') + '"'
            kind = str(kind)
            if kind.startswith(NUMBERS):
                columns.append(f"cast({quoted} as double) as {quoted}")
            elif kind.startswith(("DATE", "TIMESTAMP")):
                columns.append(f"cast({quoted} as timestamp) as {quoted}")
            else:
                columns.append(f"cast({quoted} as varchar) as {quoted}")
        frame = relation.project(", ".join(columns)).df()
    order = frame.assign(**{c: frame[c].round(6) for c in frame.columns if pd.api.types.is_float_dtype(frame[c])})
    index = order.sort_values(list(frame.columns), na_position="first", kind="mergesort").index
    return frame.loc[index].reset_index(drop=True)


def _differences(duck: pd.DataFrame, spark: pd.DataFrame) -> list[str]:
    if list(duck.columns) != list(spark.columns):
        return [f"columns differ: DuckDB {list(duck.columns)}, Spark {list(spark.columns)}"]
    if len(duck) != len(spark):
        return [f"rows differ: DuckDB {len(duck):,}, Spark {len(spark):,}"]
    found = []
    for column in duck.columns:
        a, b = duck[column], spark[column]
        if pd.api.types.is_float_dtype(a) and pd.api.types.is_float_dtype(b):
            same = ((a - b).abs() <= 1e-6 + 1e-9 * a.abs()) | (a.isna() & b.isna())
        else:
            same = (a == b) | (a.isna() & b.isna())
        if not same.all():
            first = int((~same).to_numpy().nonzero()[0][0])
            found.append(f"{column}: {int((~same).sum())} rows differ, e.g. DuckDB {a.iloc[first]!r} vs "
                         f"Spark {b.iloc[first]!r}")
    return found


@pytest.mark.parametrize("folder, name", MARTS, ids=[name for _, name in MARTS])
def test_mart_on_spark_matches_duckdb_row_for_row(spark, exported, folder, name):
    _, built = spark
    result = built[name]
    if isinstance(result, Exception):
        pytest.fail(f"{folder}/{name}.sql does not run on Spark: {str(result).splitlines()[0]}")
    duck, theirs = _frame(exported / f"{name}.parquet"), _frame(result)
    assert len(duck) > 0 or name in EMPTY_IN_SAMPLE, f"the sample shop has no {name} rows to compare"
    assert _differences(duck, theirs) == []


def test_every_translated_file_parses_in_sparks_own_parser(spark):
    session, _ = spark
    parser = session._jsparkSession.sessionState().sqlParser()
    refused = []
    for path in sql_files():
        if path in NOT_ON_SPARK:
            continue
        for statement in filter(None, spark_sql(path).split(";\n")):
            try:
                if statement.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "CREATE", "DELETE",
                                                          "UPDATE", "DROP", "/*", "(")):
                    parser.parsePlan(statement)
                else:
                    parser.parseExpression(statement)
            except Exception as exc:
                refused.append(f"{path}: {str(exc).splitlines()[0][:200]}")
    assert refused == []


def test_recorded_spark_functions_are_sparks(spark):
    session, _ = spark
    live = {row[0] for row in session.sql("show functions").collect()}
    assert spark_functions() <= live, sorted(spark_functions() - live)


def test_voice_answers_pick_the_same_latest_earlier_order_on_spark(spark, sample_workspace, tmp_path):
    """The voice room's answers (once an asof join, now a window) on Spark equal DuckDB's, row for row — with two
    in three answers' order ids removed, so that most answers take the customer's latest earlier order."""
    from pyspark.sql import functions as F

    session, _ = spark
    path = "queries/voice/feedback/responses.sql"
    sample_workspace.con.execute("update feedback set order_id = null where feedback_id % 3 <> 0")
    duck = sample_workspace.con.execute(sql_text(path)).df()
    duck.to_parquet(tmp_path / "duck.parquet")
    feedback = session.table("feedback")
    try:
        feedback.withColumn("order_id", F.when(F.col("feedback_id") % 3 == 0, F.col("order_id"))) \
            .createOrReplaceTempView("feedback")
        session.sql(spark_sql(path)).write.parquet(str(tmp_path / "spark"))
    finally:
        feedback.createOrReplaceTempView("feedback")
    ours, theirs = _frame(tmp_path / "duck.parquet"), _frame(tmp_path / "spark")
    assert ours["late_days"].notna().sum() > len(ours) / 2         # most answers dated by an earlier order
    assert _differences(ours, theirs) == []
