"""The watchlist as a CSV for the email tool."""

from __future__ import annotations

import pandas as pd

from insights.core.consent import consent_filter
from insights.customers.export import to_email_csv


def export_for_email(scores: pd.DataFrame) -> tuple[bytes, int, int]:
    """CSV for the email tool: customers who consented to email and have an address, cells made safe by the
    shared exporter (:func:`insights.customers.export.to_email_csv`).

    Returns (csv bytes, rows written, customers left out for lack of consent or address)."""
    cols = ["email", "name", "customer_id", "action", "churn_probability", "value_at_risk", "reasons"]
    frame = scores.copy()
    frame["reasons"] = frame["reasons"].fillna("")
    frame["churn_probability"] = frame["churn_probability"].round(4)
    frame["value_at_risk"] = frame["value_at_risk"].round(2)
    kept, no_consent, no_email = consent_filter(frame)
    return to_email_csv(kept[cols]), len(kept), no_consent + no_email
