"""The watchlist as a CSV for the email tool."""

from __future__ import annotations

import pandas as pd

from insights.core.consent import consent_filter
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
