"""The analyst's export: every customer of a segment (or all) with their figures, pseudonymised
(:func:`insights.core.pseudonyms.pseudonymise`) — no name, e-mail, phone or city, stable pseudonyms for ids — and
logged in the privacy log."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from insights.core import audit
from insights.core.pseudonyms import RULE, pseudonymise
from insights.core.spreadsheet import write_table
from insights.customers.export import resolve_segment
from insights.customers.segment_builder import select_customers


@dataclass(frozen=True)
class AnalystExport:
    rows: pd.DataFrame
    segment: str
    rule: str = RULE

    def to_bytes(self, fmt: str = "csv") -> bytes:
        return write_table(self.rows, fmt, sheet="Customers")


def analyst_customers(ws, segment=None, actor: str | None = None) -> AnalystExport:
    """The customers of ``segment`` (an RFM segment or lifecycle stage name, a builder spec; None: everyone),
    pseudonymised. With ``actor``, the export is written to the privacy log (who, when, how many)."""
    label, spec = ("all customers", []) if segment in (None, "", "all") else resolve_segment(segment)
    rows = pseudonymise(ws, select_customers(ws, spec).drop(columns=["in_segment"], errors="ignore"))
    if actor is not None:
        audit.record(ws, "export", actor, f"{len(rows):,} customers",
                     {"what": "pseudonymised customers", "segment": label, "columns": list(rows.columns)})
    return AnalystExport(rows.reset_index(drop=True), label)
