"""Per-customer churn reasons in plain words, computed from the model's own contributions.

Which reasons a customer gets, and in what order, comes from the fitted model: every feature's log-odds
contribution relative to the reference customer (see :meth:`ChurnModel.contributions`). Related features
are summed into one *reason* (``recency_days`` and ``recency_ratio`` both speak of "no order for …"); the
reasons that push the customer's risk up by at least ``min_logodds`` are kept, strongest first, at most
``top`` of them. Only then are they worded, from the customer's own facts (:mod:`.wordings`): "no order for 94
days, 2.3× longer than usual", "gave NPS 3 in March", "last delivery arrived 6 days late", "orders shrinking:
last order 20 against 45 on average before".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from insights.predictions.churn.reasons.text import (NO_TEXT, coded_strings, format_each, placed, repeat,
                                                     str_column, strings)
from insights.predictions.churn.reasons.wordings import (CONTEXT_COLUMNS, WORDINGS, Facts, generic_wording,
                                                         topic_wording)
from insights.predictions.churn.topics import describe, is_topic_column

REASON_SEPARATOR = "; "


# reason key -> the model features whose contributions it sums
REASON_GROUPS: dict[str, tuple[str, ...]] = {
    "recency": ("recency_days", "recency_ratio"),
    "history": ("orders", "tenure_days"),
    "order_value": ("avg_order_value",),
    "trend": ("value_trend",),
    "returns": ("returns",),
    "late_delivery": ("late_deliveries", "last_delivery_late_days", "last_order_late", "late_share"),
    "timing": ("p_alive", "expected_purchases"),
    "discount": ("discount_orders",),
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
    "timing": "Buying pattern has stopped",
    "discount": "Bought with discount codes",
    "web_visits": "Fewer site visits",
    "carts": "Abandoned carts",
    "nps": "Low NPS",
    "rating": "Low rating",
    "complaint": "Complaint in feedback",
}


def reason_label(key: str) -> str:
    """A reason key in plain words (a complaint topic or a tag by :func:`insights.predictions.churn.topics.describe`;
    any other unknown key as it is)."""
    if key in REASON_LABELS:
        return REASON_LABELS[key]
    return describe(key)[0] if is_topic_column(key) else key


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
    said = [repeat("", 1)]
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
                wording = WORDINGS.get(key) or (topic_wording(key) if is_topic_column(key)
                                                else generic_wording(groups[key][0]))
                text = wording(Facts(facts, known, chosen // width, cache), as_of)
                text = pc.fill_null(text if isinstance(text, pa.Array) else strings(text), NO_TEXT)
                slot[chosen] = size + np.arange(len(chosen))
                has[chosen] = pc.not_equal(text, NO_TEXT).to_numpy(zero_copy_only=False)
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
    pieces, positions = [], []
    separator = pa.scalar(REASON_SEPARATOR, type=pa.large_string())
    for c in range(0, most + 1):
        who = np.flatnonzero(count == c)
        if len(who):
            at = np.flatnonzero(count[rows] == c)            # their kept sentences, row by row
            parts = [sentences.take(pa.array(sentence[at[nth[at] == i]])) for i in range(c)]
            pieces.append(pc.binary_join_element_wise(*parts, separator) if c else repeat("", len(who)))
            positions.append(who)
    reasons = placed(n, pieces, positions)
    if (len(keys) + 1) ** most < 2 ** 62:
        # the kept keys in order as one number per customer (base len(keys) + 1, 0 = none), worded once each
        code = np.zeros(n, dtype=np.int64)
        for i in range(most):
            at = nth == i
            code[rows[at]] = code[rows[at]] * (len(keys) + 1) + key[at] + 1
        reason_keys = pd.Series(format_each(lambda c: ";".join(_unpack(c, keys)), code), dtype="str")
    else:
        names = np.array(key_names, dtype=object)[key].tolist()
        reason_keys = str_column([";".join(names[a:a + c]) for a, c in zip(starts.tolist(), count.tolist())])
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
    return exploded.map(reason_label).value_counts()
