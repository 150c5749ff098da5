"""Churn: who is slipping away, why, and how much value is at risk.

Two definitions, picked from the data (:func:`detect_kind`):

* **shop** (orders, no churn label): a customer has churned when they place no order for ``W`` days. ``W`` is
  derived from the customers' own purchase gaps: the ``percentile`` (default 90th) of all gaps between a
  customer's consecutive order days — "90% of repeat orders come within W days of the previous one". It is
  shown and can be set by hand.
* **subscription** (the customers file has a churn label, a cancellation date or a status): the label is
  ``customer_records.churned``, else a cancelled-like ``status``, else a ``cancelled_at`` date.

Shop model, trained with a **time split**: ``as_of`` is the day after the last order in the data and
``cutoff = as_of − W``. Features are computed from data strictly before ``cutoff``
(``sql/queries/predictions/churn/features.sql``); the label is "no order in [cutoff, as_of)". BG/NBD is fitted on exactly the purchase days before the cutoff
(:mod:`.timing`): its probability alive and expected purchases are features, and the model is anchored on it
(``ChurnModel(kind="alive")``: the label is "gone, or still a customer but quiet in the window"). Customers known
at the cutoff are split at random into training (75%) and held-out (25%) customers; quality is measured on the
held-out ones only, against two baselines: recency alone (fitted on the same training customers) and BG/NBD's
probability alive. The model fitted on the training customers is the one that scores current customers from
features as of ``as_of`` (no refit: the quality reported is that of the model in use; BG/NBD refitted up to
``as_of`` feeds it); its probability is "no order within the next W days", and ``p_alive`` beside it "still a
customer". :mod:`.verdict` decides whether churn applies at all and what ranks the list (``ranked_by``: the
model only when its ROC AUC interval beats 0.5 and the best baseline's); :mod:`.drivers` measures each flag's
relative risk (late last order, returns, discount codes, low scores …) among customers of similar purchase
timing, and the reasons name the significant ones.

Subscription model: features are the customers file's own columns (the JSON ``attributes`` plus country,
channel and tenure from ``signed_up_at``), minus anything that names the outcome (``churn``, ``cancel``,
``status``). A snapshot file has no dates to split on, so quality is measured on a random held-out 25% of
customers; baseline: tenure alone.

Expected value for the watchlist: ``clv_scores.clv`` when a CLV has been fitted into the workspace, else the
customer's net revenue of the trailing twelve months (stated in :attr:`ChurnResult.value_basis`).

The package, one module per step: :mod:`.definition` (kind, label, window), :mod:`.features` (shop and
subscription), :mod:`.evaluation` (quality, calibration, baselines), :mod:`.timing` (BG/NBD as of a day), :mod:`.verdict`,
:mod:`.drivers`, :mod:`.fit` (the fitting flow),
:mod:`.reasons` (per-customer reasons in plain words), :mod:`.watchlist` (value at risk, context, actions,
filters; :mod:`.joins` holds its pyarrow joins), :mod:`.store` (scores kept through :mod:`insights.core.scores`),
:mod:`.export` (CSV for the email tool, the analyst file) and :mod:`.result` (what a fit returns). Import from the package:
``churn.score_workspace(ws)``.
"""

from insights.predictions.churn.definition import (CANCELLED_STATUSES, GAP_QUANTILES, MIN_WINDOW_DAYS, ChurnDataError,
                                                  ChurnDefinition, churn_definition, churn_window, detect_kind,
                                                  gap_quantiles)
from insights.predictions.churn.evaluation import calibration, headline, quality, quality_sentences
from insights.predictions.churn.export import ANALYST_COLUMNS, analyst_file, export_for_email
from insights.predictions.churn.features import (LEAKY_NAME_PARTS, SHOP_MODEL_FEATURES, model_columns, shop_features,
                                                 shop_labels, subscription_table)
from insights.predictions.churn.fit import MIN_CUSTOMERS, MIN_PER_CLASS, TEST_SHARE, fit_churn
from insights.predictions.churn.reasons import REASON_LABELS, explain, explain_columns, reason_counts, split_reasons
from insights.predictions.churn.result import ChurnResult
from insights.predictions.churn.store import (SCORE_COLUMNS, churn_result, load_churn_scores, score_workspace,
                                             stored_result, write_churn_scores)
from insights.predictions.churn.watchlist import (ACTIONS, action_summary, expected_values, filter_watchlist,
                                                  suggest_actions, value_tiers, watchlist_rows)

__all__ = [
    "ACTIONS", "ANALYST_COLUMNS", "CANCELLED_STATUSES", "analyst_file", "GAP_QUANTILES", "LEAKY_NAME_PARTS", "MIN_CUSTOMERS", "MIN_PER_CLASS",
    "MIN_WINDOW_DAYS", "REASON_LABELS", "SCORE_COLUMNS", "SHOP_MODEL_FEATURES", "TEST_SHARE",
    "ChurnDataError", "ChurnDefinition", "ChurnResult",
    "action_summary", "calibration", "churn_definition", "churn_window", "detect_kind", "expected_values", "explain",
    "churn_result", "explain_columns", "export_for_email", "filter_watchlist", "fit_churn", "gap_quantiles",
    "load_churn_scores", "stored_result",
    "headline", "model_columns", "quality", "quality_sentences", "reason_counts", "score_workspace", "shop_features",
    "shop_labels", "split_reasons", "subscription_table", "suggest_actions", "value_tiers", "watchlist_rows",
    "write_churn_scores",
]
