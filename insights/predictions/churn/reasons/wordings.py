"""How each churn reason is worded, from the customer's own facts ("no order for 94 days, 2.3× longer than usual").

Each wording takes the facts of the customers who have that reason (:class:`Facts`: their rows of the facts
frame, read column by column as numpy arrays) and returns one sentence per customer ("" = nothing to say) as a
pyarrow string array (see :func:`insights.predictions.churn.reasons.text.format_each`). The table
:data:`WORDINGS` says *how* to say a reason, never *whether* a customer has it. Features without a wording of
their own (e.g. attributes of a subscription file) are worded generically (:func:`generic_wording`):
"Contract: Month-to-month", "tenure: 2".
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from insights.predictions.churn.reasons.text import concat, decoded, format_each, lazy_select, strings
from insights.predictions.churn.topics import TAG_PREFIX, describe

# facts the wordings read besides the model's own features
CONTEXT_COLUMNS = ("recency_days", "recency_ratio", "orders", "tenure_days", "last_order_value",
                   "earlier_order_value", "late_deliveries", "last_delivery_late_days", "last_order_late",
                   "sessions_90d",
                   "sessions_prev_90d", "last_nps", "last_nps_at", "last_rating", "last_rating_at",
                   "last_negative_word", "last_negative_at", "cart_abandons_90d", "returns", "avg_order_value",
                   "p_alive", "discount_orders")


class Facts:
    """The facts of the customers at positions ``rows`` of ``frame`` (only the columns in ``columns``). Whole
    columns are converted once (numbers to float with NaN, dates to datetime64) and shared through ``cache``."""

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
        """The column with its own dtype, for these customers."""
        if name not in self.columns:
            raise KeyError(name)
        return self.frame[name].iloc[self.rows].reset_index(drop=True)


def _ints(values: np.ndarray) -> np.ndarray:
    """Rounded whole numbers, missing = 0 (int64)."""
    v = np.asarray(values, dtype=float)
    return np.round(np.where(np.isnan(v), 0.0, v)).astype("int64")


MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def _when(ts: np.ndarray, as_of: pd.Timestamp) -> pa.Array:
    """' in March' for dates within 300 days of as_of, else ' in March 2023'; '' for missing dates."""
    def say(rows):
        t = ts[rows]
        months = t.astype("datetime64[M]").astype(np.int64)          # months since January 1970
        recent = ((as_of.to_datetime64() - t) // np.timedelta64(1, "D")) < 300
        return format_each(lambda m, r: " in " + (MONTHS[m % 12 + 1] if r else f"{MONTHS[m % 12 + 1]} {m // 12 + 1970}"),
                       months, recent.astype(np.int64))
    return lazy_select(len(ts), [(~np.isnat(ts), say)])


def _recency(f, as_of):
    n = _ints(f.num("recency_days"))
    ratio = f.num("recency_ratio", np.nan)

    def say(r):
        rr = ratio[r]
        longer = lazy_select(len(r), [(rr >= 1.2, lambda s: format_each(lambda x: f", {x}× longer than usual",
                                                                np.round(rr[s], 1)))])
        return concat(format_each(lambda d: f"no order for {d} {'day' if d == 1 else 'days'}", n[r]), longer)
    # a recent order is not a reason to worry, whatever the model's weights say
    return lazy_select(len(f), [(np.isnan(ratio) | (ratio >= 0.8), say)])


def _history(f, as_of):
    n = _ints(f.num("orders"))
    tenure = f.num("tenure_days", np.nan)
    days = _ints(tenure)
    return lazy_select(len(f), [
        (n <= 1, "only one order so far"),
        (tenure < 60, lambda r: format_each(lambda a, b: f"new customer: {a} orders in {b} days", n[r], days[r])),
        (n <= 3, lambda r: format_each(lambda a: f"only {a} orders so far", n[r]))])


def _order_value(f, as_of):
    return format_each(lambda v: f"small orders (average {v:,.0f})", f.num("avg_order_value"))


def _trend(f, as_of):
    last, before = f.num("last_order_value", np.nan), f.num("earlier_order_value", np.nan)
    return lazy_select(len(f), [(last < before, lambda r: concat(
        format_each(lambda a: f"orders shrinking: last order {a:,.0f} against ", last[r]),
        format_each(lambda b: f"{b:,.0f} on average before", before[r])))], "order values changing")


def _returns(f, as_of):
    n = _ints(f.num("returns"))
    return lazy_select(len(f), [(n > 0, lambda r: format_each(lambda k: f"returned {k} {'order' if k == 1 else 'orders'}",
                                                      n[r]))])


def _late(f, as_of):
    last = _ints(f.num("last_delivery_late_days", 0))
    n = _ints(f.num("late_deliveries", 0))
    flagged = f.num("last_order_late", 0) > 0       # flagged or tagged late in the shop's files
    return lazy_select(len(f), [
        (last > 0, lambda r: format_each(lambda a, b: f"last delivery arrived {a} {'day' if a == 1 else 'days'} late"
                                     + (f" ({b} late deliveries in all)" if b > 1 else ""), last[r], n[r])),
        (n > 0, lambda r: format_each(lambda b: f"{b} late {'delivery' if b == 1 else 'deliveries'}", n[r])),
        (flagged, "last order was late")])


def _web(f, as_of):
    now, before = _ints(f.num("sessions_90d", 0)), _ints(f.num("sessions_prev_90d", 0))
    return lazy_select(len(f), [
        (now == 0, "no visits to the shop's site in the last 90 days"),
        (before > now, lambda r: format_each(
            lambda b, a: f"site visits fell from {b} to {a} (last 90 days against the 90 before)", before[r], now[r])),
        (np.ones(len(f), dtype=bool), lambda r: format_each(
            lambda a: f"only {a} site {'visit' if a == 1 else 'visits'} in the last 90 days", now[r]))])


def _carts(f, as_of):
    n = _ints(f.num("cart_abandons_90d"))
    return lazy_select(len(f), [(n > 0, lambda r: format_each(
        lambda k: f"left {k} {'cart' if k == 1 else 'carts'} without buying in the last 90 days", n[r]))])


def _score_sentence(f, as_of, score_col: str, date_col: str, before: str, after: str = ""):
    score = f.num(score_col)
    n = _ints(score)
    when = f.dates(date_col)
    return lazy_select(len(f), [(~np.isnan(score), lambda r: concat(
        format_each(lambda k: f"{before}{k}{after}", n[r]), _when(when[r], as_of)))])


def _nps(f, as_of):
    return _score_sentence(f, as_of, "last_nps", "last_nps_at", "gave NPS ")


def _rating(f, as_of):
    return _score_sentence(f, as_of, "last_rating", "last_rating_at", "rated ", "/5")


def _complaint(f, as_of):
    word = f.objects("last_negative_word")
    text = np.full(len(f), "", dtype=object)
    has = ~pd.isna(word)
    text[has] = word[has].astype(str).astype(object)
    when = f.dates("last_negative_at")

    def say(r):
        codes, words = pd.factorize(text[r])
        return concat(decoded(codes, [f"wrote “{w}” in feedback" for w in words]), _when(when[r], as_of))
    return lazy_select(len(f), [(text != "", say)])


def _timing(f, as_of):
    alive = f.num("p_alive", np.nan)
    pct = np.round(100 * alive).astype("float")
    return lazy_select(len(f), [(alive < 0.5, lambda r: format_each(
        lambda a: f"their buying pattern says they have likely stopped: {int(a)}% chance they are still a customer",
        pct[r]))])


def _discount(f, as_of):
    n = _ints(f.num("discount_orders", 0))
    return lazy_select(len(f), [(n > 0, lambda r: format_each(
        lambda a: f"{a} {'order' if a == 1 else 'orders'} with a discount code", n[r]))])


WORDINGS: dict[str, Callable] = {
    "recency": _recency, "history": _history, "order_value": _order_value, "trend": _trend,
    "returns": _returns, "late_delivery": _late, "web_visits": _web, "carts": _carts, "nps": _nps,
    "rating": _rating, "complaint": _complaint, "timing": _timing, "discount": _discount,
}


def topic_wording(feature: str):
    """A complaint topic ("complained about damaged or broken goods in feedback"), an order tag ("2 orders
    tagged “damaged”") or the last order's ("last order tagged “damaged”"): :mod:`insights.predictions.churn.topics`."""
    did = describe(feature)[2]

    def word(f, as_of):
        n = _ints(f.num(feature, 0))
        if not feature.startswith(TAG_PREFIX):
            return lazy_select(len(f), [(n > 0, did)])
        return lazy_select(len(f), [(n > 0, lambda r: format_each(
            lambda k: f"{k} {'order' if k == 1 else 'orders'} {did}", n[r]))])
    return word


def generic_wording(feature: str):
    def word(f, as_of):
        v = f.series(feature)
        if pd.api.types.is_numeric_dtype(v) and not pd.api.types.is_bool_dtype(v):
            shown = v.map(lambda x: f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.2f}")
        else:
            shown = v.astype(str)
        return strings((feature + ": " + shown.astype(str)).where(v.notna(), feature + ": not given")
                        .to_numpy(dtype=object))
    return word
