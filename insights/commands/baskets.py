"""Products bought together and first purchases that bring customers back.

    python -m insights baskets --workspace PATH [--level product|category] [--min-baskets 10] [--as-of DATE]
                               [--triples] [--json]

--triples also looks for three items bought together whose three pairs are each associated and where orders
holding two of them hold the third clearly more often than orders holding one (slower on big catalogues).
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, at_least_one, open_workspace, print_json
from insights.core.dates import before_data_sentence
from insights.products.lines import LEVELS
from insights.products.summary import product_summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--level", choices=LEVELS, default="product", help="products or categories (default product)")
    parser.add_argument("--min-baskets", type=at_least_one, default=10, metavar="N",
                        help="a pair must be bought together in at least N orders (default 10)")
    parser.add_argument("--as-of", default=None, metavar="DATE", help="use only orders before this day")
    parser.add_argument("--triples", action="store_true",
                        help="also three items bought together, where two of them make the third more likely")


def run(args: argparse.Namespace) -> int:
    ws = open_workspace(args.workspace)
    try:
        summary = product_summary(ws, args.level, args.min_baskets, args.as_of, triples=args.triples)
    finally:
        ws.close()
    if args.json:
        print_json(summary.to_dict())
        return 0
    pairs, found = summary.pairs, summary.gateways
    print(f"{pairs.baskets:,} orders; {len(pairs.associated):,} pairs bought together more often than chance "
          f"(of {pairs.tests:,} pairs that could be, each in at least {pairs.min_baskets} orders).")
    for row in pairs.associated.head(10).itertuples():
        print(f"  {row.a_name or row.a} + {row.b_name or row.b}: {row.baskets:,} orders, "
              f"{row.lift:.1f}× as often as chance")
    if summary.triples is not None:
        strong = summary.triples.strong
        print(f"{len(strong):,} groups of three bought together where two make the third more likely "
              f"(of {summary.triples.tests:,} that could be).")
        for row in strong.head(10).itertuples():
            print(f"  {row.a_name or row.a} + {row.b_name or row.b} + {row.c_name or row.c}: {row.baskets:,} orders; "
                  f"with two of them the third is {row.uplift:.1f}× as likely as with one")
    print(f"{found.customers:,} first-time customers; {found.average:.0%} ordered again within "
          f"{found.window_days} days.")
    if found.before_data:
        print(f"  {before_data_sentence(found.before_data)}")
    for row in found.found.head(10).itertuples():
        print(f"  first order with {row.name or row.product}: {row.repeat_rate:.0%} came back "
              f"({row.vs_average:.1f}× the average; {row.extra_repeat:,.0f} extra repeat customers)")
    if found.found.empty:
        print("  No first purchase brings customers back clearly more often than the average.")
    return 0
