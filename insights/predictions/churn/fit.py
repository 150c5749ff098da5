"""Fitting the churn model: define churn, read features and labels, fit on training customers, measure on
held-out ones against baselines, then score today's customers and build the watchlist (see
:mod:`insights.predictions.churn` for the method)."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Callable

import numpy as np
import pandas as pd

from insights.core.dates import data_end
from insights.core.db import cursor
from insights.models.churn_model import QUIET_COLUMN, ChurnModel
from insights.predictions.churn.definition import ChurnDataError, ChurnDefinition, churn_definition
from insights.predictions.churn.drivers import annotate_reasons, relative_risks
from insights.predictions.churn.evaluation import calibration, quality
from insights.predictions.churn.features import (SHOP_MODEL_FEATURES, model_columns, shop_features, shop_labels,
                                                 subscription_table, tenure_column)
from insights.predictions.churn.joins import arrow_keys, strictly_increasing
from insights.predictions.churn.reasons import explain_columns, reason_groups, reason_label
from insights.predictions.churn.result import ChurnResult
from insights.predictions.churn.timing import TIMING_COLUMNS, Timing, chance_of_no_order
from insights.predictions.churn.verdict import does_not_apply, verdict
from insights.predictions.churn.watchlist import Lookups, add_value_and_context

MIN_CUSTOMERS = 100
MIN_PER_CLASS = 15
TEST_SHARE = 0.25


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
        lookups = reads.submit(Lookups, data_end(con))
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
    cutoff, as_of, window = definition.cutoff, definition.as_of, definition.window_days
    step(0.15, f"Computing features as of {cutoff:%d %b %Y}")
    labels = reads.submit(shop_labels, cutoff, as_of)       # read while this thread reads the features
    train_features = shop_features(con, cutoff)
    # today's features need nothing from the model: read while it is fitted, then joined to the lookups
    today = reads.submit(shop_features, as_of)
    joined = reads.submit(lambda _cur: lookups.result().joined(today.result()["customer_id"]))
    timing_then = reads.submit(Timing, cutoff, window) if with_bgnbd else None
    train = _with_labels(train_features, labels.result())
    y = train["churned"].to_numpy(dtype=int)
    one_time = float((train["orders"] <= 1).mean()) if len(train) else 1.0
    reason = does_not_apply(one_time, float(y.mean())) if len(y) >= MIN_CUSTOMERS else None
    if reason:
        return _not_applicable(definition, reason)
    _check_trainable(y, f"had ordered before {cutoff:%d %b %Y}")
    notes = []
    then = timing_then.result() if timing_then is not None else None
    # today's timing with the parameters fitted up to the cutoff (see .timing): read while the model is fitted
    timing_now = (reads.submit(Timing, as_of, window, then.params, then.modified) if then is not None and then.fitted
                  else None)
    if then is not None and then.fitted:
        _add_timing(train, then)
        if then.modified:
            notes.append(f"{one_time:.0%} of customers had bought once by the cutoff: the probability alive comes "
                         "from the modified BG/NBD (MBG/NBD), in which a customer can also leave after a first "
                         "order, so one-time buyers are not all counted as still customers.")
    else:
        notes.append("BG/NBD's probability alive is left out: " + (
            f"the BG/NBD fit failed ({then.error})." if then is not None else "switched off."))
    cols = model_columns(train, SHOP_MODEL_FEATURES)
    anchored = "p_alive" in cols and kind == "logistic"
    model_kind = "alive" if anchored else kind
    fit_cols = cols + [QUIET_COLUMN] if anchored else cols
    held_out = _split(train["customer_id"], y, TEST_SHARE, random_state)

    step(0.35, "Fitting the churn model on training customers")
    evaluated = ChurnModel(kind=model_kind, random_state=random_state)
    evaluated.fit(train.loc[~held_out, fit_cols], y[~held_out])
    p_model = evaluated.predict_proba(train.loc[held_out, fit_cols])[:, 1]
    recency = ChurnModel(kind="logistic").fit(train.loc[~held_out, ["recency_days"]], y[~held_out])
    p_recency = recency.predict_proba(train.loc[held_out, ["recency_days"]])[:, 1]
    y_test = y[held_out]
    held = {"model": p_model, "recency": p_recency}
    if "p_alive" in train:
        held["p_alive"] = 1.0 - train.loc[held_out, "p_alive"].fillna(1.0).to_numpy(dtype=float)
    metrics = {k: quality(y_test, v) for k, v in held.items()}
    cal = [calibration(y_test, v, k) for k, v in held.items()]
    decision = verdict(y_test, held, one_time)
    _add_intervals(metrics, decision)
    step(0.5, "Measuring what drives churn here")
    timing_score = chance_of_no_order(train) if "p_alive" in train else None
    drivers = relative_risks(train, y, timing_score)

    # the model that scores is the one whose quality was measured: no refit on the held-out customers
    step(0.65, "Scoring today's customers")
    model = evaluated
    current = today.result()
    now = timing_now.result() if timing_now is not None else None
    for col in fit_cols:                 # a tag first seen after the cutoff is not a feature; one gone since is 0
        if col not in current:
            current[col] = 0.0
    if now is not None and now.fitted:
        _add_timing(current, now)
    elif "p_alive" in cols:
        raise ChurnDataError("BG/NBD's probability alive could be worked out at the cutoff but not today "
                             f"({now.error if now is not None else 'not computed'}).")
    prob, contrib = model.score(current[fit_cols])
    p_alive = (1.0 - model.predict_gone(current[fit_cols]) if anchored
               else current["p_alive"].to_numpy(dtype=float) if "p_alive" in current
               else np.full(len(current), np.nan))
    ranked = decision["ranked_by"]
    if ranked == "recency":
        prob = recency.predict_proba(current[["recency_days"]])[:, 1]
    elif ranked == "p_alive":
        prob = 1.0 - current["p_alive"].fillna(1.0).to_numpy(dtype=float)
    step(0.8, "Working out reasons")
    reasons, reason_keys, top_reason = explain_columns(contrib, current, as_of, columns=model.features_)
    reasons = annotate_reasons(reasons, pd.Series(reason_keys), current, drivers)
    scores = {
        "customer_id": current["customer_id"],
        "churn_probability": prob,
        "p_alive": p_alive,
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
    scores, basis = add_value_and_context(con, scores, as_of, lookups.result())
    importance = _importance(contrib, model.features_)
    result = ChurnResult(definition, metrics, pd.concat(cal, ignore_index=True), scores, importance, basis,
                         notes, model)
    _set_verdict(result, decision)
    result.drivers = drivers
    return result


def _not_applicable(definition: ChurnDefinition, reason: str) -> ChurnResult:
    """What a shop gets when churn prediction does not apply: the reason, no model, no drivers (with nearly
    everyone counted as churned a relative risk of churning is about 1 whatever the flag: what drives a second
    purchase is the second-purchase view's question) and no scores (an empty list, so no stale list outlives the
    data)."""
    scores = pd.DataFrame({"customer_id": pd.Series(dtype=str), "churn_probability": pd.Series(dtype=float),
                           "p_alive": pd.Series(dtype=float), "value_at_risk": pd.Series(dtype=float),
                           "reasons": pd.Series(dtype=str), "reason_keys": pd.Series(dtype=str),
                           "next_order_expected_at": pd.Series(dtype="datetime64[ns]")})
    result = ChurnResult(definition, {}, pd.DataFrame(), scores, {}, "", [], None)
    result.applies, result.reason, result.ranked_by = False, reason, None
    return result


def _set_verdict(result: ChurnResult, decision: dict) -> None:
    result.applies, result.reason, result.ranked_by = decision["applies"], decision["reason"], decision["ranked_by"]
    result.detail = decision.get("detail", "")


def _add_intervals(metrics: dict, decision: dict) -> None:
    """Each score's ROC AUC interval, and the model's difference to each baseline, into ``metrics``."""
    for k, a in decision["auc"].items():
        metrics[k]["roc_auc_ci"] = [a["ci_low"], a["ci_high"]]
        if "model_minus_this" in a:
            metrics[k]["model_minus_this"] = a["model_minus_this"]


def _add_timing(frame: pd.DataFrame, timing: Timing) -> None:
    """BG/NBD's p_alive, expected_purchases and p_quiet_if_alive as columns of ``frame`` (in place)."""
    values = timing.for_customers(frame["customer_id"])
    for col in TIMING_COLUMNS:
        frame[col] = values[col].to_numpy()


def _with_labels(features: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """``features.merge(labels, on="customer_id", how="inner", validate="one_to_one")``. Both queries order their
    rows by customer_id, so when they list the same (distinct) customers the labels are put alongside as
    they are."""
    ids, label_ids = arrow_keys(features["customer_id"]), arrow_keys(labels["customer_id"])
    if ids.equals(label_ids) and strictly_increasing(ids):
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
    tenure = tenure_column(cols)
    held = {"model": p_model}
    if tenure:
        base = ChurnModel(kind="logistic").fit(table.loc[~held_out, [tenure]], y[~held_out])
        held["tenure"] = p_tenure = base.predict_proba(table.loc[held_out, [tenure]])[:, 1]
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
    decision = verdict(y_test, held, one_time_share=0.0)
    _add_intervals(metrics, decision)
    if decision["ranked_by"] == "tenure":
        prob = base.predict_proba(active[[tenure]])[:, 1]
    reasons, reason_keys, top_reason = explain_columns(contrib, active, definition.as_of or pd.Timestamp.today(),
                                                      columns=model.features_)
    scores = {
        "customer_id": active["customer_id"],
        "churn_probability": prob,
        "reasons": reasons,
        "reason_keys": reason_keys,
        "top_reason": top_reason,
        "p_alive": np.full(len(active), np.nan),      # no purchase timing in a subscription file
        "next_order_expected_at": np.full(len(active), None, dtype=object),
        "overdue_days": np.zeros(len(active), dtype=int),
    }
    scores, basis = add_value_and_context(con, scores, definition.as_of,
                                           lookups.result() if lookups is not None else None)
    result = ChurnResult(definition, metrics, pd.concat(cal, ignore_index=True), scores,
                         _importance(contrib, model.features_), basis, notes, model)
    _set_verdict(result, decision)
    return result


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


def _importance(contrib, columns=None) -> dict:
    """Mean positive contribution per reason, in plain labels: what drives risk across customers.
    ``contrib``: a DataFrame of contributions, or an array with its feature names in ``columns``."""
    if columns is None:
        columns, contrib = list(contrib.columns), contrib.to_numpy(dtype=float)
    position = {c: i for i, c in enumerate(columns)}
    out = {}
    for key, members in reason_groups(list(columns)).items():
        total = contrib[:, [position[c] for c in members]].sum(axis=1)
        out[reason_label(key)] = float(np.clip(total, 0, None).mean())
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))
