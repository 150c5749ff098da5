"""Customer lifetime value: who will buy again, how much each customer is worth, and how right that was.

Models: BG/NBD for repeat purchases and Gamma-Gamma for spend per purchase (:mod:`insights.models.bgnbd`,
an adapter around ``lifetimes``), fitted on a per-customer summary computed by DuckDB SQL
(``insights/sql/queries/predictions/clv/``). Definitions, as in Fader, Hardie & Lee (2005):

- A **purchase** is a *purchase day*: all orders of a customer on one calendar day count as one purchase.
  Guests (no customer id) are left out; a cancellation booked as its own order id is deducted from the spend
  of the purchase day it falls on.
- **frequency** = number of *repeat* purchase days in the calibration period (the first purchase day is
  not counted: a customer who bought once has frequency 0).
- **recency** = time from the first to the last purchase day; **T** = time from the first purchase day to
  the end of the calibration period. Time is in weeks (``time_unit_days=7``) unless said otherwise.
- **monetary_value** = mean spend of the repeat purchase days (the first purchase is excluded, as in Fader
  & Hardie's Gamma-Gamma note). The Gamma-Gamma model is fitted on repeat customers with positive spend.

Per-customer outputs (:func:`score_customers`, :mod:`.score`):

- ``expected_purchases`` over the horizon (BG/NBD conditional expectation), ``p_alive``;
- ``expected_spend`` per future purchase (Gamma-Gamma conditional mean; the population mean for customers
  without repeat purchases);
- ``clv`` = Σ over months m = 1..M of (expected purchases in month m) × expected spend / (1 + d)^m, where a
  month is 365.25/12 days, the last month may be partial, and d is the monthly rate equivalent to the annual
  discount rate ((1 + annual)^(1/12) − 1). This is lifetimes' ``customer_lifetime_value`` arithmetic,
  vectorised over the unique (frequency, recency, T) rows;
- ``clv_low``/``clv_high``: an 80 % **predictive** interval for the customer's value over the horizon, simulated
  from the fitted models with both the parameters' uncertainty (draws from the fit's covariance) and the customer's
  own randomness (alive or not; purchases from the posterior of their rate and dropout; spend from Gamma-Gamma's
  posterior) — :mod:`.intervals` states the method. Where the chance of buying nothing at all is 10 % or more,
  the interval starts at 0 and runs to the 80th percentile. On simulated shops about 80 % of customers' realised
  value falls inside it (``tests/predictions/test_clv_intervals.py``).
- ``next_order_expected_at``: from the customer's own buying rhythm (:mod:`insights.customers.next_order`, the
  one next-order date of the app), filled in by :func:`run_clv`; :mod:`.next_orders` lists who is overdue,
  ranked by CLV, and exports them with consent honoured.

Backtest (:func:`backtest`, :mod:`.backtesting`): the last part of the history is held out, the models are fitted
on the rest, and predicted repeat purchase days of the calibration customers are compared with the actual ones,
in total, week by week and by number of calibration purchases.

The package, one module per step: :mod:`.summary` (the SQL reads: customer summary, history bounds, readiness),
:mod:`.fit` (the fitted pair :class:`ClvModels`; P(alive) at a cutoff for the churn baseline), :mod:`.score`,
:mod:`.intervals`,
:mod:`.backtesting`, :mod:`.applies` (does the model describe the shop, and which variant), :mod:`.groups` (value
by where customers come from), :mod:`.run` (the whole run, cached through :mod:`insights.core.scores`) and
:mod:`.cohort_cells` (predicted cells of the cohort heatmap). Import from the package: ``clv.run_clv(ws)``.
"""

from insights.models.bgnbd import ModelFitError
from insights.predictions.clv.backtesting import (MAX_HOLDOUT_DAYS, MIN_HOLDOUT_DAYS, Backtest, backtest,
                                                  backtest_sentences, default_holdout_days)
from insights.predictions.clv.cohort_cells import predicted_cohort_cells
from insights.predictions.clv.fit import ClvModels, fit_models, probability_alive_as_of
from insights.predictions.clv.groups import DIMENSIONS, customer_groups, headline, value_by_group
from insights.predictions.clv.run import (ClvResult, cached_models, current_scores, load_scores, run_clv, save_fit,
                                          stored_value_by_group)
from insights.predictions.clv.score import (DAYS_PER_MONTH, DEFAULT_ANNUAL_DISCOUNT, DEFAULT_HORIZON_DAYS,
                                            DEFAULT_INTERVAL, SCORE_COLUMNS, monthly_rate, score_customers)
from insights.predictions.clv.summary import (TIME_UNIT_DAYS, ClvDataError, customer_summary,
                                              customer_to_date_revenue, history_bounds, readiness)

__all__ = [
    "DAYS_PER_MONTH", "DEFAULT_ANNUAL_DISCOUNT", "DEFAULT_HORIZON_DAYS", "DEFAULT_INTERVAL", "DIMENSIONS",
    "MAX_HOLDOUT_DAYS", "MIN_HOLDOUT_DAYS", "SCORE_COLUMNS", "TIME_UNIT_DAYS",
    "Backtest", "ClvDataError", "ClvModels", "ClvResult", "ModelFitError",
    "backtest", "backtest_sentences", "cached_models", "current_scores", "customer_groups", "customer_summary",
    "customer_to_date_revenue", "headline", "stored_value_by_group", "value_by_group",
    "default_holdout_days", "fit_models", "history_bounds", "load_scores", "monthly_rate", "predicted_cohort_cells",
    "probability_alive_as_of", "readiness", "run_clv", "save_fit", "score_customers",
]
