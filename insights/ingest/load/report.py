"""What a load tells the owner: one :class:`FileReport` per file, the :class:`IngestReport` of an upload, and what
the workspace holds afterwards (:func:`workspace_summary`, the rejected and set-aside rows for download)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from insights.core.currency import currency_state
from insights.ingest.load.consent import consent_state


@dataclass
class FileReport:
    """What happened to one file. ``rows_read = rows_loaded + rows_rejected + rows_set_aside`` always, and
    ``revenue_read = revenue_loaded + revenue_set_aside + revenue_rejected + revenue_excluded_by_status +
    revenue_refunded``."""
    path: str | None
    name: str
    kind: str
    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    date_order: str | None = None
    date_formats: dict[str, str] = field(default_factory=dict)   # the file's header -> how its dates are written
    mapping: dict[str, str] = field(default_factory=dict)   # canonical field -> the file's header
    role: str = "lines"
    order_date_column: str | None = None    # the column (and file) that dates the orders of this file
    attributes: list[str] = field(default_factory=list)   # the file's columns kept as order/line attributes
    reconciliation: dict = field(default_factory=dict)    # a payments file against its orders' items + freight
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    rows_set_aside: int = 0
    set_aside_by_reason: dict[str, int] = field(default_factory=dict)
    revenue_read: Decimal = Decimal(0)
    revenue_loaded: Decimal = Decimal(0)
    revenue_set_aside: Decimal = Decimal(0)
    revenue_rejected: Decimal = Decimal(0)
    revenue_excluded_by_status: Decimal = Decimal(0)
    revenue_refunded: Decimal = Decimal(0)    # refunds written beside the sale (Stripe's Amount Refunded)
    currency: str | None = None
    already_loaded: bool = False
    file_id: str | None = None
    notes: list[str] = field(default_factory=list)
    reconciliation: dict | None = None     # the source system's own report lines (e.g. Shopify's sales report)
    warnings: list[str] = field(default_factory=list)   # what the owner must act on (e.g. no consent column)
    # identical rows kept because nothing in the file tells them apart (no order, event or answer id)
    identical_rows_kept: int = 0
    identical_rows_first: list[dict] = field(default_factory=list)   # {"row", "same_as_row"}, the first few
    # rows whose money could not be read (an unreadable amount or quantity): not in revenue_read, as the text
    rows_amount_unreadable: int = 0
    amounts_unreadable: list[dict] = field(default_factory=list)     # {"row", "column", "text"}, the first 20
    # a spend file's money (load.spend): spend_read = spend_loaded + spend_rejected + spend_set_aside
    spend_read: Decimal = Decimal(0)
    spend_loaded: Decimal = Decimal(0)
    spend_rejected: Decimal = Decimal(0)
    spend_set_aside: Decimal = Decimal(0)
    spend_by_currency: dict[str, float] = field(default_factory=dict)   # loaded, per currency
    # a catalog: products, categories, products with a cost, repeated in the file, replacing earlier ones
    catalog: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = dataclasses.asdict(self)
        for key, value in out.items():
            if isinstance(value, Decimal):
                out[key] = float(value)
        return out


@dataclass
class IngestReport:
    files: list[FileReport]
    workspace: dict
    identity: dict = field(default_factory=dict)
    retention: dict = field(default_factory=dict)     # what the workspace's retention removed (empty: none set)

    def to_dict(self) -> dict:
        return {"files": [f.to_dict() for f in self.files],
                "workspace": {k: float(v) if isinstance(v, Decimal) else v for k, v in self.workspace.items()},
                "identity": dict(self.identity), "retention": dict(self.retention)}


def workspace_summary(ws) -> dict:
    # each table read once (ten scalar subqueries took five times as long at 1M lines)
    row = ws.con.execute("""
        with lines as (select count(*) as n, coalesce(sum(revenue), 0) as revenue, min(ordered_at) as first_at,
                              max(ordered_at) as last_at from order_lines),
             orders as (select count(*) filter (where is_order) as n,
                               count(*) filter (where is_order and is_guest) as guests from orders)
        select (select count(*) from customers), orders.n, lines.n, lines.revenue,
               (select count(*) from customer_records), (select count(*) from events),
               (select count(*) from feedback), lines.first_at, lines.last_at, orders.guests
        from lines, orders""").fetchall()[0]
    return {"customers": row[0], "orders": row[1], "order_lines": row[2], "net_revenue": Decimal(row[3]),
            "customer_records": row[4], "events": row[5], "feedback": row[6],
            "first_order_at": row[7].isoformat() if row[7] else None,
            "last_order_at": row[8].isoformat() if row[8] else None, "guest_orders": row[9],
            "consenting_customers": consent_state(ws.con).consenting, **currency_summary(ws.con)}


def currency_summary(con) -> dict:
    """The money totals' currency and each currency of the order lines (None: lines without one) with its line
    count, net revenue in its own amounts, what of it is counted in the reporting currency, and what is left out
    for want of a rate (:mod:`insights.core.currency`): amounts in different currencies are never added together."""
    state = currency_state(con).to_dict()
    return {"reporting_currency": state["reporting_currency"], "currencies": state["currencies"],
            "currencies_left_out": state["left_out"], "currency_note": state["note"]}


def rejects_frame(ws, file_id: str | None = None):
    """Rejected rows for download: file, row, column, value, reason (pandas)."""
    sql = """select coalesce(f.name, r.file_id) as file, r.source_row as row, r.column_name as column,
                    r.value, r.reason
             from rejects r left join files f on f.file_id = r.file_id
             where $file_id is null or r.file_id = $file_id
             order by file, row"""
    return ws.con.execute(sql, {"file_id": file_id}).df()


def set_aside_frame(ws, file_id: str | None = None):
    sql = """select coalesce(f.name, s.file_id) as file, s.source_row as row, s.reason
             from set_aside s left join files f on f.file_id = s.file_id
             where $file_id is null or s.file_id = $file_id order by file, row"""
    return ws.con.execute(sql, {"file_id": file_id}).df()
