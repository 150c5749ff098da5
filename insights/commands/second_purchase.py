"""Print the second-purchase view: how many first-time buyers buy again within 30–365 days, and what goes with it.

python -m insights second-purchase --workspace W [--by first_category] [--json]

Rates are shares of first-time buyers whose first order is at least that many days before the end of the data
(the others are too recent to know; ``too_recent`` counts them for the 90-day window), with Wilson 95% intervals.
Customers whose first order falls in the data's first month are left out (they may have bought before it began).
``by`` gives the 90-day rate per group of each dimension the data has (first_month, channel, country,
first_category, first_product, value_band, delivery, review_score), or of the one named with ``--by``; a group
marked * differs from the other buyers after Holm's adjustment across every group. With --json:
{"first_time_buyers", "too_recent", "rates": [{"days", "rate", "ci_low", "ci_high", "customers"}],
"median_days_to_second", "by": [{"dimension", "value", "customers", "rate_90d", "ci_low", "ci_high"}]}.
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.core.dates import before_data_sentence
from insights.second_purchase.groups import DIMENSIONS
from insights.second_purchase.view import second_purchase_view
from insights.second_purchase.words import window_sentence


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--by", choices=list(DIMENSIONS), metavar="DIMENSION",
                        help=f"one dimension only: {', '.join(DIMENSIONS)}")


def _share(value) -> str:
    return "   –  " if value is None or value != value else f"{value:6.1%}"


def run(args: argparse.Namespace) -> int:
    ws = open_workspace(args.workspace)
    try:
        view = second_purchase_view(ws)
    finally:
        ws.close()
    if view is None:
        if args.json:
            print_json({"first_time_buyers": 0, "too_recent": 0, "rates": [], "median_days_to_second": None,
                        "by": []})
        else:
            print("No first-time buyers: the workspace has no orders with a customer id.")
        return 0
    if args.json:
        print_json(view.to_json(args.by))
        return 0
    print(f"{view.first_time_buyers:,} first-time buyers; {view.too_recent:,} bought first less than 90 days ago "
          f"(too recent to know).")
    if view.before_data:
        print(before_data_sentence(view.before_data))
    print(f"{'within':>8}  {'rate':>6}  {'95% interval':>15}  {'customers':>9}")
    for row in view.rates.itertuples(index=False):
        print(f"{row.days:>5} d  {_share(row.rate)}  {_share(row.ci_low)}–{_share(row.ci_high).strip():<7}  "
              f"{row.customers:>9,}")
    sentence = window_sentence(view)
    if sentence:
        print(sentence)
    by = view.by if args.by is None else view.by[view.by["dimension"] == args.by]
    if by.empty:
        print("No groups to compare" + (f" by {args.by}: the data does not say it." if args.by else "."))
        return 0
    print("\n90-day rate by group (* = differs from the other buyers after Holm's adjustment)")
    for dimension, rows in by.groupby("dimension", sort=False):
        print(f"{DIMENSIONS[dimension]}:")
        for row in rows.itertuples(index=False):
            mark = "*" if row.different else " "
            print(f"  {row.value[:40]:<40}{mark} {_share(row.rate_90d)}  ({_share(row.ci_low).strip()}–"
                  f"{_share(row.ci_high).strip()})  {row.customers:>7,} customers")
    return 0
