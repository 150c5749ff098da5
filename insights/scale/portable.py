"""DuckDB SQL as the source of truth, Spark SQL by translation: every file of ``insights/sql`` through SQLGlot.

``spark_sql("marts/orders.sql")`` is the Spark SQL of one packaged file; it raises :class:`NotPortable` naming
the file and the construct when the file uses something Spark cannot run. :func:`problems` lists every such
construct of a file without raising; the test suite asserts it is empty for every file. A construct is not
portable when:
* SQLGlot cannot translate it (``unsupported_level=RAISE``);
* it calls a function SQLGlot does not know (it would pass through unchanged), or one whose Spark spelling is
  not among Spark's built-in functions (:data:`SPARK_FUNCTIONS`, recorded from the pinned Spark);
* it is one of :data:`DUCKDB_ONLY`: SQLGlot translates it, but into something Spark rejects or that means
  something else (``percentile_cont(q) within group`` becomes an *approximate* percentile);
* it is a DuckDB star modifier (``select * replace (…)``), a ``date_diff`` in a unit other than days, or a
  first-match-only ``regexp_replace`` (no ``'g'``) whose pattern is not anchored: Spark replaces every match.

How a file becomes Spark SQL:
* markers that code replaces with a fixed text (``{where}``, ``{column}`` …, each only ever a quoted column
  name or a fixed fragment) are filled with a sample of what code puts there (:data:`MARKER_SAMPLES`);
  a file that is a condition, not a statement (the segment builder's filters), is read as a condition;
* DuckDB macros (``create temp macro``, in :data:`MACRO_FILES`) have no Spark twin: their calls are expanded in
  place and the definitions translate to nothing;
* the DuckDB functions Spark spells otherwise are rewritten (:mod:`insights.scale.spark_rewrites`).
Bound values stay bound: ``$name`` becomes Spark's ``:name`` and ``?`` stays ``?``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from insights.core.db import sql_text
from insights.scale import spark_rewrites

READ, WRITE = "duckdb", "spark"

# DuckDB functions the SQL files must not use: SQLGlot translates them, but Spark rejects the result or computes
# something else. Each with what to write instead.
DUCKDB_ONLY = {
    "percentile_cont": "SQLGlot turns percentile_cont(q) WITHIN GROUP (ORDER BY x) into Spark's percentile_approx, "
                       "an estimate; write quantile_cont(x, q), which becomes Spark's exact percentile(x, q)",
    "percentile_disc": "becomes Spark's percentile_approx, an estimate; write quantile_cont(x, q) or compute it "
                       "in Python over a small result",
    "quantile_disc": "becomes percentile_disc(x, q), which Spark rejects (it wants WITHIN GROUP and one "
                     "quantile); write quantile_cont(x, q)",
    "quantile": "DuckDB's quantile is quantile_disc; see quantile_disc",
    "approx_quantile": "DuckDB's t-digest and Spark's percentile_approx give different estimates; write "
                       "quantile_cont(x, q)",
}
STAR_MODIFIERS = {"replace": "replace", "except": "exclude", "except_": "exclude", "rename": "rename"}

# Sample texts for the markers that code replaces before running a file: what the translation is checked with.
MARKER_SAMPLES = {
    "{where}": "true", "{keep}": "in_segment", "{negate}": "not ",
    "{table}": '"rfm_segments"', "{column}": '"country"', "{split}": '"channel"', "{dimension}": '"channel"',
}
# Markers that code replaces with another packaged file's text (a query composed of two files).
MARKER_FILES = {"{margin_lines}": "queries/core/margin/margin_lines.sql"}
_MARKER = re.compile(r"\{[a-z_]+\}")
# Files that define DuckDB macros; calls to them are expanded in the Spark SQL of every other file.
MACRO_FILES = ("queries/performance/kpis/macros.sql", "staging/order_line_flags.sql")
# Files that do not run on Spark, with why. Never a mart, intermediate or staging file (a test says so); each
# still fails the checks (a test says so too, so the list only shrinks).
NOT_ON_SPARK = {
    "queries/ingest/values/dates_strptime.sql":
        "reads an uploaded file's date cells with the column's strptime formats, a list bound at run time "
        "(Spark's to_timestamp takes one Java pattern); it runs where the file is read, before the load: "
        "a warehouse holds the parsed tables",
    "queries/ingest/values/ids.sql":
        "reads an uploaded file's id cells (HUGEINT: Spark has no 128-bit integer); it runs where the file is read",
    "queries/feed/status/write.sql":
        "writes the owner's status of an insight into the workspace (insert or replace): the app's own state, kept "
        "with the workspace, not in a warehouse",
    "queries/customers/saved_segments/write.sql":
        "saves the owner's named segment in the workspace (insert or replace): the app's own state",
    "queries/privacy/retention/prepare.sql":
        "holds the retention cut-offs of a clean-up of the workspace in a scratch table made with bound values "
        "(Spark allows none there): a change to the workspace itself",
    "queries/feed/outcome/write_export.sql":
        "records an exported list with its control group in the workspace (insert or ignore): the app's own state",
    "queries/feed/outcome/write_holdouts.sql":
        "records who was held back from an exported list (insert or ignore): the app's own state",
    "queries/funnel/steps/step_events.sql":
        "builds the funnel's scratch table from a query with bound values (Spark allows none there); the funnel "
        "runs on one machine over the events it reads",
    "queries/funnel/steps/units.sql":
        "builds the funnel's per-unit scratch table from a query with bound values and DuckDB's hash() of the "
        "unit key (as step_events.sql does); the funnel runs on one machine over the events it reads",
}
_T = exp.DataType.Type
# The column types Spark has (what SQLGlot may write for it).
SPARK_TYPES = {_T.BOOLEAN, _T.TINYINT, _T.SMALLINT, _T.INT, _T.BIGINT, _T.FLOAT, _T.DOUBLE, _T.DECIMAL,
               _T.TEXT, _T.VARCHAR, _T.CHAR, _T.BINARY, _T.VARBINARY, _T.DATE, _T.TIMESTAMP, _T.TIMESTAMPNTZ,
               _T.TIMESTAMPLTZ, _T.INTERVAL, _T.ARRAY, _T.MAP, _T.STRUCT, _T.NULL, _T.UNKNOWN}
# Spark spellings that are syntax, not functions, and so are not in SHOW FUNCTIONS.
SPARK_SYNTAX = {"cast", "try_cast", "extract", "interval", "array", "map", "struct", "named_struct"}

_STATEMENT_START = re.compile(r"^\s*(with|select|insert|create|delete|update|drop|alter|\()", re.I)
_LEADING_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(")


class NotPortable(ValueError):
    """A packaged SQL file uses something Spark cannot run; the message names the file and the construct."""


@lru_cache(maxsize=1)
def spark_functions() -> frozenset[str]:
    """Spark SQL's built-in function names (``insights/scale/spark_functions.txt``)."""
    text = resources.files("insights.scale").joinpath("spark_functions.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def sql_files() -> list[str]:
    """Every packaged SQL file, relative to ``insights/sql`` (``"marts/orders.sql"``), sorted."""
    found = []

    def walk(folder, prefix):
        for item in folder.iterdir():
            if item.is_dir():
                walk(item, f"{prefix}{item.name}/")
            elif item.name.endswith(".sql"):
                found.append(prefix + item.name)
    walk(resources.files("insights").joinpath("sql"), "")
    return sorted(found)


def _filled(relative_path: str) -> tuple[str, bool]:
    """The file's text with its markers filled, and whether it is a whole statement (else a condition)."""
    lines = []
    for line in sql_text(relative_path).splitlines():
        code, dashes, comment = line.partition("--")          # markers in comments stay as they are
        for marker, sample in MARKER_SAMPLES.items():
            code = code.replace(marker, sample)
        for marker, path in MARKER_FILES.items():
            code = code.replace(marker, sql_text(path))
        lines.append(code + dashes + comment)
    text = "\n".join(lines) + "\n"          # SQLGlot cannot read a file ending in '' without its newline
    left = sorted(set(_MARKER.findall("\n".join(line.split("--")[0] for line in text.splitlines()))))
    if left:
        raise NotPortable(f"{relative_path}: marker {', '.join(left)} has no sample in MARKER_SAMPLES or MARKER_FILES "
                          "(insights/scale/portable.py): say what code puts there")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return text, bool(_STATEMENT_START.match(body))


def _parse(relative_path: str) -> list[exp.Expression]:
    text, statement = _filled(relative_path)
    try:
        if not statement:          # a condition the segment builder puts in a where clause
            body = "\n".join(line.split("--")[0] for line in text.splitlines())
            return [exp.condition(body, dialect=READ)]
        return [tree for tree in sqlglot.parse(text, read=READ) if tree is not None]
    except SqlglotError as exc:
        raise NotPortable(f"{relative_path}: SQLGlot cannot read it as DuckDB SQL: {exc}") from None


def _is_macro(tree: exp.Expression) -> bool:
    return isinstance(tree, exp.Create) and str(tree.args.get("kind") or "").upper() == "MACRO"


@lru_cache(maxsize=1)
def macros() -> dict[str, tuple[list[str], exp.Expression]]:
    """Every DuckDB macro of :data:`MACRO_FILES`: name → (parameter names, body)."""
    found = {}
    for path in MACRO_FILES:
        for tree in _parse(path):
            if _is_macro(tree):
                udf = tree.this
                found[udf.this.name.lower()] = ([p.name for p in udf.expressions], tree.expression)
    return found


@lru_cache(maxsize=1)
def canonical_columns() -> dict[str, list[str]]:
    """The columns of every table ``sql/schema.sql`` creates, in order."""
    found = {}
    for tree in sqlglot.parse(sql_text("schema.sql"), read=READ):
        if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema):
            found[tree.this.this.name] = [c.name for c in tree.this.expressions if isinstance(c, exp.ColumnDef)]
    return found


def _argument(value: exp.Expression) -> exp.Expression:
    simple = isinstance(value, (exp.Column, exp.Literal, exp.Placeholder, exp.Parameter, exp.Paren))
    return value.copy() if simple else exp.paren(value.copy(), copy=False)


def _expand_macros(tree: exp.Expression) -> exp.Expression:
    defined = macros()

    def expand(node):
        if isinstance(node, exp.Anonymous) and node.name.lower() in defined:
            params, body = defined[node.name.lower()]
            values = dict(zip(params, node.expressions))
            expanded = body.copy().transform(
                lambda n: _argument(values[n.name]) if isinstance(n, exp.Column) and not n.table
                and n.name in values else n)
            return exp.paren(_expand_macros(expanded), copy=False)
        return node
    return tree.transform(expand)


def _written(relative_path: str) -> list[str]:
    """The functions of :data:`DUCKDB_ONLY` the file calls, as written (SQLGlot renames them when parsing)."""
    body = "\n".join(line.split("--")[0] for line in sql_text(relative_path).splitlines())
    return [name for name in DUCKDB_ONLY if re.search(rf"\b{name}\s*\(", body, re.I)]


def _function_problems(tree: exp.Expression) -> list[str]:
    """Functions of the translated tree that Spark does not have."""
    found, known = [], spark_functions()
    for node in tree.find_all(exp.Func):
        if isinstance(node, exp.Anonymous) and node.name.lower() not in spark_rewrites.SPARK_NAMES:
            found.append(f"{node.name.lower()}(): a function SQLGlot does not know; Spark has no such function")
            continue
        try:
            spelled = node.sql(dialect=WRITE)
        except SqlglotError:
            continue        # reported by the whole statement's translation
        match = _LEADING_NAME.match(spelled)
        if match and match.group(1).lower() not in known | SPARK_SYNTAX:
            found.append(f"{match.group(1).lower()}(): SQLGlot writes it for Spark unchanged, and Spark has no such "
                         "function")
    return found


def _construct_problems(duckdb_tree: exp.Expression, spark_tree: exp.Expression) -> list[str]:
    found = []
    for node in spark_tree.find_all(exp.Star):
        for key, modifier in STAR_MODIFIERS.items():
            if node.args.get(key):
                found.append(f"select * {modifier} (…): Spark has no star modifiers; name the columns")
    for node in duckdb_tree.find_all(exp.DateDiff):
        if str(node.unit or "").upper() != "DAY":
            found.append(f"date_diff('{str(node.unit).lower()}', …): DuckDB counts boundaries, Spark whole "
                         "periods; only days are translated (both sides become dates)")
    for node in duckdb_tree.find_all(exp.RegexpReplace):
        pattern = node.expression
        modifiers = node.args.get("modifiers")
        every = isinstance(modifiers, exp.Literal) and "g" in modifiers.this
        if node.args.get("single_replace") and not every and not (
                isinstance(pattern, exp.Literal) and (pattern.this.startswith("^") or pattern.this.endswith("$"))):
            found.append("regexp_replace without 'g' replaces the first match in DuckDB and every match in Spark: "
                         "add 'g' or anchor the pattern")
    for node in duckdb_tree.find_all(exp.Join):
        if str(node.args.get("method") or "").upper() == "ASOF":
            found.append("asof join: Spark has none; join on the latest earlier row with a window instead")
    for node in duckdb_tree.find_all(exp.Insert):
        if node.args.get("alternative"):
            found.append(f"insert or {node.args['alternative'].lower()}: Spark has no such insert (MERGE INTO only "
                         "on table formats that support it)")
    if isinstance(duckdb_tree, exp.Create) and duckdb_tree.expression is not None and any(
            duckdb_tree.expression.find_all(exp.Placeholder, exp.Parameter)):
        found.append("a table or view made from a query with bound values: Spark allows no parameter markers "
                     "there")
    return found


def _type_problems(spark_tree: exp.Expression) -> list[str]:
    found = []
    for node in spark_tree.find_all(exp.DataType):
        if node.this not in SPARK_TYPES:
            found.append(f"type {node.this.value}: Spark has no such type (SQLGlot would write "
                         f"{node.sql(dialect=WRITE)})")
    return found


def _spark_trees(relative_path: str) -> list[exp.Expression]:
    return [spark_rewrites.rewrite(_expand_macros(tree), canonical_columns()) for tree in _parse(relative_path)
            if not _is_macro(tree)]


def problems(relative_path: str) -> list[str]:
    """What keeps one packaged SQL file from running on Spark (empty: it translates). A file of
    :data:`NOT_ON_SPARK` is reported too: the caller decides whether that is expected."""
    try:
        trees = _parse(relative_path)
    except NotPortable as exc:
        return [str(exc)]
    written = _written(relative_path)
    found = [f"{name}(): {DUCKDB_ONLY[name]}" for name in written]
    for tree in trees:
        if _is_macro(tree):        # its body is checked here, and expanded wherever it is called
            tree = tree.expression
        spark_tree = spark_rewrites.rewrite(_expand_macros(tree), canonical_columns())
        found += _construct_problems(tree, spark_tree)
        found += _function_problems(spark_tree) + _type_problems(spark_tree)
        try:
            spark_tree.sql(dialect=WRITE, unsupported_level=ErrorLevel.RAISE)
        except SqlglotError as exc:
            found.append(f"SQLGlot cannot translate it to Spark SQL: {exc}")
    return [f"{relative_path}: {p}" for p in dict.fromkeys(found)]


def spark_sql(relative_path: str) -> str:
    """The Spark SQL of one packaged DuckDB SQL file (statements joined by ``;\\n``; a macro file gives "").

    Raises :class:`NotPortable` when the file uses anything Spark cannot run."""
    if relative_path in NOT_ON_SPARK:
        raise NotPortable(f"{relative_path}: {NOT_ON_SPARK[relative_path]}")
    found = problems(relative_path)
    if found:
        raise NotPortable("; ".join(found))
    return ";\n".join(tree.sql(dialect=WRITE, unsupported_level=ErrorLevel.RAISE, pretty=True)
                      for tree in _spark_trees(relative_path))
