"""How many first-time buyers buy again within 30, 60, 90, 180 and 365 days, and how soon second orders come.

A window's rate counts only buyers whose first order is at least that many days before the end of the data; the
others are *too recent to know* and are counted, not guessed. Intervals are Wilson's 95% score intervals.
"""

from __future__ import annotations

import pandas as pd

from insights.core.intervals import wilson
from insights.second_purchase.buyers import came_back, eligible

WINDOWS = (30, 60, 90, 180, 365)
HEADLINE_DAYS = 90          # the window of the "by" comparisons and of the command's too_recent
TIMING_HORIZON = 365        # second orders within a year describe the post-purchase window
MIN_TIMING_SECONDS = 20     # fewer second orders than this: the window is read from every second order
RATE_COLUMNS = ["days", "rate", "ci_low", "ci_high", "customers", "returned", "too_recent"]


def return_rates(buyers: pd.DataFrame, end: pd.Timestamp, windows=WINDOWS) -> pd.DataFrame:
    """One row per window (:data:`RATE_COLUMNS`): ``customers`` whose first order is old enough, ``returned``
    of them within the window, the share and its interval (None without customers), ``too_recent`` the rest."""
    rows = []
    for days in windows:
        known = eligible(buyers, end, days)
        customers = int(known.sum())
        returned = int((known & came_back(buyers, days)).sum())
        low, high = wilson(returned, customers)
        rows.append((days, returned / customers if customers else None, low, high, customers, returned,
                     int(len(buyers) - customers)))
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def days_to_second_orders(buyers: pd.DataFrame, end: pd.Timestamp) -> tuple[pd.Series, str]:
    """(days from the first to the second purchase, what they cover). Second orders within a year of buyers whose
    first order is a year or more before the end, so that recent buyers' quick returns do not make the window look
    shorter than it is; with fewer than :data:`MIN_TIMING_SECONDS` such orders, every second order so far."""
    known = eligible(buyers, end, TIMING_HORIZON) & came_back(buyers, TIMING_HORIZON)
    days = buyers.loc[known, "days_to_second"].astype(int)
    if len(days) >= MIN_TIMING_SECONDS:
        return days.reset_index(drop=True), (f"second orders within {TIMING_HORIZON} days of customers whose first "
                                             f"order is at least {TIMING_HORIZON} days old")
    days = buyers["days_to_second"].dropna().astype(int)
    return days.reset_index(drop=True), "every second order so far (too few customers a year old to wait for)"


def median_days(days: pd.Series) -> int | None:
    """Half of the second orders come within this many days (None without second orders)."""
    return None if days.empty else int(round(float(days.median())))
