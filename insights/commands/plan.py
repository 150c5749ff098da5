"""How many customers does a test need? Users per variant for a baseline rate and the smallest change to detect.

    python -m insights plan --baseline 0.05 --mde 0.1 [--absolute] [--alpha 0.05] [--power 0.8] [--one-sided]
                            [--variants 2] [--list-size N] [--json]
"""

from __future__ import annotations

import argparse

from insights.commands._common import print_json
from insights.experiments.planner import plan


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--baseline", type=float, required=True, help="today's rate, e.g. 0.05 for 5%%")
    parser.add_argument("--mde", type=float, required=True,
                        help="the smallest change worth detecting: relative (0.1 = +10%%) unless --absolute")
    parser.add_argument("--absolute", action="store_true", help="--mde is in rate points (0.01 = +1 point)")
    parser.add_argument("--alpha", type=float, default=0.05, help="false-alarm rate (default 0.05)")
    parser.add_argument("--power", type=float, default=0.8, help="chance to detect a real change (default 0.8)")
    parser.add_argument("--one-sided", action="store_true", help="only a rise counts")
    parser.add_argument("--variants", type=int, default=2, help="variants including the control (default 2)")
    parser.add_argument("--list-size", type=int, metavar="N",
                        help="your list: the smallest change it can detect, split equally")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def run(args: argparse.Namespace) -> int:
    try:
        result = plan(args.baseline, args.mde, absolute=args.absolute, alpha=args.alpha, power=args.power,
                      sides=1 if args.one_sided else 2, variants=args.variants, list_size=args.list_size)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    if args.json:
        print_json(result.to_dict())
        return 0
    print(f"{result.users_per_variant:,} users per variant, {result.total_users:,} in all.")
    if result.mde_at_list_size is not None:
        unit = "points" if args.absolute else "relative"
        size = result.mde_at_list_size * 100
        print(f"With {args.list_size:,} customers split {args.variants} ways, the smallest change you can detect "
              f"is {size:.1f}{'%' if not args.absolute else ' points'} ({unit}).")
    return 0
