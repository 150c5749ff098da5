"""Show or change the workspace's revenue definition (tax, shipping, refund dates, statuses, time zone), default margin and reporting currency with its rates.

    python -m insights settings --workspace W [--revenue-tax include|exclude] [--revenue-shipping include|exclude]
        [--refunds-on order_date|refund_date] [--exclude-statuses pending,voided | --exclude-statuses ""]
        [--timezone Europe/Amsterdam | --timezone ""] [--default-margin 40 | --default-margin ""]
        [--reporting-currency EUR | --reporting-currency ""] [--rate USD=0.92 --rate USD:2024-01=0.93 ...]
        [--rates rates.csv] [--remove-rate USD | --remove-rate USD:2024-01] [--json]

Money is reported in one currency (the owner's choice, else the one most order lines are in); lines in another
currency are converted with the owner's rates (one unit = rate of the reporting currency; per month or for
every month; a rates file has the columns currency, rate and optionally month) and otherwise left out of money
totals and said.

Discounts are always netted. A change rebuilds the summaries, so every KPI follows it. With --json, the
definition, whether the data carries order money parts (tax, shipping, refunds), and its one-line caption; and
the gross margin: the default margin (% or null), where the margin comes from and its sentence ("revenue-based"
without any cost data).
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.core import currency, margin
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
    parser.add_argument("--reporting-currency", metavar="CODE",
                        help='the currency money is reported in, e.g. EUR ("" for the default: the one most '
                             "order lines are in)")
    parser.add_argument("--rate", metavar="CUR[:YYYY-MM]=RATE", action="append", default=[],
                        help="one unit of CUR is worth RATE of the reporting currency (that month, or every month); "
                             "repeatable")
    parser.add_argument("--rates", metavar="FILE", help="a CSV of rates: columns currency, rate and optionally month")
    parser.add_argument("--remove-rate", metavar="CUR[:YYYY-MM]", action="append", default=[],
                        help="forget a rate (every-month rate, or the month's); repeatable")


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
            if args.reporting_currency is not None:
                currency.set_reporting_currency(ws, args.reporting_currency)
            new_rates = [currency.parse_rate(text) for text in args.rate]
            if args.rates:
                new_rates += currency.read_rates_file(args.rates)
            removed = [currency.parse_rate(text + "=1") for text in args.remove_rate]
            if new_rates or removed:
                currency.set_rates(ws, new_rates, removed)
        except (ValueError, OSError) as exc:
            raise SystemExit(f"settings: {exc}") from None
        parts = revenue.has_money_parts(ws)
        caption = revenue.revenue_caption(definition, parts)
        basis = margin.margin_basis(ws)
        money = currency.currency_state(ws)
        pct = margin.default_margin(ws)
        if args.json:
            print_json({"revenue": definition.to_dict(), "order_money_parts": parts, "caption": caption,
                        "margin": {"default_pct": float(pct) if pct is not None else None, "basis": basis.label,
                                   "costed_share": round(basis.costed_share, 4), "caption": basis.caption()},
                        "currency": {**money.to_dict(), "rates": [r.to_dict() for r in currency.rates(ws)]}})
        else:
            print(caption)
            print(basis.caption())
            print(money.sentence() or f"Money in {money.reporting or 'the files’ own amounts (no currency named)'}.")
        return 0
    finally:
        ws.close()
