"""Consent as data: every file that said something of a customer's e-mail or SMS consent, with when it was loaded,
and which statement is in effect — the latest upload that speaks of the channel wins (a later file that withdraws
consent wins over an earlier yes, and a later yes over an earlier no); within one upload a "no" wins. The
``customers`` mart applies the same rule, and every export reads it there (:mod:`insights.core.consent`)."""

from __future__ import annotations

import pandas as pd

from insights.core.db import query_df
from insights.core.workspace import connection

COLUMNS = ["file", "loaded_at", "row", "consent_email", "consent_sms", "email_in_effect", "sms_in_effect"]


def consent_history(ws_or_con, customer_id: str) -> pd.DataFrame:
    """The customer's consent statements, newest upload first (:data:`COLUMNS`); empty when no file said any."""
    return query_df(connection(ws_or_con), "queries/privacy/consent/history.sql", {"customer_id": str(customer_id)})


def describe(history: pd.DataFrame) -> list[str]:
    """One sentence per channel: what is in effect and which file said it."""
    out = []
    for channel, column, flag in (("E-mail", "consent_email", "email_in_effect"),
                                  ("SMS", "consent_sms", "sms_in_effect")):
        said = history[history[column].notna()] if not history.empty else history
        if said.empty:
            out.append(f"{channel}: no file says (counted as no for exports).")
            continue
        current = said[said[flag]]
        value = "no" if (current[column] == False).any() else "yes"    # noqa: E712 — a "no" within the upload wins
        first = current.iloc[0]
        when = f" loaded {first['loaded_at']:%d %b %Y %H:%M}" if pd.notna(first["loaded_at"]) else ""
        changes = said[column].astype(bool).ne(said[column].astype(bool).shift()).sum() - 1
        out.append(f"{channel}: {value}, from {first['file'] or 'an earlier load'}{when}"
                   + (f" ({len(said)} statements, {changes} change(s) over time)." if len(said) > 1 else "."))
    return out
