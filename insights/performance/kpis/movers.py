"""The largest movers: net revenue by category, channel, country and segment in two date ranges."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from insights.core.dates import as_timestamp
from insights.core.db import query_df, query_rows, quote_ident, sql_text
from insights.core.workspace import connection

MOVER_DIMENSIONS = ("category", "channel", "country", "segment")
_ORDER_DIMENSIONS = ("channel", "country")


def _segment_table(con) -> str | None:
    """A table of this workspace with customer_id and segment columns (made by the segments page), if any."""
    rows = query_rows(con, "queries/performance/kpis/segment_table.sql")
    return rows[0][0] if rows else None


def largest_movers(ws, range_a: tuple[dt.date, dt.date], range_b: tuple[dt.date, dt.date],
                   top: int = 5) -> pd.DataFrame:
    """Net revenue by category, channel, country (and segment where a segment table exists) in two date
    ranges ([start, end) each); the ``top`` values with the largest absolute change per dimension.

    Out: dimension, value, revenue_a, revenue_b, change — sorted by dimension, then |change| descending.
    """
    con = connection(ws)
    params = {"a_start": range_a[0], "a_end": range_a[1], "b_start": range_b[0], "b_end": range_b[1]}
    ts_params = {k: as_timestamp(v) for k, v in params.items()}
    frames = []
    cat = query_df(con, "queries/performance/kpis/movers_category.sql", params)
    frames.append(cat.assign(dimension="category"))
    for dim in _ORDER_DIMENSIONS:
        sql = sql_text("queries/performance/kpis/movers_orders.sql").replace(
            "{dimension}", quote_ident(dim, _ORDER_DIMENSIONS))
        frames.append(query_df(con, sql, ts_params).assign(dimension=dim))
    seg_table = _segment_table(con)
    if seg_table:
        sql = sql_text("queries/performance/kpis/movers_segment.sql").replace(
            "{table}", quote_ident(seg_table, [seg_table]))
        frames.append(query_df(con, sql, ts_params).assign(dimension="segment"))
    movers = pd.concat(frames, ignore_index=True)
    if movers.empty:
        return pd.DataFrame(columns=["dimension", "value", "revenue_a", "revenue_b", "change"])
    movers["revenue_a"] = movers["revenue_a"].astype(float)
    movers["revenue_b"] = movers["revenue_b"].astype(float)
    movers["change"] = movers["revenue_b"] - movers["revenue_a"]
    movers["size"] = movers["change"].abs()
    movers = (movers[movers["size"] > 0].sort_values(["dimension", "size"], ascending=[True, False])
              .groupby("dimension", sort=False).head(top))
    return movers[["dimension", "value", "revenue_a", "revenue_b", "change"]].reset_index(drop=True)
