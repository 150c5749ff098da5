"""What a customer costs per acquisition channel: spend, new customers, CAC (blended and paid), value, LTV:CAC,
payback months and ROAS, from the loaded spend files.

    python -m insights cac --workspace PATH [--since 2024-01-01] [--until 2024-06-30] [--json]
                           [--map-channel "Meta Ads=Paid Social" ...] [--forget-channel LABEL] [--gross-margin 40]

Months are whole calendar months (``--since`` and ``--until`` name the first and last). ``--map-channel`` remembers
which of the shop's acquisition channels a spend label pays for (``"Podcast="``: none of them); ``--forget-channel``
drops that choice. ``--gross-margin`` counts that share of revenue as margin (default: the margin of the catalog's costs or the default margin set with `settings --default-margin`, else revenue-based).
"""

from __future__ import annotations

import argparse
import datetime as dt

from insights.acquisition import acquisition
from insights.acquisition import channels as channel_map
from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.core.money import format_money


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date such as 2024-01-31, got {text!r}") from None


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a percentage such as 40, got {text!r}") from None
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError(f"a gross margin is between 0 and 100 %, got {text!r}")
    return value / 100


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--since", type=_date, metavar="DATE", help="first month counted (default: the first order's)")
    parser.add_argument("--until", type=_date, metavar="DATE", help="last month counted (default: the last order's)")
    parser.add_argument("--map-channel", action="append", default=[], metavar="LABEL=CHANNEL",
                        help="remember that spend labelled LABEL pays for the shop's channel CHANNEL (repeatable; "
                             "empty CHANNEL: none of the shop's channels)")
    parser.add_argument("--forget-channel", action="append", default=[], metavar="LABEL",
                        help="forget the remembered channel of a spend label")
    parser.add_argument("--gross-margin", type=_percent, metavar="PCT",
                        help="gross margin as a share of revenue, e.g. 40 (default: the shop's own margin where costs are known, else revenue-based)")


def run(args: argparse.Namespace) -> int:
    for item in args.map_channel:
        if "=" not in item:
            raise SystemExit(f"cac: --map-channel {item!r}: expected LABEL=CHANNEL, e.g. \"Meta Ads=Paid Social\"")
    ws = open_workspace(args.workspace)
    try:
        for item in args.map_channel:
            label, _, channel = item.partition("=")
            channel_map.remember(ws, label.strip(), channel.strip() or None)
        for label in args.forget_channel:
            channel_map.forget(ws, label)
        result = acquisition(ws, since=args.since, until=args.until, margin_rate=args.gross_margin)
    finally:
        ws.close()
    if args.json:
        print_json(result.to_dict())
        return 0
    if not result.has_spend:
        print("No marketing spend is loaded yet: load a spend file (a monthly budget sheet, a Google Ads, Meta Ads "
              "or Microsoft Advertising report) with `python -m insights ingest`.")
        return 0
    if result.headline():
        print(result.headline())
    if not len(result.channels):
        print("\n".join(result.notes))
        return 0
    cur = result.currency
    for row in result.channels.itertuples(index=False):
        cac = format_money(row.cac, cur) if row.cac == row.cac else "no spend"      # NaN: no spend recorded
        print(f"{row.channel:<24}{format_money(row.spend, cur):>12}{row.new_customers:>8,} new   CAC {cac}")
    print(f"Blended CAC {format_money(result.blended['cac'], cur, 2)} · paid CAC {format_money(result.paid['cac'], cur, 2)}")
    for item in result.unmatched_spend:
        print(f"Unmatched spend: {item['label']} {format_money(item['spend'], cur, 2)}")
    for note in result.notes:
        print(note)
    return 0
