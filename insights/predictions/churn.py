"""Churn: who is slipping away, why, and how much value is at risk.

Two definitions, picked from the data (:func:`detect_kind`):

* **shop** (orders, no churn label): a customer has churned when they place no order for ``W`` days. ``W`` is
  derived from the customers' own purchase gaps: the ``percentile`` (default 90th) of all gaps between a
  customer's consecutive order days — "90% of repeat orders come within W days of the previous one". It is
  shown and can be set by hand.
* **subscription** (the customers file has a churn label, a cancellation date or a status): the label is
  ``customer_records.churned``, else a cancelled-like ``status``, else a ``cancelled_at`` date.

Shop model, trained with a **time split**: ``as_of`` is the day after the last order in the data and
``cutoff = as_of − W``. Features are computed from data strictly before ``cutoff`` (``sql/churn/features.sql``);
the label is "no order in [cutoff, as_of)". Customers known at the cutoff are split at random into training
(75%) and held-out (25%) customers; quality is measured on the held-out ones only, against baselines fitted on
the same training customers: recency alone, and BG/NBD's probability alive (when the CLV module is present).
The model used for scoring is then refitted on every customer at the cutoff, and scores current customers from
features as of ``as_of``: its probability is "no order within the next W days".

Subscription model: features are the customers file's own columns (the JSON ``attributes`` plus country,
channel and tenure from ``signed_up_at``), minus anything that names the outcome (``churn``, ``cancel``,
``status``). A snapshot file has no dates to split on, so quality is measured on a random held-out 25% of
customers; baseline: tenure alone.

Expected value for the watchlist: ``clv_scores.clv`` when a CLV has been fitted into the workspace, else the
customer's net revenue of the trailing twelve months (stated in :attr:`ChurnResult.value_basis`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from insights.customers.export import to_email_csv
from insights.customers.segments import customer_segments
from insights.models.bgnbd import ModelFitError
from insights.predictions.churn_reasons import REASON_LABELS, coded_strings, explain_columns, reason_groups, split_reasons
from insights.predictions.clv import ClvDataError, probability_alive_as_of
from insights.core import scores as score_store
from insights.core.dates import data_end
from insights.core.lexicon import NEGATIVE_PATTERN
from insights.customers.rhythm import purchase_rhythm, share_within
from insights.core.db import cursor, first_row, query_df, sql_text as _sql, table_columns, table_exists
from insights.models.churn_model import ChurnInputError, ChurnModel
from insights.customers.next_order import DEFAULT_PRIOR_GAPS, expected_next_orders

log = logging.getLogger(__name__)


SHOP_MODEL_FEATURES = ("recency_days", "recency_ratio", "tenure_days", "orders", "avg_order_value",
                       "value_trend", "returns", "late_deliveries", "last_delivery_late_days", "sessions_90d",
                       "sessions_prev_90d", "cart_abandons_90d", "days_since_last_session", "last_nps",
                       "last_rating", "negative_feedback")
CANCELLED_STATUSES = ("cancelled", "canceled", "churned", "inactive", "closed", "lapsed", "terminated", "ended")
LEAKY_NAME_PARTS = ("churn", "cancel", "status", "left", "exit")

MIN_CUSTOMERS = 100
MIN_PER_CLASS = 15
MIN_WINDOW_DAYS = 7
TEST_SHARE = 0.25
ACTIONS = {
    "satisfaction_call": "Satisfaction call",
    "delivery_apology": "Apology with delivery credit",
    "win_back_offer": "Win-back offer",
    "reminder": "Reminder email",
    "automated_win_back": "Automated win-back email",
    "keep_warm": "No action: keep in regular mailings",
}


class ChurnDataError(ValueError):
    """The workspace cannot support a churn model; the message says what is missing in plain words."""


@dataclass
class ChurnDefinition:
    kind: str                      # "shop" or "subscription"
    as_of: pd.Timestamp | None
    window_days: int | None = None
    percentile: float | None = None
    cutoff: pd.Timestamp | None = None
    gap_percentiles: dict = field(default_factory=dict)
    label_source: str | None = None

    def describe(self) -> str:
        if self.kind == "subscription":
            return (f"A customer has churned when the customers file says so (column {self.label_source}). "
                    "The model learns from customers whose outcome is known.")
        pct = f"{self.percentile:.0%}" if self.percentile else "most"
        return (f"A customer has churned when they place no order for {self.window_days} days. "
                f"In this shop {pct} of repeat orders came within {self.window_days} days of the previous one. "
                f"The model learned from customers as they stood on {self.cutoff:%d %b %Y} and whether they "
                f"ordered in the {self.window_days} days after.")


@dataclass
class ChurnResult:
    definition: ChurnDefinition
    metrics: dict                  # {"model": {...}, "recency": {...}, "bgnbd": {...}}
    calibration: pd.DataFrame      # model, bin, predicted, observed, customers
    scores: pd.DataFrame           # the watchlist, one row per scored customer, by value at risk
    importance: dict               # reason label -> mean positive contribution (log-odds)
    value_basis: str
    notes: list = field(default_factory=list)
    model: ChurnModel | None = None

    def report(self) -> dict:
        """JSON-able summary (without the per-customer table)."""
        d = self.definition
        return {
            "definition": {"kind": d.kind, "as_of": _iso(d.as_of), "window_days": d.window_days,
                           "percentile": d.percentile, "cutoff": _iso(d.cutoff),
                           "gap_percentiles": d.gap_percentiles, "label_source": d.label_source,
                           "text": d.describe()},
            "metrics": self.metrics,
            "calibration": self.calibration.to_dict(orient="records"),
            "importance": self.importance,
            "value_basis": self.value_basis,
            "notes": self.notes,
        }


def _iso(ts) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).isoformat()


# ----- facts about the data ----------------------------------------------------------------------------
def detect_kind(con) -> str:
    """'subscription' when the customers file carries a churn label / cancellation / status; else 'shop'."""
    if _label_source(con):
        return "subscription"
    return "shop"


def _label_source(con) -> str | None:
    row = con.execute(
        "select count(*) filter (where churned is not null), "
        "count(*) filter (where list_contains($statuses, lower(trim(status)))), "
        "count(*) filter (where cancelled_at is not null), count(*) from customer_records "
        "where customer_id is not null", {"statuses": list(CANCELLED_STATUSES)}).fetchall()[0]
    labelled, status, cancelled, total = row
    if total == 0:
        return None
    if labelled >= 0.5 * total:
        return "churned"
    if status > 0:
        return "status"
    if cancelled > 0:
        return "cancelled_at"
    return None


GAP_QUANTILES = (0.5, 0.75, 0.9, 0.95)


def gap_quantiles(con, as_of, quantiles) -> tuple[int, list[float]]:
    """(number of repeat purchases before ``as_of``, the gap in days at each of ``quantiles``): the shop's
    purchase rhythm (:func:`insights.customers.rhythm.purchase_rhythm`), the same one the lifecycle uses."""
    rhythm = purchase_rhythm(con, as_of, quantiles)
    return rhythm.repeat_purchases, [rhythm.gap_at(q) for q in quantiles] if rhythm.repeat_purchases else []


def churn_window(con, as_of, percentile: float = 0.9) -> tuple[int, dict]:
    """Churn window in days: the ``percentile`` of purchase gaps (at least a week). Also the gap quartiles."""
    if not 0.5 <= percentile < 1:
        raise ChurnDataError(f"The churn window percentile must be between 50% and 99%, got {percentile:.0%}.")
    n, values = gap_quantiles(con, as_of, GAP_QUANTILES + (percentile,))
    if n < 10:
        raise ChurnDataError(f"Only {n} repeat purchases are in the data; a churn window is derived from "
                             "the gaps between a customer's orders, and about 50 repeat purchases are needed. "
                             "Set the window by hand (e.g. 90 days) to go on.")
    stats = {f"p{int(q * 100)}": v for q, v in zip(GAP_QUANTILES, values)}
    return max(MIN_WINDOW_DAYS, int(math.ceil(values[-1]))), stats


def churn_definition(con, percentile: float = 0.9, window_days: int | None = None) -> ChurnDefinition:
    kind = detect_kind(con)
    if kind == "subscription":
        return ChurnDefinition("subscription", data_end(con), label_source=_label_source(con))
    as_of = data_end(con)
    if as_of is None:
        raise ChurnDataError("This workspace has no orders with a customer: load an orders file first.")
    stats = {}
    if window_days is None:
        window_days, stats = churn_window(con, as_of, percentile)
    else:
        window_days = int(window_days)
        if window_days < 1:
            raise ChurnDataError(f"The churn window must be at least one day, got {window_days}.")
        n, values = gap_quantiles(con, as_of, GAP_QUANTILES)
        if n:
            stats = {f"p{int(q * 100)}": v for q, v in zip(GAP_QUANTILES, values)}
            percentile = share_within(con, as_of, window_days)
        else:
            percentile = None
    cutoff = as_of - pd.Timedelta(days=window_days)
    return ChurnDefinition("shop", as_of, window_days, percentile, cutoff, stats)


# ----- shop features and labels -------------------------------------------------------------------------
def shop_features(con, cutoff, prior_gaps: float = DEFAULT_PRIOR_GAPS) -> pd.DataFrame:
    """Churn features as of ``cutoff`` (uses nothing dated at or after it), one row per customer.

    Columns: those of ``sql/churn/features.sql`` plus usual_gap_days, next_order_expected_at, overdue_days
    and recency_ratio (days since last order ÷ usual gap; see :mod:`insights.customers.next_order`).
    """
    cutoff = pd.Timestamp(cutoff)
    features = query_df(con, "queries/predictions/churn/features.sql",
                        {"cutoff": cutoff.to_pydatetime(), "negative_pattern": NEGATIVE_PATTERN})
    nxt = expected_next_orders(features, cutoff, prior_gaps)
    for col in ("usual_gap_days", "next_order_expected_at", "overdue_days", "recency_ratio"):
        features[col] = nxt[col].to_numpy() if len(nxt) else pd.Series(dtype=float)
    return features


def shop_labels(con, cutoff, window_end) -> pd.DataFrame:
    """customer_id, churned (no order in [cutoff, window_end)) for customers who had ordered before cutoff."""
    return query_df(con, "queries/predictions/churn/labels.sql", {"cutoff": pd.Timestamp(cutoff).to_pydatetime(),
                                                "window_end": pd.Timestamp(window_end).to_pydatetime()})


def model_columns(features: pd.DataFrame, candidates) -> list[str]:
    """Candidate features that vary in this data (a shop without web events gets no web features)."""
    cols = []
    for c in candidates:
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


# ----- subscription features ----------------------------------------------------------------------------
def subscription_table(con) -> pd.DataFrame:
    """One row per customer: customer_id, churned, and features from the customers file (attributes JSON
    flattened, plus country, channel, tenure_days from signed_up_at). Columns naming the outcome are dropped."""
    source = _label_source(con)
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


def _tenure_column(columns) -> str | None:
    for c in columns:
        if "tenure" in str(c).lower():
            return c
    return None


# ----- quality ------------------------------------------------------------------------------------------
def quality(churned, probability) -> dict:
    """ROC AUC, top-decile precision and lift, Brier score and counts, on the given (held-out) customers."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    y = np.asarray(churned).astype(int)
    p = np.asarray(probability, dtype=float)
    n = len(y)
    top_n = max(1, int(math.ceil(n / 10)))
    top = np.argsort(-p, kind="stable")[:top_n]
    base = float(y.mean()) if n else float("nan")
    precision = float(y[top].mean()) if n else float("nan")
    return {
        "roc_auc": float(roc_auc_score(y, p)) if 0 < y.sum() < n else None,
        "top_decile_precision": precision,
        "top_decile_lift": precision / base if base > 0 else None,
        "brier": float(brier_score_loss(y, np.clip(p, 0, 1))),
        "base_rate": base,
        "customers": int(n),
        "churned": int(y.sum()),
    }


def calibration(churned, probability, name: str, bins: int = 10) -> pd.DataFrame:
    """Mean predicted against observed churn in ``bins`` equal-count bins of predicted probability."""
    df = pd.DataFrame({"y": np.asarray(churned).astype(float), "p": np.asarray(probability, dtype=float)})
    df = df.sort_values("p", kind="stable").reset_index(drop=True)
    df["bin"] = (np.arange(len(df)) * bins // max(len(df), 1)) + 1
    out = df.groupby("bin").agg(predicted=("p", "mean"), observed=("y", "mean"), customers=("y", "size"))
    out = out.reset_index()
    out.insert(0, "model", name)
    return out


def _split(ids: pd.Series, y: np.ndarray, test_share: float, random_state) -> np.ndarray:
    """Boolean mask of held-out customers: a random share, stratified by outcome."""
    rng = np.random.default_rng(random_state)
    test = np.zeros(len(ids), dtype=bool)
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        k = int(round(len(idx) * test_share))
        test[rng.choice(idx, size=k, replace=False)] = True
    return test


def _check_trainable(y: np.ndarray, what: str) -> None:
    n, churned = len(y), int(y.sum())
    if n < MIN_CUSTOMERS:
        raise ChurnDataError(f"Only {n} customers {what}; a churn model needs at least {MIN_CUSTOMERS} "
                             "(a few hundred for stable results).")
    if churned < MIN_PER_CLASS or n - churned < MIN_PER_CLASS:
        raise ChurnDataError(f"Of {n} customers {what}, {churned} churned and {n - churned} stayed; "
                             f"at least {MIN_PER_CLASS} of each are needed to learn the difference.")


def _bgnbd_baseline(con, cutoff, customer_ids) -> tuple[np.ndarray | None, str | None]:
    """1 − P(alive) from a BG/NBD model fitted on purchases before ``cutoff``, for ``customer_ids``.

    Returns (None, reason) when the BG/NBD fit fails on this data (a convergence failure must not break the
    churn page: the comparison is then left out and the reason shown)."""
    try:
        # its cutoff is a day included in the fit: the last day strictly before ours
        alive = probability_alive_as_of(con, (pd.Timestamp(cutoff) - pd.Timedelta(days=1)).date())
    except (ClvDataError, ModelFitError, ValueError, ArithmeticError, RuntimeError) as exc:
        log.warning("BG/NBD baseline failed: %s", exc)
        return None, f"BG/NBD baseline skipped: the BG/NBD fit failed ({exc})."
    alive = pd.Series(alive["p_alive"].to_numpy(), index=alive["customer_id"].to_numpy())
    p = 1.0 - alive.reindex(customer_ids).to_numpy(dtype=float)
    if np.isnan(p).any():
        p = np.where(np.isnan(p), np.nanmean(p), p)
    return p, None


# ----- fitting ------------------------------------------------------------------------------------------
def fit_churn(ws_or_con, percentile: float = 0.9, window_days: int | None = None, kind: str = "logistic",
              random_state: int = 0, progress: Callable[[float, str], None] | None = None,
              with_bgnbd: bool = True) -> ChurnResult:
    """Define churn, fit, evaluate against baselines on held-out customers, and score current customers.

    The model is fitted on the training customers (75%) only, and that same model scores today's customers,
    so the quality reported is the quality of the model in use. ``with_bgnbd=False`` skips the BG/NBD
    baseline (a second model fit, only needed for the comparison).

    ``progress(fraction, message)`` is called between steps (the page shows it). Raises
    :class:`ChurnDataError` with a plain explanation when the data cannot support a model.

    Reads that need nothing from the model (the watchlist's lookups, the labels, today's features) run in a
    second thread on a cursor of the connection, while this thread defines churn and fits; the result is the
    same as reading them in turn.
    """
    con = getattr(ws_or_con, "con", ws_or_con)
    step = progress or (lambda f, m: None)
    step(0.05, "Defining churn for this data")
    reads = _Reads(con)
    try:
        # the watchlist's lookups need only the data's end: they are read while the model is worked out
        lookups = reads.submit(_Lookups, data_end(con))
        definition = churn_definition(con, percentile, window_days)
        if definition.kind == "subscription":
            return _fit_subscription(con, definition, kind, random_state, step, lookups)
        return _fit_shop(con, definition, kind, random_state, step, with_bgnbd, reads, lookups)
    finally:
        reads.close()


class _Reads:
    """Database reads that need nothing worked out in Python, run in order by one worker thread on a cursor of
    the workspace connection (same database, its own statement state), while the calling thread goes on: the
    database and the model fit then use the machine's cores at the same time."""

    def __init__(self, con):
        self._con, self._cur = con, None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="churn-reads")

    def submit(self, fn, *args) -> Future:
        """``fn(cursor, *args)`` in the worker thread; its future."""
        if self._cur is None:
            self._cur = cursor(self._con)
        return self._pool.submit(fn, self._cur, *args)

    def close(self) -> None:
        """Wait for the read under way (those not started yet are dropped, after an error) and close."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._cur is not None:
            self._cur.close()


def _fit_shop(con, definition: ChurnDefinition, kind: str, random_state, step, with_bgnbd: bool, reads: _Reads,
              lookups: Future) -> ChurnResult:
    cutoff, as_of = definition.cutoff, definition.as_of
    step(0.15, f"Computing features as of {cutoff:%d %b %Y}")
    labels = reads.submit(shop_labels, cutoff, as_of)       # read while this thread reads the features
    train_features = shop_features(con, cutoff)
    # today's features need nothing from the model: read while it is fitted, then joined to the lookups
    today = reads.submit(shop_features, as_of)
    joined = reads.submit(lambda _cur: lookups.result().joined(today.result()["customer_id"]))
    train = _with_labels(train_features, labels.result())
    y = train["churned"].to_numpy(dtype=int)
    _check_trainable(y, f"had ordered before {cutoff:%d %b %Y}")
    cols = model_columns(train, SHOP_MODEL_FEATURES)
    held_out = _split(train["customer_id"], y, TEST_SHARE, random_state)

    step(0.35, "Fitting the churn model on training customers")
    linear = ()
    evaluated = ChurnModel(kind=kind, linear_features=linear, random_state=random_state)
    evaluated.fit(train.loc[~held_out, cols], y[~held_out])
    p_model = evaluated.predict_proba(train.loc[held_out, cols])[:, 1]
    recency = ChurnModel(kind="logistic").fit(train.loc[~held_out, ["recency_days"]], y[~held_out])
    p_recency = recency.predict_proba(train.loc[held_out, ["recency_days"]])[:, 1]
    y_test = y[held_out]
    metrics = {"model": quality(y_test, p_model), "recency": quality(y_test, p_recency)}
    cal = [calibration(y_test, p_model, "model"), calibration(y_test, p_recency, "recency")]
    notes = []
    if with_bgnbd:
        step(0.5, "Comparing with BG/NBD's probability alive")
        p_bgnbd, why = _bgnbd_baseline(con, cutoff, train.loc[held_out, "customer_id"].to_numpy())
    else:
        p_bgnbd, why = None, "BG/NBD baseline not computed (switched off)."
    if p_bgnbd is not None:
        metrics["bgnbd"] = quality(y_test, p_bgnbd)
        cal.append(calibration(y_test, p_bgnbd, "bgnbd"))
    else:
        notes.append(why)

    # the model that scores is the one whose quality was measured: no refit on the held-out customers
    step(0.65, "Scoring today's customers")
    model = evaluated
    current = today.result()
    prob, contrib = model.score(current[cols])
    step(0.8, "Working out reasons")
    reasons, reason_keys, top_reason = explain_columns(contrib, current, as_of, columns=model.features_)
    scores = {
        "customer_id": current["customer_id"],
        "churn_probability": prob,
        "reasons": reasons,
        "reason_keys": reason_keys,
        "top_reason": top_reason,
        "next_order_expected_at": current["next_order_expected_at"].to_numpy(),
        "overdue_days": current["overdue_days"].to_numpy(),
        "recency_days": current["recency_days"].to_numpy(),
        "orders": current["orders"].to_numpy(),
        "last_nps": current["last_nps"].to_numpy(),
        "last_delivery_late_days": current["last_delivery_late_days"].to_numpy(),
    }
    step(0.9, "Ranking by value at risk")
    wait([joined])          # (a failure there is met again, and raised, below)
    scores, basis = _add_value_and_context(con, scores, as_of, lookups.result())
    importance = _importance(contrib, model.features_)
    return ChurnResult(definition, metrics, pd.concat(cal, ignore_index=True), scores, importance, basis,
                       notes, model)


def _with_labels(features: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """``features.merge(labels, on="customer_id", how="inner", validate="one_to_one")``. Both queries order their
    rows by customer_id, so when they list the same (distinct) customers the labels are put alongside as
    they are."""
    ids, label_ids = _arrow_keys(features["customer_id"]), _arrow_keys(labels["customer_id"])
    if ids.equals(label_ids) and _strictly_increasing(ids):
        out = features.copy(deep=False)
        for col in labels.columns.drop("customer_id"):
            out[col] = labels[col].to_numpy()
        return out
    return features.merge(labels, on="customer_id", how="inner", validate="one_to_one")


def _fit_subscription(con, definition: ChurnDefinition, kind: str, random_state, step,
                      lookups: Future | None = None) -> ChurnResult:
    step(0.15, "Reading the customers file's columns")
    table = subscription_table(con)
    y = table["churned"].to_numpy(dtype=int)
    _check_trainable(y, "have a known outcome")
    cols = [c for c in table.columns if c not in ("customer_id", "churned")]
    cols = model_columns(table, cols)
    if not cols:
        raise ChurnDataError("The customers file has no columns besides the churn label to learn from.")
    held_out = _split(table["customer_id"], y, TEST_SHARE, random_state)
    step(0.35, "Fitting the churn model on training customers")
    evaluated = ChurnModel(kind=kind, random_state=random_state).fit(table.loc[~held_out, cols], y[~held_out])
    y_test = y[held_out]
    p_model = evaluated.predict_proba(table.loc[held_out, cols])[:, 1]
    metrics = {"model": quality(y_test, p_model)}
    cal = [calibration(y_test, p_model, "model")]
    notes = ["A customers file without dates cannot be split in time: quality is measured on a random 25% "
             "of customers held out from fitting."]
    tenure = _tenure_column(cols)
    if tenure:
        base = ChurnModel(kind="logistic").fit(table.loc[~held_out, [tenure]], y[~held_out])
        p_tenure = base.predict_proba(table.loc[held_out, [tenure]])[:, 1]
        metrics["tenure"] = quality(y_test, p_tenure)
        cal.append(calibration(y_test, p_tenure, "tenure"))
    else:
        notes.append("Tenure baseline skipped: the customers file has no tenure column or sign-up date.")
    notes.append("BG/NBD baseline not applicable: a subscription file has no repeat purchases to model.")
    step(0.65, "Scoring customers still active")
    model = evaluated
    # score customers still active: the ones who have churned are gone already
    active = table[table["churned"] == 0].reset_index(drop=True)
    prob, contrib = model.score(active[cols])
    reasons, reason_keys, top_reason = explain_columns(contrib, active, definition.as_of or pd.Timestamp.today(),
                                                      columns=model.features_)
    scores = {
        "customer_id": active["customer_id"],
        "churn_probability": prob,
        "reasons": reasons,
        "reason_keys": reason_keys,
        "top_reason": top_reason,
        "next_order_expected_at": np.full(len(active), None, dtype=object),
        "overdue_days": np.zeros(len(active), dtype=int),
    }
    scores, basis = _add_value_and_context(con, scores, definition.as_of,
                                           lookups.result() if lookups is not None else None)
    return ChurnResult(definition, metrics, pd.concat(cal, ignore_index=True), scores,
                       _importance(contrib, model.features_), basis, notes, model)


def _importance(contrib, columns=None) -> dict:
    """Mean positive contribution per reason, in plain labels: what drives risk across customers.
    ``contrib``: a DataFrame of contributions, or an array with its feature names in ``columns``."""
    if columns is None:
        columns, contrib = list(contrib.columns), contrib.to_numpy(dtype=float)
    position = {c: i for i, c in enumerate(columns)}
    out = {}
    for key, members in reason_groups(list(columns)).items():
        total = contrib[:, [position[c] for c in members]].sum(axis=1)
        out[REASON_LABELS.get(key, key)] = float(np.clip(total, 0, None).mean())
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


# ----- value at risk, context, actions ------------------------------------------------------------------
def expected_values(con, as_of) -> tuple[pd.DataFrame, str]:
    """customer_id, expected_value — from clv_scores when fitted, else trailing-12-month net revenue."""
    if table_exists(con, "clv_scores") and {"customer_id", "clv"} <= set(table_columns(con, "clv_scores")):
        values = query_df(con, "select customer_id, cast(clv as double) as expected_value from clv_scores")
        if len(values):
            return values, "predicted customer lifetime value (CLV)"
    if as_of is None:
        return pd.DataFrame({"customer_id": [], "expected_value": []}), "no order history"
    values = query_df(con, "queries/predictions/churn/trailing_revenue.sql", {"as_of": pd.Timestamp(as_of).to_pydatetime()})
    values = values.rename(columns={"trailing_revenue": "expected_value"})
    return values, "net revenue of the last 12 months (no CLV fitted yet)"


def _segments(con) -> pd.DataFrame:
    """customer_id, segment: each customer's RFM segment today."""
    return customer_segments(con)[["customer_id", "segment"]]


class _Lookups:
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
        ids = _arrow_keys(customer_ids)
        if self._joined is not None and self._joined[0].equals(ids):
            return self._joined[1]
        ranks, distinct = _ranks(ids)
        frames = {"values": self.values, "context": self.context, "segments": self.segments}
        rows = {k: _join_indexer(ids, f) if distinct else None for k, f in frames.items() if f is not None}
        if any(r is None for r in rows.values()):
            out = None
        else:
            expected = _take(self.values, rows["values"])["expected_value"].fillna(0.0).clip(lower=0.0)
            out = {"ranks": ranks, "expected_value": expected, "context": _take(self.context, rows["context"]),
                   "segment": (_take(self.segments, rows["segments"])["segment"].fillna("Unsegmented")
                               if self.segments is not None else value_tiers(expected))}
        self._joined = (ids, out)
        return out


def _add_value_and_context(con, scores, as_of, lookups: _Lookups | None = None) -> tuple[pd.DataFrame, str]:
    """The watchlist: ``scores`` (a DataFrame, or a dict of equally long columns) with expected value, value at
    risk, the customer's context (name, email, consent, channel, country), segment and suggested action; by
    value at risk, then churn probability, then customer id. Value, context and segment (:class:`_Lookups`,
    read here unless given) are left-joined on customer_id."""
    columns = {c: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v) for c, v in scores.items()}
    lookups = lookups if lookups is not None else _Lookups(con, as_of)
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


def _arrow_keys(ids) -> pa.Array:
    """Customer ids as one pyarrow array of large strings (zero-copy from pandas' string columns)."""
    keys = pa.array(ids, from_pandas=True)
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    return keys if keys.type == pa.large_string() else keys.cast(pa.large_string())


def _join_indexer(ids: pa.Array, right: pd.DataFrame, key: str = "customer_id"):
    """For a left join of ``ids`` (distinct) to ``right``: the row of ``right`` for each id (-1: none); None
    when an id matches several rows of ``right`` (a merge would repeat it)."""
    keys = _arrow_keys(right[key])
    if keys.equals(ids):                 # the same customers in the same order (e.g. segments)
        return np.arange(len(ids))
    rows = pc.index_in(keys, value_set=ids).fill_null(-1).to_numpy()
    found = rows >= 0
    if np.bincount(rows[found], minlength=len(ids)).max(initial=0) > 1:
        return None
    indexer = np.full(len(ids), -1, dtype=np.int64)
    indexer[rows[found]] = np.flatnonzero(found)
    return indexer


def _take(right: pd.DataFrame, indexer: np.ndarray, key: str = "customer_id") -> pd.DataFrame:
    """``right``'s columns besides ``key`` at ``indexer`` (-1: missing, with the dtypes a left merge gives),
    with a fresh 0..n-1 index."""
    rest = right.drop(columns=key)
    if len(indexer) and (indexer >= 0).all():
        return rest.take(indexer).reset_index(drop=True)
    return rest.reindex(indexer).reset_index(drop=True)     # -1 is not a row label: missing, as in a merge


def _strictly_increasing(ids: pa.Array) -> bool:
    """Sorted ascending without repeats or missing values (as the features query returns customer ids)."""
    return len(ids) < 2 or (ids.null_count == 0 and pc.all(pc.less(ids[:-1], ids[1:])).as_py())


def _ranks(ids: pa.Array) -> tuple[np.ndarray, bool]:
    """(rank of each id in ascending order with missing ids last, whether the ids are distinct). Ids usually
    come sorted: the features query orders them."""
    n = len(ids)
    if _strictly_increasing(ids):
        return np.arange(n), True
    ranks = np.empty(n, dtype=np.int64)
    ranks[pc.array_sort_indices(ids, order="ascending", null_placement="at_end").to_numpy()] = np.arange(n)
    return ranks, pc.count_distinct(ids, mode="all").as_py() == n


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


# ----- export -------------------------------------------------------------------------------------------
def export_for_email(scores: pd.DataFrame) -> tuple[bytes, int, int]:
    """CSV for the email tool: customers who consented to email and have an address, cells made safe by the
    shared exporter (:func:`insights.customers.export.to_email_csv`).

    Returns (csv bytes, rows written, customers left out for lack of consent or address)."""
    cols = ["email", "name", "customer_id", "action", "churn_probability", "value_at_risk", "reasons"]
    frame = scores.copy()
    frame["reasons"] = frame["reasons"].fillna("")
    frame["churn_probability"] = frame["churn_probability"].round(4)
    frame["value_at_risk"] = frame["value_at_risk"].round(2)
    allowed = (frame["consent_email"].fillna(False).astype(bool)) & frame["email"].notna() & (frame["email"].astype(str).str.strip() != "")
    kept = frame.loc[allowed, cols]
    return to_email_csv(kept), len(kept), int((~allowed).sum())


# ----- persisting and caching ---------------------------------------------------------------------------
SCORE_COLUMNS = ("customer_id", "churn_probability", "value_at_risk", "reasons", "next_order_expected_at",
                 "overdue_days", "expected_value", "top_reason", "action", "segment", "channel", "country")


def write_churn_scores(ws, result: ChurnResult, params: dict | None = None) -> None:
    """Store ``churn_scores`` (one row per scored customer; reasons joined by '; ', keys by ';') with the run's
    report and settings, through the one store of model outputs (:mod:`insights.core.scores`)."""
    s = result.scores
    table = pd.DataFrame({c: s[c] for c in SCORE_COLUMNS if c in s.columns})
    table["reason_keys"] = s["reason_keys"]
    table["next_order_expected_at"] = pd.to_datetime(table["next_order_expected_at"])
    score_store.write(ws, "churn", table, params=params, report=_jsonable(result.report()))


def load_churn_scores(ws) -> pd.DataFrame | None:
    """``churn_scores`` if it was computed from the workspace's current data, else None (stale or absent)."""
    return score_store.current(ws, "churn")


def score_workspace(ws, percentile: float = 0.9, window_days: int | None = None, kind: str = "logistic",
                    random_state: int = 0, progress=None, with_bgnbd: bool = True) -> ChurnResult:
    """Fit, score and write ``churn_scores`` into the workspace. Returns the result."""
    result = fit_churn(ws, percentile=percentile, window_days=window_days, kind=kind,
                       random_state=random_state, progress=progress, with_bgnbd=with_bgnbd)
    write_churn_scores(ws, result, {"percentile": percentile, "window_days": window_days, "kind": kind,
                                    "random_state": random_state})
    return result


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        return None if not np.isfinite(obj) else float(obj)
    if isinstance(obj, (pd.Timestamp, dt.date)):
        return obj.isoformat()
    return obj


def quality_sentences(result: ChurnResult) -> list[str]:
    """The model's quality against its baselines, in plain words."""
    m = result.metrics
    out = []
    model = m["model"]
    names = {"recency": "days since last order alone", "bgnbd": "BG/NBD's probability alive",
             "tenure": "tenure alone"}
    if model.get("roc_auc") is not None:
        out.append(f"On {model['customers']:,} customers held out from fitting, the model ranks a churner above a "
                   f"stayer {model['roc_auc']:.0%} of the time (ROC AUC {model['roc_auc']:.2f}; 50% is a coin toss).")
    if model.get("top_decile_lift"):
        out.append(f"Of the 10% it flags as most at risk, {model['top_decile_precision']:.0%} did churn — "
                   f"{model['top_decile_lift']:.1f}× the average rate of {model['base_rate']:.0%}.")
    for key, label in names.items():
        if key in m and m[key].get("roc_auc") is not None:
            b = m[key]
            verdict = "better than" if model["roc_auc"] > b["roc_auc"] + 0.005 else (
                "about the same as" if abs(model["roc_auc"] - b["roc_auc"]) <= 0.005 else "worse than")
            sentence = (f"Using {label}: ROC AUC {b['roc_auc']:.2f}, top-10% precision "
                        f"{b['top_decile_precision']:.0%} — the model is {verdict} this baseline")
            mp, bp = model.get("top_decile_precision"), b.get("top_decile_precision")
            if verdict == "better than" and mp is not None and bp is not None and bp > mp + 0.005:
                sentence += (f" at ranking everyone, but this baseline's top 10% held more churners "
                             f"({bp:.0%} against the model's {mp:.0%})")
            out.append(sentence + ".")
    return out
