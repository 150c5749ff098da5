"""Churn features: a shop's per-customer facts as of a cutoff (nothing dated at or after it) with the label "no
order in the window after it", or a subscription file's own columns with its churn label."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from insights.core.db import query_df
from insights.core.lexicon import NEGATIVE_PATTERN
from insights.customers.next_order import DEFAULT_PRIOR_GAPS, expected_next_orders
from insights.predictions.churn.definition import CANCELLED_STATUSES, ChurnDataError, label_source
from insights.predictions.churn.topics import add_topic_features, topic_columns, topic_features

SHOP_MODEL_FEATURES = ("recency_days", "recency_ratio", "tenure_days", "orders", "avg_order_value",
                       "value_trend", "returns", "late_deliveries", "last_delivery_late_days", "last_order_late",
                       "late_share", "discount_orders", "p_alive", "expected_purchases",
                       "sessions_90d",
                       "sessions_prev_90d", "cart_abandons_90d", "days_since_last_session", "last_nps",
                       "last_rating", "negative_feedback")
LEAKY_NAME_PARTS = ("churn", "cancel", "status", "left", "exit")


def shop_features(con, cutoff, prior_gaps: float = DEFAULT_PRIOR_GAPS) -> pd.DataFrame:
    """Churn features as of ``cutoff`` (uses nothing dated at or after it), one row per customer.

    Columns: those of ``sql/churn/features.sql`` plus usual_gap_days, next_order_expected_at, overdue_days
    and recency_ratio (days since last order ÷ usual gap; see :mod:`insights.customers.next_order`), and the
    complaint-topic and tag counts the files support (:mod:`.topics`).
    """
    cutoff = pd.Timestamp(cutoff)
    features = query_df(con, "queries/predictions/churn/features.sql",
                        {"cutoff": cutoff.to_pydatetime(), "negative_pattern": NEGATIVE_PATTERN})
    nxt = expected_next_orders(features, cutoff, prior_gaps)
    for col in ("usual_gap_days", "next_order_expected_at", "overdue_days", "recency_ratio"):
        features[col] = nxt[col].to_numpy() if len(nxt) else pd.Series(dtype=float)
    return add_topic_features(features, topic_features(con, cutoff))


def shop_labels(con, cutoff, window_end) -> pd.DataFrame:
    """customer_id, churned (no order in [cutoff, window_end)) for customers who had ordered before cutoff."""
    return query_df(con, "queries/predictions/churn/labels.sql", {"cutoff": pd.Timestamp(cutoff).to_pydatetime(),
                                                "window_end": pd.Timestamp(window_end).to_pydatetime()})


def model_columns(features: pd.DataFrame, candidates) -> list[str]:
    """Candidate features that vary in this data (a shop without web events gets no web features); the
    complaint-topic and tag columns of ``features`` are candidates too."""
    cols = []
    for c in list(candidates) + topic_columns(features.columns):
        if c in features and _varies(features[c]):
            cols.append(c)
    return cols


def _varies(s: pd.Series) -> bool:
    """Has a value, and more than one distinct value counting missing as one (``nunique(dropna=False) > 1``)."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        v = s.to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(v)
        if missing.all():
            return False
        present = v[~missing]
        return bool(missing.any() or present.min() != present.max())
    return bool(s.notna().sum() > 0 and s.nunique(dropna=False) > 1)


def subscription_table(con) -> pd.DataFrame:
    """One row per customer: customer_id, churned, and features from the customers file (attributes JSON
    flattened, plus country, channel, tenure_days from signed_up_at). Columns naming the outcome are dropped."""
    source = label_source(con)
    records = query_df(con, "queries/predictions/churn/subscription_records.sql", {"statuses": list(CANCELLED_STATUSES)})
    if records.empty:
        raise ChurnDataError("The customers file has no rows with a customer id.")
    label = {"churned": "label_churned", "status": "label_status", "cancelled_at": "label_cancelled"}[source]
    attrs = pd.json_normalize([json.loads(a) if isinstance(a, str) and a else {} for a in records["attributes"]])
    attrs.index = records.index
    table = pd.DataFrame({"customer_id": records["customer_id"], "churned": records[label].fillna(False)})
    for col in ("country", "channel"):
        if records[col].notna().any():
            table[col] = records[col]
    if records["tenure_days"].notna().any():
        table["tenure_days"] = records["tenure_days"].astype(float)
    for key in attrs.columns:
        name = str(key)
        if any(p in name.lower() for p in LEAKY_NAME_PARTS) or name in table.columns:
            continue
        s = attrs[key]
        text = s.astype("string").str.strip()
        num = pd.to_numeric(text.replace("", pd.NA), errors="coerce")
        filled = text.replace("", pd.NA).notna()
        if filled.sum() and num[filled].notna().mean() >= 0.95:
            table[name] = num.astype(float)
        else:
            if text.nunique() > max(50, 0.5 * len(text)):   # ids, names, free text: not a feature
                continue
            table[name] = text.replace("", pd.NA).astype(object)
    return table


def tenure_column(columns) -> str | None:
    for c in columns:
        if "tenure" in str(c).lower():
            return c
    return None
