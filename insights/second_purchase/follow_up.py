"""The follow-up list: recent first-time buyers who have not bought again and are still inside the post-purchase
window (their first order is fewer days old than the median days to a second order), with the day to write by.

The file honours e-mail consent through :func:`insights.core.consent.consent_filter` and is written by
:func:`insights.core.spreadsheet.write_table`, like every export.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from insights.core.consent import consent_filter
from insights.core.spreadsheet import write_table
from insights.second_purchase.buyers import days_known
from insights.second_purchase.view import SecondPurchaseView

FOLLOW_UP_COLUMNS = ["customer_id", "name", "email", "consent_email", "first_order_date", "days_since_first_order",
                     "first_order_value", "first_category", "follow_up_by"]


@dataclass(frozen=True)
class FollowUpFile:
    """The bytes to download, the rows written and the rows left out (no consent; no e-mail address; on the
    suppression list), and the rule applied in words."""
    data: bytes
    written: int
    without_consent: int
    without_email: int
    suppressed: int = 0
    rule: str = ""


def follow_up_list(view: SecondPurchaseView) -> pd.DataFrame:
    """First-time buyers without a second order whose first order is fewer than the median days to a second order
    old (:data:`FOLLOW_UP_COLUMNS`), the most recent first; empty when no second order says where the window ends."""
    window = view.median_days_to_second
    buyers = view.buyers
    if window is None or buyers.empty:
        return pd.DataFrame(columns=FOLLOW_UP_COLUMNS)
    age = days_known(buyers, view.end)
    inside = buyers["second_order_date"].isna() & (age < window)
    out = buyers[inside].assign(days_since_first_order=age[inside],
                                follow_up_by=buyers.loc[inside, "first_order_date"] + pd.Timedelta(days=window))
    out = out.sort_values(["first_order_date", "customer_id"], ascending=[False, True])
    return out[FOLLOW_UP_COLUMNS].reset_index(drop=True)


def follow_up_file(ws, customers: pd.DataFrame, fmt: str = "csv",
                   include_without_consent: bool = False) -> FollowUpFile:
    """The list as a CSV or XLSX file for an e-mail tool: only customers of ``ws`` who agreed to e-mail (unless
    ``include_without_consent``), never one without an address or on the workspace's suppression list."""
    filtered = consent_filter(ws, customers, include_without_consent)
    kept = filtered.kept
    dated = kept.assign(first_order_date=kept["first_order_date"].dt.date, follow_up_by=kept["follow_up_by"].dt.date)
    return FollowUpFile(write_table(dated, fmt, sheet="Follow-up"), int(len(kept)), filtered.left_for_consent,
                        filtered.left_without_email, filtered.left_suppressed, filtered.rule)
