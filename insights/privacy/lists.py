"""Suppression lists (GDPR art. 21, a marketing objection): people no export may write, whatever a segment or a
consent column says — a Mailchimp "unsubscribed" or "cleaned" audience export, a bounce list, a "do not contact"
list, or a plain list of e-mails or phones, one a line.

:func:`load_list` reads the file with the ingest readers, takes every e-mail and phone it holds (by the column's
name — ``Email Address``, ``E-mail``, ``Phone`` … — or, for a list without a header, by the values), and puts them on
the workspace's suppression list with scope ``do_not_contact`` as keyed hashes: the list keeps no address. The
people stay in the analysis; :func:`insights.core.consent.consent_filter` leaves them out of every export.
"""

from __future__ import annotations

import re
from pathlib import Path
from dataclasses import dataclass, field

from insights.core import audit, suppression
from insights.ingest.load.consent import implied_consent
from insights.ingest.load.identity import normalise_email, normalise_phone
from insights.ingest.mapping.headers import normalise_header
from insights.ingest.readers import read_table

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s().\-/]{7,}$")
_EMAIL_HEADERS = ("email", "emailaddress", "mail", "e-mail", "emails", "address")
_PHONE_HEADERS = ("phone", "phonenumber", "mobile", "mobilephone", "tel", "telephone", "sms", "cell")


@dataclass
class ListReport:
    """What a list added: rows read, e-mails and phones found, new entries, rows with neither (by row number)."""
    name: str
    reason: str
    rows_read: int = 0
    emails: int = 0
    phones: int = 0
    added: int = 0
    rows_without_identifier: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "reason": self.reason, "rows_read": self.rows_read, "emails": self.emails,
                "phones": self.phones, "added": self.added,
                "rows_without_identifier": len(self.rows_without_identifier),
                "first_rows_without_identifier": self.rows_without_identifier[:10]}


def _reason(columns: list[str], name: str, given: str | None) -> str:
    if given:
        return given
    mailchimp = implied_consent(columns, name)
    if mailchimp is not None and not mailchimp.consent:
        return {"cleaned": "bounced (Mailchimp cleaned)"}.get(mailchimp.status, f"Mailchimp {mailchimp.status}")
    return "do not contact"


def _columns_of(columns: list[str], patterns: tuple[str, ...]) -> list[int]:
    return [i for i, header in enumerate(columns) if normalise_header(str(header or "")) in
            {normalise_header(p) for p in patterns}]


def load_list(ws, source, name: str | None = None, reason: str | None = None, actor: str = "owner") -> ListReport:
    """Put every e-mail and phone of the file ``source`` (a path or an upload's bytes) on the suppression list
    (scope ``do_not_contact``). ``reason`` defaults to what the file is (Mailchimp unsubscribed / cleaned) or
    "do not contact"."""
    raw = read_table(source, name=name)
    if name is None:
        name = "list" if isinstance(source, (bytes, bytearray)) else Path(str(source)).name
    columns = [str(c) for c in raw.columns]
    data = [raw.data.column(i).to_pylist() for i in range(raw.data.num_columns)]
    rows = [int(r) for r in raw.source_rows.to_pylist()] if raw.source_rows is not None else \
        list(range(2, raw.data.num_rows + 2))
    email_cols, phone_cols = _columns_of(columns, _EMAIL_HEADERS), _columns_of(columns, _PHONE_HEADERS)
    if not email_cols and not phone_cols:      # no header names them: a plain list, the header is a value too
        email_cols = [i for i, values in enumerate(data) if any(_EMAIL.match(str(v or "").strip()) for v in values)]
        phone_cols = [i for i, values in enumerate(data) if i not in email_cols and
                      any(_PHONE.match(str(v or "").strip()) for v in values)]
        for i in email_cols + phone_cols:
            data[i] = [columns[i]] + data[i]
        if email_cols or phone_cols:
            rows = [1] + rows
    report = ListReport(name, _reason(columns, name, reason), rows_read=len(rows))
    emails, phones = set(), set()
    for r, row_number in enumerate(rows):
        found = False
        for i in email_cols:
            value = normalise_email(data[i][r] if r < len(data[i]) else None)
            if value and _EMAIL.match(value):
                emails.add(value)
                found = True
        for i in phone_cols:
            value = data[i][r] if r < len(data[i]) else None
            if value and _PHONE.match(str(value).strip()):
                phones.add(normalise_phone(value))
                found = True
        if not found:
            report.rows_without_identifier.append(row_number)
    report.emails, report.phones = len(emails), len(phones)
    with ws.transaction():
        report.added = (suppression.add(ws.con, "email", emails, suppression.DO_NOT_CONTACT, report.reason, name)
                        + suppression.add(ws.con, "phone", phones, suppression.DO_NOT_CONTACT, report.reason, name))
        audit.record(ws.con, "suppress", actor, f"{report.added} new identifier(s)", report.to_dict())
    return report


def add_addresses(ws, emails=(), phones=(), reason: str = "do not contact", actor: str = "owner") -> int:
    """Put single e-mails or phones on the do-not-contact list (the command line's ``--email``). Returns new
    entries."""
    with ws.transaction():
        added = (suppression.add(ws.con, "email", [normalise_email(e) for e in emails], suppression.DO_NOT_CONTACT,
                                 reason, "typed in")
                 + suppression.add(ws.con, "phone", [normalise_phone(p) for p in phones],
                                   suppression.DO_NOT_CONTACT, reason, "typed in"))
        audit.record(ws.con, "suppress", actor, f"{added} new identifier(s)", {"reason": reason})
    return added
