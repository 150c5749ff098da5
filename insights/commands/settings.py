"""Show or change the workspace's revenue definition (tax, shipping, refund dates, statuses, time zone) and default margin.

    python -m insights settings --workspace W [--revenue-tax include|exclude] [--revenue-shipping include|exclude]
        [--refunds-on order_date|refund_date] [--exclude-statuses pending,voided | --exclude-statuses ""]
        [--timezone Europe/Amsterdam | --timezone ""] [--default-margin 40 | --default-margin ""] [--json]

Discounts are always netted. A change rebuilds the summaries, so every KPI follows it. With --json, the
definition, whether the data carries order money parts (tax, shipping, refunds), and its one-line caption; and
the gross margin: the default margin (% or null), where the margin comes from and its sentence ("revenue-based"
without any cost data).
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.core import margin
from insights.performance.kpis import revenue


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--revenue-tax", choices=revenue.TAX_CHOICES, help="count tax in revenue or not")
    parser.add_argument("--revenue-shipping", choices=revenue.SHIPPING_CHOICES, help="count shipping or not")
    parser.add_argument("--refunds-on", choices=revenue.REFUND_CHOICES,
                        help="count a refund on its own date or on the order's date")
    parser.add_argument("--exclude-statuses", metavar="LIST",
                        help='order statuses left out of revenue and orders, comma-separated ("" for none)')
    parser.add_argument("--timezone", metavar="ZONE", help='the shop\'s time zone, e.g. Europe/Amsterdam ("" for '
                                                           "times as the files write them)")
    parser.add_argument("--default-margin", metavar="PCT",
                        help='gross margin %% for products without a known cost, e.g. 40 ("" for none)')


def run(args: argparse.Namespace) -> int:
    ws = open_workspace(args.workspace)
    try:
        changes = {"tax": args.revenue_tax, "shipping": args.revenue_shipping, "refunds": args.refunds_on,
                   "timezone": args.timezone}
        if args.exclude_statuses is not None:
            changes["excluded_statuses"] = args.exclude_statuses.split(",")
        try:
            if any(v is not None for v in changes.values()):
                definition = revenue.set_revenue_definition(ws, **changes)
            else:
                definition = revenue.revenue_definition(ws)
            if args.default_margin is not None:
                margin.set_default_margin(ws, args.default_margin)
        except ValueError as exc:
            raise SystemExit(f"settings: {exc}") from None
        parts = revenue.has_money_parts(ws)
        caption = revenue.revenue_caption(definition, parts)
        basis = margin.margin_basis(ws)
        pct = margin.default_margin(ws)
        if args.json:
            print_json({"revenue": definition.to_dict(), "order_money_parts": parts, "caption": caption,
                        "margin": {"default_pct": float(pct) if pct is not None else None, "basis": basis.label,
                                   "costed_share": round(basis.costed_share, 4), "caption": basis.caption()}})
        else:
            print(caption)
            print(basis.caption())
        return 0
    finally:
        ws.close()
