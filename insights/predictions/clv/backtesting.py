"""Backtest: hold out the last part of the history, fit on the rest, and compare predicted with actual repeat
purchase days of the calibration customers — in total, week by week and by number of calibration purchases."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from insights.core.dates import as_date
from insights.core.db import query_df
from insights.core.money import format_money
from insights.core.workspace import connection
from insights.performance.kpis import data_currency
from insights.predictions.clv.applies import use_modified
from insights.predictions.clv.fit import fit_models
from insights.predictions.clv.summary import TIME_UNIT_DAYS, ClvDataError, customer_summary, history_bounds

MIN_HOLDOUT_DAYS, MAX_HOLDOUT_DAYS = 28, 182


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
                       actual_revenue: float | None = None, currency: str | None = None) -> list[str]:
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
        out.append(f"It expected {format_money(predicted_revenue, currency)} in revenue from those repeat orders; "
                   f"they brought {format_money(actual_revenue, currency)}: {verdict}.")
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
    con = connection(ws_or_con)
    first, last, _ = history_bounds(con)
    if first is None:
        raise ClvDataError("There are no orders by known customers, so there is nothing to backtest.")
    history = (last - first).days
    if calibration_end is not None and not holdout_days:
        holdout_days = (last - as_date(calibration_end)).days
        if holdout_days < 7:
            raise ClvDataError(f"Only {max(holdout_days, 0)} days of orders follow {as_date(calibration_end)}; a "
                               "backtest needs at least a week after the calibration end to compare with.")
    holdout_days = int(holdout_days or default_holdout_days(history))
    if history - holdout_days < 2 * MIN_HOLDOUT_DAYS:
        raise ClvDataError(f"The orders cover {history} days; holding out the last {holdout_days} days leaves too "
                           f"little to fit on (at least {2 * MIN_HOLDOUT_DAYS} days are needed before it).")
    calibration_end = last - dt.timedelta(days=holdout_days)
    summary = customer_summary(con, calibration_end, last, time_unit_days)
    models = fit_models(summary, calibration_end, time_unit_days, penalizer, modified=use_modified(summary))
    unit = float(time_unit_days)

    weeks = math.ceil(holdout_days / 7)
    ends = np.minimum(np.arange(1, weeks + 1) * 7.0, holdout_days) / unit
    cumulative = models.bgnbd.cumulative_purchases(summary, ends)          # (n, weeks)
    per_customer = cumulative[:, -1]
    predicted_by_week = np.diff(cumulative.sum(axis=0), prepend=0.0)
    actual_weekly = query_df(con, "queries/predictions/clv/holdout_weekly.sql",
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

    spend = models.expected_spend(summary)
    predicted_revenue = float(np.nansum(per_customer * spend))
    actual_revenue = float(summary["holdout_spend"].sum())
    predicted, actual = float(per_customer.sum()), int(summary["holdout_purchases"].sum())
    sentences = backtest_sentences(first, calibration_end, holdout_days, predicted, actual, len(summary),
                                   predicted_revenue, actual_revenue, data_currency(con))
    return Backtest(first, calibration_end, last, len(summary), predicted, actual, by_week, by_frequency,
                    predicted_revenue, actual_revenue, models.params, sentences)
