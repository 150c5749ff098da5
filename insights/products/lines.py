"""The kept product lines every product question starts from: one row per order and product, cancellations and
returns netted out, non-product lines left out, nothing on or after ``as_of`` read."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.dates import as_timestamp, data_end
from insights.core.db import query_df, sql_text
from insights.core.workspace import connection

LEVELS = ("product", "category")
FAR_FUTURE = dt.datetime(9999, 1, 1)


def kept_lines(ws_or_con, as_of=None) -> pd.DataFrame:
    """Columns ``order_id, customer_id, source_customer_id, ordered_at, product_id, product_name, category``;
    only lines before midnight of ``as_of`` (exclusive) when given."""
    cutoff = FAR_FUTURE if as_of is None else as_timestamp(as_of)
    # through Arrow: strings reach pandas several times faster than through fetchdf
    lines = connection(ws_or_con).sql(sql_text("queries/products/lines/net_lines.sql"),
                                      params={"as_of": cutoff}).to_arrow_table().to_pandas()
    lines["ordered_at"] = pd.to_datetime(lines["ordered_at"])
    return lines


def product_values(ws_or_con, as_of=None) -> dict[str, float]:
    """Each product's average net revenue per paid line before ``as_of`` (exclusive), by product code."""
    cutoff = FAR_FUTURE if as_of is None else as_timestamp(as_of)
    values = query_df(connection(ws_or_con), "queries/products/lines/product_values.sql", {"as_of": cutoff})
    return dict(zip(values["product_id"].astype(str), values["line_value"].astype(float)))


def history_end(ws_or_con, as_of=None) -> pd.Timestamp | None:
    """The "today" of the question: ``as_of`` when given, else the day after the last order."""
    return pd.Timestamp(as_timestamp(as_of)) if as_of is not None else data_end(ws_or_con)


def item_column(level: str) -> tuple[str, str]:
    """(code column, name column) of a level: products by code and name, categories by their name."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    return ("product_id", "product_name") if level == "product" else ("category", "category")


def item_names(lines: pd.DataFrame, level: str) -> dict[str, str]:
    code, name = item_column(level)
    kept = lines.dropna(subset=[code]).drop_duplicates(code)
    return dict(zip(kept[code].astype(str).tolist(), kept[name].fillna("").astype(str).tolist()))
