"""Purchase timing from BG/NBD, fitted on exactly the purchase days the churn features see.

The churn features of a date ``day`` use orders placed strictly before it; the BG/NBD fit that goes with them
uses the purchase days up to the day before (its calibration end is a day included), so the baseline, the
features and the labels all stand on the same data. Out, one row per customer with a purchase day before
``day``:

* ``p_alive`` — BG/NBD's probability that the customer is still a customer (will ever buy again);
* ``expected_purchases`` — expected purchase days in the next ``window_days`` days;
* ``p_quiet_if_alive`` — the chance of no purchase in the next ``window_days`` days *if* still a customer:
  ``((α + T) / (α + T + t))^(r + x)``, the posterior of the purchase rate given the history (the rate's
  posterior is Gamma(r + x, α + T) for a customer alive at T). The chance of no order in the window is then
  ``1 − p_alive × (1 − p_quiet_if_alive)``.

BG/NBD gives every one-time buyer ``p_alive = 1`` (it lets customers drop out only after a repeat purchase).
Where one-time buyers are many — at least the CLV model's threshold for the modified variant
(:func:`insights.predictions.clv.applies.use_modified`, 70 %), below the 90 % at which churn does not apply
(:mod:`.verdict`) — the modified BG/NBD (MBG/NBD) is fitted instead, whose dropout coin is tossed after the first
purchase too, so that one-time buyers are not all "alive". ``p_quiet_if_alive`` is the same in both variants.

Speed: the four parameters are fitted on at most ``FIT_SAMPLE`` customers drawn at random (seeded); they are well
determined long before that (the fit's cost grows with the distinct histories). Today's timing reuses the parameters fitted up to the cutoff (``params=``): the model
learned its weights on p_alive computed with them, and a second fit would cost as much again.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from insights.models.bgnbd import BetaGeoModel, ModelFitError
from insights.predictions.churn.joins import arrow_keys, join_indexer
from insights.predictions.clv.applies import use_modified
from insights.predictions.clv.summary import TIME_UNIT_DAYS, ClvDataError, customer_summary

log = logging.getLogger(__name__)

TIMING_COLUMNS = ("p_alive", "expected_purchases", "p_quiet_if_alive")
PENALTIES = (0.001, 0.0, 0.01)
FIT_SAMPLE = 30_000


class Timing:
    """A BG/NBD fit as of a day and its per-customer timing (see the module docstring); ``error`` says why
    there is none when the fit failed."""

    def __init__(self, con, day, window_days: int, params: dict | None = None, modified: bool | None = None):
        """``params`` (with ``modified``: the variant they belong to) reuses a fit instead of fitting; without
        them the variant is chosen by the share of one-time buyers as of ``day``."""
        self.day = pd.Timestamp(day)
        self.window_days = int(window_days)
        self.params: dict | None = None
        self.modified = False
        self.error: str | None = None
        self.frame = pd.DataFrame({"customer_id": pd.Series(dtype=str),
                                   **{c: pd.Series(dtype=float) for c in TIMING_COLUMNS}})
        end = (self.day - pd.Timedelta(days=1)).date()
        try:
            summary = customer_summary(con, calibration_end=end, time_unit_days=TIME_UNIT_DAYS)
        except ClvDataError as exc:
            self.error = str(exc)
            return
        if summary.empty:
            self.error = "no purchases before this day"
            return
        self.modified = bool(modified) if params else use_modified(summary)
        model = (BetaGeoModel.from_params(params, modified=self.modified) if params
                 else _fit(_sample(summary), self.modified))
        if isinstance(model, str):
            self.error = model
            log.info("BG/NBD for churn timing not fitted: %s", model)
            return
        self.params = dict(model.params_)
        t = self.window_days / TIME_UNIT_DAYS
        x = summary["frequency"].to_numpy(dtype=float)
        T = summary["T"].to_numpy(dtype=float)
        r, alpha = self.params["r"], self.params["alpha"]
        alive = np.clip(model.p_alive(summary), 0.0, 1.0)
        self.frame = pd.DataFrame({
            "customer_id": summary["customer_id"].to_numpy(),
            "p_alive": alive,
            "expected_purchases": model.predict_purchases(summary, t),
            "p_quiet_if_alive": np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))),
        })

    @property
    def fitted(self) -> bool:
        return self.params is not None

    def for_customers(self, customer_ids) -> pd.DataFrame:
        """The timing columns for ``customer_ids`` in their order (NaN for a customer the fit did not see)."""
        ids = arrow_keys(pd.Series(customer_ids) if not isinstance(customer_ids, pd.Series) else customer_ids)
        indexer = join_indexer(ids, self.frame[["customer_id"]])
        if indexer is not None:        # (the features and the summary list the same customers in the same order)
            columns = {c: self.frame[c].to_numpy(dtype=float) for c in TIMING_COLUMNS}
            return pd.DataFrame({c: np.where(indexer >= 0, v[np.maximum(indexer, 0)], np.nan) if len(v)
                                 else np.full(len(indexer), np.nan) for c, v in columns.items()})
        frame = self.frame.set_index("customer_id")
        return frame.reindex(pd.Index(np.asarray(customer_ids, dtype=object)))[list(TIMING_COLUMNS)].reset_index(
            drop=True)


def _sample(summary: pd.DataFrame) -> pd.DataFrame:
    if len(summary) <= FIT_SAMPLE:
        return summary
    keep = np.random.default_rng(0).choice(len(summary), size=FIT_SAMPLE, replace=False)
    return summary.iloc[np.sort(keep)]


def _fit(summary: pd.DataFrame, modified: bool = False):
    """A fitted BetaGeoModel, or the reason none could be fitted (a fit can fail with one penalty and converge
    with another: a baseline should exist whenever some penalty gives one)."""
    error = "no fit tried"
    for coef in PENALTIES:
        try:
            return BetaGeoModel(penalizer=coef, modified=modified).fit(summary)
        except (ModelFitError, ValueError, ArithmeticError) as exc:
            error = str(exc)
    return error


def chance_of_no_order(timing: pd.DataFrame) -> np.ndarray:
    """BG/NBD's chance of no order in the window: 1 − p_alive × (1 − p_quiet_if_alive)."""
    return 1.0 - timing["p_alive"].to_numpy(dtype=float) * (1.0 - timing["p_quiet_if_alive"].to_numpy(dtype=float))
