"""The feedback answers of a workspace as one frame, each with its scale (NPS 0–10 or a 1–5 rating), its
customer's channel, country and first category, and whether the order it is about arrived late."""

from __future__ import annotations

import numpy as np
import pandas as pd

from insights.core.db import query_df
from insights.core.workspace import connection

DIMENSIONS = {"channel": "Channel", "country": "Country", "category": "First category", "delivery": "Delivery"}


def responses(ws) -> pd.DataFrame:
    """One row per answer: feedback_id, customer_id, submitted_at, kind, score, text, channel, country, category,
    late_days, ``scale`` (``nps`` or ``rating``), ``delivery`` (``late``/``on time``/None) and ``score10`` (the
    score on 0–10: ratings r ↦ (r − 1) × 2.5, so that themes can average answers of both scales)."""
    df = query_df(connection(ws), "queries/voice/feedback/responses.sql")
    if df.empty:
        for col in ("scale", "delivery", "score10"):
            df[col] = pd.Series(dtype=object)
        return df
    top = df.groupby("kind")["score"].transform("max")
    df["scale"] = np.where((df["kind"] == "nps") | (top > 5), "nps", "rating")
    df.loc[df["score"].isna() & (df["kind"] != "nps"), "scale"] = "rating"
    late = pd.to_numeric(df["late_days"], errors="coerce").astype(float).to_numpy()
    df["delivery"] = np.where(np.isnan(late), None, np.where(np.nan_to_num(late) > 0, "late", "on time"))
    score = pd.to_numeric(df["score"], errors="coerce").astype(float)
    df["score10"] = np.where(df["scale"] == "nps", score, (score - 1) * 2.5)
    return df
