"""The insight feed: what happened, why, what to do and who does it, ranked by money at stake × confidence.

    python -m insights feed --workspace PATH [--since DATE] [--as-of DATE] [--json]

--json prints {"insights": [{"id", "kind", "title", "why", "action", "owner", "period", "metric",
"subject": {"dimension", "value"}, "impact", "impact_low", "impact_high", "confidence", "status",
"evidence_url"}]}, best first. An anomaly's action names its cause (supply or demand).
"""

from __future__ import annotations

import argparse

from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.core.money import format_money
from insights.feed import build_feed, feed_json
from insights.feed.outcome import outcome_words
from insights.performance.kpis import workspace_currency
from insights.performance.kpis.periods import checked_date


def a_date(text: str):
    """argparse type: a day written YYYY-MM-DD."""
    try:
        return checked_date(text, "date")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--since", type=a_date, metavar="DATE",
                        help="only insights about periods ending after this day (YYYY-MM-DD)")
    parser.add_argument("--as-of", dest="as_of", type=a_date, metavar="DATE",
                        help="look at the data before this day only (default: the day after the last order)")


def run(args: argparse.Namespace) -> int:
    ws = open_workspace(args.workspace)
    try:
        insights = build_feed(ws, as_of=args.as_of, since=args.since)
        currency = workspace_currency(ws)
    finally:
        ws.close()
    if args.json:
        print_json(feed_json(insights))
        return 0
    if not insights:
        print("Nothing unusual" + (f" since {args.since}." if args.since else "."))
        return 0
    for rank, insight in enumerate(insights, start=1):
        cause = insight.action.get("cause")
        print(f"{rank}. [{insight.status}] {insight.title}")
        print(f"   Why: {insight.why}")
        print(f"   Do: {insight.action['text']}" + (f" (cause: {cause})" if cause else ""))
        result = outcome_words(insight.details.get("outcome"), currency)
        if result:
            print(f"   Result: {result}")
        print(f"   Owner: {insight.owner} · at stake {format_money(insight.impact, currency)} "
              f"({format_money(insight.impact_low, currency)}–{format_money(insight.impact_high, currency)}) · "
              f"confidence {insight.confidence} · id {insight.id}")
    return 0
