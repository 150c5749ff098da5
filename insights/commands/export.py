"""Export a customer segment as CSV or XLSX for an email tool (only customers who consented to email).

    python -m insights export segment "At Risk" --workspace PATH --out at_risk.xlsx [--include-without-consent]

NAME is an RFM segment (Champions, At Risk, ...) or a lifecycle stage (new, active, reactivated, at risk,
lapsed; write lifecycle:NAME where an RFM segment has the same name, e.g. "lifecycle:at risk"). The format follows the file extension (.csv or .xlsx). Every cell is made safe from formula injection.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from insights.customers import export
from insights.commands._common import add_workspace_arguments, open_workspace
from insights.core import audit
from insights.privacy.analyst import analyst_customers


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["segment"], help="what to export (segment)")
    parser.add_argument("name", metavar="NAME", help="RFM segment or lifecycle stage name")
    add_workspace_arguments(parser, json_flag=False)
    parser.add_argument("--out", required=True, metavar="FILE", help="file to write (.csv or .xlsx)")
    parser.add_argument("--include-without-consent", action="store_true",
                        help="also write customers who did not consent to email (or whose consent is unknown)")
    parser.add_argument("--pseudonymised", action="store_true",
                        help="for an analyst: every customer of the segment (NAME 'all': everyone), without names, "
                             "e-mails or phones, ids replaced by stable pseudonyms (logged in the privacy log)")


def run(args: argparse.Namespace) -> int:
    try:
        fmt = export.format_from_path(args.out)
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
        result = export.export_segment(ws, args.name, fmt, include_without_consent=args.include_without_consent)
        audit.record(ws, "export", "command line", f"{result.rows:,} customers",
                     {"what": "segment contacts", "segment": result.segment, "file": Path(args.out).name,
                      "left_out_suppressed": result.left_out_suppressed})
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
