"""The watchlist as a CSV for the email tool, and every scored customer as a file for an analyst."""

from __future__ import annotations

import pandas as pd

from insights.core.consent import consent_filter
from insights.core.spreadsheet import write_table
from insights.customers.export import to_email_csv


def export_for_email(scores: pd.DataFrame, ws) -> tuple[bytes, int, int]:
    """CSV for the email tool: customers of ``ws`` who consented to email, have an address and are not on the
    suppression list (:func:`consent_filter`), cells made safe by the shared exporter
    (:func:`insights.customers.export.to_email_csv`).

    Returns (csv bytes, rows written, customers left out for lack of consent or address)."""
    cols = ["email", "name", "customer_id", "action", "churn_probability", "value_at_risk", "reasons"]
    frame = scores.copy()
    frame["reasons"] = frame["reasons"].fillna("")
    frame["churn_probability"] = frame["churn_probability"].round(4)
    frame["value_at_risk"] = frame["value_at_risk"].round(2)
    filtered = consent_filter(ws, frame)
    left_out = filtered.left_for_consent + filtered.left_without_email + filtered.left_suppressed
    return to_email_csv(filtered.kept[cols]), len(filtered.kept), left_out


ANALYST_COLUMNS = ("customer_id", "churn_probability", "p_alive", "value_at_risk", "reasons")


def analyst_file(scores: pd.DataFrame, fmt: str = "csv") -> bytes:
    """Every scored customer for an analyst (no e-mail addresses, so no consent filter): customer_id,
    churn_probability (the chance of no order within the churn window), p_alive (the chance the customer is
    still a customer), value_at_risk, reasons — written by the one safe writer (no formula runs)."""
    frame = pd.DataFrame({c: scores[c] for c in ANALYST_COLUMNS if c in scores.columns})
    frame["churn_probability"] = frame["churn_probability"].astype(float).round(4)
    if "p_alive" in frame:
        frame["p_alive"] = frame["p_alive"].astype(float).round(4)
    frame["value_at_risk"] = frame["value_at_risk"].astype(float).round(2)
    frame["reasons"] = frame["reasons"].fillna("")
    return write_table(frame, fmt)
