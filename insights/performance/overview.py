"""Headline figures of a workspace for the overview page and the command line."""

from __future__ import annotations

from insights.core.currency import reporting_currency
from insights.core.db import query_rows
from insights.core.money import format_money
from insights.core.workspace import Workspace


def headline_figures(ws: Workspace) -> dict:
    """Customers, orders, net revenue and date range of the workspace, with display texts."""
    ws.ensure_marts()
    customers, orders, revenue, first, last = query_rows(ws.con, "queries/performance/overview/headline.sql")[0]
    currency = reporting_currency(ws)      # revenue is in it: lines in other currencies converted or left out
    period = f"{first:%b %Y} – {last:%b %Y}" if first and last else "—"
    months = (last.year - first.year) * 12 + last.month - first.month + 1 if first and last else 0
    return {
        "customers": customers, "orders": orders, "net_revenue": revenue, "currency": currency,
        "net_revenue_text": format_money(revenue, currency), "first_order_at": first, "last_order_at": last,
        "period_text": period, "period_months": months,
        "period_length_text": f"{months:,} month{'s' if months != 1 else ''}" if months else "—",
    }
