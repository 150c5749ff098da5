"""Erase one person at their request (GDPR art. 17), by e-mail, phone or customer id, across merged identities.

:func:`erase` finds every customer id that carries the identifier (directly or through an identity merge), then
every e-mail, phone, id and name those customers carry, and in one transaction:

- deletes their CRM rows, identity merges, rejected rows that quote them and stored model scores;
- keeps their order lines, events and answers *without* the person (no customer id, e-mail, phone, comment text
  or row hash; orders and sessions get new ids ``erased-…``), so revenue, the funnel and scores still add up and
  every file's report still reconciles to the cent — anonymous data is outside the GDPR (recital 26);
- blanks quotes of them in the files' reports, rebuilds every mart;
- puts their identifiers on the suppression list (keyed hashes, scope ``erased``): a later upload of a file that
  holds them sets those rows aside and says so, unless the owner takes them off (:func:`allow_again`);
- logs the erasure (no personal data) in the privacy log.

Then the workspace file is rewritten (DuckDB keeps deleted rows' bytes until then) and scanned — every table and
every byte of the folder — and the :class:`Receipt` says what was removed, when, and what the scan found.
Set-aside rows hold a file, a row number and a reason: nothing of the person, so they stay.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import uuid
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from insights.core import audit, scores, suppression
from insights.core.db import query_rows, rewrite_file, sql_text
from insights.ingest.load.identity import normalise_email, normalise_phone
from insights.privacy.scan import scan

log = logging.getLogger(__name__)

NEVER_MATCHES = r"[^\s\S]"     # no character is neither space nor not space (RE2 has no lookahead)
SUPPRESSION_KINDS = ("email", "phone", "customer_id")


class ErasureError(ValueError):
    """The erasure cannot be done as asked (no identifier given)."""


@dataclass
class Receipt:
    """What an erasure did, for the owner to keep (it holds no personal data: the identifier asked for is named
    by its kind only). ``removed``: rows per table that held the person (deleted, or kept without them — see the
    module docstring); ``scan``: what :func:`insights.privacy.scan.scan` found after the file was rewritten."""
    receipt_id: str
    at: str
    asked_by: str
    found: bool
    customers: int
    identifiers: dict[str, int]
    removed: dict[str, int]
    scores_removed: dict[str, int]
    suppressed: int
    file_rewritten: bool
    scan: dict = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return bool(self.scan.get("clean"))

    def to_dict(self) -> dict:
        return {"receipt_id": self.receipt_id, "at": self.at, "asked_by": self.asked_by, "found": self.found,
                "customers": self.customers, "identifiers": self.identifiers, "removed": self.removed,
                "scores_removed": self.scores_removed, "suppressed": self.suppressed,
                "file_rewritten": self.file_rewritten, "scan": self.scan, "clean": self.clean}

    def lines(self) -> list[str]:
        """The receipt in the owner's words, one sentence per line."""
        out = [f"Erasure {self.receipt_id} at {self.at}, asked by {self.asked_by}."]
        if not self.found:
            out.append("Nobody in this workspace carries that identifier; it is on the suppression list, so a "
                       "later upload will not load them.")
        else:
            held = ", ".join(f"{n:,} {t.replace('_', ' ')}" for t, n in self.removed.items() if n) or "no rows"
            out.append(f"{self.customers} customer id(s) of this person (merged identities); rows that held them: "
                       f"{held}.")
            if any(self.scores_removed.values()):
                out.append("Stored scores removed: " + ", ".join(f"{n} from {t}" for t, n in
                                                                 self.scores_removed.items() if n) + ".")
            out.append("Orders, web events and answers are kept without the person (new order and session ids, "
                       "no contact details, no comment text), so revenue still adds up.")
        out.append(f"{self.suppressed} identifier(s) added to the suppression list as keyed hashes.")
        scanned = self.scan.get("scanned_files", 0)
        if self.clean:
            out.append(f"Scan: nothing of the person in any table, nor in the bytes of the {scanned} files of the "
                       "workspace folder" + (" (file rewritten)." if self.file_rewritten else "."))
        else:
            where = [f"{t['table']}.{t['column']} ({t['rows']:,} rows)" for t in self.scan.get("tables", [])]
            where += [f"the bytes of {f['file']} ({', '.join(f['kinds'])})" for f in self.scan.get("files", [])]
            out.append("Scan: something of the person is still in " + "; ".join(where) + "."
                       + ("" if self.file_rewritten else " The file could not be rewritten now (another tab may be "
                          "loading): erase again later to rewrite it."))
        if self.scan.get("names_elsewhere"):
            rows = sum(n["rows"] for n in self.scan["names_elsewhere"])
            out.append(f"Their name still appears in {rows:,} row(s) of other records (another customer of the same "
                       "name, or a mention in text): check them if the name is unusual.")
        return out


def find_person(ws, email: str | None = None, phone: str | None = None,
                customer_id: str | None = None) -> tuple[list[str], dict[str, set[str]]]:
    """(resolved customer ids, {kind: values}) of everyone carrying one of the identifiers, across merged
    identities; the identifiers asked for are always included (so they are suppressed even if not found)."""
    email = normalise_email(email)
    phone = _phone_as_stored(ws, phone) if phone else None
    customer_id = suppression.normalise("customer_id", customer_id) if customer_id else None
    if not (email or phone or customer_id):
        raise ErasureError("Say whom to erase: an e-mail address, a phone number or a customer id.")
    params = {"email": email, "phone": phone, "customer_id": customer_id}
    ids = sorted(r[0] for r in query_rows(ws.con, "queries/privacy/erasure/match.sql", params))
    identifiers: dict[str, set[str]] = {"email": set(), "phone": set(), "customer_id": set(), "name": set()}
    for kind, value in (("email", email), ("phone", phone), ("customer_id", customer_id)):
        if value:
            identifiers[kind].add(value)
    if ids:
        for kind, value in query_rows(ws.con, "queries/privacy/erasure/identifiers.sql", {"ids": ids}):
            identifiers[kind].add(value.lower() if kind == "email" else value)
    return ids, identifiers


def _phone_as_stored(ws, phone: str) -> str:
    """The phone number as the workspace stores it (E.164). A number typed without its country code (``07911
    123456``) is read in every country the shop's customers and orders name; the one reading that somebody in the
    workspace carries is taken, and two people matching two readings is a question for the owner."""
    given = normalise_phone(phone)
    if given and given.startswith("+"):
        return given
    readings = sorted({r for (country,) in query_rows(ws.con, "queries/privacy/erasure/countries.sql")
                       if (r := normalise_phone(phone, country)) and r.startswith("+")})
    carried = [r for r in readings
               if query_rows(ws.con, "queries/privacy/erasure/match.sql", {"email": None, "phone": r,
                                                                           "customer_id": None})]
    if len(carried) > 1:
        raise ErasureError(f"The phone number {phone!r} matches different people when read as "
                           f"{' or '.join(carried)}: give it with its country code (+44 …).")
    return carried[0] if carried else (readings[0] if len(readings) == 1 else given or phone.strip())


def _pattern(identifiers: dict[str, set[str]]) -> str:
    """One regular expression matching any of the person's e-mails, phones or names (a never-matching one when
    there are none)."""
    texts = sorted(identifiers["email"] | identifiers["phone"] | {n for n in identifiers["name"] if len(n) >= 4})
    return "|".join(re.escape(t) for t in texts) or NEVER_MATCHES


def erase(ws, email: str | None = None, phone: str | None = None, customer_id: str | None = None,
          actor: str = "owner") -> Receipt:
    """Erase the person carrying ``email``, ``phone`` or ``customer_id`` from ``ws`` (see the module docstring)
    and return the receipt."""
    ids, identifiers = find_person(ws, email, phone, customer_id)
    asked_by = ", ".join(kind.replace("_", " ") for kind, value in
                         (("e-mail", email), ("phone", phone), ("customer_id", customer_id)) if value)
    receipt_id = "erasure-" + uuid.uuid4().hex[:12]
    at = dt.datetime.now().replace(microsecond=0)
    keys = pd.DataFrame([(k, v) for k, values in identifiers.items() for v in sorted(values)]
                        + [("pattern", _pattern(identifiers))], columns=["kind", "value"])
    con = ws.con
    with ws.transaction():
        con.register("_erase_keys_df", keys)
        try:
            con.execute(sql_text("queries/privacy/erasure/prepare.sql"))
            counts = con.execute(sql_text("queries/privacy/erasure/counts.sql")).df().iloc[0]
            con.execute(sql_text("queries/privacy/erasure/erase.sql"))
            con.execute(sql_text("queries/privacy/erasure/cleanup.sql"))
        finally:
            with contextlib.suppress(Exception):     # an aborted transaction refuses it; rolled back anyway
                con.unregister("_erase_keys_df")
        removed_scores = scores.forget(con, ids)
        added = sum(suppression.add(con, kind, identifiers[kind], suppression.ERASED, "erased at their request",
                                    receipt_id) for kind in SUPPRESSION_KINDS)
        ws.build_marts_in(con)
        removed = {name: int(n) for name, n in counts.items()}
        audit.record(con, "erase", actor, receipt_id, {"asked_by": asked_by, "customers": len(ids),
                                                        "removed": removed, "scores_removed": removed_scores,
                                                        "suppressed": added}, at)
    try:
        rewritten = rewrite_file(con)
    except duckdb.Error as exc:     # e.g. another tab mid-load: the rows are gone, their bytes wait for a rewrite
        log.warning("erasure %s: the workspace file could not be rewritten now: %s", receipt_id, exc)
        rewritten = False
    found = scan(ws, identifiers)
    return Receipt(receipt_id, at.isoformat(sep=" "), asked_by or "—", bool(ids), len(ids),
                   {k: len(v) for k, v in identifiers.items()}, removed, removed_scores, added, rewritten,
                   found.to_dict())


def allow_again(ws, email: str | None = None, phone: str | None = None, customer_id: str | None = None,
                actor: str = "owner") -> int:
    """Take an erased person off the suppression list (the owner's decision, e.g. they came back as a customer):
    their rows load again with the next upload. Returns the entries removed; logged."""
    removed = 0
    for kind, value in (("email", normalise_email(email)), ("phone", normalise_phone(phone) if phone else None),
                        ("customer_id", customer_id)):
        if value:
            removed += suppression.remove(ws.con, kind, [value], suppression.ERASED)
    audit.record(ws.con, "unsuppress", actor, f"{removed} identifier(s)", {"scope": suppression.ERASED})
    return removed
