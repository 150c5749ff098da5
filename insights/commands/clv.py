"""Customer lifetime value: fit BG/NBD + Gamma-Gamma, backtest it, and list the most valuable customers.

Fits on the purchase history up to --calibration-end (default: the last purchase day), scores every customer
over --horizon-days, writes the scores into the workspace (table clv_scores) and backtests by holding out the
last part of the history. Time in the parameters is in weeks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from insights.commands._common import add_workspace_arguments, open_workspace, print_json, whole_days
from insights.predictions.clv import run_clv
from insights.predictions.clv.groups import as_records
from insights.predictions.clv.next_orders import export_next_orders, next_orders, overdue


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an annual rate such as 0.1, got {text!r}") from None
    if not 0 <= value < 10:
        raise argparse.ArgumentTypeError(f"expected an annual rate between 0 and 10 (0.1 = 10%), got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--calibration-end", type=_date, metavar="DATE",
                        help="fit on purchases up to this day (YYYY-MM-DD); default: the last purchase day")
    parser.add_argument("--horizon-days", type=whole_days, default=365, metavar="N",
                        help="how far ahead CLV looks, in days (default 365)")
    parser.add_argument("--discount", type=_rate, default=0.10, metavar="RATE",
                        help="annual discount rate, applied monthly (default 0.10 = 10%%)")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="how many top customers to list (default 10)")
    parser.add_argument("--no-backtest", action="store_true", help="skip the backtest")
    parser.add_argument("--next-orders", metavar="FILE",
                        help="write the customers overdue for their next order, most valuable first, to FILE "
                             "(.csv or .xlsx); only customers who agreed to e-mail")


def run(args) -> int:
    ws = open_workspace(args.workspace)
    try:
        result = run_clv(ws, calibration_end=args.calibration_end, horizon_days=args.horizon_days,
                         annual_discount_rate=args.discount, with_backtest=not args.no_backtest)
        written = _write_next_orders(ws, result, args.next_orders) if args.next_orders else None
        if args.json:
            print_json(dict(_as_json(result, args.top), **({"next_orders": written} if written else {})))
        else:
            _print_text(result, args.top)
            if written:
                sys.stdout.write(f"\n{written['message']}\n")
        return 0 if result.fitted or result.applicability is not None else 1
    finally:
        ws.close()


def _write_next_orders(ws, result, path: str) -> dict:
    """Write the overdue customers (consent honoured) to ``path``; what was written, for the output."""
    if not result.applies:
        return {"file": None, "written": 0, "message": "No next-order list: " + (result.reason or "no model.")}
    as_of = pd.Timestamp(result.models.calibration_end) + pd.Timedelta(days=1)
    table = next_orders(ws, result.scores, as_of)
    late = overdue(table)
    fmt = "xlsx" if path.lower().endswith(".xlsx") else "csv"
    data, kept, no_consent, no_email, suppressed = export_next_orders(ws, late, fmt)
    Path(path).write_bytes(data)
    return {"file": path, "customers": len(table), "overdue": len(late), "written": kept,
            "left_out_no_consent": no_consent, "left_out_no_email": no_email, "left_out_suppressed": suppressed,
            "message": (f"{len(late):,} of {len(table):,} customers are overdue for their next order; wrote {kept:,} "
                        f"to {path} ({no_consent:,} left out without e-mail consent, {no_email:,} without an "
                        f"address, {suppressed:,} on the suppression list).")}


def _as_json(result, top: int) -> dict:
    out = {"readiness": {"status": result.readiness.status, "message": result.readiness.message(),
                         "customers": result.readiness.customers, "repeat_buyers": result.readiness.repeat_buyers,
                         "history_days": result.readiness.history_days},
           "fitted": result.fitted, "applies": result.applies, "reason": result.reason or None,
           "applicability": result.applicability.as_dict() if result.applicability is not None else None,
           "horizon_days": result.horizon_days, "annual_discount_rate": result.annual_discount_rate}
    if result.fitted:
        m = result.models
        out.update({"params": m.params, "time_unit": "weeks" if m.time_unit_days == 7 else f"{m.time_unit_days} days",
                    "calibration_end": m.calibration_end, "customers_fitted": m.customers_fitted,
                    "repeat_customers_fitted": m.repeat_customers_fitted, "notes": m.notes,
                    "from_cache": result.from_cache})
    if result.applies:
        out.update({"total_clv": float(result.scores["clv"].sum()),
                    "top_customers": result.top_customers(top)[
                        ["customer_id", "expected_purchases", "p_alive", "expected_spend", "clv", "clv_low",
                         "clv_high", "next_order_expected_at"]],
                    "by_group": as_records(result.by_group), "by_group_headline": result.by_group_headline})
    if result.backtest is not None:
        bt = result.backtest
        out["backtest"] = {k: v for k, v in bt.as_dict().items() if k != "by_week"}
        out["backtest"]["by_week"] = bt.by_week
    elif result.backtest_error:
        out["backtest"] = {"error": result.backtest_error}
    return out


def _print_text(result, top: int) -> None:
    w = sys.stdout.write
    w(result.readiness.message() + "\n")
    if not result.fitted and result.applicability is None:
        if result.backtest_error:
            w(result.backtest_error + "\n")
        return
    if not result.applies:
        w("\n" + result.reason + "\n")
        if result.applicability.instead:
            w(f"Meanwhile you can look at {result.applicability.instead}.\n")
        return
    m = result.models
    p = m.params
    w(f"\nFitted on {m.customers_fitted:,} customers ({m.repeat_customers_fitted:,} repeat buyers), "
      f"history up to {m.calibration_end:%Y-%m-%d}{' (stored fit reused)' if result.from_cache else ''}.\n")
    w(f"  BG/NBD (time in weeks): r = {p['r']:.3f}, alpha = {p['alpha']:.3f}, a = {p['a']:.3f}, b = {p['b']:.3f}\n")
    if p["p"] is not None:
        w(f"  Gamma-Gamma: p = {p['p']:.3f}, q = {p['q']:.3f}, gamma = {p['gamma']:.3f}\n")
    for note in m.notes:
        w(f"  Note: {note}\n")
    scores = result.scores
    w(f"\nCLV over {result.horizon_days} days at {result.annual_discount_rate:.0%} a year: total "
      f"{scores['clv'].sum():,.2f}; expected repeat purchases {scores['expected_purchases'].sum():,.0f}.\n")
    if result.backtest is not None:
        w("\nBacktest\n")
        for sentence in result.backtest.sentences:
            w(f"  {sentence}\n")
    elif result.backtest_error:
        w(f"\nBacktest not run: {result.backtest_error}\n")
    if result.by_group_headline:
        w(f"\nWhere valuable customers come from: {result.by_group_headline}\n")
    w(f"\nTop {top} customers by CLV\n")
    head = result.top_customers(top)
    w(f"  {'customer':<16}{'purchases':>10}{'P(alive)':>10}{'per order':>11}{'CLV':>12}{'80% range':>24}\n")
    for row in head.itertuples():
        rng = f"{row.clv_low:,.0f}–{row.clv_high:,.0f}"
        w(f"  {str(row.customer_id):<16}{row.expected_purchases:>10.2f}{row.p_alive:>10.0%}"
          f"{row.expected_spend:>11,.2f}{row.clv:>12,.2f}{rng:>24}\n")
