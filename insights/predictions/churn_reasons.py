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

import math
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
# a pyarrow string array (see :func:`_format`): a 100k-customer shop is worded in a fraction of a second.
class _Facts:
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


# Sentences are pyarrow string arrays (one per customer): a sentence is formatted in Python once per distinct
# value (or combination of values) and pyarrow puts it in place for every customer with that value, and joins
# the pieces, so no Python string is built per customer.
_NO_TEXT = pa.scalar("", type=pa.large_string())


def _format(fn: Callable, *columns: np.ndarray) -> pa.Array:
    """``fn(*values)`` for every row of the int64 or float ``columns``, called once per distinct combination of
    values (floats are told apart by their bits, so 0.0 and -0.0 stay distinct)."""
    n = len(columns[0])
    if n == 0:
        return pa.array([], type=pa.large_string())
    cols = [c.view(np.int64) if c.dtype == np.float64 else c.astype(np.int64, copy=False) for c in columns]
    if len(cols) == 1:
        uniq, inverse = _unique(cols[0])
        uniq = uniq[:, None]
    else:
        # one number per combination when the ranges allow (small whole numbers), else unique rows
        low = [int(c.min()) for c in cols]
        spans = [int(c.max()) - lo + 1 for c, lo in zip(cols, low)]
        if all(c.dtype != np.float64 for c in columns) and math.prod(spans) < 2 ** 62:
            key = np.zeros(n, dtype=np.int64)
            for c, lo, span in zip(cols, low, spans):
                key = key * span + (c - lo)
            keys, inverse = _unique(key)
            uniq = np.empty((len(keys), len(cols)), dtype=np.int64)
            for i in range(len(cols) - 1, -1, -1):
                keys, digit = np.divmod(keys, spans[i])
                uniq[:, i] = digit + low[i]
        else:
            uniq, inverse = np.unique(np.column_stack(cols), axis=0, return_inverse=True)
    values = [uniq[:, i].view(np.float64) if c.dtype == np.float64 else uniq[:, i] for i, c in enumerate(columns)]
    return _decoded(inverse.reshape(-1), [fn(*row) for row in zip(*(v.tolist() for v in values))])


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for int64 values; without sorting when their range is small."""
    low, high = int(values.min()), int(values.max())
    if high - low > max(4 * len(values), 4096):
        uniq, inverse = np.unique(values, return_inverse=True)
        return uniq, inverse.reshape(-1)
    present = np.zeros(high - low + 1, dtype=bool)
    present[values - low] = True
    number = np.cumsum(present) - 1
    return np.flatnonzero(present) + low, number[values - low]


def _decoded(codes: np.ndarray, table) -> pa.Array:
    """Row i: ``table[codes[i]]``, put in place by pyarrow (no Python object per row)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(codes, dtype=np.int64)),
                                          pa.array(list(table), type=pa.large_string())).cast(pa.large_string())


def _strings(values) -> pa.Array:
    """Python strings (a list or object array, one per row) as a pyarrow string array."""
    return pa.array(values, type=pa.large_string(), from_pandas=True)


def _repeat(text: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(text, type=pa.large_string()), n)


def _concat(*parts: pa.Array) -> pa.Array:
    """Row by row, the sentences of ``parts`` one after the other."""
    return pc.binary_join_element_wise(*parts, _NO_TEXT)


def _placed(n: int, pieces: list[pa.Array], rows: list[np.ndarray]) -> pa.Array:
    """One array of ``n`` strings: ``pieces[k][j]`` at position ``rows[k][j]`` (the rows cover 0..n-1 once)."""
    where = np.empty(n, dtype=np.int64)
    where[np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)] = np.arange(n)
    joined = pa.concat_arrays(pieces) if pieces else pa.array([], type=pa.large_string())
    return joined.take(pa.array(where))


def _cases(n: int, cases, default: str = "") -> pa.Array:
    """Like ``np.select`` but lazy: ``cases`` are (condition, build) pairs, first match wins; ``build(rows)``
    gets the positions its condition picked (and no earlier one did) and returns their sentences; a plain
    string instead of ``build`` is the sentence for all of them."""
    pieces, placed = [], []
    free = np.ones(n, dtype=bool)
    for cond, build in cases:
        rows = np.flatnonzero(free & cond)
        free &= ~np.asarray(cond, dtype=bool)
        if len(rows):
            pieces.append(_repeat(build, len(rows)) if isinstance(build, str) else build(rows))
            placed.append(rows)
    rest = np.flatnonzero(free)
    if len(rest):
        pieces.append(_repeat(default, len(rest)))
        placed.append(rest)
    return _placed(n, pieces, placed)


def _str_column(values) -> pd.Series:
    """Python strings (a list or object array) as a pandas string column (index 0..n-1)."""
    return pd.Series(_strings(values), dtype="str")


def coded_strings(codes: np.ndarray, table) -> pd.Series:
    """The string column (index 0..n-1) whose row i is ``table[codes[i]]``."""
    return pd.Series(_decoded(codes, table), dtype="str")


MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def _when(ts: np.ndarray, as_of: pd.Timestamp) -> pa.Array:
    """' in March' for dates within 300 days of as_of, else ' in March 2023'; '' for missing dates."""
    def say(rows):
        t = ts[rows]
        months = t.astype("datetime64[M]").astype(np.int64)          # months since January 1970
        recent = ((as_of.to_datetime64() - t) // np.timedelta64(1, "D")) < 300
        return _format(lambda m, r: " in " + (MONTHS[m % 12 + 1] if r else f"{MONTHS[m % 12 + 1]} {m // 12 + 1970}"),
                       months, recent.astype(np.int64))
    return _cases(len(ts), [(~np.isnat(ts), say)])


def _recency(f, as_of):
    n = _ints(f.num("recency_days"))
    ratio = f.num("recency_ratio", np.nan)

    def say(r):
        rr = ratio[r]
        longer = _cases(len(r), [(rr >= 1.2, lambda s: _format(lambda x: f", {x}× longer than usual",
                                                                np.round(rr[s], 1)))])
        return _concat(_format(lambda d: f"no order for {d} {'day' if d == 1 else 'days'}", n[r]), longer)
    # a recent order is not a reason to worry, whatever the model's weights say
    return _cases(len(f), [(np.isnan(ratio) | (ratio >= 0.8), say)])


def _history(f, as_of):
    n = _ints(f.num("orders"))
    tenure = f.num("tenure_days", np.nan)
    days = _ints(tenure)
    return _cases(len(f), [
        (n <= 1, "only one order so far"),
        (tenure < 60, lambda r: _format(lambda a, b: f"new customer: {a} orders in {b} days", n[r], days[r])),
        (n <= 3, lambda r: _format(lambda a: f"only {a} orders so far", n[r]))])


def _order_value(f, as_of):
    return _format(lambda v: f"small orders (average {v:,.0f})", f.num("avg_order_value"))


def _trend(f, as_of):
    last, before = f.num("last_order_value", np.nan), f.num("earlier_order_value", np.nan)
    return _cases(len(f), [(last < before, lambda r: _concat(
        _format(lambda a: f"orders shrinking: last order {a:,.0f} against ", last[r]),
        _format(lambda b: f"{b:,.0f} on average before", before[r])))], "order values changing")


def _returns(f, as_of):
    n = _ints(f.num("returns"))
    return _cases(len(f), [(n > 0, lambda r: _format(lambda k: f"returned {k} {'order' if k == 1 else 'orders'}",
                                                      n[r]))])


def _late(f, as_of):
    last = _ints(f.num("last_delivery_late_days", 0))
    n = _ints(f.num("late_deliveries", 0))
    return _cases(len(f), [
        (last > 0, lambda r: _format(lambda a, b: f"last delivery arrived {a} {'day' if a == 1 else 'days'} late"
                                     + (f" ({b} late deliveries in all)" if b > 1 else ""), last[r], n[r])),
        (n > 0, lambda r: _format(lambda b: f"{b} late {'delivery' if b == 1 else 'deliveries'}", n[r]))])


def _web(f, as_of):
    now, before = _ints(f.num("sessions_90d", 0)), _ints(f.num("sessions_prev_90d", 0))
    return _cases(len(f), [
        (now == 0, "no visits to the shop's site in the last 90 days"),
        (before > now, lambda r: _format(
            lambda b, a: f"site visits fell from {b} to {a} (last 90 days against the 90 before)", before[r], now[r])),
        (np.ones(len(f), dtype=bool), lambda r: _format(
            lambda a: f"only {a} site {'visit' if a == 1 else 'visits'} in the last 90 days", now[r]))])


def _carts(f, as_of):
    n = _ints(f.num("cart_abandons_90d"))
    return _cases(len(f), [(n > 0, lambda r: _format(
        lambda k: f"left {k} {'cart' if k == 1 else 'carts'} without buying in the last 90 days", n[r]))])


def _score_sentence(f, as_of, score_col: str, date_col: str, before: str, after: str = ""):
    score = f.num(score_col)
    n = _ints(score)
    when = f.dates(date_col)
    return _cases(len(f), [(~np.isnan(score), lambda r: _concat(
        _format(lambda k: f"{before}{k}{after}", n[r]), _when(when[r], as_of)))])


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
        return _concat(_decoded(codes, [f"wrote “{w}” in feedback" for w in words]), _when(when[r], as_of))
    return _cases(len(f), [(text != "", say)])


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
        return _strings((feature + ": " + shown.astype(str)).where(v.notna(), feature + ": not given")
                        .to_numpy(dtype=object))
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
    reasons, reason_keys, top_reason = explain_columns(contributions, facts, as_of, top, min_logodds)
    out = pd.DataFrame(index=contributions.index)
    out["reasons"] = reasons.array
    out["reason_keys"] = reason_keys.array
    out["top_reason"] = top_reason.array
    return out


def explain_columns(contributions, facts: pd.DataFrame, as_of, top: int = 3, min_logodds: float = 0.1,
                    columns: list[str] | None = None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """:func:`explain`'s three columns (reasons, reason_keys, top_reason) as string Series indexed 0..n-1, in
    row order. ``contributions`` may also be a plain (customers × features) array, with its feature names in
    ``columns``."""
    as_of = pd.Timestamp(as_of)
    if columns is None:
        columns = list(contributions.columns)
        values = contributions.to_numpy(dtype=float)
    else:
        values = np.asarray(contributions, dtype=float)
    groups = reason_groups(list(columns))
    keys = list(groups)
    n = len(values)
    position = {c: i for i, c in enumerate(columns)}
    C = np.column_stack([values[:, [position[c] for c in groups[k]]].sum(axis=1) for k in keys]) if keys else \
        np.zeros((n, 0))
    # a few more candidates than needed: a reason with nothing to say for a customer gives way to the next
    order = np.argsort(-C, axis=1, kind="stable")[:, :top + 2]
    width = order.shape[1]
    candidate = np.take_along_axis(C, order, axis=1) >= min_logodds
    known = {c for c in facts.columns if c in position or c in CONTEXT_COLUMNS}
    cache: dict = {}
    # per candidate (customer × rank, flattened): the position of its sentence in ``said`` (0: none, "")
    said = [_repeat("", 1)]
    size = 1
    slot = np.zeros(n * width, dtype=np.int64)
    has = np.zeros(n * width, dtype=bool)
    flat_order = order.reshape(-1)

    def word(slots: np.ndarray) -> None:
        nonlocal size
        slots = np.flatnonzero(slots.reshape(-1))
        by_key = np.argsort(flat_order[slots], kind="stable")
        bounds = np.searchsorted(flat_order[slots][by_key], np.arange(len(keys) + 1))
        for j, key in enumerate(keys):
            chosen = slots[by_key[bounds[j]:bounds[j + 1]]]    # ascending: a reason is once per customer
            if len(chosen):
                wording = WORDINGS.get(key) or _generic(groups[key][0])
                text = wording(_Facts(facts, known, chosen // width, cache), as_of)
                text = pc.fill_null(text if isinstance(text, pa.Array) else _strings(text), _NO_TEXT)
                slot[chosen] = size + np.arange(len(chosen))
                has[chosen] = pc.not_equal(text, _NO_TEXT).to_numpy(zero_copy_only=False)
                said.append(text)
                size += len(chosen)

    first_ranks = np.arange(width) < top
    word(candidate & first_ranks)
    # the spare candidates are worded only for customers still short of ``top`` sentences
    short = has.reshape(n, width)[:, :top].sum(axis=1) < top
    word(candidate & ~first_ranks & short[:, None])
    sentences = pa.concat_arrays(said)
    has = has.reshape(n, width)
    keep = has & (np.cumsum(has, axis=1) <= top)
    key_names = keys + [""]
    rows, ranks = np.nonzero(keep)                      # row by row, strongest first
    count = keep.sum(axis=1)
    starts = np.cumsum(count) - count
    nth = np.arange(len(rows)) - np.repeat(starts, count)
    sentence, key = slot[rows * width + ranks], order[rows, ranks]
    most = int(count.max(initial=0))
    # reasons: the customers with c sentences are joined by pyarrow, c columns at a time, then put in row order
    pieces, placed = [], []
    separator = pa.scalar(REASON_SEPARATOR, type=pa.large_string())
    for c in range(0, most + 1):
        who = np.flatnonzero(count == c)
        if len(who):
            at = np.flatnonzero(count[rows] == c)            # their kept sentences, row by row
            parts = [sentences.take(pa.array(sentence[at[nth[at] == i]])) for i in range(c)]
            pieces.append(pc.binary_join_element_wise(*parts, separator) if c else _repeat("", len(who)))
            placed.append(who)
    reasons = _placed(n, pieces, placed)
    if (len(keys) + 1) ** most < 2 ** 62:
        # the kept keys in order as one number per customer (base len(keys) + 1, 0 = none), worded once each
        code = np.zeros(n, dtype=np.int64)
        for i in range(most):
            at = nth == i
            code[rows[at]] = code[rows[at]] * (len(keys) + 1) + key[at] + 1
        reason_keys = pd.Series(_format(lambda c: ";".join(_unpack(c, keys)), code), dtype="str")
    else:
        names = np.array(key_names, dtype=object)[key].tolist()
        reason_keys = _str_column([";".join(names[a:a + c]) for a, c in zip(starts.tolist(), count.tolist())])
    # the strongest kept reason's key ("" = none: the last name)
    first = np.argmax(keep, axis=1) if width else np.zeros(n, dtype=np.int64)
    strongest = np.where(count > 0, order[np.arange(n), first] if width else 0, len(keys))
    return pd.Series(reasons, dtype="str"), reason_keys, coded_strings(strongest, key_names)


def _unpack(code: int, keys: list[str]) -> list[str]:
    out = []
    while code:
        code, k = divmod(code, len(keys) + 1)
        out.append(keys[k - 1])
    return out[::-1]


def split_reasons(text) -> list[str]:
    """The sentences of a joined ``reasons`` cell."""
    return [t for t in str(text or "").split(REASON_SEPARATOR) if t]


def reason_counts(reason_keys: pd.Series) -> pd.Series:
    """How often each reason appears among customers' reasons (labels in plain words), most common first.
    ``reason_keys`` holds ';'-joined keys per customer."""
    exploded = reason_keys.fillna("").str.split(";").explode().dropna()
    exploded = exploded[exploded != ""]
    return exploded.map(lambda k: REASON_LABELS.get(k, k)).value_counts()
