"""Per-customer churn reasons in plain words, computed from the model's own contributions.

Which reasons a customer gets, and in what order, comes from the fitted model: every feature's log-odds
contribution relative to the reference customer (see :meth:`ChurnModel.contributions`). Related features
are summed into one *reason* (``recency_days`` and ``recency_ratio`` both speak of "no order for …"); the
reasons that push the customer's risk up by at least ``min_logodds`` are kept, strongest first, at most
``top`` of them. Only then are they worded, from the customer's own facts: "no order for 94 days, 2.3×
longer than usual", "gave NPS 3 in March", "last delivery arrived 6 days late", "orders shrinking: last
order 20 against 45 on average before". The wording table below says *how* to say a reason, never
*whether* a customer has it.

Features without a wording of their own (e.g. attributes of a subscription file) are worded generically:
"Contract: Month-to-month", "tenure: 2".
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

# reason key -> the model features whose contributions it sums
REASON_GROUPS: dict[str, tuple[str, ...]] = {
    "recency": ("recency_days", "recency_ratio"),
    "history": ("orders", "tenure_days"),
    "order_value": ("avg_order_value",),
    "trend": ("value_trend",),
    "returns": ("returns",),
    "late_delivery": ("late_deliveries", "last_delivery_late_days"),
    "web_visits": ("sessions_90d", "sessions_prev_90d", "days_since_last_session"),
    "carts": ("cart_abandons_90d",),
    "nps": ("last_nps",),
    "rating": ("last_rating",),
    "complaint": ("negative_feedback",),
}

REASON_LABELS = {
    "recency": "Long time since last order",
    "history": "Little purchase history",
    "order_value": "Small orders",
    "trend": "Orders shrinking",
    "returns": "Returns",
    "late_delivery": "Late deliveries",
    "web_visits": "Fewer site visits",
    "carts": "Abandoned carts",
    "nps": "Low NPS",
    "rating": "Low rating",
    "complaint": "Complaint in feedback",
}


# facts the wordings read besides the model's own features
CONTEXT_COLUMNS = ("recency_days", "recency_ratio", "orders", "tenure_days", "last_order_value",
                   "earlier_order_value", "late_deliveries", "last_delivery_late_days", "sessions_90d",
                   "sessions_prev_90d", "last_nps", "last_nps_at", "last_rating", "last_rating_at",
                   "last_negative_word", "last_negative_at", "cart_abandons_90d", "returns", "avg_order_value")


def _int(v) -> int:
    return int(round(float(v)))


def _month(ts, as_of: pd.Timestamp) -> str:
    if ts is None or pd.isna(ts):
        return ""
    ts = pd.Timestamp(ts)
    return ts.strftime("%B") if ts.year == as_of.year or (as_of - ts).days < 300 else ts.strftime("%B %Y")


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _recency(r, as_of):
    days = _int(r["recency_days"])
    ratio = r.get("recency_ratio", np.nan)
    if pd.notna(ratio) and ratio >= 1.2:
        return f"no order for {days} days, {ratio:.1f}× longer than usual"
    return f"no order for {days} days"


def _history(r, as_of):
    n = _int(r["orders"])
    if n <= 1:
        return "only one order so far"
    months = r.get("tenure_days", np.nan)
    if pd.notna(months) and months < 60:
        return f"new customer: {n} orders in {_int(months)} days"
    return f"only {n} orders so far"


def _order_value(r, as_of):
    return f"small orders (average {r['avg_order_value']:,.0f})"


def _trend(r, as_of):
    last, before = r.get("last_order_value", np.nan), r.get("earlier_order_value", np.nan)
    if pd.notna(last) and pd.notna(before) and last < before:
        return f"orders shrinking: last order {last:,.0f} against {before:,.0f} on average before"
    return "order values changing"


def _returns(r, as_of):
    n = _int(r["returns"])
    return f"returned {n} {_plural(n, 'order', 'orders')}" if n > 0 else ""


def _late(r, as_of):
    last = r.get("last_delivery_late_days", np.nan)
    n = _int(r["late_deliveries"]) if pd.notna(r.get("late_deliveries")) else 0
    if pd.notna(last) and last > 0:
        text = f"last delivery arrived {_int(last)} {_plural(_int(last), 'day', 'days')} late"
        return text + (f" ({n} late deliveries in all)" if n > 1 else "")
    if n > 0:
        return f"{n} late {_plural(n, 'delivery', 'deliveries')}"
    return ""


def _web(r, as_of):
    now, before = _int(r.get("sessions_90d", 0) or 0), _int(r.get("sessions_prev_90d", 0) or 0)
    if now == 0:
        return "no visits to the shop's site in the last 90 days"
    if before > now:
        return f"site visits fell from {before} to {now} (last 90 days against the 90 before)"
    return f"only {now} site {_plural(now, 'visit', 'visits')} in the last 90 days"


def _carts(r, as_of):
    n = _int(r["cart_abandons_90d"])
    return f"left {n} {_plural(n, 'cart', 'carts')} without buying in the last 90 days" if n > 0 else ""


def _nps(r, as_of):
    if pd.isna(r["last_nps"]):
        return ""
    when = _month(r.get("last_nps_at"), as_of)
    return f"gave NPS {_int(r['last_nps'])}" + (f" in {when}" if when else "")


def _rating(r, as_of):
    if pd.isna(r["last_rating"]):
        return ""
    when = _month(r.get("last_rating_at"), as_of)
    return f"rated {_int(r['last_rating'])}/5" + (f" in {when}" if when else "")


def _complaint(r, as_of):
    word = r.get("last_negative_word")
    if not isinstance(word, str) or not word:
        return ""
    when = _month(r.get("last_negative_at"), as_of)
    return f"wrote “{word}” in feedback" + (f" in {when}" if when else "")


WORDINGS: dict[str, Callable] = {
    "recency": _recency, "history": _history, "order_value": _order_value, "trend": _trend,
    "returns": _returns, "late_delivery": _late, "web_visits": _web, "carts": _carts, "nps": _nps,
    "rating": _rating, "complaint": _complaint,
}


def _generic(feature: str):
    def word(r, as_of):
        v = r.get(feature)
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return f"{feature}: not given"
        if isinstance(v, (float, np.floating)):
            v = f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:,.2f}"
        return f"{feature}: {v}"
    return word


def reason_groups(features: list[str]) -> dict[str, list[str]]:
    """Map the model's features to reason keys: known groups first, every other feature its own reason."""
    groups: dict[str, list[str]] = {}
    taken = set()
    for key, members in REASON_GROUPS.items():
        present = [f for f in members if f in features]
        if present:
            groups[key] = present
            taken.update(present)
    for f in features:
        if f not in taken:
            groups[f] = [f]
    return groups


def explain(contributions: pd.DataFrame, facts: pd.DataFrame, as_of, top: int = 3,
            min_logodds: float = 0.1) -> pd.DataFrame:
    """Reasons per customer.

    In: ``contributions`` (rows = customers, columns = model features, log-odds) and ``facts`` (same rows
    in the same order; the feature values plus the context columns the wordings use: last_nps_at,
    last_order_value, ...). Out: DataFrame with the same index: ``reasons`` (list of sentences, strongest
    first), ``reason_keys`` (list of reason keys) and ``top_reason`` (key of the strongest, or "").
    """
    as_of = pd.Timestamp(as_of)
    groups = reason_groups(list(contributions.columns))
    keys = list(groups)
    C = np.column_stack([contributions[groups[k]].to_numpy().sum(axis=1) for k in keys]) if keys else \
        np.zeros((len(contributions), 0))
    n = len(contributions)
    order = np.argsort(-C, axis=1, kind="stable")[:, :top]
    picked = np.take_along_axis(C, order, axis=1)
    sentences = [[] for _ in range(n)]
    reason_keys = [[] for _ in range(n)]
    needed = [c for c in facts.columns if c in contributions.columns or c in CONTEXT_COLUMNS]
    facts = facts[needed].reset_index(drop=True)
    for rank in range(order.shape[1]):
        for j, key in enumerate(keys):
            rows = np.flatnonzero((order[:, rank] == j) & (picked[:, rank] >= min_logodds))
            if not len(rows):
                continue
            word = WORDINGS.get(key) or _generic(groups[key][0])
            for i, rec in zip(rows, facts.iloc[rows].to_dict(orient="records")):
                text = word(rec, as_of)
                if text:
                    sentences[i].append(text)
                    reason_keys[i].append(key)
    out = pd.DataFrame(index=contributions.index)
    out["reasons"] = sentences
    out["reason_keys"] = reason_keys
    out["top_reason"] = [k[0] if k else "" for k in reason_keys]
    return out


def reason_counts(reason_keys: pd.Series, top: int = 3) -> pd.Series:
    """How often each reason appears among customers' reasons (labels in plain words), most common first."""
    exploded = reason_keys.explode().dropna()
    exploded = exploded[exploded != ""]
    return exploded.map(lambda k: REASON_LABELS.get(k, k)).value_counts()
