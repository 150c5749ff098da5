"""What customers say, joined to what they are worth: detractors' share of revenue and of the value at risk,
and how often each NPS group has since lapsed (no order for longer than 9 in 10 of the shop's repeat gaps)."""

from __future__ import annotations

import pandas as pd

from insights.core import scores as score_store
from insights.core.db import query_df
from insights.core.workspace import connection
from insights.voice.scores import nps_group

MIN_DAYS_AFTER_ANSWER = 30      # an answer this recent cannot be followed by a lapse yet: left out of the rates


def value_by_group(ws) -> dict:
    """``detractor_revenue_share`` (of all revenue by customers who answered), ``detractor_value_at_risk`` (from
    the churn watchlist's stored scores when they are current, else None), ``churn_rate_by_group`` (share lapsed
    per promoter/passive/detractor, answers at least :data:`MIN_DAYS_AFTER_ANSWER` days old) and the window."""
    outcomes = query_df(connection(ws), "queries/voice/feedback/customer_outcomes.sql")
    if outcomes.empty:
        return {"detractor_revenue_share": None, "detractor_value_at_risk": None, "churn_rate_by_group": {},
                "customers_by_group": {}, "lapse_window_days": None}
    outcomes["group"] = outcomes["score"].map(nps_group)
    revenue = outcomes["net_revenue"].astype(float)
    total = revenue.sum()
    share = float(revenue[outcomes["group"] == "detractor"].sum() / total) if total > 0 else None
    old_enough = outcomes[outcomes["days_since_answer"] >= MIN_DAYS_AFTER_ANSWER]
    rates = {g: round(float(part["lapsed"].mean()), 4) for g, part in old_enough.groupby("group")}
    at_risk = None
    churn = score_store.current(ws, "churn") if hasattr(ws, "con") else None
    if churn is not None and "value_at_risk" in churn:
        detractors = set(outcomes.loc[outcomes["group"] == "detractor", "customer_id"])
        at_risk = float(churn.loc[churn["customer_id"].isin(detractors), "value_at_risk"].sum())
    return {"detractor_revenue_share": share, "detractor_value_at_risk": at_risk, "churn_rate_by_group": rates,
            "customers_by_group": {g: int(n) for g, n in outcomes["group"].value_counts().items()},
            "lapse_window_days": float(outcomes["window_days"].iloc[0])}


def late_delivery_scores(answers: pd.DataFrame) -> dict | None:
    """Average score (0–10 scale) after late and after on-time orders, and the share of comments on late orders
    that fall in the theme most common among them — None when the data has no delivery dates."""
    known = answers[answers["delivery"].notna() & answers["score10"].notna()]
    if known.empty or known["delivery"].nunique() < 2:
        return None
    means = known.groupby("delivery")["score10"].mean()
    out = {"late_mean_score": round(float(means.get("late")), 2), "on_time_mean_score": round(float(means.get("on time")), 2),
           "late_answers": int((known["delivery"] == "late").sum()),
           "on_time_answers": int((known["delivery"] == "on time").sum())}
    if "theme" in answers:
        late = answers[(answers["delivery"] == "late") & (answers["theme"] >= 0)]
        if len(late):
            top = late["theme"].mode().iloc[0]
            out["late_top_theme"] = int(top)
            out["late_top_theme_share"] = round(float((late["theme"] == top).mean()), 4)
    return out
