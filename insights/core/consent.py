"""The one e-mail consent rule every export applies: only ``True`` is consent, and a row needs an address."""

from __future__ import annotations

import pandas as pd


def consent_filter(contacts: pd.DataFrame, include_without_consent: bool = False,
                   consent_column: str = "consent_email") -> tuple[pd.DataFrame, int, int]:
    """(rows to write, left out for consent, left out without an email address) for any contacts frame with an
    ``email`` column and a consent column.

    Only ``True`` is consent: ``False`` and unknown (no CRM record, or a CRM file without a consent column) are
    not, unless ``include_without_consent``. A row without an email address is never kept."""
    has_email = contacts["email"].notna() & (contacts["email"].astype(str).str.strip() != "")
    if consent_column in contacts.columns:
        consented = contacts[consent_column].eq(True).fillna(False).astype(bool)
    else:
        consented = pd.Series(False, index=contacts.index)
    allowed = consented | include_without_consent
    keep = has_email & allowed
    return contacts.loc[keep], int((has_email & ~allowed).sum()), int((~has_email).sum())
