"""Custom segments: a list of filters (field, operator, value) over customers, and how a segment compares.

A spec is a list of ``(field, op, value)`` tuples (or dicts with those keys), all of which must hold::

    [("country", "in", ["France", "Germany"]), ("orders", "ge", 2), ("consent_email", "is", True)]

Fields come from the fixed list :data:`FIELDS`; each has a kind (text, number, date, bool, category) that decides
the operators it accepts (:data:`OPERATORS`). A field name becomes SQL text only through
:func:`insights.core.db.quote_ident` against that list; a value never becomes SQL text — it is a bound parameter.
``category`` means "bought at least one item in any of these categories" (cancelled lines excluded); ``tag`` "had
an order carrying any of these tags" (order attributes, e.g. a Shopify ``Tags`` column); ``last_order_late`` is
true when the customer's last order arrived after its promised date or was flagged or tagged late (see
``sql/intermediate/order_late_flags.sql``), unknown when nothing says. ``left_cart_days`` / ``browsed_days``: days
from the customer's last visit that added to cart (viewed without a cart) to the day after the last event, when
they have bought nothing since (:mod:`insights.core.visits`; empty otherwise) — ``left_cart_days at most 7`` is
"left a cart in the last week and did not buy".
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from insights.core.db import cursor, quote_ident, sql_text
from insights.core.margin import customer_margins
from insights.core.money import format_money
from insights.core.visits import visitors
from insights.core.workspace import connection
from insights.customers.lifecycle import lifecycle_stages
from insights.customers.segments import rfm_table

FIELDS: dict[str, tuple[str, str]] = {
    "country": ("text", "Country"),
    "city": ("text", "City"),
    "channel": ("text", "Acquisition channel"),
    "category": ("category", "Category bought"),
    "first_category": ("text", "First category bought"),
    "orders": ("number", "Orders"),
    "net_revenue": ("number", "Spend (net revenue)"),
    "aov": ("number", "Average order value"),
    "gross_margin": ("number", "Gross margin (spend − product cost)"),
    "margin_pct": ("number", "Gross margin % of spend"),
    "recency_days": ("number", "Days since last order"),
    "first_order_date": ("date", "First order date"),
    "last_order_date": ("date", "Last order date"),
    "consent_email": ("bool", "Email consent"),
    "consent_sms": ("bool", "SMS consent"),
    "last_order_late": ("bool", "Last order late"),
    "tag": ("category", "Had an order tagged"),
    "rfm_segment": ("text", "RFM segment"),
    "lifecycle_stage": ("text", "Lifecycle stage"),
    "last_visit_date": ("date", "Last visit to the site"),
    "left_cart_days": ("number", "Days since leaving a cart (not bought since)"),
    "browsed_days": ("number", "Days since browsing without buying (no cart)"),
}
_COLUMN_FIELDS = tuple(f for f, (kind, _) in FIELDS.items() if kind != "category")
# fields matched through a packaged condition over the customer's lines or orders, not a column
_CONDITION_FILES = {"category": "queries/customers/segments/category_filter.sql",
                    "tag": "queries/customers/segments/tag_filter.sql"}

# operator → SQL text (fixed) and the kinds that accept it
OPERATORS: dict[str, tuple[str, tuple[str, ...]]] = {
    "eq": ("=", ("text", "number", "date")),
    "ne": ("<>", ("text", "number", "date")),
    "gt": (">", ("number", "date")),
    "ge": (">=", ("number", "date")),
    "lt": ("<", ("number", "date")),
    "le": ("<=", ("number", "date")),
    "between": ("between", ("number", "date")),
    "in": ("in", ("text", "category")),
    "not_in": ("not in", ("text", "category")),
    "contains": ("contains", ("text",)),
    "is": ("is", ("bool",)),
}
OPERATOR_LABELS = {"eq": "is", "ne": "is not", "gt": "more than / after", "ge": "at least / on or after",
                   "lt": "less than / before", "le": "at most / on or before", "between": "between",
                   "in": "is any of", "not_in": "is none of", "contains": "contains", "is": "is"}


class SegmentSpecError(ValueError):
    """A filter of a segment spec is not usable (which filter, which field, what was expected)."""


@dataclass(frozen=True)
class Filter:
    field: str
    op: str
    value: object


def operators_for(field: str) -> list[str]:
    kind = FIELDS[field][0]
    return [op for op, (_, kinds) in OPERATORS.items() if kind in kinds]


def _number(value, where: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise SegmentSpecError(f"{where}: expected a number; got {value!r}") from None
    if math.isnan(out) or math.isinf(out):
        raise SegmentSpecError(f"{where}: expected a finite number; got {value!r}")
    return out


def _date(value, where: str) -> dt.date:
    try:
        out = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise SegmentSpecError(f"{where}: expected a date (YYYY-MM-DD); got {value!r}") from None
    if pd.isna(out):
        raise SegmentSpecError(f"{where}: expected a date (YYYY-MM-DD); got {value!r}")
    return out.date()


def _text_list(value, where: str) -> list[str]:
    values = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple, set)) else None
    if not values or not all(isinstance(v, str) for v in values):
        raise SegmentSpecError(f"{where}: expected a non-empty list of text values; got {value!r}")
    return values


def validate_spec(spec) -> list[Filter]:
    """The spec as :class:`Filter` objects with values coerced to their field's kind, or a SegmentSpecError."""
    if spec is None:
        return []
    if isinstance(spec, (str, bytes)) or not isinstance(spec, (list, tuple)):
        raise SegmentSpecError(f"A segment spec is a list of (field, operator, value) filters; got {spec!r}")
    out = []
    for i, item in enumerate(spec, start=1):
        if isinstance(item, dict):
            item = (item.get("field"), item.get("op"), item.get("value"))
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            raise SegmentSpecError(f"Filter {i}: expected (field, operator, value); got {item!r}")
        field, op, value = item
        if field not in FIELDS:
            raise SegmentSpecError(f"Filter {i}: unknown field {field!r}; expected one of {', '.join(FIELDS)}")
        kind = FIELDS[field][0]
        if op not in OPERATORS or kind not in OPERATORS[op][1]:
            raise SegmentSpecError(f"Filter {i}: operator {op!r} does not apply to {field} ({kind}); "
                                   f"use one of {', '.join(operators_for(field))}")
        where = f"Filter {i} ({field} {op})"
        if op == "between":
            if not isinstance(value, (list, tuple)) or len(value) != 2:
                raise SegmentSpecError(f"{where}: expected two values (low, high); got {value!r}")
            conv = _number if kind == "number" else _date
            value = (conv(value[0], where), conv(value[1], where))
        elif op in ("in", "not_in"):
            value = _text_list(value, where)
        elif op == "is":
            if value not in (True, False, None):
                raise SegmentSpecError(f"{where}: expected yes (True), no (False) or unknown (None); got {value!r}")
        elif kind == "number":
            value = _number(value, where)
        elif kind == "date":
            value = _date(value, where)
        else:
            if not isinstance(value, str):
                raise SegmentSpecError(f"{where}: expected text; got {value!r}")
        out.append(Filter(field, op, value))
    return out


def _condition(field: str) -> str:
    """The packaged condition of a category or tag filter on one line, its comment lines left out (it is pasted
    into a WHERE)."""
    lines = sql_text(_CONDITION_FILES[field]).splitlines()
    return " ".join(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("--"))


def where_clause(filters: list[Filter]) -> tuple[str, list]:
    """SQL condition text (fixed pieces, quoted names, ``?`` placeholders) and the values to bind, in order."""
    parts, params = [], []
    for f in filters:
        if f.field in _CONDITION_FILES:
            neg = "not " if f.op == "not_in" else ""
            parts.append(_condition(f.field).replace("{negate}", neg))
            # tags are kept in lower case
            params.append([v.strip().lower() for v in f.value] if f.field == "tag" else list(f.value))
            continue
        col = quote_ident(f.field, _COLUMN_FIELDS)
        if f.op == "between":
            parts.append(f"{col} between ? and ?")
            params.extend(f.value)
        elif f.op in ("in", "not_in"):
            neg = "not " if f.op == "not_in" else ""
            parts.append(f"{neg}coalesce(list_contains(?, {col}), false)")
            params.append(list(f.value))
        elif f.op == "contains":
            parts.append(f"contains(lower({col}), lower(?))")
            params.append(f.value)
        elif f.op == "is":
            if f.value is None:
                parts.append(f"{col} is null")
            else:
                parts.append(f"{col} is not distinct from ?")
                params.append(bool(f.value))
        else:
            parts.append(f"{col} {OPERATORS[f.op][0]} ?")
            params.append(f.value)
    return (" and ".join(f"({p})" for p in parts) or "true"), params


def customer_labels(ws, as_of=None, rfm: pd.DataFrame | None = None,
                    stages: pd.DataFrame | None = None) -> pd.DataFrame:
    """customer_id, rfm_segment, lifecycle_stage, recency_days for every customer with an order.

    ``rfm`` / ``stages`` (from :func:`insights.customers.segments.rfm_table` / :func:`insights.customers.lifecycle.lifecycle_stages`,
    same ``as_of``) save recomputing them when the caller already has them."""
    rfm = rfm_table(ws, as_of) if rfm is None else rfm
    stages = lifecycle_stages(ws, as_of) if stages is None else stages
    rfm = rfm[["customer_id", "segment", "recency_days"]].rename(columns={"segment": "rfm_segment"})
    stages = stages[["customer_id", "stage"]].rename(columns={"stage": "lifecycle_stage"})
    out = rfm.merge(stages, on="customer_id", how="outer")
    return out[["customer_id", "rfm_segment", "lifecycle_stage", "recency_days"]]


def _run_builder(ws, spec, labels: pd.DataFrame | None, keep: str) -> pd.DataFrame:
    filters = validate_spec(spec)
    labels = customer_labels(ws) if labels is None else labels
    where, params = where_clause(filters)
    # {keep} is one of two fixed texts chosen here, never user input
    sql = sql_text("queries/customers/segments/builder_base.sql").replace("{where}", where).replace(
        "{keep}", {"segment": "in_segment", "everyone": "true"}[keep])
    cur = cursor(connection(ws))   # own registration scope; the workspace connection's state is untouched
    try:
        cur.register("_builder_labels", _with_margins(ws, labels))
        return cur.execute(sql, params).df()
    finally:
        cur.close()


def _with_margins(ws, labels: pd.DataFrame) -> pd.DataFrame:
    """The labels with each customer's gross margin and margin % (``core.margin``; empty without cost data)."""
    margins = customer_margins(ws)[["customer_id", "gross_margin", "margin_share"]]
    out = labels[["customer_id", "rfm_segment", "lifecycle_stage", "recency_days"]].astype({"customer_id": str})
    out = out.merge(margins, on="customer_id", how="left")
    out["margin_pct"] = out.pop("margin_share") * 100
    return out.merge(_visit_labels(ws), on="customer_id", how="outer")   # CRM-only visitors too


def _visit_labels(ws) -> pd.DataFrame:
    """last_visit_date, left_cart_days, browsed_days per customer who visited (see the module docstring)."""
    seen = visitors(ws)
    end = pd.to_datetime(seen["as_of"])
    cart, browsed = seen["cart_not_bought"].astype(bool), seen["browsed_not_bought"].astype(bool)
    return pd.DataFrame({"customer_id": seen["customer_id"].astype(str),
                         "last_visit_date": pd.to_datetime(seen["last_visit_at"]).dt.normalize(),
                         "left_cart_days": (end - pd.to_datetime(seen["last_cart_at"]).dt.normalize()).dt.days
                         .where(cart),
                         "browsed_days": (end - pd.to_datetime(seen["last_view_at"]).dt.normalize()).dt.days
                         .where(browsed & ~cart)})


def select_customers(ws, spec, labels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Customers matching every filter of ``spec`` (an empty spec: all customers), biggest spenders first.

    Out columns: customer_id, name, email, phone, country, city, channel, consent_email, consent_sms, orders,
    net_revenue, aov, first_order_date, last_order_date, first_category, rfm_segment, lifecycle_stage,
    recency_days, last_order_late, gross_margin, margin_pct (both empty without cost data: revenue-based),
    in_segment (always true here). ``labels`` (from :func:`customer_labels`) saves recomputing RFM
    and lifecycle.
    """
    return _run_builder(ws, spec, labels, "segment")


def flag_customers(ws, spec, labels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every customer (columns of :func:`select_customers`) with ``in_segment`` true for those matching ``spec``:
    one query that serves both the segment's table and its comparison with the rest."""
    return _run_builder(ws, spec, labels, "everyone")


def field_values(ws, field: str, labels: pd.DataFrame | None = None, limit: int = 500) -> list[str]:
    """Distinct values of a text or category field, most common first (for the page's pickers)."""
    kind = FIELDS.get(field, (None,))[0]
    if kind not in ("text", "category"):
        raise SegmentSpecError(f"{field!r} is not a text field; pick from {', '.join(f for f in FIELDS if FIELDS[f][0] in ('text', 'category'))}")
    con = connection(ws)
    if field in ("category", "tag"):
        rows = con.execute(sql_text(f"queries/customers/segments/{field}_values.sql"), {"limit": limit}).fetchall()
        return [r[0] for r in rows]
    if field in ("rfm_segment", "lifecycle_stage"):
        labels = customer_labels(ws) if labels is None else labels
        return labels[field].dropna().value_counts().index.tolist()[:limit]
    col = quote_ident(field, ("country", "city", "channel", "first_category"))
    rows = con.execute(sql_text("queries/customers/segments/field_values.sql").replace("{column}", col),
                       {"limit": limit}).fetchall()
    return [r[0] for r in rows]


def late_known(ws) -> bool:
    """Whether any order's lateness is known (delivery dates or a late flag or tag): the filter
    ``last_order_late`` can then say something."""
    return bool(connection(ws).execute(sql_text("queries/customers/segments/late_known.sql")).fetchall()[0][0])


def segment_figures(group: pd.DataFrame, total_customers: int, total_revenue: float) -> dict:
    """The figures a comparison shows for one group of customers (builder rows), against the whole shop's
    customers and revenue."""
    n = len(group)
    orders = float(group["orders"].sum())
    revenue = float(group["net_revenue"].fillna(0).sum())
    buyers = group[group["orders"] > 0]
    return {
        "Customers": n,
        "Share of customers": n / total_customers if total_customers else np.nan,
        "Net revenue": revenue,
        "Share of revenue": revenue / total_revenue if total_revenue else np.nan,
        "Orders per customer": orders / n if n else np.nan,
        "AOV": revenue / orders if orders else np.nan,
        "Revenue per customer": revenue / n if n else np.nan,
        "Repeat-purchase rate": float((buyers["orders"] >= 2).mean()) if len(buyers) else np.nan,
        "Median days since last order": float(group["recency_days"].median()) if group["recency_days"].notna().any() else np.nan,
        "Email consent": float(group["consent_email"].fillna(False).astype(bool).mean()) if n else np.nan,
        "Top country": group["country"].mode().iloc[0] if group["country"].notna().any() else "—",
        "Top channel": group["channel"].mode().iloc[0] if group["channel"].notna().any() else "—",
    }


def compare_segment(ws, spec, labels: pd.DataFrame | None = None,
                    flagged: pd.DataFrame | None = None) -> pd.DataFrame:
    """Side-by-side figures: index = figure, columns ``segment`` and ``rest`` (all other customers).

    ``flagged`` (from :func:`flag_customers` for the same spec) saves running the query again."""
    everyone = flag_customers(ws, spec, labels) if flagged is None else flagged
    inside = everyone["in_segment"].astype(bool)
    total_n, total_rev = len(everyone), float(everyone["net_revenue"].fillna(0).sum())
    return pd.DataFrame({"segment": segment_figures(everyone[inside], total_n, total_rev),
                         "rest": segment_figures(everyone[~inside], total_n, total_rev)})


SHARE_FIGURES = ("Share of customers", "Share of revenue", "Repeat-purchase rate", "Email consent")
MONEY_FIGURES = ("Net revenue", "AOV", "Revenue per customer")


def format_comparison(comparison: pd.DataFrame, currency: str | None = None) -> pd.DataFrame:
    """:func:`compare_segment`'s table as text for display: shares as %, money with the currency, "—" for none."""

    def text(figure, value):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "—"
        if figure in SHARE_FIGURES:
            return f"{value:.1%}"
        if figure in MONEY_FIGURES:
            return format_money(round(float(value), 2), currency)
        if isinstance(value, (int, np.integer)):
            return f"{value:,}"
        if isinstance(value, (float, np.floating)):
            return f"{value:,.1f}"
        return str(value)

    return pd.DataFrame({col: [text(fig, comparison.loc[fig, col]) for fig in comparison.index]
                         for col in comparison.columns}, index=comparison.index)


def describe_spec(spec) -> str:
    """``Country is any of France, Germany and Orders at least 2``."""
    words = []
    for f in validate_spec(spec):
        value = f.value
        if isinstance(value, (list, tuple)):
            value = (" and " if f.op == "between" else ", ").join(str(v) for v in value)
        elif f.op == "is":
            value = {True: "yes", False: "no", None: "unknown"}[value]
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        kind = FIELDS[f.field][0]
        label = OPERATOR_LABELS[f.op].split(" / ")[kind == "date"] if " / " in OPERATOR_LABELS[f.op] else \
            OPERATOR_LABELS[f.op]
        words.append(f"{FIELDS[f.field][1]} {label} {value}")
    return " and ".join(words) or "All customers"


def spec_from_choices(choices: dict) -> list[tuple]:
    """A spec from simple page choices: ``{field: [values]}`` for text/category fields (any of),
    ``{field: (low, high)}`` for number/date fields (either end may be None), ``{field: True/False}`` for
    yes/no fields. Empty choices are skipped; unknown fields raise SegmentSpecError."""
    spec = []
    for field, value in choices.items():
        if field not in FIELDS:
            raise SegmentSpecError(f"unknown field {field!r}; expected one of {', '.join(FIELDS)}")
        kind = FIELDS[field][0]
        if value is None or (isinstance(value, (list, tuple, set)) and not len(value)):
            continue
        if kind in ("text", "category"):
            spec.append((field, "in", list(value)))
        elif kind == "bool":
            spec.append((field, "is", bool(value)))
        else:
            low, high = value
            if low is not None:
                spec.append((field, "ge", low))
            if high is not None:
                spec.append((field, "le", high))
    return spec
