"""Print RFM segments: customers, share of revenue, AOV, median recency and the typical next step per segment.

Scores 1-5 by quantiles (equal values get equal scores), as of the day after the last order unless --as-of.
With --json, a list with one object per segment (segment, customers, share_of_customers, net_revenue,
share_of_revenue, orders, aov, median_recency_days, next_step, as_of). With --by lifecycle, the lifecycle stages
instead (stage, customers, share, active_days, lapsed_days, as_of).
"""

from __future__ import annotations

import argparse
import json

from insights.customers import lifecycle
from insights.customers import segments
from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.core.money import format_money
from insights.performance.kpis import data_currency

JSON_COLUMNS = ["segment", "customers", "share_of_customers", "net_revenue", "share_of_revenue", "orders", "aov",
                "median_recency_days", "next_step"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="score as of this date (default: day after the last order)")
    parser.add_argument("--by", choices=["rfm", "lifecycle"], default="rfm",
                        help="RFM segments (default) or lifecycle stages")
    parser.add_argument("--segment-map", metavar="FILE", help="JSON file with your own segment map (same shape as "
                                                             "insights/customers/rfm_segments.json)")


def _load_map(path: str | None):
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"Cannot read the segment map {path}: {exc}") from None
    try:
        segments.validate_segment_map(data)
    except segments.SegmentMapError as exc:
        raise SystemExit(f"Segment map {path}: {exc}") from None
    return data


def run(args: argparse.Namespace) -> int:
    segment_map = _load_map(args.segment_map)
    ws = open_workspace(args.workspace)
    try:
        as_of = segments.default_as_of(ws) if not args.as_of else segments.pd.Timestamp(args.as_of).date()
        if as_of is None:
            print("No segments: the workspace has no identified customers with orders.")
            return 0
        thresholds = lifecycle.shop_thresholds(ws, as_of)
        stages = lifecycle.stage_summary(lifecycle.lifecycle_stages(ws, as_of, thresholds))
        if args.by == "lifecycle":
            if args.json:
                print_json(stages.assign(active_days=thresholds.active_days, lapsed_days=thresholds.lapsed_days,
                                         as_of=as_of))
            else:
                print(f"Lifecycle stages as of {as_of}. {thresholds.sentence()}")
                for s in stages.itertuples(index=False):
                    print(f"{s.stage:<12}{s.customers:>10,}{s.share:>8.1%}")
            return 0
        table = segments.segment_table(ws, as_of, segment_map)
        if args.json:
            print_json(table[JSON_COLUMNS].assign(as_of=as_of))
            return 0
        currency = data_currency(ws)
        print(f"RFM segments as of {as_of} ({int(table['customers'].sum()):,} customers with orders)")
        print(f"{'segment':<20}{'customers':>10}{'revenue':>9}{'AOV':>11}{'recency':>9}  next step")
        for r in table.itertuples(index=False):
            aov = format_money(round(r.aov, 2), currency) if r.aov == r.aov else "—"
            rec = f"{r.median_recency_days:.0f}d" if r.median_recency_days == r.median_recency_days else "—"
            print(f"{r.segment:<20}{r.customers:>10,}{r.share_of_revenue:>9.1%}{aov:>11}{rec:>9}  {r.next_step}")
        print("\nLifecycle: " + ", ".join(f"{s.stage} {s.customers:,}" for s in stages.itertuples(index=False)))
        return 0
    finally:
        ws.close()
