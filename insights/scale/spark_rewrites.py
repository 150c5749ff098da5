"""DuckDB functions that SQLGlot leaves as they are, or translates to a Spark function that means something else,
rewritten in a parsed tree so the Spark SQL computes what DuckDB computes.

Each rewrite keeps DuckDB's meaning exactly (the Spark test compares every mart row for row):
* ``arg_min(a, v)`` / ``arg_max(a, v)`` skip rows whose ``a`` is null in DuckDB; Spark's ``min_by``/``max_by`` do
  not, so the Spark side gets ``filter (where a is not null)``. ``arg_max_null`` is Spark's ``max_by`` as it is.
* ``date_diff('day', a, b)`` counts calendar-day boundaries in DuckDB; Spark's ``datediff(DAY, a, b)`` counts
  whole 24-hour periods between timestamps, so both sides are cast to dates first.
* ``quantile_cont(x, q)`` (one quantile or a list) is Spark's exact ``percentile(x, q)``; SQLGlot writes
  ``percentile_cont(x, q)``, which Spark rejects.
* ``strip_accents`` becomes ``translate`` over every accented letter Unicode decomposes (and the bare marks).
* ``timezone(zone, t)`` is DuckDB's ``t at time zone zone``, which SQLGlot translates.
* ``list_position`` is ``array_position`` (0, not null, when absent: nullif puts DuckDB's null back);
  ``to_seconds``/``to_days``/``to_microseconds`` are an interval times a number.
* a ``regexp_replace`` replacement's ``\\1`` is Java's ``$1``.
* ``l.* replace (expr as c)`` over a canonical table lists the table's columns (from ``sql/schema.sql``).
* ``JSON`` and ``UUID`` columns are text (as the Parquet export writes them); ``as materialized`` (a hint to
  DuckDB's planner) is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sqlglot import exp

WRITE = "spark"


@lru_cache(maxsize=1)
def accents() -> tuple[str, str]:
    """(letters, bases): every letter below U+3000 (Latin, Greek, Cyrillic, Vietnamese …) that Unicode decomposes into one base letter and combining
    marks, then the combining marks U+0300–U+036F; bases holds each letter's base (the marks have none: removed)."""
    letters, bases = [], []
    for code in range(0x00C0, 0x3000):
        char = chr(code)
        if not unicodedata.category(char).startswith("L"):
            continue
        parts = unicodedata.normalize("NFD", char)
        base = "".join(c for c in parts if not unicodedata.combining(c))
        if parts != char and len(base) == 1 and base != char:
            letters.append(char)
            bases.append(base)
    marks = [chr(c) for c in range(0x0300, 0x0370)]
    return "".join(letters) + "".join(marks), "".join(bases)


_INTERVALS = {"to_seconds": "SECOND", "to_days": "DAY", "to_microseconds": "MICROSECOND"}
# Spark functions the rewrites call that SQLGlot does not know (it keeps them as written).
SPARK_NAMES = frozenset({"translate", "percentile", "array_position", "concat"})


def _not_null(arg: exp.Expression) -> exp.Expression:
    return exp.Not(this=exp.Is(this=arg.copy(), expression=exp.Null()))


def _skip_null_args(node: exp.Expression) -> exp.Expression:
    """DuckDB's arg_min/arg_max ignore rows whose first argument is null: say so to Spark."""
    condition = _not_null(node.this)
    parent = node.parent
    if isinstance(parent, exp.Filter) and parent.this is node:
        where = parent.expression
        if any(part == condition for part in where.this.find_all(exp.Not)):
            return node                 # the filter says so already
        where.set("this", exp.and_(exp.paren(where.this.copy()), condition))
        return node
    return exp.Filter(this=node.copy(), expression=exp.Where(this=condition))


def _anonymous(node: exp.Anonymous) -> exp.Expression:
    name, args = node.name.lower(), node.expressions
    if name == "strip_accents":
        letters, bases = accents()
        return exp.func("translate", args[0], exp.Literal.string(letters), exp.Literal.string(bases), dialect=WRITE)
    if name == "arg_max_null":
        return exp.ArgMax(this=args[0], expression=args[1])
    if name == "arg_min_null":
        return exp.ArgMin(this=args[0], expression=args[1])
    if name == "timezone" and len(args) == 2:
        return exp.AtTimeZone(this=args[1], zone=args[0])
    if name == "list_position" and len(args) == 2:
        return exp.Nullif(this=exp.func("array_position", args[0], args[1], dialect=WRITE),
                          expression=exp.Literal.number(0))
    if name in _INTERVALS and len(args) == 1:
        return _interval(args[0], _INTERVALS[name])
    return node


def _as_date(arg: exp.Expression) -> exp.Expression:
    if isinstance(arg, exp.Cast) and arg.to.is_type("date"):
        return arg
    return exp.Cast(this=arg, to=exp.DataType.build("date"))


def _interval(amount: exp.Expression, unit: str) -> exp.Expression:
    interval = exp.Interval(this=exp.Literal.string("1"), unit=exp.Var(this=unit))
    return exp.paren(exp.Mul(this=exp.paren(amount, copy=False), expression=interval), copy=False)


def _one(node: exp.Expression) -> exp.Expression:
    """One node rewritten (its arguments already are)."""
    if isinstance(node, exp.DataType) and node.this in (exp.DataType.Type.JSON, exp.DataType.Type.UUID):
        return exp.DataType.build("text")       # as the Parquet export writes them
    if isinstance(node, exp.CTE) and node.args.get("materialized"):
        node.set("materialized", None)          # a hint to DuckDB's planner; the result is the same
    if isinstance(node, exp.Anonymous):
        return _anonymous(node)
    if isinstance(node, exp.ToDays):
        return _interval(node.this, "DAY")
    if isinstance(node, exp.RegexpFullMatch):
        pattern = node.expression
        anchored = (exp.Literal.string(f"^(?:{pattern.this})$") if isinstance(pattern, exp.Literal) else
                    exp.func("concat", exp.Literal.string("^(?:"), pattern, exp.Literal.string(")$"), dialect=WRITE))
        return exp.RegexpLike(this=node.this, expression=anchored)
    if isinstance(node, exp.PercentileCont) and not isinstance(node.parent, exp.WithinGroup) \
            and node.expression is not None:
        return exp.func("percentile", node.this, node.expression, dialect=WRITE)
    if isinstance(node, exp.DateDiff) and str(node.unit or "").upper() == "DAY":
        node.set("this", _as_date(node.this))
        node.set("expression", _as_date(node.expression))
    if isinstance(node, exp.RegexpReplace) and isinstance(node.args.get("replacement"), exp.Literal):
        text = node.args["replacement"].this
        if re.search(r"\\\d", text):
            java = re.sub(r"\\(\d)", r"$\1", text.replace("$", "\\$"))
            node.set("replacement", exp.Literal.string(java))
    return node


def _source_table(select: exp.Select, qualifier: str | None) -> str | None:
    """The table a (qualified) star of ``select`` reads: the table of that alias, or the only table."""
    tables = [t for part in (select.args.get("from_"), *(select.args.get("joins") or [])) if part is not None
              for t in ([part.this] if isinstance(part.this, exp.Table) else [])]
    if qualifier:
        return next((t.name for t in tables if t.alias_or_name == qualifier), None)
    return tables[0].name if len(tables) == 1 else None


def expand_star_replace(tree: exp.Expression, columns_of: dict[str, list[str]]) -> exp.Expression:
    """``select l.* replace (expr as c)`` over a table whose columns are known (``columns_of``: the canonical
    tables of schema.sql) becomes the table's columns in order, ``c`` replaced; Spark has no star modifiers."""
    for star in list(tree.find_all(exp.Star)):
        replaced = star.args.get("replace")
        select = star.find_ancestor(exp.Select)
        node = star.parent if isinstance(star.parent, exp.Column) else star
        if not replaced or select is None or node not in select.expressions:
            continue
        qualifier = node.table if isinstance(node, exp.Column) else None
        table = _source_table(select, qualifier)
        if table not in columns_of:
            continue
        by_name = {e.alias_or_name: e for e in replaced}
        columns = [by_name[c].copy() if c in by_name else exp.column(c, table=qualifier or None)
                   for c in columns_of[table]]
        at = select.expressions.index(node)
        select.set("expressions", select.expressions[:at] + columns + select.expressions[at + 1:])
    return tree


def rewrite(tree: exp.Expression, columns_of: dict[str, list[str]] | None = None) -> exp.Expression:
    """The tree with every rewrite above applied (a copy), innermost calls first."""
    tree = expand_star_replace(tree.copy(), columns_of or {})
    for node in list(tree.find_all(exp.ArgMin, exp.ArgMax)):     # before arg_max_null becomes max_by
        replacement = _skip_null_args(node)
        if replacement is not node:
            node.replace(replacement)
    for node in reversed(list(tree.dfs())):
        new = _one(node)
        if new is not node:
            if node is tree:
                return new
            node.replace(new)
    return tree
