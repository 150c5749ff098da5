"""The web funnel: from viewing to buying, step by step, with where sessions drop off and which groups lose
the most orders.

    python -m insights funnel --workspace PATH [--window-days 7] [--by device] [--steps view,cart,checkout,purchase]
                              [--per-customer] [--product-level product|category] [--since D] [--until D] [--json]

The JSON's ``products`` lists, per product (or category) whose page the events name, the sessions that viewed it
and how many went on to add to cart and to buy, worst first; ``--since``/``--until`` bound it.
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.funnel import DIMENSIONS, funnel, parse_steps, product_funnel, stand_out


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
    parser.add_argument("--product-level", choices=["product", "category"], default="product",
                        help="the product funnel per product (default) or per category")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="the product funnel from this day")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="the product funnel before this day")


def run(args: argparse.Namespace) -> int:
    try:
        steps = parse_steps(args.steps)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    ws = open_workspace(args.workspace)
    try:
        result = funnel(ws, steps, window_days=args.window_days,
                        unit="customer" if args.per_customer else "session", by=tuple(args.by or DIMENSIONS))
        products = product_funnel(ws, args.product_level, since=args.since, until=args.until)
    finally:
        ws.close()
    if args.json:
        print_json({**result.to_dict(), "products": products.to_dict("records")})
        return 0
    if not result.entrants:
        print("No web events are loaded yet: load a web-analytics export (GA4, Matomo, your shop's events).")
        return 0
    for s in result.steps:
        conv = "" if s["ci_low"] is None else (f"  {s['conversion_from_previous']:.1%} of the step before "
                                               f"({s['ci_low']:.1%}–{s['ci_high']:.1%})")
        print(f"{s['step']:<12}{s['sessions']:>10,}{conv}")
    worst = [g for g in result.by if g["worse"]][:3]
    for g in worst:
        print(f"{DIMENSIONS[g['dimension']]} {g['value']}: about {g['orders_lost']:,.0f} orders lost against the rest")
    for sentence in stand_out(products, args.product_level):
        print(sentence)
    return 0
