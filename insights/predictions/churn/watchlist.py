"""The watchlist: today's customers by value at risk (churn probability × expected value), with their context
(name, email, consent, channel, country), segment and a suggested action; and its filters and summaries."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from insights.core import scores as score_store
from insights.core.db import query_df
from insights.customers.segments import customer_segments
from insights.predictions.churn.joins import arrow_keys, id_ranks, join_indexer, take_rows
from insights.predictions.churn.reasons import coded_strings, split_reasons

ACTIONS = {
    "satisfaction_call": "Satisfaction call",
    "delivery_apology": "Apology with delivery credit",
    "win_back_offer": "Win-back offer",
    "reminder": "Reminder email",
    "automated_win_back": "Automated win-back email",
    "keep_warm": "No action: keep in regular mailings",
}


def expected_values(con, as_of) -> tuple[pd.DataFrame, str]:
    """customer_id, expected_value — from clv_scores when fitted, else trailing-12-month net revenue."""
    stored = score_store.load(con, "clv")              # fresh or stale, as stored by the last CLV fit
    if stored is not None and len(stored):
        values = pd.DataFrame({"customer_id": stored["customer_id"], "expected_value": stored["clv"].astype(float)})
        return values, "predicted customer lifetime value (CLV)"
    if as_of is None:
        return pd.DataFrame({"customer_id": [], "expected_value": []}), "no order history"
    values = query_df(con, "queries/predictions/churn/trailing_revenue.sql", {"as_of": pd.Timestamp(as_of).to_pydatetime()})
    values = values.rename(columns={"trailing_revenue": "expected_value"})
    return values, "net revenue of the last 12 months (no CLV fitted yet)"


def _segments(con) -> pd.DataFrame:
    """customer_id, segment: each customer's RFM segment today."""
    return customer_segments(con)[["customer_id", "segment"]]


class Lookups:
    """What the watchlist looks up per customer: expected value (with its basis), context (name, email, consent,
    channel, country) and segment; and these joined to a list of customer ids (a left join on customer_id),
    kept for the last list of ids, so that the join can be worked out ahead, in another thread."""

    def __init__(self, con, as_of):
        self.values, self.basis = expected_values(con, as_of)
        self.context = query_df(con, "queries/predictions/churn/customer_context.sql")
        self.segments = _segments(con)
        self._joined = None

    def joined(self, customer_ids) -> dict | None:
        """For ``customer_ids`` in their order: ranks (position in ascending id order), expected_value (missing
        = 0, clipped at 0), the context columns, segment (missing = "Unsegmented"; value tiers when no
        segmentation is there). None when ids repeat in ``customer_ids`` or a lookup (a merge would repeat
        rows): the caller then merges."""
        ids = arrow_keys(customer_ids)
        if self._joined is not None and self._joined[0].equals(ids):
            return self._joined[1]
        ranks, distinct = id_ranks(ids)
        frames = {"values": self.values, "context": self.context, "segments": self.segments}
        rows = {k: join_indexer(ids, f) if distinct else None for k, f in frames.items() if f is not None}
        if any(r is None for r in rows.values()):
            out = None
        else:
            expected = take_rows(self.values, rows["values"])["expected_value"].fillna(0.0).clip(lower=0.0)
            out = {"ranks": ranks, "expected_value": expected, "context": take_rows(self.context, rows["context"]),
                   "segment": (take_rows(self.segments, rows["segments"])["segment"].fillna("Unsegmented")
                               if self.segments is not None else value_tiers(expected))}
        self._joined = (ids, out)
        return out


def add_value_and_context(con, scores, as_of, lookups: Lookups | None = None) -> tuple[pd.DataFrame, str]:
    """The watchlist: ``scores`` (a DataFrame, or a dict of equally long columns) with expected value, value at
    risk, the customer's context (name, email, consent, channel, country), segment and suggested action; by
    value at risk, then churn probability, then customer id. Value, context and segment (:class:`Lookups`,
    read here unless given) are left-joined on customer_id."""
    columns = {c: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v) for c, v in scores.items()}
    lookups = lookups if lookups is not None else Lookups(con, as_of)
    joined = lookups.joined(columns["customer_id"])
    if joined is None:
        return _add_value_and_context_by_merge(pd.DataFrame(columns), lookups.values, lookups.context,
                                               lookups.segments), lookups.basis
    prob = np.asarray(columns["churn_probability"], dtype=float)
    columns["expected_value"] = expected = joined["expected_value"]
    columns["value_at_risk"] = pd.Series(prob, copy=False) * expected
    columns.update(joined["context"])
    columns["segment"] = joined["segment"]
    columns["action"] = coded_strings(_suggest_actions(prob, columns.get("reason_keys"), columns.get("last_nps"),
                                                           expected, columns.get("overdue_days")), _ACTION_NAMES)
    order = np.lexsort((joined["ranks"], -prob, -columns["value_at_risk"].to_numpy(dtype=float)))
    out = {c: v.take(order).reset_index(drop=True) if isinstance(v, pd.Series) else np.asarray(v)[order]
           for c, v in columns.items()}
    return pd.DataFrame(out, index=pd.RangeIndex(len(order))), lookups.basis


def _add_value_and_context_by_merge(scores: pd.DataFrame, values, context, segs) -> pd.DataFrame:
    scores = scores.merge(values, on="customer_id", how="left")
    scores["expected_value"] = scores["expected_value"].fillna(0.0).clip(lower=0.0)
    scores["value_at_risk"] = scores["churn_probability"] * scores["expected_value"]
    scores = scores.merge(context, on="customer_id", how="left")
    if segs is not None:
        scores = scores.merge(segs, on="customer_id", how="left")
        scores["segment"] = scores["segment"].fillna("Unsegmented")
    else:
        scores["segment"] = value_tiers(scores["expected_value"])
    scores["action"] = suggest_actions(scores)
    return scores.sort_values(["value_at_risk", "churn_probability", "customer_id"],
                              ascending=[False, False, True], kind="stable").reset_index(drop=True)


def value_tiers(expected_value: pd.Series) -> pd.Series:
    """Fallback segment when no segmentation is present: High value (top 20% of positive values), Mid value
    (next 30%), Low value (the rest, and customers with no value)."""
    v = expected_value.fillna(0.0)
    pos = v[v > 0]
    if pos.empty:
        return pd.Series("Low value", index=v.index)
    hi, mid = pos.quantile(0.8), pos.quantile(0.5)
    return pd.Series(np.select([v >= hi, v >= mid], ["High value", "Mid value"], "Low value"), index=v.index)


def suggest_actions(scores: pd.DataFrame, risk: float = 0.5, watch: float = 0.3) -> pd.Series:
    """One suggested action per customer, from risk, value and their top reason (first match wins):

    satisfaction call (risk ≥ watch and a detractor: NPS ≤ 6, low rating or a complaint among the reasons) →
    apology with delivery credit (risk ≥ watch, late delivery among the reasons) → win-back offer (risk ≥
    risk threshold, high value) → reminder email (overdue, risk below the threshold) → automated win-back
    email (risk ≥ threshold) → keep warm.
    """
    choice = _suggest_actions(scores["churn_probability"].to_numpy(), scores.get("reason_keys"),
                              scores.get("last_nps"), scores["expected_value"], scores.get("overdue_days"),
                              risk, watch)
    return pd.Series(_ACTION_NAMES[choice], index=scores.index)


_ACTION_NAMES = np.array([ACTIONS[k] for k in ("satisfaction_call", "delivery_apology", "win_back_offer", "reminder",
                                                 "automated_win_back", "keep_warm")], dtype=object)
_DETRACTOR_KEYS = re.compile(r"(?:^|;)(?:nps|rating|complaint)(?:;|$)")
_LATE_KEYS = re.compile(r"(?:^|;)late_delivery(?:;|$)")


def _suggest_actions(p: np.ndarray, reason_keys, last_nps, expected_value, overdue_days,
                     risk: float = 0.5, watch: float = 0.3) -> np.ndarray:
    """:func:`suggest_actions` on columns (reason_keys, last_nps and overdue_days may be None): the action of each
    customer as a position in :data:`_ACTION_NAMES`."""
    n = len(p)
    detractor, late = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if reason_keys is not None and n:
        # the patterns are tested once per distinct set of reason keys (missing = no reasons)
        codes, distinct = pd.factorize(pd.Series(reason_keys, copy=False).fillna("").astype(str))
        texts = [str(k) for k in distinct]
        detractor = np.array([bool(_DETRACTOR_KEYS.search(t)) for t in texts], dtype=bool)[codes]
        late = np.array([bool(_LATE_KEYS.search(t)) for t in texts], dtype=bool)[codes]
    if last_nps is not None:
        nps = pd.to_numeric(pd.Series(last_nps, copy=False), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        detractor = detractor | (nps <= 6)
    value = pd.Series(expected_value, copy=False).fillna(0.0).to_numpy(dtype=float)
    positive = value[value > 0]
    # value_tiers' "High value": the top 20% of positive values
    high = value >= pd.Series(positive).quantile(0.8) if len(positive) else np.zeros(n, dtype=bool)
    if overdue_days is None:
        overdue = np.zeros(n, dtype=bool)
    else:
        overdue = pd.Series(overdue_days, copy=False).fillna(0).to_numpy() > 0
    return np.select([(p >= watch) & detractor, (p >= watch) & late, (p >= risk) & high, (p < risk) & overdue,
                      p >= risk], np.arange(5), 5)


def action_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Per suggested action: customers, value at risk, mean churn probability — biggest value at risk first."""
    if scores.empty:
        return pd.DataFrame(columns=["action", "customers", "value_at_risk", "mean_churn_probability"])
    out = scores.groupby("action").agg(customers=("customer_id", "size"), value_at_risk=("value_at_risk", "sum"),
                                       mean_churn_probability=("churn_probability", "mean")).reset_index()
    return out.sort_values("value_at_risk", ascending=False, kind="stable").reset_index(drop=True)


def filter_watchlist(scores: pd.DataFrame, segments=(), channels=(), countries=(), min_probability: float = 0.0,
                     limit: int | None = None) -> pd.DataFrame:
    """Rows matching every non-empty filter, keeping the value-at-risk order."""
    mask = scores["churn_probability"] >= min_probability
    for col, chosen in (("segment", segments), ("channel", channels), ("country", countries)):
        if chosen:
            mask &= scores[col].isin(list(chosen))
    out = scores[mask]
    return out.head(limit) if limit else out


def watchlist_rows(scores: pd.DataFrame, limit: int = 20) -> list[dict]:
    """The head of the watchlist as plain records (for ``--json``)."""
    rows = []
    for r in scores.head(limit).itertuples(index=False):
        rows.append({"customer_id": r.customer_id, "name": getattr(r, "name", None),
                     "churn_probability": round(float(r.churn_probability), 4),
                     "expected_value": round(float(r.expected_value), 2),
                     "value_at_risk": round(float(r.value_at_risk), 2), "reasons": split_reasons(r.reasons),
                     "next_order_expected_at": r.next_order_expected_at, "overdue_days": int(r.overdue_days),
                     "action": r.action})
    return rows
