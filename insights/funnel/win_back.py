"""Visitors who did not buy: customers who left a cart, or browsed without carting, in the last days — lists to
win them back, a consented file for an e-mail tool, and one customer's behaviour for the 360° profile.

- **Left a cart** (``cart``): a visit in the window added to cart, and the customer has bought nothing since that
  visit began (no order in the orders mart, no purchase event).
- **Browsed, didn't buy** (``browsed``): a visit in the window viewed pages, the customer has bought nothing since,
  and is not on the cart list (the two lists never share a customer).

The window ends on ``as_of`` (exclusive; default the day after the last event) and starts ``days`` before it.
An anonymous visit that carries a customer id at any point is that customer's; visits nobody can name are never
on a list. The file honours e-mail consent through :func:`insights.core.consent.consent_filter` and is written
by :func:`insights.core.spreadsheet.write_table`, like every export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from insights.core.consent import consent_filter
from insights.core.spreadsheet import write_table
from insights.core.visits import ALL_TIME_DAYS, visitors

KINDS = {"cart": "Left a cart", "browsed": "Browsed, didn't buy"}
DEFAULT_DAYS = {"cart": 7, "browsed": 14}
LIST_COLUMNS = ["customer_id", "name", "email", "consent_email", "visits", "last_visit_at", "carts_left",
                "pages_viewed", "orders", "last_order_date", "net_revenue"]


@dataclass(frozen=True)
class WinBackFile:
    """The bytes to download, the rows written and the rows left out (no consent; no address; suppressed), and
    the rule applied in words."""
    data: bytes
    written: int
    without_consent: int
    without_email: int
    suppressed: int
    rule: str


def win_back_list(ws, kind: str = "cart", days: int | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    """The customers of one list (:data:`KINDS`; see the module docstring), the latest visit first
    (:data:`LIST_COLUMNS`)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    found = visitors(ws, days or DEFAULT_DAYS[kind], as_of)
    if found.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    chosen = found["cart_not_bought"] if kind == "cart" else found["browsed_not_bought"] & ~found["cart_not_bought"]
    return found.loc[chosen.astype(bool), LIST_COLUMNS].reset_index(drop=True)


def win_back_file(ws, rows: pd.DataFrame, fmt: str = "csv", include_without_consent: bool = False) -> WinBackFile:
    """A list as a CSV or XLSX file for an e-mail tool: only customers who agreed to e-mail (unless
    ``include_without_consent``), never one without an address or on the suppression list."""
    filtered = consent_filter(ws, rows, include_without_consent)
    kept = filtered.kept.assign(last_visit_at=pd.to_datetime(filtered.kept["last_visit_at"]).dt.date)
    return WinBackFile(write_table(kept, fmt, sheet="Win back"), int(len(kept)), filtered.left_for_consent,
                       filtered.left_without_email, filtered.left_suppressed, filtered.rule)


def customer_behaviour(ws, customer_id: str, days: int | None = None) -> dict | None:
    """What one customer did on the site (over every event, or the last ``days``): visits, last_visit_at,
    pages_viewed (newest first, at most five), carts_left (visits with a cart and no purchase), and whether a
    cart or a browse since their last order is still open. None when no visit carries their id."""
    found = visitors(ws, days or ALL_TIME_DAYS, customer_id=customer_id)
    if found.empty:
        return None
    row = found.iloc[0]
    return {"visits": int(row["visits"]), "last_visit_at": row["last_visit_at"],
            "pages_viewed": row["pages_viewed"] or "", "carts_left": int(row["carts_left"]),
            "cart_open": bool(row["cart_not_bought"]),
            "browsed_not_bought": bool(row["browsed_not_bought"]) and not bool(row["cart_not_bought"])}
