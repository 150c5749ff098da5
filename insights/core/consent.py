"""The one e-mail consent rule every export applies: only ``True`` is consent, a row needs an address, and
nobody on the workspace's suppression list is ever written — whatever the segment or the consent column says."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from insights.core.suppression import suppressed_rows

RULE = ("Written: customers whose latest recorded e-mail consent is yes, with an address, and not on the "
        "suppression list (erased, unsubscribed, bounced or do not contact).")
RULE_WITHOUT_CONSENT = ("Written: customers with an address, consent or not (the owner confirmed they agreed to "
                        "e-mail), except anyone on the suppression list (erased, unsubscribed, bounced or do not "
                        "contact).")


class ConsentFiltered(NamedTuple):
    """The rows to write and how many were left out, and why; ``rule`` says in words what was applied."""
    kept: pd.DataFrame
    left_for_consent: int
    left_without_email: int
    left_suppressed: int
    rule: str


def consent_filter(ws_or_con, contacts: pd.DataFrame, include_without_consent: bool = False,
                   consent_column: str = "consent_email") -> ConsentFiltered:
    """The rows of any contacts frame (an ``email`` column, a consent column, and ``phone`` / ``customer_id``
    where it has them) that an export may write, for the workspace ``ws_or_con``.

    Only ``True`` is consent: ``False`` and unknown (no CRM record, or a CRM file without a consent column) are
    not, unless ``include_without_consent``. A row without an email address is never kept, nor one whose e-mail,
    phone or customer id is on the suppression list (:mod:`insights.core.suppression`), even with consent. Each
    row left out is counted once, for the first of: no address, suppressed, no consent."""
    has_email = contacts["email"].notna() & (contacts["email"].astype(str).str.strip() != "")
    if consent_column in contacts.columns:
        consented = contacts[consent_column].eq(True).fillna(False).astype(bool)
    else:
        consented = pd.Series(False, index=contacts.index)
    listed = suppressed_rows(ws_or_con, contacts) & has_email
    allowed = consented | include_without_consent
    keep = has_email & ~listed & allowed
    return ConsentFiltered(contacts.loc[keep], int((has_email & ~listed & ~allowed).sum()), int((~has_email).sum()),
                           int(listed.sum()), RULE_WITHOUT_CONSENT if include_without_consent else RULE)
