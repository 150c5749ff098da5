"""The next best products for each customer (products they have not bought yet), by the method that a backtest
on the shop's own history proves best.

    python -m insights recommend --workspace PATH [--as-of DATE] [--top 10] [--method auto|best_sellers|cosine|ease]
                                 --out FILE.csv
    python -m insights recommend --workspace PATH --evaluate [--as-of DATE] [--holdout-weeks 4] [--json]

With --as-of only orders before that day are read (the backtest's protocol). The file holds only customers who
consented to e-mail; how many were left out is printed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from insights.core import audit
from insights.commands._common import add_workspace_arguments, at_least_one, open_workspace, print_json
from insights.products.backtest import TOP_K, evaluate
from insights.products.lines import history_end, kept_lines
from insights.products.methods import MAX_ITEMS, METHODS
from insights.products.recommend import recommend, recommendations_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--as-of", default=None, metavar="DATE", help="use only orders before this day")
    parser.add_argument("--top", type=at_least_one, default=TOP_K, metavar="K", help="products per customer")
    parser.add_argument("--method", choices=("auto",) + METHODS, default="auto",
                        help="auto (default): the method the backtest proves best for this shop")
    parser.add_argument("--holdout-weeks", type=at_least_one, default=4, metavar="WEEKS",
                        help="weeks held out by the backtest (default 4)")
    parser.add_argument("--evaluate", action="store_true", help="print the backtest of every method")
    parser.add_argument("--out", default=None, metavar="FILE", help="write the recommendations here (.csv or .xlsx)")


def run(args: argparse.Namespace) -> int:
    if not args.evaluate and not args.out:
        raise SystemExit("Say where to write the recommendations (--out FILE.csv), or pass --evaluate.")
    fmt = "xlsx" if args.out and Path(args.out).suffix.lower() == ".xlsx" else "csv"
    ws = open_workspace(args.workspace)
    try:
        if args.evaluate:
            end = history_end(ws, args.as_of)
            if end is None:
                raise SystemExit("No orders are loaded yet.")
            result = evaluate(kept_lines(ws, args.as_of), end, args.holdout_weeks, args.top)
        else:
            recs = recommend(ws, args.as_of, args.top, args.method, args.holdout_weeks)
            data, written, left_out = recommendations_file(ws, recs, fmt)
            audit.record(ws, "export", "command line", f"{written:,} customers",
                         {"what": "product recommendations", "file": Path(args.out).name, "left_out": left_out})
    finally:
        ws.close()
    if args.evaluate:
        if args.json:
            print_json(result.to_dict())
            return 0
        print(f"Held out {result.cutoff.date()} to {result.end.date()}; "
              f"{int(result.methods['customers'].max() if len(result.methods) else 0):,} customers bought "
              "something new then.")
        for line in result.in_words():
            print("  " + line)
        print(f"Chosen: {result.chosen}")
        return 0
    Path(args.out).write_bytes(data)
    note = f" (restricted to the {MAX_ITEMS:,} most bought products)" if recs.restricted else ""
    print(f"Wrote {written:,} customers' top {args.top} ({recs.method}{note}) to {args.out}.")
    print(f"Left out: {left_out:,} customers without e-mail consent or an address, or on the suppression list.")
    return 0
