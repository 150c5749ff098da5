"""Segment exports for an email tool: who may be written (consent, an address) and the file itself.

Files are written by the one safe spreadsheet writer (:mod:`insights.core.spreadsheet`): text that a
spreadsheet would run as a formula is neutralised; numbers stay numbers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

from insights.core.consent import ConsentFiltered, consent_filter
from insights.core.spreadsheet import FORMATS, write_table
from insights.customers import saved_segments
from insights.customers.email_tools import CSV_ONLY, LAYOUTS, layout_rows
from insights.customers.lifecycle import STAGES
from insights.customers.segment_builder import describe_spec, select_customers
from insights.customers.segments import default_segment_map
from insights.ingest.load.consent import consent_state

log = logging.getLogger(__name__)


def to_email_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes for an email tool (UTF-8 with BOM), every cell neutralised; rows are written as given."""
    return write_table(frame, "csv")


EXPORT_COLUMNS = ["email", "name", "segment", "customer_id", "country", "orders", "net_revenue", "aov",
                  "last_order_date", "lifecycle_stage", "consent_email"]


class ExportResult(bytes):
    """The file's bytes (write them as they are) that also say how many customers the file holds (``rows``) and
    how many were left out (``left_out_for_consent``, ``left_out_without_email``, ``left_out_suppressed``: on the
    suppression list), for which ``segment``, the consent ``rule`` applied, and
    ``warnings`` (no consent was ever loaded: see :meth:`SegmentContacts.warnings`)."""

    def __new__(cls, data: bytes, rows: int, left_out_for_consent: int, left_out_without_email: int = 0,
                segment: str = "", warnings: tuple[str, ...] = (), left_out_suppressed: int = 0, rule: str = ""):
        obj = super().__new__(cls, data)
        obj.rows = rows
        obj.left_out_for_consent = left_out_for_consent
        obj.left_out_without_email = left_out_without_email
        obj.segment = segment
        obj.warnings = list(warnings)
        obj.left_out_suppressed = left_out_suppressed
        obj.rule = rule
        return obj

    @property
    def data(self) -> bytes:
        """The file's bytes as a plain ``bytes`` object."""
        return bytes(self)

    def __repr__(self) -> str:
        return (f"ExportResult({len(self):,} bytes, rows={self.rows}, left_out_for_consent="
                f"{self.left_out_for_consent}, left_out_without_email={self.left_out_without_email}, "
                f"segment={self.segment!r})")


class ExportError(ValueError):
    """The export cannot be made as asked (unknown segment name, format...)."""


def resolve_segment(name_or_spec, ws=None):
    """(label, spec) for an RFM segment name, a lifecycle stage name, a saved segment's name (with ``ws``) or a
    builder spec list.

    Names match case-insensitively, RFM segments first ("At Risk" and "New" are both); prefix ``lifecycle:``
    for a stage ("lifecycle:at risk"); saved segments cannot take a built-in name. Raises :class:`ExportError`
    listing the known names otherwise.
    """
    if isinstance(name_or_spec, str):
        wanted = name_or_spec.strip().casefold()
        if wanted.startswith("lifecycle:"):
            wanted = wanted.split(":", 1)[1].strip()
            for stage in STAGES:
                if stage.casefold() == wanted:
                    return stage, [("lifecycle_stage", "in", [stage])]
        for seg in default_segment_map()["segments"]:
            if seg["name"].casefold() == wanted:
                return seg["name"], [("rfm_segment", "in", [seg["name"]])]
        for stage in STAGES:
            if stage.casefold() == wanted:
                return stage, [("lifecycle_stage", "in", [stage])]
        found = saved_segments.get(ws, name_or_spec, missing_ok=True) if ws is not None else None
        if found is not None:
            return found.name, found.spec
        names = [s["name"] for s in default_segment_map()["segments"]] + list(STAGES)
        names += [s.name for s in saved_segments.saved(ws)] if ws is not None else []
        raise ExportError(f"No segment named {name_or_spec!r}. Known segments: {', '.join(names)} "
                          "(or pass a filter list built in the segment builder).")
    return describe_spec(name_or_spec), name_or_spec


def contacts_for_export(ws, customers: pd.DataFrame, label: str,
                        include_without_consent: bool = False) -> tuple[pd.DataFrame, ConsentFiltered]:
    """(rows to write in :data:`EXPORT_COLUMNS`, what :func:`consent_filter` decided) from builder rows."""
    filtered = consent_filter(ws, customers, include_without_consent)
    rows = filtered.kept.copy()
    rows["segment"] = label
    rows["net_revenue"] = rows["net_revenue"].astype(float).round(2)
    rows["aov"] = rows["aov"].astype(float).round(2)
    rows["last_order_date"] = pd.to_datetime(rows["last_order_date"]).dt.date
    return rows[EXPORT_COLUMNS].reset_index(drop=True), filtered


@dataclass(frozen=True)
class SegmentContacts:
    """The rows an export would write (before neutralising) and how many customers were left out.

    ``warnings``: when no file loaded so far records e-mail consent, the customers left out for consent did not
    say no — nobody was asked — and the export says so (distinct from customers who said no)."""
    rows: pd.DataFrame
    left_out_for_consent: int
    left_out_without_email: int
    segment: str
    warnings: tuple[str, ...] = ()
    left_out_suppressed: int = 0         # on the suppression list (erased, unsubscribed, do not contact)
    rule: str = ""                       # the consent rule applied, in words

    def to_bytes(self, fmt: str = "csv", layout: str = "clueboard") -> bytes:
        """The file in ``fmt`` (csv, xlsx) with ``layout``'s columns (:data:`insights.customers.email_tools.LAYOUTS`:
        Clueboard's own, Mailchimp's or Klaviyo's import columns)."""
        check_layout(layout, fmt)
        return write_table(layout_rows(self.rows, layout), fmt)


def check_layout(layout: str, fmt: str) -> None:
    """An ExportError when ``layout`` is unknown or cannot be written as ``fmt`` (Mailchimp imports CSV only)."""
    if layout not in LAYOUTS:
        raise ExportError(f"unknown e-mail tool {layout!r}; expected one of {', '.join(LAYOUTS)}")
    if fmt != "csv" and layout in CSV_ONLY:
        raise ExportError(f"{CSV_ONLY[layout]}: name the file .csv")


def segment_contacts(ws, name_or_spec, include_without_consent: bool = False,
                     labels: pd.DataFrame | None = None, customers: pd.DataFrame | None = None) -> SegmentContacts:
    """Who an export of this segment would hold (see :func:`export_segment`), without writing a file yet: the
    page shows the counts at once and writes the CSV/XLSX only when the download is clicked. ``customers``
    (the segment's rows from :func:`insights.customers.segment_builder.select_customers`) saves running the query again."""
    label, spec = resolve_segment(name_or_spec, ws)
    customers = select_customers(ws, spec, labels) if customers is None else customers
    rows, filtered = contacts_for_export(ws, customers, label, include_without_consent)
    return SegmentContacts(rows, filtered.left_for_consent, filtered.left_without_email, label,
                           consent_warnings(ws, include_without_consent), filtered.left_suppressed, filtered.rule)


def consent_warnings(ws, include_without_consent: bool = False) -> tuple[str, ...]:
    """The export's warning when no consent was ever loaded (``insights.ingest.load.consent``); none when the
    owner chose to include customers without consent."""
    warning = None if include_without_consent else consent_state(ws.con).warning
    return (warning,) if warning else ()


def export_segment(ws, name_or_spec, fmt: str = "csv", include_without_consent: bool = False,
                   labels: pd.DataFrame | None = None, layout: str = "clueboard") -> ExportResult:
    """A segment's contacts as CSV or XLSX bytes for an email tool: email, name, segment and key figures
    (:data:`EXPORT_COLUMNS`). The result is ``bytes`` that also carries the counts (:class:`ExportResult`).

    ``name_or_spec``: an RFM segment name ("At Risk"), a lifecycle stage ("lapsed"), a saved segment's name or a
    segment builder spec. ``layout``: ``clueboard`` (every figure), ``mailchimp`` or ``klaviyo`` (their import
    columns: e-mail, first and last name, the segment as a tag or property).
    Only customers who consented to email are written unless ``include_without_consent``; consent unknown (no
    CRM record, or a CRM without a consent column) counts as no. A customer without an email address is never
    written. Every text cell is neutralised against formula injection.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    check_layout(layout, fmt)
    contacts = segment_contacts(ws, name_or_spec, include_without_consent, labels)
    log.info("export %s: %d rows, %d left out for consent, %d without email", contacts.segment,
             len(contacts.rows), contacts.left_out_for_consent, contacts.left_out_without_email)
    return ExportResult(contacts.to_bytes(fmt, layout), len(contacts.rows), contacts.left_out_for_consent,
                        contacts.left_out_without_email, contacts.segment, contacts.warnings,
                        contacts.left_out_suppressed, contacts.rule)


def format_from_path(path: str) -> str:
    """``csv`` or ``xlsx`` from a file name's extension, or an ExportError saying what is accepted."""
    suffix = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else ""
    if suffix not in FORMATS:
        raise ExportError(f"Cannot tell the format of {path!r}: name the file .csv or .xlsx")
    return suffix
