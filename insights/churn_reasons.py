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
REASON_SEPARATOR = "; "

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


# Each wording takes the facts of the customers who have that reason (a DataFrame) and returns one sentence
# per row ("" = nothing to say), vectorised: a 100k-customer shop is worded in a fraction of a second.
def _ints(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce").fillna(0).round().astype("int64")


# object-dtype strings throughout: concatenating them is a plain C loop, with no Arrow conversion per step
def _text(s: pd.Series) -> pd.Series:
    return pd.Series(s.to_numpy().astype(str).astype(object), index=s.index, dtype=object)


def _money(s: pd.Series) -> pd.Series:
    values = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    return pd.Series([f"{v:,.0f}" for v in values], index=s.index, dtype=object)


def _col(f: pd.DataFrame, name: str, default=np.nan) -> pd.Series:
    return f[name] if name in f else pd.Series(default, index=f.index)


MONTHS = np.array(["", "January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"], dtype=object)


def _months(ts: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    """'March' for dates within 300 days of as_of, else 'March 2023'; '' for missing dates."""
    ts = pd.to_datetime(ts)
    month = MONTHS[ts.dt.month.fillna(0).astype(int).to_numpy()]
    year = ts.dt.year.fillna(0).astype(int).astype(str).to_numpy(dtype=object)
    recent = ((as_of - ts).dt.days < 300).to_numpy()
    out = np.where(recent, month, month + " " + year)
    return pd.Series(np.where(ts.notna().to_numpy(), out, ""), index=ts.index, dtype=object)


def _when(ts: pd.Series, as_of) -> pd.Series:
    m = _months(ts, as_of)
    return ("in " + m).where(m != "", "").radd(" ").str.rstrip()


def _plural(n: pd.Series, one: str, many: str) -> pd.Series:
    return pd.Series(np.where(n == 1, one, many).astype(object), index=n.index, dtype=object)


def _recency(f, as_of):
    n = _ints(f["recency_days"])
    ratio = pd.to_numeric(_col(f, "recency_ratio"), errors="coerce")
    longer = ", " + _text(ratio.round(1)) + "× longer than usual"
    text = "no order for " + _text(n) + " " + _plural(n, "day", "days") + longer.where(ratio >= 1.2, "")
    # a recent order is not a reason to worry, whatever the model's weights say
    return text.where(ratio.isna() | (ratio >= 0.8), "")


def _history(f, as_of):
    n = _ints(f["orders"])
    tenure = pd.to_numeric(_col(f, "tenure_days"), errors="coerce")
    new = "new customer: " + _text(n) + " orders in " + _text(_ints(tenure)) + " days"
    few = "only " + _text(n) + " orders so far"
    return pd.Series(np.where(n <= 1, "only one order so far",
                              np.where(tenure < 60, new, np.where(n <= 3, few, ""))), index=f.index)


def _order_value(f, as_of):
    return "small orders (average " + _money(f["avg_order_value"]) + ")"


def _trend(f, as_of):
    last = pd.to_numeric(_col(f, "last_order_value"), errors="coerce")
    before = pd.to_numeric(_col(f, "earlier_order_value"), errors="coerce")
    shrink = "orders shrinking: last order " + _money(last) + " against " + _money(before) + " on average before"
    return shrink.where(last < before, "order values changing")


def _returns(f, as_of):
    n = _ints(f["returns"])
    return ("returned " + _text(n) + " " + _plural(n, "order", "orders")).where(n > 0, "")


def _late(f, as_of):
    last = _ints(_col(f, "last_delivery_late_days", 0))
    n = _ints(_col(f, "late_deliveries", 0))
    all_late = (" (" + _text(n) + " late deliveries in all)").where(n > 1, "")
    text = "last delivery arrived " + _text(last) + " " + _plural(last, "day", "days") + " late" + all_late
    count = _text(n) + " late " + _plural(n, "delivery", "deliveries")
    return text.where(last > 0, count.where(n > 0, ""))


def _web(f, as_of):
    now, before = _ints(_col(f, "sessions_90d", 0)), _ints(_col(f, "sessions_prev_90d", 0))
    fell = "site visits fell from " + _text(before) + " to " + _text(now) + " (last 90 days against the 90 before)"
    few = "only " + _text(now) + " site " + _plural(now, "visit", "visits") + " in the last 90 days"
    return pd.Series(np.where(now == 0, "no visits to the shop's site in the last 90 days",
                              np.where(before > now, fell, few)), index=f.index)


def _carts(f, as_of):
    n = _ints(f["cart_abandons_90d"])
    return ("left " + _text(n) + " " + _plural(n, "cart", "carts") + " without buying in the last 90 days").where(n > 0, "")


def _nps(f, as_of):
    score = pd.to_numeric(f["last_nps"], errors="coerce")
    text = "gave NPS " + _text(_ints(score)) + _when(_col(f, "last_nps_at", pd.NaT), as_of)
    return text.where(score.notna(), "")


def _rating(f, as_of):
    score = pd.to_numeric(f["last_rating"], errors="coerce")
    text = "rated " + _text(_ints(score)) + "/5" + _when(_col(f, "last_rating_at", pd.NaT), as_of)
    return text.where(score.notna(), "")


def _complaint(f, as_of):
    word = _col(f, "last_negative_word", None)
    has = word.notna() & (word.astype(str) != "")
    text = "wrote “" + word.astype(str) + "” in feedback" + _when(_col(f, "last_negative_at", pd.NaT), as_of)
    return text.where(has, "")


WORDINGS: dict[str, Callable] = {
    "recency": _recency, "history": _history, "order_value": _order_value, "trend": _trend,
    "returns": _returns, "late_delivery": _late, "web_visits": _web, "carts": _carts, "nps": _nps,
    "rating": _rating, "complaint": _complaint,
}


def _generic(feature: str):
    def word(f, as_of):
        v = f[feature]
        if pd.api.types.is_numeric_dtype(v) and not pd.api.types.is_bool_dtype(v):
            shown = v.map(lambda x: f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.2f}")
        else:
            shown = v.astype(str)
        return (feature + ": " + shown.astype(str)).where(v.notna(), feature + ": not given")
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
    last_order_value, ...). Out: DataFrame with the same index: ``reasons`` (sentences, strongest first,
    joined by "; " — :func:`split_reasons` splits them), ``reason_keys`` (their keys joined by ";") and
    ``top_reason`` (key of the strongest, or "").
    """
    as_of = pd.Timestamp(as_of)
    groups = reason_groups(list(contributions.columns))
    keys = list(groups)
    C = np.column_stack([contributions[groups[k]].to_numpy().sum(axis=1) for k in keys]) if keys else \
        np.zeros((len(contributions), 0))
    n = len(contributions)
    # a few more candidates than needed: a reason with nothing to say for a customer gives way to the next
    order = np.argsort(-C, axis=1, kind="stable")[:, :top + 2]
    picked = np.take_along_axis(C, order, axis=1)
    needed = [c for c in facts.columns if c in contributions.columns or c in CONTEXT_COLUMNS]
    facts = facts[needed].reset_index(drop=True)
    # per candidate rank: the sentence ("" = none) and its key, filled group by group, vectorised
    texts = np.full(order.shape, "", dtype=object)
    for rank in range(order.shape[1]):
        for j, key in enumerate(keys):
            rows = np.flatnonzero((order[:, rank] == j) & (picked[:, rank] >= min_logodds))
            if len(rows):
                word = WORDINGS.get(key) or _generic(groups[key][0])
                texts[rows, rank] = word(facts.iloc[rows], as_of).to_numpy(dtype=object)
    key_names = np.array(keys + [""], dtype=object)
    has = texts != ""
    keep = has & (np.cumsum(has, axis=1) <= top)
    # joined strings, built column by column (no Python loop over customers)
    reasons = np.full(len(texts), "", dtype=object)
    reason_keys = np.full(len(texts), "", dtype=object)
    for rank in range(texts.shape[1]):
        k = keep[:, rank]
        sep = np.where(reasons[k] == "", "", REASON_SEPARATOR)
        reasons[k] = reasons[k] + sep + texts[k, rank]
        reason_keys[k] = reason_keys[k] + np.where(reason_keys[k] == "", "", ";") + key_names[order[k, rank]]
    first = np.argmax(keep, axis=1)
    top_reason = np.where(keep.any(axis=1), key_names[order[np.arange(len(order)), first]], "")
    out = pd.DataFrame(index=contributions.index)
    out["reasons"] = reasons
    out["reason_keys"] = reason_keys
    out["top_reason"] = top_reason
    return out


def split_reasons(text) -> list[str]:
    """The sentences of a joined ``reasons`` cell."""
    return [t for t in str(text or "").split(REASON_SEPARATOR) if t]


def reason_counts(reason_keys: pd.Series) -> pd.Series:
    """How often each reason appears among customers' reasons (labels in plain words), most common first.
    ``reason_keys`` holds ';'-joined keys per customer."""
    exploded = reason_keys.fillna("").str.split(";").explode().dropna()
    exploded = exploded[exploded != ""]
    return exploded.map(lambda k: REASON_LABELS.get(k, k)).value_counts()
