"""RFM segmentation: who buys recently, often and for a lot — and what to do about each group.

Definitions (shown on the page):

- Computed **as of** a date (default: the day after the last order), from the ``orders`` mart (one row per
  order id), for identified customers with at least one order before that date. Guests are left out.
- **Recency** = days from the customer's last order date to the as-of date; **frequency** = orders (order ids
  not wholly cancelled); **monetary** = net revenue of all their order ids (cancellations and returns netted).
- **Scores 1–5** (5 = best; for recency, fewer days is better) by quantiles with a stated tie rule: equal values
  get equal scores. ``score = min(5, 1 + floor(5 × percent_rank))`` where ``percent_rank = (rank − 1) /
  (customers − 1)`` and rank counts the customers with a strictly worse value, plus one. So with 5 customers
  of distinct values the scores are 1..5; with 2, they are 1 and 5; one-order customers all share the lowest
  frequency score. If every customer has the same value (or there is one customer), all score 3.
- **Segments** come from the R and F scores through a map kept as data (``rfm_segments.json``): each
  segment covers a rectangle of R and F scores; every (R, F) pair belongs to exactly one segment. Pass your own
  map as ``segment_map`` (same shape) to change names, ranges or next steps.
- **Share of revenue** is of the net revenue of segmented customers (guests excluded); **AOV** = the
  segment's net revenue / its orders.
"""

from __future__ import annotations

import copy
import json
import logging
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from insights.core import scores as score_store
from insights.core.dates import as_timestamp, default_as_of
from insights.core.db import query_df
from insights.core.workspace import connection


log = logging.getLogger(__name__)

SEGMENT_NAMES = ("Champions", "Loyal", "Potential Loyalists", "New", "Promising", "Need Attention",
                 "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost")
RFM_COLUMNS = ["customer_id", "recency_days", "frequency", "monetary", "last_order_date", "first_order_date",
               "tenure_days", "r_score", "f_score", "m_score", "rfm_code", "segment"]
SUMMARY_COLUMNS = ["segment", "customers", "share_of_customers", "net_revenue", "share_of_revenue", "orders",
                   "aov", "median_recency_days", "avg_r", "avg_f", "avg_m", "description", "next_step"]


# where a page keeps a user's edited map for the session (a plain string: this module does not import streamlit)
SESSION_MAP_KEY = "segment_map"


class SegmentMapError(ValueError):
    """The RFM segment map is not usable (which segment, which field, what was expected)."""


@lru_cache(maxsize=1)
def _default_map_text() -> str:
    return resources.files("insights.customers").joinpath("rfm_segments.json").read_text(encoding="utf-8")


def default_segment_map() -> dict:
    """The shipped map (a fresh copy: edit it freely and pass it as ``segment_map``)."""
    return json.loads(_default_map_text())


def validate_segment_map(segment_map: dict | list) -> list[dict]:
    """The map's segments, checked: names, R/F ranges within 1..5, every (R, F) pair covered exactly once.

    Accepts ``{"segments": [...]}`` or the list itself. Raises :class:`SegmentMapError` naming the problem.
    """
    segments = segment_map.get("segments") if isinstance(segment_map, dict) else segment_map
    if not isinstance(segments, list) or not segments:
        raise SegmentMapError("The segment map needs a non-empty list under 'segments'.")
    owner: dict[tuple[int, int], str] = {}
    out = []
    for i, seg in enumerate(segments, start=1):
        if not isinstance(seg, dict) or not str(seg.get("name", "")).strip():
            raise SegmentMapError(f"Segment #{i} of the map has no 'name'.")
        name = str(seg["name"]).strip()
        if any(o["name"] == name for o in out):
            raise SegmentMapError(f"Two segments of the map are named {name!r}; give each its own name.")
        ranges = {}
        for axis in ("recency", "frequency"):
            rng = seg.get(axis)
            ok = (isinstance(rng, (list, tuple)) and len(rng) == 2
                  and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in rng)
                  and 1 <= rng[0] <= rng[1] <= 5)
            if not ok:
                raise SegmentMapError(f"Segment {name!r}: '{axis}' must be [low, high] with 1 <= low <= high <= 5; "
                                      f"got {rng!r}.")
            ranges[axis] = (int(rng[0]), int(rng[1]))
        for r in range(ranges["recency"][0], ranges["recency"][1] + 1):
            for f in range(ranges["frequency"][0], ranges["frequency"][1] + 1):
                if (r, f) in owner:
                    raise SegmentMapError(f"R={r}, F={f} belongs to both {owner[(r, f)]!r} and {name!r}.")
                owner[(r, f)] = name
        out.append({"name": name, "recency": ranges["recency"], "frequency": ranges["frequency"],
                    "description": str(seg.get("description", "")), "next_step": str(seg.get("next_step", ""))})
    missing = [(r, f) for r in range(1, 6) for f in range(1, 6) if (r, f) not in owner]
    if missing:
        shown = ", ".join(f"R={r} F={f}" for r, f in missing[:6])
        raise SegmentMapError(f"The segment map leaves {len(missing)} score pair(s) without a segment: {shown}.")
    return out


def segment_grid(segment_map: dict | list | None = None) -> pd.DataFrame:
    """5 × 5 table of segment names: rows R score 5..1, columns F score 1..5."""
    lookup = _lookup(validate_segment_map(segment_map or default_segment_map()))
    return pd.DataFrame([[lookup[(r, f)] for f in range(1, 6)] for r in range(5, 0, -1)],
                        index=pd.Index(range(5, 0, -1), name="R"), columns=pd.Index(range(1, 6), name="F"))


def _lookup(segments: list[dict]) -> dict[tuple[int, int], str]:
    return {(r, f): s["name"] for s in segments
            for r in range(s["recency"][0], s["recency"][1] + 1)
            for f in range(s["frequency"][0], s["frequency"][1] + 1)}


def rfm_table(ws, as_of=None, segment_map: dict | list | None = None) -> pd.DataFrame:
    """One row per identified customer with an order before ``as_of``: recency/frequency/monetary, scores, segment.

    In: a workspace (or connection) with marts built; ``as_of`` a date (orders before it count; default the day
    after the last order); ``segment_map`` to override the shipped map.
    Out columns: :data:`RFM_COLUMNS` (``rfm_code`` is e.g. ``"545"``; ``monetary`` is float).
    """
    segments = validate_segment_map(segment_map or default_segment_map())
    con = connection(ws)
    as_of = as_of if as_of is not None else default_as_of(con)
    if as_of is None:
        return pd.DataFrame(columns=RFM_COLUMNS)
    df = query_df(con, "queries/customers/segments/rfm.sql", {"as_of": as_timestamp(as_of)})
    if df.empty:
        return pd.DataFrame(columns=RFM_COLUMNS)
    df["monetary"] = df["monetary"].astype(float)
    for col in ("r_score", "f_score", "m_score", "frequency", "recency_days", "tenure_days"):
        df[col] = df[col].astype(int)
    df["rfm_code"] = df["r_score"].astype(str) + df["f_score"].astype(str) + df["m_score"].astype(str)
    lookup = _lookup(segments)
    df["segment"] = [lookup[(r, f)] for r, f in zip(df["r_score"], df["f_score"])]
    return df[RFM_COLUMNS]


def customer_segments(ws, as_of=None, segment_map: dict | list | None = None) -> pd.DataFrame:
    """customer_id, segment (RFM segment name) for every identified customer with an order."""
    return rfm_table(ws, as_of, segment_map)[["customer_id", "segment"]].reset_index(drop=True)


def segment_summary(rfm: pd.DataFrame, segment_map: dict | list | None = None) -> pd.DataFrame:
    """One row per segment of the map (map order, empty segments included) from :func:`rfm_table`'s output.

    Out columns: :data:`SUMMARY_COLUMNS`. Shares are of all customers / net revenue in ``rfm``.
    """
    segments = validate_segment_map(segment_map or default_segment_map())
    order = [s["name"] for s in segments]
    info = {s["name"]: s for s in segments}
    grouped = rfm.groupby("segment").agg(
        customers=("customer_id", "size"), net_revenue=("monetary", "sum"), orders=("frequency", "sum"),
        median_recency_days=("recency_days", "median"), avg_r=("r_score", "mean"), avg_f=("f_score", "mean"),
        avg_m=("m_score", "mean")).reindex(order)
    grouped["customers"] = grouped["customers"].fillna(0).astype(int)
    grouped["orders"] = grouped["orders"].fillna(0).astype(int)
    grouped["net_revenue"] = grouped["net_revenue"].fillna(0.0).astype(float)
    total_customers, total_revenue = int(grouped["customers"].sum()), float(grouped["net_revenue"].sum())
    grouped["share_of_customers"] = grouped["customers"] / total_customers if total_customers else 0.0
    grouped["share_of_revenue"] = grouped["net_revenue"] / total_revenue if total_revenue else 0.0
    grouped["aov"] = np.where(grouped["orders"] > 0, grouped["net_revenue"] / grouped["orders"].clip(lower=1), np.nan)
    grouped["description"] = [info[n]["description"] for n in grouped.index]
    grouped["next_step"] = [info[n]["next_step"] for n in grouped.index]
    out = grouped.reset_index().rename(columns={"index": "segment"})
    return out[SUMMARY_COLUMNS]


def segment_table(ws, as_of=None, segment_map: dict | list | None = None) -> pd.DataFrame:
    """:func:`segment_summary` of :func:`rfm_table` — what the page and ``python -m insights segments`` show."""
    return segment_summary(rfm_table(ws, as_of, segment_map), segment_map)


MAP_FRAME_COLUMNS = ["name", "recency_low", "recency_high", "frequency_low", "frequency_high", "description",
                     "next_step"]


def segment_map_frame(segment_map: dict | list | None = None) -> pd.DataFrame:
    """The map as an editable table, one row per segment (:data:`MAP_FRAME_COLUMNS`)."""
    rows = [{"name": s["name"], "recency_low": s["recency"][0], "recency_high": s["recency"][1],
             "frequency_low": s["frequency"][0], "frequency_high": s["frequency"][1],
             "description": s["description"], "next_step": s["next_step"]}
            for s in validate_segment_map(segment_map or default_segment_map())]
    return pd.DataFrame(rows, columns=MAP_FRAME_COLUMNS)


def segment_map_from_frame(frame: pd.DataFrame) -> dict:
    """A map from :func:`segment_map_frame`'s table as a user edited it; checked by :func:`validate_segment_map`.

    Raises :class:`SegmentMapError` naming the row (1 = first) and the column when a score is not a whole number."""
    missing = [c for c in MAP_FRAME_COLUMNS[:5] if c not in frame.columns]
    if missing:
        raise SegmentMapError(f"The segment map table lacks column(s) {', '.join(missing)}.")
    out = []
    for i, row in enumerate(frame.to_dict(orient="records"), start=1):
        if all(v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" for v in row.values()):
            continue   # an empty row added in the editor
        scores = {}
        for col in MAP_FRAME_COLUMNS[1:5]:
            value = row.get(col)
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = float("nan")
            if np.isnan(number) or not number.is_integer():
                raise SegmentMapError(f"Row {i} ({row.get('name') or 'no name'}): {col} must be a whole number "
                                      f"from 1 to 5; got {value!r}.")
            scores[col] = int(number)
        text = {c: "" if row.get(c) is None or (not isinstance(row.get(c), str) and pd.isna(row.get(c)))
                else str(row.get(c)) for c in ("name", "description", "next_step")}
        out.append({"name": text["name"], "recency": [scores["recency_low"], scores["recency_high"]],
                    "frequency": [scores["frequency_low"], scores["frequency_high"]],
                    "description": text["description"], "next_step": text["next_step"]})
    segment_map = {"segments": out}
    validate_segment_map(segment_map)
    return segment_map


def with_map_override(changes: dict[str, dict]) -> dict:
    """The default map with some segments' fields replaced, e.g. ``{"Lost": {"next_step": "..."}}``."""
    out = copy.deepcopy(default_segment_map())
    names = {s["name"] for s in out["segments"]}
    for name, fields in changes.items():
        if name not in names:
            raise SegmentMapError(f"No segment named {name!r} in the map; expected one of {sorted(names)}.")
        for seg in out["segments"]:
            if seg["name"] == name:
                seg.update(fields)
    return out


def segment_predictions(ws, labels: pd.DataFrame, by: str = "segment") -> pd.DataFrame | None:
    """Per group of ``labels`` (customer_id + ``by``): customers scored, mean predicted CLV, mean probability
    still active and mean churn risk, from the latest CLV and churn fits on the workspace's current data.

    None when neither model has been run on this data (the pages then say where to run them). Averages are
    over the group's customers that have a score; a model that was not run leaves its columns empty.
    """
    clv_scores = score_store.current(ws, "clv")
    churn_scores = score_store.current(ws, "churn")
    if clv_scores is None and churn_scores is None:
        return None
    frame = labels[["customer_id", by]].astype({"customer_id": str})
    if clv_scores is not None:
        frame = frame.merge(clv_scores[["customer_id", "clv", "p_alive"]].astype({"customer_id": str}),
                            on="customer_id", how="left")
    else:
        frame = frame.assign(clv=np.nan, p_alive=np.nan)
    if churn_scores is not None:
        frame = frame.merge(churn_scores[["customer_id", "churn_probability"]].astype({"customer_id": str}),
                            on="customer_id", how="left")
    else:
        frame = frame.assign(churn_probability=np.nan)
    out = frame.groupby(by, sort=False).agg(mean_clv=("clv", "mean"), mean_p_alive=("p_alive", "mean"),
                                            mean_churn_risk=("churn_probability", "mean"))
    return out.reset_index()
