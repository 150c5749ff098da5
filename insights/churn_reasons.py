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


# Each wording takes the facts of the customers who have that reason (:class:`_Facts`: their rows of the facts
# frame, read column by column as numpy arrays) and returns one sentence per customer ("" = nothing to say) as
# an object array. Vectorised where numpy can do it; sentences are assembled by one list comprehension per
# case, only for the customers the case applies to: a 100k-customer shop is worded in about a tenth of a second.
class _Facts:
    """The facts of the customers at positions ``rows`` of ``frame`` (only columns in ``columns``). Whole columns
    are converted once (numbers to float with NaN, dates to datetime64) and shared by every wording through
    ``cache``."""

    def __init__(self, frame: pd.DataFrame, columns: set, rows: np.ndarray, cache: dict):
        self.frame, self.columns, self.rows, self._cache = frame, columns, rows, cache

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, name) -> bool:
        return name in self.columns

    def _whole(self, name: str, kind: str) -> np.ndarray:
        if name not in self.columns:
            raise KeyError(name)
        key = (name, kind)
        if key not in self._cache:
            s = self.frame[name]
            if kind == "num":
                v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            elif kind == "date":
                v = pd.to_datetime(s).to_numpy()
            else:
                v = s.to_numpy(dtype=object)
            self._cache[key] = v
        return self._cache[key]

    def num(self, name: str, default=None) -> np.ndarray:
        """Float values (NaN = missing); a column that is not there reads as ``default`` (KeyError if None)."""
        if default is not None and name not in self:
            return np.full(len(self), float(default))
        return self._whole(name, "num")[self.rows]

    def dates(self, name: str) -> np.ndarray:
        """datetime64 values (NaT = missing, and for every customer when the column is not there)."""
        if name not in self:
            return np.full(len(self), np.datetime64("NaT", "ns"))
        return self._whole(name, "date")[self.rows]

    def objects(self, name: str) -> np.ndarray:
        """Raw values as objects (None for every customer when the column is not there)."""
        if name not in self:
            return np.full(len(self), None, dtype=object)
        return self._whole(name, "object")[self.rows]

    def series(self, name: str) -> pd.Series:
        """The column as it is in the frame (its own dtype), for these customers."""
        if name not in self.columns:
            raise KeyError(name)
        return self.frame[name].iloc[self.rows].reset_index(drop=True)


def _ints(values: np.ndarray) -> list:
    """Rounded whole numbers (missing = 0), as Python ints."""
    v = np.asarray(values, dtype=float)
    return np.round(np.where(np.isnan(v), 0.0, v)).astype("int64").tolist()


def _money(values) -> list:
    return [f"{v:,.0f}" for v in np.asarray(values, dtype=float).tolist()]


def _cases(n: int, cases, default: str = "") -> np.ndarray:
    """Like ``np.select`` but lazy: ``cases`` are (condition, build) pairs, first match wins; ``build(rows)``
    gets the positions its condition picked (and no earlier one did) and returns their sentences (a list) or
    one sentence for all of them."""
    out = np.full(n, default, dtype=object)
    free = np.ones(n, dtype=bool)
    for cond, build in cases:
        rows = np.flatnonzero(free & cond)
        free &= ~np.asarray(cond, dtype=bool)
        if len(rows):
            made = build(rows)
            out[rows] = made if isinstance(made, str) else np.array(made, dtype=object)
    return out


MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def _months(ts: np.ndarray, as_of: pd.Timestamp) -> list:
    """'March' for dates within 300 days of as_of, else 'March 2023'; '' for missing dates."""
    ts = np.asarray(ts)
    out = [""] * len(ts)
    valid = np.flatnonzero(~np.isnat(ts))
    if len(valid):
        t = ts[valid]
        months = t.astype("datetime64[M]").astype("int64")
        month = (months % 12 + 1).tolist()
        year = (months // 12 + 1970).tolist()
        recent = (((as_of.to_datetime64() - t) // np.timedelta64(1, "D")) < 300).tolist()
        for i, m, y, r in zip(valid.tolist(), month, year, recent):
            out[i] = MONTHS[m] if r else f"{MONTHS[m]} {y}"
    return out


def _when(ts: np.ndarray, as_of) -> list:
    """' in March' ('' for a missing date): appended to a sentence."""
    return [" in " + m if m else "" for m in _months(ts, as_of)]


def _recency(f, as_of):
    n = _ints(f.num("recency_days"))
    ratio = f.num("recency_ratio", np.nan)
    shown = (ratio >= 1.2).tolist()
    ratio_1 = np.round(ratio, 1).tolist()
    # a recent order is not a reason to worry, whatever the model's weights say
    return _cases(len(f), [(np.isnan(ratio) | (ratio >= 0.8), lambda r: [
        f"no order for {n[i]} {'day' if n[i] == 1 else 'days'}"
        + (f", {ratio_1[i]}× longer than usual" if shown[i] else "") for i in r.tolist()])])


def _history(f, as_of):
    n = _ints(f.num("orders"))
    tenure = f.num("tenure_days", np.nan)
    days = _ints(tenure)
    few = np.asarray(n) <= 1
    return _cases(len(f), [
        (few, "only one order so far"),
        (tenure < 60, lambda r: [f"new customer: {n[i]} orders in {days[i]} days" for i in r.tolist()]),
        (np.asarray(n) <= 3, lambda r: [f"only {n[i]} orders so far" for i in r.tolist()])])


def _order_value(f, as_of):
    return np.array([f"small orders (average {m})" for m in _money(f.num("avg_order_value"))], dtype=object)


def _trend(f, as_of):
    last, before = f.num("last_order_value", np.nan), f.num("earlier_order_value", np.nan)
    return _cases(len(f), [(last < before, lambda r: [
        f"orders shrinking: last order {a} against {b} on average before"
        for a, b in zip(_money(last[r]), _money(before[r]))])], "order values changing")


def _returns(f, as_of):
    n = _ints(f.num("returns"))
    return _cases(len(f), [(np.asarray(n) > 0, lambda r: [
        f"returned {n[i]} {'order' if n[i] == 1 else 'orders'}" for i in r.tolist()])])


def _late(f, as_of):
    last = _ints(f.num("last_delivery_late_days", 0))
    n = _ints(f.num("late_deliveries", 0))
    return _cases(len(f), [
        (np.asarray(last) > 0, lambda r: [
            f"last delivery arrived {last[i]} {'day' if last[i] == 1 else 'days'} late"
            + (f" ({n[i]} late deliveries in all)" if n[i] > 1 else "") for i in r.tolist()]),
        (np.asarray(n) > 0, lambda r: [
            f"{n[i]} late {'delivery' if n[i] == 1 else 'deliveries'}" for i in r.tolist()])])


def _web(f, as_of):
    now, before = _ints(f.num("sessions_90d", 0)), _ints(f.num("sessions_prev_90d", 0))
    now_a, before_a = np.asarray(now), np.asarray(before)
    return _cases(len(f), [
        (now_a == 0, "no visits to the shop's site in the last 90 days"),
        (before_a > now_a, lambda r: [
            f"site visits fell from {before[i]} to {now[i]} (last 90 days against the 90 before)"
            for i in r.tolist()]),
        (np.ones(len(f), dtype=bool), lambda r: [
            f"only {now[i]} site {'visit' if now[i] == 1 else 'visits'} in the last 90 days" for i in r.tolist()])])


def _carts(f, as_of):
    n = _ints(f.num("cart_abandons_90d"))
    return _cases(len(f), [(np.asarray(n) > 0, lambda r: [
        f"left {n[i]} {'cart' if n[i] == 1 else 'carts'} without buying in the last 90 days" for i in r.tolist()])])


def _score_sentence(f, as_of, score_col: str, date_col: str, before: str, after: str = ""):
    score = f.num(score_col)
    n = _ints(score)
    when = f.dates(date_col)
    return _cases(len(f), [(~np.isnan(score), lambda r: [
        f"{before}{n[i]}{after}{w}" for i, w in zip(r.tolist(), _when(when[r], as_of))])])


def _nps(f, as_of):
    return _score_sentence(f, as_of, "last_nps", "last_nps_at", "gave NPS ")


def _rating(f, as_of):
    return _score_sentence(f, as_of, "last_rating", "last_rating_at", "rated ", "/5")


def _complaint(f, as_of):
    word = f.objects("last_negative_word")
    has = ~pd.isna(word)
    text = np.full(len(f), "", dtype=object)
    text[has] = word[has].astype(str).astype(object)
    when = f.dates("last_negative_at")
    return _cases(len(f), [(text != "", lambda r: [
        f"wrote “{w}” in feedback{m}" for w, m in zip(text[r].tolist(), _when(when[r], as_of))])])


WORDINGS: dict[str, Callable] = {
    "recency": _recency, "history": _history, "order_value": _order_value, "trend": _trend,
    "returns": _returns, "late_delivery": _late, "web_visits": _web, "carts": _carts, "nps": _nps,
    "rating": _rating, "complaint": _complaint,
}


def _generic(feature: str):
    def word(f, as_of):
        v = f.series(feature)
        if pd.api.types.is_numeric_dtype(v) and not pd.api.types.is_bool_dtype(v):
            shown = v.map(lambda x: f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.2f}")
        else:
            shown = v.astype(str)
        return (feature + ": " + shown.astype(str)).where(v.notna(), feature + ": not given").to_numpy(dtype=object)
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
    reasons, reason_keys, top_reason = explain_arrays(contributions, facts, as_of, top, min_logodds)
    out = pd.DataFrame(index=contributions.index)
    out["reasons"] = reasons
    out["reason_keys"] = reason_keys
    out["top_reason"] = top_reason
    return out


def explain_arrays(contributions: pd.DataFrame, facts: pd.DataFrame, as_of, top: int = 3,
                   min_logodds: float = 0.1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`explain`'s three columns as object arrays (reasons, reason_keys, top_reason), in row order."""
    as_of = pd.Timestamp(as_of)
    groups = reason_groups(list(contributions.columns))
    keys = list(groups)
    n = len(contributions)
    values = contributions.to_numpy(dtype=float)
    position = {c: i for i, c in enumerate(contributions.columns)}
    C = np.column_stack([values[:, [position[c] for c in groups[k]]].sum(axis=1) for k in keys]) if keys else \
        np.zeros((n, 0))
    # a few more candidates than needed: a reason with nothing to say for a customer gives way to the next
    order = np.argsort(-C, axis=1, kind="stable")[:, :top + 2]
    picked = np.take_along_axis(C, order, axis=1)
    candidate = picked >= min_logodds
    columns = {c for c in facts.columns if c in contributions.columns or c in CONTEXT_COLUMNS}
    cache: dict = {}
    # per candidate rank: the sentence ("" = none), filled reason by reason (one wording call per reason)
    texts = np.full(order.shape, "", dtype=object)

    def word(slots: np.ndarray) -> None:
        for j, key in enumerate(keys):
            rows, ranks = np.nonzero(slots & (order == j))      # a reason is at most once among a row's ranks
            if len(rows):
                wording = WORDINGS.get(key) or _generic(groups[key][0])
                texts[rows, ranks] = wording(_Facts(facts, columns, rows, cache), as_of)

    first_ranks = np.arange(order.shape[1]) < top
    word(candidate & first_ranks)
    # the spare candidates are worded only for customers still short of ``top`` sentences
    short = (texts[:, :top] != "").sum(axis=1) < top
    word(candidate & ~first_ranks & short[:, None])
    key_names = np.array(keys + [""], dtype=object)
    has = texts != ""
    keep = has & (np.cumsum(has, axis=1) <= top)
    # joined strings, built column by column (no Python loop over customers)
    reasons = np.full(n, "", dtype=object)
    reason_keys = np.full(n, "", dtype=object)
    for rank in range(texts.shape[1]):
        k = np.flatnonzero(keep[:, rank])
        if not len(k):
            continue
        started = reasons[k] != ""
        reasons[k] = np.where(started, reasons[k] + REASON_SEPARATOR, "") + texts[k, rank]
        reason_keys[k] = np.where(started, reason_keys[k] + ";", "") + key_names[order[k, rank]]
    if texts.shape[1]:
        first = np.argmax(keep, axis=1)
        top_reason = np.where(keep.any(axis=1), key_names[order[np.arange(n), first]], "").astype(object)
    else:
        top_reason = np.full(n, "", dtype=object)
    return reasons, reason_keys, top_reason


def split_reasons(text) -> list[str]:
    """The sentences of a joined ``reasons`` cell."""
    return [t for t in str(text or "").split(REASON_SEPARATOR) if t]


def reason_counts(reason_keys: pd.Series) -> pd.Series:
    """How often each reason appears among customers' reasons (labels in plain words), most common first.
    ``reason_keys`` holds ';'-joined keys per customer."""
    exploded = reason_keys.fillna("").str.split(";").explode().dropna()
    exploded = exploded[exploded != ""]
    return exploded.map(lambda k: REASON_LABELS.get(k, k)).value_counts()
