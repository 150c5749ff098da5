"""Every packaged SQL file translates to Spark SQL (tests/scale/test_spark_marts.py runs the marts on Spark)."""

from __future__ import annotations

import json
import unicodedata as u

import pytest

from insights.cli import main
from insights.core.workspace import build_steps
from insights.scale import portable
from insights.scale.portable import NOT_ON_SPARK, NotPortable, problems, spark_sql, sql_files


def test_every_sql_file_translates_to_spark():
    found = [p for path in sql_files() if path not in NOT_ON_SPARK for p in problems(path)]
    assert found == [], "SQL that Spark cannot run:\n" + "\n".join(found)


def test_files_not_on_spark_are_no_mart_and_still_need_to_be_listed():
    for path, reason in NOT_ON_SPARK.items():
        assert path in sql_files()
        assert not path.startswith(("marts/", "intermediate/", "staging/")), f"{path}: every table must run on Spark"
        assert problems(path), f"{path} translates now: take it off NOT_ON_SPARK"
        with pytest.raises(NotPortable, match=reason[:30]):
            spark_sql(path)


def test_every_mart_has_spark_sql_naming_its_tables():
    sql = spark_sql("marts/orders.sql")
    assert "FROM order_lines" in sql and "MODE(channel)" in sql
    assert spark_sql("queries/performance/kpis/macros.sql") == ""     # macros are expanded where called


@pytest.mark.parametrize("duckdb_sql, complaint", [
    ("select quantile_disc(x, 0.5) from t", "quantile_disc"),
    ("select percentile_cont(0.5) within group (order by x) from t", "percentile_approx, an estimate"),
    ("select * replace (1 as a) from t", "star modifiers"),
    ("select * exclude (a) from t", "star modifiers"),
    ("select list_reverse(a) from t", "list_reverse(): a function SQLGlot does not know"),
    ("select regexp_replace(a, 'x', 'y') from t", "first match in DuckDB"),
    ("select date_diff('month', a, b) from t", "only days are translated"),
    ("select * from a asof left join b on a.k = b.k and a.t >= b.t", "asof join"),
    ("insert or replace into t values (1)", "insert or replace"),
    ("select cast(t as time) from t", "type TIME"),
    ("create temp table x as select $a", "no parameter markers"),
])
def test_constructs_spark_cannot_run_are_named(monkeypatch, duckdb_sql, complaint):
    monkeypatch.setattr(portable, "sql_text", lambda path: "-- grain: test\n" + duckdb_sql)
    found = problems("queries/test/case.sql")
    assert any(complaint in p for p in found), found
    with pytest.raises(NotPortable, match="queries/test/case.sql"):
        spark_sql("queries/test/case.sql")


@pytest.mark.parametrize("duckdb_sql, spark_part", [
    ("select quantile_cont(x, 0.9) from t", "PERCENTILE(x, 0.9)"),
    ("select arg_min(a, v) from t", "MIN_BY(a, v) FILTER(WHERE NOT a IS NULL)"),
    ("select arg_max(a, v) filter (where k) from t", "MAX_BY(a, v) FILTER(WHERE (k) AND NOT a IS NULL)"),
    ("select arg_max_null(a, v) from t", "MAX_BY(a, v) FROM"),
    ("select date_diff('day', a, b) from t", "DATEDIFF(DAY, CAST(a AS DATE), CAST(b AS DATE))"),
    ("select timezone(z, timezone('UTC', a)) from t", "FROM_UTC_TIMESTAMP(FROM_UTC_TIMESTAMP(a, 'UTC'), z)"),
    ("select list_position(l, x) from t", "NULLIF(ARRAY_POSITION(l, x), 0)"),
    ("select a + to_seconds($w) from t", "a + ((:w) * INTERVAL '1' SECOND)"),
    ("select regexp_full_match(a, '[0-9]+') from t", "a RLIKE '^(?:[0-9]+)$'"),
    ("select regexp_replace(a, '^(x)y', '\\1', 'g') from t", "REGEXP_REPLACE(a, '^(x)y', '$1')"),
    ("select strip_accents(a) from t", "TRANSLATE(a, 'ÀÁ"),
    ("select cast(a as json), cast(b as uuid) from t", "CAST(a AS STRING), CAST(b AS STRING)"),
    ("with c as materialized (select 1 as x) select x from c", "WITH c AS (SELECT 1 AS x)"),
    ("select l.* replace (lower(l.email) as email) from order_lines l join x using (line_id)",
     "l.source_customer_id, LOWER(l.email) AS email, l.phone,"),
])
def test_duckdb_functions_are_rewritten_to_what_spark_means_the_same_by(monkeypatch, duckdb_sql, spark_part):
    monkeypatch.setattr(portable, "sql_text", lambda path: "-- grain: test\n" + duckdb_sql)
    assert "".join(spark_part.split()) in "".join(spark_sql("queries/test/case.sql").split())


def test_strip_accents_translation_matches_unicode_on_names():
    letters, bases = portable.spark_rewrites.accents()
    table = str.maketrans(letters[:len(bases)], bases, letters[len(bases):])
    for name in ("Zoë Škrlj", "José Ñúñez", "Łukasz Żółć", "Nguyễn Thị Ánh", "Ærøskøbing"):
        stripped = "".join(c for c in u.normalize("NFD", name) if not u.combining(c))
        assert name.translate(table) == stripped


def test_markers_and_conditions_are_checked_as_code_fills_them():
    sql = spark_sql("queries/customers/segments/category_filter.sql")
    assert " ".join(sql.split()).startswith("NOT customer_id IN ( SELECT customer_id FROM order_lines")
    assert "ARRAY_CONTAINS(?, " in sql


def test_spark_sql_command_writes_every_mart_in_build_order(tmp_path, capsys):
    assert main(["spark-sql", "--out", str(tmp_path), "--json"]) == 0
    files = json.loads(capsys.readouterr().out)["files"]
    assert files == [f"{n:02d}_{name}.sql" for n, (_, name) in enumerate(build_steps(), start=1)]
    names = [f[3:-4] for f in files]
    assert names.index("orders") < names.index("customers") < names.index("cohort_customer")
    assert "FROM order_lines" in (tmp_path / files[names.index("orders")]).read_text()


def test_a_marker_without_a_sample_is_named(monkeypatch):
    monkeypatch.setattr(portable, "sql_text", lambda path: "-- grain: {fine} in a comment\nselect {mystery} from t\n")
    with pytest.raises(NotPortable, match="marker {mystery} has no sample"):
        spark_sql("queries/test/case.sql")


def test_a_composed_query_is_checked_with_the_file_code_puts_in():
    assert "FROM line_margin" in spark_sql("queries/core/margin/order_margin.sql")
