"""Churn: fit the churn model, show its quality against baselines, and print the watchlist head.

Shops: churn is "no order for W days", W derived from the customers' own purchase gaps (--percentile) or
set with --window-days; the model learns with a time split (features before a cutoff, outcome after it).
Subscription files with a churn label / cancellation column use that label. Scores are written into the
workspace (table churn_scores). --out FILE.csv (or .xlsx) writes every scored customer for an analyst:
customer_id, churn_probability (no order within the window), p_alive (still a customer), value_at_risk,
reasons — only when a ranking applies (see "ranked_by" and "reason" in --json).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from insights.commands._common import add_workspace_arguments, open_workspace, print_json, whole_days
from insights.models.churn_model import ChurnInputError
from insights.predictions.churn import (ChurnDataError, action_summary, analyst_file, quality_sentences,
                                        churn_result, watchlist_rows)


def _percentile(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share such as 0.9, got {text!r}") from None
    if value > 1:
        value /= 100
    if not 0.5 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0.5 and 0.99 (or 50–99), got {text}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--percentile", type=_percentile, default=0.9, metavar="P",
                        help="churn window = this percentile of the gaps between a customer's orders (default 0.9)")
    parser.add_argument("--window-days", type=whole_days, metavar="N", help="set the churn window by hand, in days")
    parser.add_argument("--model", choices=("logistic", "boosting"), default="logistic",
                        help="logistic regression (default) or gradient boosting")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="watchlist rows to print (default 10)")
    parser.add_argument("--out", metavar="FILE", help="write every scored customer here (.csv or .xlsx)")


def run(args) -> int:
    ws = open_workspace(args.workspace)
    try:
        try:
            # the stored run (fitted after the upload) while it is current for these settings, else a new fit
            result = churn_result(ws, percentile=args.percentile, window_days=args.window_days, kind=args.model)
        except (ChurnDataError, ChurnInputError) as exc:
            if args.json:
                print_json({"error": str(exc)})
            else:
                sys.stderr.write(f"Cannot fit a churn model: {exc}\n")
            return 1
        listed = result.ranked_by is not None
        rows = watchlist_rows(result.scores, args.top) if listed else []
        written = _write_file(args.out, result) if args.out else None
        if args.json:
            report = result.report()
            print_json({"definition": report["definition"], "applies": result.applies, "reason": result.reason,
                        "ranked_by": result.ranked_by, "metrics": result.metrics,
                        "notes": result.notes, "value_basis": result.value_basis,
                        "customers_scored": int(len(result.scores)), "drivers": _drivers(result.drivers),
                        "importance": result.importance, "file": written,
                        "actions": action_summary(result.scores) if listed else [], "watchlist": rows})
            return 0
        out = sys.stdout
        out.write(result.definition.describe() + "\n\n")
        if result.reason:
            out.write(result.reason + "\n\n")
        if args.out:
            out.write(f"Wrote {written['rows']:,} customers to {args.out}.\n\n" if written
                      else f"No file written to {args.out}: there is no ranking to write.\n\n")
        if result.metrics:
            out.write("Model quality (held-out customers):\n")
            for line in quality_sentences(result):
                out.write(f"  {line}\n")
        for note in result.notes:
            out.write(f"  Note: {note}\n")
        for d in result.drivers:
            if d["significant"]:
                out.write(f"  Driver: {d['label']} — {d['sentence']} (relative risk {d['relative_risk']:.2f}, "
                          f"{d['ci_low']:.2f}–{d['ci_high']:.2f}; {d['customers']:,} customers)\n")
        if not listed:
            return 0
        out.write(f"\nValue at risk = churn probability × {result.value_basis}.\n")
        out.write(f"\nWatchlist ({len(result.scores):,} customers scored, ranked by {result.ranked_by}; "
                  f"top {len(rows)}):\n")
        for i, r in enumerate(rows, 1):
            name = f" ({r['name']})" if r.get("name") else ""
            out.write(f"{i:>3}. {r['customer_id']}{name}: {r['churn_probability']:.0%} risk, "
                      f"{r['value_at_risk']:,.0f} at risk — {r['action']}\n")
            if r["reasons"]:
                out.write(f"     {'; '.join(r['reasons'])}\n")
        return 0
    finally:
        ws.close()


def _drivers(drivers: list[dict]) -> list[dict]:
    keys = ("feature", "label", "relative_risk", "ci_low", "ci_high", "customers", "significant",
            "churn_rate_with", "churn_rate_without", "sentence")
    return [{k: d[k] for k in keys} for d in drivers]


def _write_file(path: str, result) -> dict | None:
    """The analyst file, when a ranking applies; what was written."""
    if result.ranked_by is None:
        return None
    fmt = "xlsx" if Path(path).suffix.lower() == ".xlsx" else "csv"
    Path(path).write_bytes(analyst_file(result.scores, fmt))
    return {"path": str(path), "rows": int(len(result.scores)), "format": fmt}
