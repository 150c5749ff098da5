"""Customer lifetime value: who will buy again, how much each customer is worth, and how right that was.

Models: BG/NBD for repeat purchases and Gamma-Gamma for spend per purchase (:mod:`insights.models.bgnbd`,
an adapter around ``lifetimes``), fitted on a per-customer summary computed by DuckDB SQL
(``insights/sql/clv/``). Definitions, as in Fader, Hardie & Lee (2005):

- A **purchase** is a *purchase day*: all orders of a customer on one calendar day count as one purchase.
  Guests (no customer id) are left out; a cancellation booked as its own order id is deducted from the spend
  of the purchase day it falls on.
- **frequency** = number of *repeat* purchase days in the calibration period (the first purchase day is
  not counted: a customer who bought once has frequency 0).
- **recency** = time from the first to the last purchase day; **T** = time from the first purchase day to
  the end of the calibration period. Time is in weeks (``time_unit_days=7``) unless said otherwise.
- **monetary_value** = mean spend of the repeat purchase days (the first purchase is excluded, as in Fader
  & Hardie's Gamma-Gamma note). The Gamma-Gamma model is fitted on repeat customers with positive spend.

Per-customer outputs (:func:`score_customers`):

- ``expected_purchases`` over the horizon (BG/NBD conditional expectation), ``p_alive``;
- ``expected_spend`` per future purchase (Gamma-Gamma conditional mean; the population mean for customers
  without repeat purchases);
- ``clv`` = Σ over months m = 1..M of (expected purchases in month m) × expected spend / (1 + d)^m, where a
  month is 365.25/12 days, the last month may be partial, and d is the monthly rate equivalent to the annual
  discount rate ((1 + annual)^(1/12) − 1). This is lifetimes' ``customer_lifetime_value`` arithmetic,
  vectorised over the unique (frequency, recency, T) rows;
- ``clv_low``/``clv_high``: an 80 % **predictive** interval for the customer's value over the horizon. The
  number of purchases is drawn from the model's posterior: the customer is alive with probability
  ``p_alive``, and if alive buys as a Poisson process whose rate has the posterior Gamma(r + x, α + T), so
  N ~ NegBin(r + x, (α + T)/(α + T + t)) (dropping out *during* the horizon is ignored here, which makes the
  upper end slightly generous). The interval's purchase counts are turned into money with the customer's
  expected spend and the same discounting as ``clv``. Spend per order is held at its expectation, and
  parameter uncertainty is not included (it is small next to an individual's randomness).
- ``next_order_expected_at``: calibration end + (α + T)/(r + x) time units — the mean gap between this
  customer's purchases if they are still active — for customers with p_alive ≥ 0.5; empty otherwise.

Backtest (:func:`backtest`): the last part of the history is held out, the models are fitted on the rest,
and predicted repeat purchase days of the calibration customers are compared with the actual ones, in total,
week by week and by number of calibration purchases.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from scipy.stats import nbinom

from insights.core import scores as score_store
from insights.core.db import cursor, query_df, sql_text, table_exists
from insights.models.bgnbd import (BGNBD_PARAMS, GAMMA_GAMMA_PARAMS, BetaGeoModel, GammaGammaModel,
                                   ModelFitError, unique_rows)
from insights.models.readiness import Readiness, assess
from insights.core.workspace import Workspace

log = logging.getLogger(__name__)

TIME_UNIT_DAYS = 7.0
DAYS_PER_MONTH = 365.25 / 12       # an average month; lifetimes uses 4.345 weeks (30.4 days)
DEFAULT_HORIZON_DAYS = 365
DEFAULT_ANNUAL_DISCOUNT = 0.10
DEFAULT_INTERVAL = 0.80
MIN_HOLDOUT_DAYS, MAX_HOLDOUT_DAYS = 28, 182
SCORE_COLUMNS = ["customer_id", "expected_purchases", "p_alive", "expected_spend", "clv", "clv_low", "clv_high",
                 "next_order_expected_at"]


class ClvDataError(ValueError):
    """The workspace's orders cannot support this CLV request; the message says what is missing."""


# ----- SQL ------------------------------------------------------------------------------------------------
def _con(ws_or_con):
    return ws_or_con.con if isinstance(ws_or_con, Workspace) else ws_or_con


def _with_purchase_days(relative_path: str) -> str:
    """A packaged query that reads ``clv_purchase_days``, with that CTE defined in front (fixed text only)."""
    return ("with clv_purchase_days as (\n" + sql_text("queries/predictions/clv/purchase_days.sql") + "\n)\nselect * from (\n"
            + sql_text(relative_path) + "\n)")


def _as_date(value) -> dt.date:
    return pd.Timestamp(value).date()


def history_bounds(ws_or_con) -> tuple[dt.date | None, dt.date | None, int]:
    """(first purchase day, last purchase day, customers who bought) over the whole workspace."""
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection otherwise
    first, last, customers = _con(ws_or_con).execute(_with_purchase_days("queries/predictions/clv/bounds.sql")).fetchall()[0]
    return (_as_date(first) if first is not None else None, _as_date(last) if last is not None else None,
            int(customers or 0))


def customer_summary(ws_or_con, calibration_end=None, holdout_end=None,
                     time_unit_days: float = TIME_UNIT_DAYS) -> pd.DataFrame:
    """Per-customer summary by DuckDB SQL (``insights/sql/clv/summary.sql``); one row per customer.

    In: a workspace (or its connection) with marts built; ``calibration_end`` (a date; default the last
    purchase day), ``holdout_end`` (default = ``calibration_end``: no holdout), ``time_unit_days`` (7 = weeks).

    Out columns: customer_id, first_purchase, last_purchase (dates, calibration period), frequency (repeat
    purchase days), recency, T (in time units), monetary_value (mean spend of repeat purchase days; NaN for
    one-time buyers), calibration_spend, holdout_purchases, holdout_spend. Only customers whose first purchase
    day is on or before the calibration end appear. Same-day purchases count as one.
    """
    con = _con(ws_or_con)
    if calibration_end is None:
        calibration_end = history_bounds(con)[1]
        if calibration_end is None:
            return _empty_summary()
    calibration_end = _as_date(calibration_end)
    holdout_end = _as_date(holdout_end) if holdout_end is not None else calibration_end
    df = query_df(con, _with_purchase_days("queries/predictions/clv/summary.sql") + " order by customer_id",
                  {"calibration_end": calibration_end, "holdout_end": holdout_end,
                   "unit_days": float(time_unit_days)})
    if df.empty:
        return _empty_summary()
    df["customer_id"] = df["customer_id"].astype(str)
    for col in ("recency", "T", "monetary_value", "calibration_spend", "holdout_spend"):
        df[col] = df[col].astype(float)
    for col in ("frequency", "holdout_purchases"):
        df[col] = df[col].astype("int64")
    return df


def _empty_summary() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series(dtype=str), "first_purchase": pd.Series(dtype="datetime64[s]"),
                         "last_purchase": pd.Series(dtype="datetime64[s]"), "frequency": pd.Series(dtype="int64"),
                         "recency": pd.Series(dtype=float), "T": pd.Series(dtype=float),
                         "monetary_value": pd.Series(dtype=float), "calibration_spend": pd.Series(dtype=float),
                         "holdout_purchases": pd.Series(dtype="int64"), "holdout_spend": pd.Series(dtype=float)})


# ----- readiness ------------------------------------------------------------------------------------------
def readiness(ws_or_con, calibration_end=None) -> Readiness:
    """Enough customers, repeat buyers and history for a CLV model? (see :mod:`insights.models.readiness`)."""
    first, last, _ = history_bounds(ws_or_con)
    if first is None:
        return assess(0, 0, 0)
    summary = customer_summary(ws_or_con, calibration_end=calibration_end or last, time_unit_days=1)
    end = _as_date(calibration_end) if calibration_end is not None else last
    return assess(len(summary), int((summary["frequency"] > 0).sum()), (end - first).days)


# ----- fitting --------------------------------------------------------------------------------------------
@dataclass
class ClvModels:
    """A fitted pair of models and what they were fitted on (no customer data)."""

    bgnbd: BetaGeoModel
    gamma_gamma: GammaGammaModel | None
    calibration_end: dt.date
    time_unit_days: float
    customers_fitted: int
    repeat_customers_fitted: int
    mean_spend: float                    # mean spend of repeat purchase days (fallback if Gamma-Gamma failed)
    notes: list[str] = field(default_factory=list)

    @property
    def params(self) -> dict:
        out = {k: self.bgnbd.params_[k] for k in BGNBD_PARAMS}
        out.update({k: (self.gamma_gamma.params_[k] if self.gamma_gamma else None) for k in GAMMA_GAMMA_PARAMS})
        return out

    def to_json(self) -> str:
        return json.dumps({"params": self.params, "calibration_end": self.calibration_end.isoformat(),
                           "time_unit_days": self.time_unit_days, "customers_fitted": self.customers_fitted,
                           "repeat_customers_fitted": self.repeat_customers_fitted, "mean_spend": self.mean_spend,
                           "notes": self.notes, "bgnbd_se": self.bgnbd.standard_errors_,
                           "gamma_gamma_se": self.gamma_gamma.standard_errors_ if self.gamma_gamma else None})

    @classmethod
    def from_json(cls, text: str) -> "ClvModels":
        d = json.loads(text)
        bg = BetaGeoModel.from_params({k: d["params"][k] for k in BGNBD_PARAMS}, d.get("bgnbd_se"))
        gg = None
        if d["params"].get("p") is not None:
            gg = GammaGammaModel.from_params({k: d["params"][k] for k in GAMMA_GAMMA_PARAMS}, d.get("gamma_gamma_se"))
        return cls(bg, gg, _as_date(d["calibration_end"]), float(d["time_unit_days"]), int(d["customers_fitted"]),
                   int(d["repeat_customers_fitted"]), float(d["mean_spend"]), list(d.get("notes", [])))


def fit_models(summary: pd.DataFrame, calibration_end, time_unit_days: float = TIME_UNIT_DAYS,
               penalizer: float = 0.0) -> ClvModels:
    """Fit BG/NBD on every customer and Gamma-Gamma on repeat customers with positive spend.

    Raises :class:`ModelFitError` (plain message) when BG/NBD cannot be fitted. A Gamma-Gamma failure is
    not fatal: expected spend falls back to the mean spend of repeat purchase days, and ``notes`` says so.
    """
    bgnbd = BetaGeoModel(penalizer=penalizer).fit(summary)
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    notes: list[str] = []
    weights = repeat["frequency"].to_numpy(dtype=float)
    mean_spend = float(np.average(repeat["monetary_value"], weights=weights)) if len(repeat) else float("nan")
    gamma_gamma: GammaGammaModel | None
    try:
        gamma_gamma = GammaGammaModel(penalizer=penalizer).fit(summary)
    except ModelFitError as exc:
        gamma_gamma = None
        notes.append(f"{exc} Expected spend per order is the plain average of repeat purchases instead.")
    return ClvModels(bgnbd, gamma_gamma, _as_date(calibration_end), float(time_unit_days), len(summary),
                     int((summary["frequency"] > 0).sum()), mean_spend, notes)


def monthly_rate(annual_discount_rate: float) -> float:
    """The monthly discount rate equivalent to an annual one: (1 + annual)^(1/12) − 1."""
    if not (0 <= annual_discount_rate < 10):
        raise ValueError(f"annual discount rate must be between 0 and 10 (e.g. 0.1 for 10 %), got {annual_discount_rate}")
    return (1.0 + annual_discount_rate) ** (1.0 / 12.0) - 1.0


def score_customers(models: ClvModels, summary: pd.DataFrame, horizon_days: int = DEFAULT_HORIZON_DAYS,
                    annual_discount_rate: float = DEFAULT_ANNUAL_DISCOUNT,
                    interval: float = DEFAULT_INTERVAL) -> pd.DataFrame:
    """Per-customer predictions over ``horizon_days`` after the calibration end (see the module docstring).

    Out: one row per summary row, columns :data:`SCORE_COLUMNS` plus frequency, recency, T, monetary_value.
    Vectorised: the BG/NBD formulas run once per unique (frequency, recency, T) row.
    """
    if horizon_days <= 0:
        raise ValueError(f"horizon must be at least one day, got {horizon_days}")
    if not 0 < interval < 1:
        raise ValueError(f"interval must be between 0 and 1 (e.g. 0.8), got {interval}")
    unit = models.time_unit_days
    params = models.bgnbd.params_
    r, alpha = params["r"], params["alpha"]
    months = math.ceil(horizon_days / DAYS_PER_MONTH)
    ends = np.minimum(np.arange(1, months + 1) * DAYS_PER_MONTH, horizon_days) / unit
    d = monthly_rate(annual_discount_rate)
    discounts = 1.0 / (1.0 + d) ** np.arange(1, months + 1)

    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    uniq, inverse, _ = unique_rows(x, t_x, T)
    ux, utx, uT = uniq[:, 0], uniq[:, 1], uniq[:, 2]
    from insights.models.bgnbd import conditional_expected_purchases, probability_alive
    cumulative = conditional_expected_purchases(params, ux[:, None], utx[:, None], uT[:, None], ends[None, :])
    per_month = np.diff(cumulative, axis=1, prepend=0.0)
    purchases = cumulative[:, -1]
    discounted = per_month @ discounts
    alive = probability_alive(params, ux, utx, uT)

    # predictive interval on the number of purchases (NegBin mixed with "no longer a customer")
    t_h = horizon_days / unit
    shape = r + ux
    prob = (alpha + uT) / (alpha + uT + t_h)
    tail = (1.0 - interval) / 2.0
    dead = 1.0 - alive
    with np.errstate(all="ignore"):
        n_low = np.where(dead >= tail, 0.0, nbinom.ppf(np.clip((tail - dead) / alive, 0, 1), shape, prob))
        n_high = np.where(dead >= 1 - tail, 0.0, nbinom.ppf(np.clip((1 - tail - dead) / alive, 0, 1), shape, prob))
        effective_discount = np.where(purchases > 0, discounted / purchases, discounts.mean())
    gap_units = (alpha + uT) / (r + ux)

    if models.gamma_gamma is not None:
        spend = models.gamma_gamma.expected_spend(summary)
    else:
        spend = np.full(len(summary), models.mean_spend)
    out = pd.DataFrame({"customer_id": summary["customer_id"].to_numpy()})
    for col in ("frequency", "recency", "T", "monetary_value"):
        out[col] = summary[col].to_numpy()
    out["expected_purchases"] = purchases[inverse]
    out["p_alive"] = alive[inverse]
    out["expected_spend"] = spend
    out["clv"] = discounted[inverse] * spend
    low = n_low[inverse] * effective_discount[inverse] * spend
    high = n_high[inverse] * effective_discount[inverse] * spend
    out["clv_low"] = np.minimum(low, out["clv"].to_numpy())
    out["clv_high"] = np.maximum(high, out["clv"].to_numpy())
    gap_days = gap_units[inverse] * unit
    due = pd.Timestamp(models.calibration_end) + pd.to_timedelta(np.round(np.nan_to_num(gap_days)), unit="D")
    out["next_order_expected_at"] = pd.Series(due).where(out["p_alive"].to_numpy() >= 0.5)
    return out


def probability_alive_as_of(ws_or_con, cutoff, time_unit_days: float = TIME_UNIT_DAYS,
                            penalizer: float = 0.001) -> pd.DataFrame:
    """P(alive) at ``cutoff`` from a BG/NBD model fitted on purchases up to ``cutoff`` only (no leakage).

    Out: customer_id, p_alive — one row per customer with a purchase day on or before ``cutoff``.
    Tries ``penalizer``, then no penalty, then 0.01; raises :class:`ModelFitError` when none converges.
    (Used as the churn page's baseline.)
    """
    summary = customer_summary(ws_or_con, calibration_end=cutoff, time_unit_days=time_unit_days)
    if summary.empty:
        return pd.DataFrame({"customer_id": pd.Series(dtype=str), "p_alive": pd.Series(dtype=float)})
    # lifetimes' optimiser is sensitive to the penalty: on UCI Online Retail it converges with 0 and fails with
    # 0.001, on other shops the other way round. A baseline should exist whenever some penalty gives one.
    error = None
    for coef in dict.fromkeys((penalizer, 0.0, 0.01)):
        try:
            model = BetaGeoModel(penalizer=coef).fit(summary)
        except ModelFitError as exc:
            error = exc
            continue
        return pd.DataFrame({"customer_id": summary["customer_id"], "p_alive": model.p_alive(summary)})
    raise error


# ----- backtest -------------------------------------------------------------------------------------------
@dataclass
class Backtest:
    """Predicted against actual repeat purchase days in a held-out final stretch of the history."""

    history_start: dt.date
    calibration_end: dt.date
    holdout_end: dt.date
    customers: int
    predicted_repeat_orders: float
    actual_repeat_orders: int
    by_week: pd.DataFrame            # week, week_start, predicted, actual, cumulative_predicted, cumulative_actual
    by_frequency: pd.DataFrame       # calibration_purchases (label), customers, predicted, actual (per customer)
    predicted_revenue: float | None
    actual_revenue: float
    params: dict
    sentences: list[str]

    @property
    def error_pct(self) -> float | None:
        if not self.actual_repeat_orders:
            return None
        return 100.0 * (self.predicted_repeat_orders - self.actual_repeat_orders) / self.actual_repeat_orders

    def as_dict(self) -> dict:
        return {"history_start": self.history_start, "calibration_end": self.calibration_end,
                "holdout_end": self.holdout_end, "customers": self.customers,
                "predicted_repeat_orders": self.predicted_repeat_orders,
                "actual_repeat_orders": self.actual_repeat_orders, "error_pct": self.error_pct,
                "predicted_revenue": self.predicted_revenue, "actual_revenue": self.actual_revenue,
                "params": self.params, "sentences": self.sentences,
                "by_frequency": self.by_frequency, "by_week": self.by_week}


def default_holdout_days(history_days: int) -> int:
    """A quarter of the history, in whole weeks, between 4 and 26 weeks."""
    weeks = round(history_days / 4 / 7)
    return int(min(max(weeks * 7, MIN_HOLDOUT_DAYS), MAX_HOLDOUT_DAYS))


def _period_text(start: dt.date, end: dt.date) -> str:
    a, b = f"{start:%b %Y}", f"{end:%b %Y}"
    return a if a == b else f"{a}–{b}"


def _span_text(days: int) -> str:
    if days >= 56 and abs(days / 30.44 - round(days / 30.44)) < 0.2:
        months = round(days / 30.44)
        return "month" if months == 1 else f"{months} months"
    weeks = days / 7
    return f"{weeks:.0f} weeks" if weeks == round(weeks) else f"{days} days"


def backtest_sentences(start: dt.date, calibration_end: dt.date, holdout_days: int, predicted: float,
                       actual: int, customers: int, predicted_revenue: float | None = None,
                       actual_revenue: float | None = None) -> list[str]:
    """Plain sentences about a backtest, e.g. "Fitted on Jan 2010–Jun 2011, the model expected 5,120 repeat
    orders in the next 6 months; there were 4,870: 5% high."."""
    out = []
    head = (f"Fitted on {_period_text(start, calibration_end)}, the model expected {predicted:,.0f} repeat orders "
            f"from those {customers:,} customers in the next {_span_text(holdout_days)}; there were {actual:,}")
    if actual:
        err = 100.0 * (predicted - actual) / actual
        verdict = "spot on" if round(err) == 0 else f"{abs(err):.0f}% {'high' if err > 0 else 'low'}"
        out.append(f"{head}: {verdict}.")
    else:
        out.append(head + ".")
    if predicted_revenue is not None and actual_revenue is not None and actual_revenue > 0:
        err = 100.0 * (predicted_revenue - actual_revenue) / actual_revenue
        verdict = "spot on" if round(err) == 0 else f"{abs(err):.0f}% {'high' if err > 0 else 'low'}"
        out.append(f"It expected {predicted_revenue:,.0f} in revenue from those repeat orders; they brought "
                   f"{actual_revenue:,.0f}: {verdict}.")
    out.append("(An order here is a purchase day: several orders by one customer on one day count once. "
               "Customers who first bought during the held-out stretch are not part of the test.)")
    return out


def backtest(ws_or_con, holdout_days: int | None = None, time_unit_days: float = TIME_UNIT_DAYS,
             penalizer: float = 0.0, frequency_cap: int = 7, calibration_end=None) -> Backtest:
    """Hold out the last ``holdout_days`` (default :func:`default_holdout_days`), fit on the rest, compare.

    With ``calibration_end`` (and no ``holdout_days``), everything after that day is the held-out stretch.

    Raises :class:`ClvDataError` when the history is too short to hold anything out, and
    :class:`ModelFitError` when the model cannot be fitted on the calibration part.
    """
    con = _con(ws_or_con)
    first, last, _ = history_bounds(con)
    if first is None:
        raise ClvDataError("There are no orders by known customers, so there is nothing to backtest.")
    history = (last - first).days
    if calibration_end is not None and not holdout_days:
        holdout_days = (last - _as_date(calibration_end)).days
        if holdout_days < 7:
            raise ClvDataError(f"Only {max(holdout_days, 0)} days of orders follow {_as_date(calibration_end)}; a "
                               "backtest needs at least a week after the calibration end to compare with.")
    holdout_days = int(holdout_days or default_holdout_days(history))
    if history - holdout_days < 2 * MIN_HOLDOUT_DAYS:
        raise ClvDataError(f"The orders cover {history} days; holding out the last {holdout_days} days leaves too "
                           f"little to fit on (at least {2 * MIN_HOLDOUT_DAYS} days are needed before it).")
    calibration_end = last - dt.timedelta(days=holdout_days)
    summary = customer_summary(con, calibration_end, last, time_unit_days)
    models = fit_models(summary, calibration_end, time_unit_days, penalizer)
    unit = float(time_unit_days)

    weeks = math.ceil(holdout_days / 7)
    ends = np.minimum(np.arange(1, weeks + 1) * 7.0, holdout_days) / unit
    cumulative = models.bgnbd.cumulative_purchases(summary, ends)          # (n, weeks)
    per_customer = cumulative[:, -1]
    predicted_by_week = np.diff(cumulative.sum(axis=0), prepend=0.0)
    actual_weekly = query_df(con, _with_purchase_days("queries/predictions/clv/holdout_weekly.sql"),
                             {"calibration_end": calibration_end, "holdout_end": last})
    actual_by_week = np.zeros(weeks)
    for week, n in zip(actual_weekly["week"].astype(int), actual_weekly["purchases"].astype(int)):
        if 1 <= week <= weeks:
            actual_by_week[week - 1] += n
    by_week = pd.DataFrame({"week": np.arange(1, weeks + 1),
                            "week_start": [calibration_end + dt.timedelta(days=7 * i + 1) for i in range(weeks)],
                            "predicted": predicted_by_week, "actual": actual_by_week.astype(int)})
    by_week["cumulative_predicted"] = by_week["predicted"].cumsum()
    by_week["cumulative_actual"] = by_week["actual"].cumsum()

    capped = np.minimum(summary["frequency"].to_numpy(), frequency_cap)
    grouped = pd.DataFrame({"f": capped, "predicted": per_customer, "actual": summary["holdout_purchases"]}) \
        .groupby("f").agg(customers=("predicted", "size"), predicted=("predicted", "mean"), actual=("actual", "mean"))
    grouped = grouped.reset_index()
    grouped["calibration_purchases"] = [f"{f + 1}+" if f == frequency_cap else str(f + 1) for f in grouped["f"]]
    by_frequency = grouped[["calibration_purchases", "customers", "predicted", "actual"]]

    spend = (models.gamma_gamma.expected_spend(summary) if models.gamma_gamma is not None
             else np.full(len(summary), models.mean_spend))
    predicted_revenue = float(np.nansum(per_customer * spend))
    actual_revenue = float(summary["holdout_spend"].sum())
    predicted, actual = float(per_customer.sum()), int(summary["holdout_purchases"].sum())
    sentences = backtest_sentences(first, calibration_end, holdout_days, predicted, actual, len(summary),
                                   predicted_revenue, actual_revenue)
    return Backtest(first, calibration_end, last, len(summary), predicted, actual, by_week, by_frequency,
                    predicted_revenue, actual_revenue, models.params, sentences)


# ----- the whole run, cached in the workspace -------------------------------------------------------------
@dataclass
class ClvResult:
    readiness: Readiness
    models: ClvModels | None
    scores: pd.DataFrame | None          # SCORE_COLUMNS (+ frequency, recency, T, monetary_value)
    backtest: Backtest | None
    backtest_error: str | None
    horizon_days: int
    annual_discount_rate: float
    from_cache: bool = False

    @property
    def fitted(self) -> bool:
        return self.models is not None

    def top_customers(self, n: int = 20) -> pd.DataFrame:
        if self.scores is None:
            return pd.DataFrame(columns=SCORE_COLUMNS)
        return self.scores.sort_values(["clv", "customer_id"], ascending=[False, True]).head(n).reset_index(drop=True)


def cached_models(ws: Workspace, calibration_end, time_unit_days: float = TIME_UNIT_DAYS,
                  penalizer: float = 0.0) -> ClvModels | None:
    """The models stored in the workspace for this data and these settings, or None."""
    stored = score_store.run(ws, "clv")
    if stored is None or stored.data_version != score_store.data_version(ws):
        return None
    if stored.run_key != _fit_key(_as_date(calibration_end), time_unit_days, penalizer):
        return None
    return ClvModels.from_json(json.dumps(stored.report["models"]))


def _fit_key(calibration_end: dt.date, time_unit_days: float, penalizer: float) -> str:
    return json.dumps([calibration_end.isoformat(), time_unit_days, penalizer])


def save_fit(ws: Workspace, models: ClvModels, scores_frame: pd.DataFrame, penalizer: float = 0.0) -> None:
    """Store ``clv_scores`` (one row per customer) and the fitted parameters with the data's version, through
    the one store of model outputs (:mod:`insights.core.scores`)."""
    frame = pd.DataFrame({
        "customer_id": scores_frame["customer_id"].astype(str).to_numpy(),
        **{c: scores_frame[c].astype(float).to_numpy() for c in SCORE_COLUMNS
           if c not in ("customer_id", "next_order_expected_at")},
        "next_order_expected_at": pd.to_datetime(scores_frame["next_order_expected_at"]).dt.date.to_numpy(),
    })[SCORE_COLUMNS]
    score_store.write(ws, "clv", frame, params={"penalizer": penalizer},
                 report={"calibration_end": models.calibration_end.isoformat(),
                         "models": json.loads(models.to_json())},
                 run_key=_fit_key(models.calibration_end, models.time_unit_days, penalizer))


def load_scores(ws_or_con) -> pd.DataFrame | None:
    """The ``clv_scores`` table written by the latest fit, or None if no fit has been saved."""
    return score_store.load(ws_or_con, "clv")


def current_scores(ws: Workspace) -> pd.DataFrame | None:
    """``clv_scores`` if the stored fit was made on the workspace's current data, else None (stale or absent)."""
    return score_store.current(ws, "clv")


def run_clv(ws: Workspace, calibration_end=None, horizon_days: int = DEFAULT_HORIZON_DAYS,
            annual_discount_rate: float = DEFAULT_ANNUAL_DISCOUNT, time_unit_days: float = TIME_UNIT_DAYS,
            penalizer: float = 0.0, with_backtest: bool = True, save: bool = True,
            progress: Callable[[float, str], None] | None = None) -> ClvResult:
    """Readiness check, fit (or reuse the stored fit for this data), per-customer scores, and a backtest.

    ``calibration_end`` defaults to the last purchase day (the models learn from the whole history); the
    scores look ``horizon_days`` ahead of it. Model failures come back as sentences, never as exceptions:
    ``result.readiness`` and ``result.models``/``result.backtest_error`` say what happened.
    """
    step = progress or (lambda frac, text: None)
    step(0.05, "Checking the data")
    first, last, _ = history_bounds(ws)
    end = _as_date(calibration_end) if calibration_end is not None else last
    ready = readiness(ws, end)
    if not ready.can_fit:
        return ClvResult(ready, None, None, None, None, horizon_days, annual_discount_rate)
    summary = customer_summary(ws, end, time_unit_days=time_unit_days)
    models = cached_models(ws, end, time_unit_days, penalizer)
    from_cache = models is not None
    if models is None:
        step(0.2, f"Fitting the models on {len(summary):,} customers")
        try:
            models = fit_models(summary, end, time_unit_days, penalizer)
        except ModelFitError as exc:
            failed = Readiness(ready.status, ready.customers, ready.repeat_buyers, ready.history_days,
                               ready.problems + [str(exc)], ready.can_show)
            return ClvResult(failed, None, None, None, str(exc), horizon_days, annual_discount_rate)
    step(0.5, "Scoring every customer")
    scores = score_customers(models, summary, horizon_days, annual_discount_rate)
    if save:
        save_fit(ws, models, scores, penalizer)
    bt, bt_error = None, None
    if with_backtest:
        step(0.7, "Backtesting on the held-out last part of the history")
        try:
            explicit = calibration_end is not None and end < last
            bt = backtest(ws, time_unit_days=time_unit_days, penalizer=penalizer,
                          calibration_end=end if explicit else None)
        except (ClvDataError, ModelFitError) as exc:
            bt_error = str(exc)
    step(1.0, "Done")
    return ClvResult(ready, models, scores, bt, bt_error, horizon_days, annual_discount_rate, from_cache)


# ----- predicted cohort cells -----------------------------------------------------------------------------
_GRAIN_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q"}


def predicted_cohort_cells(ws_or_con, grain: str = "month", months_ahead: int = 6, models: ClvModels | None = None,
                           time_unit_days: float = TIME_UNIT_DAYS) -> pd.DataFrame:
    """Predicted revenue per cohort customer in the periods after the data ends, for the cohort heatmap.

    Long format, one row per cohort × future period: ``cohort`` (first day of the cohort period, as in
    :func:`insights.performance.cohorts.cohort_table`), ``period_index`` (periods since the cohort period, continuing
    after the last observed one), ``customers``, ``predicted_revenue_per_customer`` (expected net revenue per
    cohort customer in that period: Σ expected purchases in the period × expected spend / cohort size),
    ``predicted_ltv`` (revenue per customer to date + the predicted periods so far), ``predicted`` (True).

    ``months_ahead`` counts periods of ``grain`` (weeks for ``week``). The models are fitted on the whole
    history unless ``models`` is given. Raises :class:`ModelFitError` when no model can be fitted.
    """
    if grain not in _GRAIN_FREQ:
        raise ValueError(f"grain must be one of {', '.join(_GRAIN_FREQ)}; got {grain!r}")
    if months_ahead < 1:
        raise ValueError(f"months_ahead must be at least 1, got {months_ahead}")
    columns = ["cohort", "period_index", "customers", "predicted_revenue_per_customer", "predicted_ltv", "predicted"]
    con = _con(ws_or_con)
    _, last, _ = history_bounds(con)
    if last is None:
        return pd.DataFrame(columns=columns)
    summary = customer_summary(con, last, time_unit_days=time_unit_days)
    if models is None:
        models = fit_models(summary, last, time_unit_days)
    unit = models.time_unit_days
    freq = _GRAIN_FREQ[grain]
    last_period = pd.Period(last, freq=freq)
    future = [last_period + k for k in range(1, months_ahead + 1)]
    # time 0 is the end of the data's last day; period k covers the days (end of period k-1, end of period k]
    first_start = (future[0].start_time.date() - last).days - 1
    ends = [(p.end_time.date() - last).days for p in future]
    times = np.array([first_start] + ends, dtype=float) / unit
    cumulative = models.bgnbd.cumulative_purchases(summary, times)
    per_period = np.diff(cumulative, axis=1)                                    # (n, months_ahead)
    spend = (models.gamma_gamma.expected_spend(summary) if models.gamma_gamma is not None
             else np.full(len(summary), models.mean_spend))
    revenue = per_period * spend[:, None]
    cohorts = pd.PeriodIndex(pd.to_datetime(summary["first_purchase"]), freq=freq)
    frame = pd.DataFrame(revenue, columns=range(months_ahead))
    frame["cohort_period"] = cohorts
    to_date = customer_to_date_revenue(con)
    frame["revenue_to_date"] = summary["customer_id"].map(to_date).fillna(0.0).to_numpy()
    grouped = frame.groupby("cohort_period", sort=True)
    sizes = grouped.size()
    sums = grouped[list(range(months_ahead))].sum()
    to_date_sum = grouped["revenue_to_date"].sum()
    rows = []
    for period, size in sizes.items():
        base = (last_period - period).n
        ltv = to_date_sum[period] / size
        for k in range(months_ahead):
            value = sums.loc[period, k] / size
            ltv += value
            rows.append((period.start_time.normalize(), base + k + 1, int(size), float(value), float(ltv), True))
    out = pd.DataFrame(rows, columns=columns)
    out["cohort"] = pd.to_datetime(out["cohort"])
    return out


def customer_to_date_revenue(ws_or_con) -> pd.Series:
    """Net revenue to date per customer (customers mart), as a float Series indexed by customer_id."""
    df = query_df(_con(ws_or_con), "select customer_id, cast(net_revenue as double) as net_revenue from customers "
                                   "where customer_id is not null")
    return pd.Series(df["net_revenue"].to_numpy(), index=df["customer_id"].astype(str).to_numpy())
