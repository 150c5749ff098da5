"""The web funnel: from viewing to buying, step by step, with where sessions drop off and which groups lose
the most orders.

    python -m insights funnel --workspace PATH [--window-days 7] [--by device] [--steps view,cart,checkout,purchase]
                              [--per-customer] [--period month|week] [--product-level product|category]
                              [--since D] [--until D] [--json]

``--by rfm`` and ``--by lifecycle`` tell visits apart by the customer's RFM segment or lifecycle stage on the first
day of the month the visit began (orders before it only). ``--period`` adds ``periods``: the funnel per month or
week the visits began, with the conversion's interval.

The JSON's ``products`` lists, per product (or category) whose page the events name, the sessions that viewed it
and how many went on to add to cart and to buy, worst first; ``--since``/``--until`` bound it.
``products_standing_out_by_month`` lists the products and the categories (``level``) carted clearly less than the
others of their own month (a one-month stock-out), newest month first.
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.customers.monthly_labels import labels_by_month
from insights.funnel import (CUSTOMER_DIMENSIONS, DIMENSIONS, PERIODS, event_months, funnel, funnel_by_period,
                             months_standing_out, parse_steps, product_funnel, stand_out)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--window-days", type=float, default=7.0, metavar="DAYS",
                        help="conversion window from the first step to the last (default 7)")
    parser.add_argument("--by", action="append", choices=list(DIMENSIONS), default=None,
                        help="break the funnel down by this (repeatable; default: all)")
    parser.add_argument("--steps", default=None, metavar="LIST",
                        help="the steps, comma-separated event types or your own event names; join several names "
                             "of one step with | (default view,cart,checkout,purchase)")
    parser.add_argument("--per-customer", action="store_true",
                        help="one funnel per known customer over the whole period instead of per session")
    parser.add_argument("--period", choices=list(PERIODS), default=None,
                        help="also the funnel per month or week the visits began")
    parser.add_argument("--product-level", choices=["product", "category"], default="product",
                        help="the product funnel per product (default) or per category")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="the product funnel from this day")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="the product funnel before this day")


def run(args: argparse.Namespace) -> int:
    try:
        steps = parse_steps(args.steps)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    by = tuple(args.by or DIMENSIONS)
    ws = open_workspace(args.workspace)
    try:
        months = event_months(ws)
        labels = {dim: labels_by_month(ws, months, dim) for dim in CUSTOMER_DIMENSIONS if dim in by}
        result = funnel(ws, steps, window_days=args.window_days,
                        unit="customer" if args.per_customer else "session", by=by, labels=labels)
        periods = funnel_by_period(result, args.period) if args.period else None
        products = product_funnel(ws, args.product_level, since=args.since, until=args.until)
        months_out = {level: months_standing_out(ws, level) for level in ("product", "category")}
    finally:
        ws.close()
    if args.json:
        extra = {} if periods is None else {"period": args.period, "periods": periods}
        print_json({**result.to_dict(), **extra, "products": products.to_dict("records"),
                    "products_standing_out_by_month": [{"level": level, **row} for level, frame in months_out.items()
                                                       for row in frame.to_dict("records")]})
        return 0
    if not result.entrants:
        print("No web events are loaded yet: load a web-analytics export (GA4, Matomo, your shop's events).")
        return 0
    for s in result.steps:
        conv = "" if s["ci_low"] is None else (f"  {s['conversion_from_previous']:.1%} of the step before "
                                               f"({s['ci_low']:.1%}–{s['ci_high']:.1%})")
        print(f"{s['step']:<12}{s['sessions']:>10,}{conv}")
    for p in periods or []:
        note = "" if p["complete"] else "  (still converting)"
        print(f"{p['period']:<12}{p['entrants']:>8,} entered  {p['conversion']:.1%} bought "
              f"({p['ci_low']:.1%}–{p['ci_high']:.1%}){note}")
    worst = [g for g in result.by if g["worse"]][:3]
    for g in worst:
        print(f"{DIMENSIONS[g['dimension']]} {g['value']}: about {g['orders_lost']:,.0f} orders lost against the rest")
    sentences = stand_out(products, args.product_level)
    for level, frame in months_out.items():
        sentences += stand_out(frame, level)
    for sentence in sentences:
        print(sentence)
    return 0
