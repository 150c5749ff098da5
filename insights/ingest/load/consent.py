"""E-mail consent at load and after it.

* A customer file without a consent column may still say it by what it is: a Mailchimp audience export comes as
  one CSV per status (``subscribed_members_export``, ``unsubscribed_…``, ``cleaned_…``) and has no status column
  (:func:`implied_consent`, recorded by :func:`file_consent`).
* A customer file that says nothing of consent gets a warning on its report (:func:`file_consent`), since
  nobody in it can be e-mailed from an export.
* :func:`consent_state` counts the customers who may be e-mailed — the export's rule: consent yes (after
  identity resolution, a person is contactable only if no record of theirs withholds consent) and an e-mail
  address — and tells "no consent was ever loaded" apart from "customers said no".
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from insights.core.db import first_row
from insights.ingest.mapping.headers import normalise_header

# the system columns every Mailchimp audience export has after the audience's own merge fields
_MAILCHIMP_COLUMNS = frozenset({"emailaddress", "memberrating", "optintime", "confirmtime"})
_MAILCHIMP_ANY_OF = frozenset({"leid", "euid", "optinip", "confirmip", "lastchanged"})


@dataclass(frozen=True)
class ImpliedConsent:
    consent: bool
    status: str      # subscribed, unsubscribed, cleaned, not subscribed


def implied_consent(headers, name: str | None) -> ImpliedConsent | None:
    """The consent a Mailchimp audience export implies by which export it is: subscribed → yes; unsubscribed,
    cleaned (a bounced address) or not (yet) subscribed → no. The columns decide first (the unsubscribed export
    adds ``UNSUB_TIME …``, the cleaned one ``CLEAN_TIME …``), then the file name; the plain column set is the
    subscribed export. None for any other file."""
    norm = {normalise_header(h) for h in headers}
    if not (_MAILCHIMP_COLUMNS <= norm and norm & _MAILCHIMP_ANY_OF):
        return None
    file_name = normalise_header(name or "")
    if "unsubtime" in norm or "unsubscribed" in file_name:
        return ImpliedConsent(False, "unsubscribed")
    if "cleantime" in norm or "cleaned" in file_name:
        return ImpliedConsent(False, "cleaned")
    if any(word in file_name for word in ("nonsubscribed", "pending", "transactional", "archived")):
        return ImpliedConsent(False, "not subscribed")
    return ImpliedConsent(True, "subscribed")


def no_consent_warning(rows: int) -> str:
    return (f"No consent column: none of this file's {rows:,} customers can be e-mailed unless another file "
            "records their consent — map the opt-in column on the Upload page, or confirm that they agreed to "
            "e-mail (the export's “include customers without consent”).")


def file_consent(plan, report, columns: dict[str, pa.Array], rows: int) -> None:
    """A customer file without a mapped e-mail consent column: the consent its kind of export implies, said in
    the report's notes, or a warning that nobody in it can be e-mailed."""
    if plan.kind != "customers" or plan.mapping.get("consent_email") is not None:
        return
    implied = implied_consent(plan.columns, plan.name)
    if implied is None:
        report.warnings.append(no_consent_warning(rows))
        return
    columns["f_consent_email"] = pa.array([implied.consent] * rows, pa.bool_())
    report.notes.append(
        f"A Mailchimp audience export of {implied.status} contacts: it has no consent column, the file itself "
        f"says it — e-mail consent recorded as {'yes' if implied.consent else 'no'} for its {rows:,} contacts.")


@dataclass(frozen=True)
class ConsentState:
    """Who may be e-mailed: ``consenting`` customers (consent yes and an e-mail address), ``said_no`` (consent
    no), and whether any consent was ever loaded (``known``: some customer record holds a yes or a no)."""
    customers: int
    consenting: int
    said_no: int
    known: bool

    @property
    def warning(self) -> str | None:
        """The sentence every export and the health report show when no consent was ever loaded."""
        if self.known or not self.customers:
            return None
        return ("No consent column: 0 customers can be e-mailed — no file loaded so far says who agreed to "
                "e-mail. Map the opt-in column on the Upload page, or confirm that your customers agreed "
                "(include customers without consent).")


def consent_state(con) -> ConsentState:
    """:class:`ConsentState` of a workspace, from the ``customers`` mart and the stored customer records."""
    row = first_row(con.execute("""
        select count(*),
               count(*) filter (where consent_email and nullif(trim(email), '') is not null),
               count(*) filter (where not consent_email),
               (select count(*) from customer_records where consent_email is not null) > 0
        from customers"""))
    return ConsentState(int(row[0]), int(row[1]), int(row[2]), bool(row[3]))
