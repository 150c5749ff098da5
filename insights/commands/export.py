"""Export a customer segment as CSV or XLSX for an email tool (only customers who consented to email).

    python -m insights export segment "At Risk" --workspace PATH --out at_risk.xlsx [--include-without-consent]
    python -m insights export segment "VIP Germany" --workspace PATH --out vip.csv --for mailchimp

NAME is an RFM segment (Champions, At Risk, ...), a lifecycle stage (new, active, reactivated, at risk,
lapsed; write lifecycle:NAME where an RFM segment has the same name, e.g. "lifecycle:at risk") or a segment saved
in the Segmentation explorer's builder. The format follows the file extension (.csv or .xlsx); --for mailchimp or
klaviyo writes that tool's import columns (e-mail, first name, last name, the segment as a tag or property).
Every cell is made safe from formula injection.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from insights.customers import export
from insights.customers.email_tools import LAYOUTS
from insights.commands._common import add_workspace_arguments, open_workspace
from insights.core import audit
from insights.privacy.analyst import analyst_customers


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["segment"], help="what to export (segment)")
    parser.add_argument("name", metavar="NAME", help="RFM segment, lifecycle stage or saved segment name")
    add_workspace_arguments(parser, json_flag=False)
    parser.add_argument("--out", required=True, metavar="FILE", help="file to write (.csv or .xlsx)")
    parser.add_argument("--include-without-consent", action="store_true",
                        help="also write customers who did not consent to email (or whose consent is unknown)")
    parser.add_argument("--for", dest="layout", choices=sorted(LAYOUTS), default="clueboard",
                        help="the e-mail tool whose import columns to write (default: clueboard, every figure)")
    parser.add_argument("--pseudonymised", action="store_true",
                        help="for an analyst: every customer of the segment (NAME 'all': everyone), without names, "
                             "e-mails or phones, ids replaced by stable pseudonyms (logged in the privacy log)")


def run(args: argparse.Namespace) -> int:
    try:
        fmt = export.format_from_path(args.out)
        export.check_layout(args.layout, fmt)
    except export.ExportError as exc:
        raise SystemExit(str(exc)) from None
    ws = open_workspace(args.workspace)
    if args.pseudonymised:
        try:
            table = analyst_customers(ws, args.name, actor="command line")
        except export.ExportError as exc:
            raise SystemExit(str(exc)) from None
        finally:
            ws.close()
        Path(args.out).write_bytes(table.to_bytes(fmt))
        print(f"Wrote {len(table.rows):,} customers of {table.segment!r} to {args.out}, pseudonymised.")
        print(table.rule)
        return 0
    try:
        result = export.export_segment(ws, args.name, fmt, include_without_consent=args.include_without_consent,
                                      layout=args.layout)
        audit.record(ws, "export", "command line", f"{result.rows:,} customers",
                     {"what": "segment contacts", "segment": result.segment, "file": Path(args.out).name,
                      "left_out_suppressed": result.left_out_suppressed, "tool": args.layout})
    except export.ExportError as exc:
        raise SystemExit(str(exc)) from None
    finally:
        ws.close()
    Path(args.out).write_bytes(result.data)
    print(f"Wrote {result.rows:,} customers of {result.segment!r} to {args.out}.")
    consent_note = "" if args.include_without_consent else " (use --include-without-consent to include them)"
    said = "consent never loaded" if result.warnings else "without email consent"
    print(f"Left out: {result.left_out_for_consent:,} {said}{consent_note}, "
          f"{result.left_out_without_email:,} without an email address, {result.left_out_suppressed:,} on the "
          "suppression list.")
    print(result.rule)
    for warning in result.warnings:
        print(f"Warning: {warning}")
    return 0
