"""Print the KPI scorecard: the KPI stack per week, month or quarter.

Per period: active customers, new customers, orders, net revenue, AOV and the rest of the KPI stack
(definitions: insights/performance/kpis/table.py). With --json, a list with one object per period; money is in
its ``currency`` (the reporting currency), and ``left_out`` lists the order lines of another currency without a
rate (currency, order_lines, amount) that the period's money leaves out.
"""

from __future__ import annotations

import argparse

from insights.charts.kpis import format_value
from insights.commands._common import add_workspace_arguments, open_workspace, print_json
from insights.core import currency as currencies
from insights.performance import kpis

TEXT_COLUMNS = ("period", "customers_active", "new_customers", "orders", "net_revenue", "aov",
                "retention", "repeat_purchase_rate")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--period", choices=kpis.PERIODS, default="month", help="period length (default month)")
    parser.add_argument("--start", metavar="DATE", help="first day to show (YYYY-MM-DD)")
    parser.add_argument("--end", metavar="DATE", help="last day to show (YYYY-MM-DD)")


def run(args: argparse.Namespace) -> int:
    ws = open_workspace(args.workspace)
    try:
        try:
            table = kpis.kpi_table(ws, args.period, start=args.start, end=args.end)
        except ValueError as exc:
            raise SystemExit(f"kpis: {exc}") from None
        money = currencies.currency_state(ws)
        if args.json:
            out = table.drop(columns=["bucket"])
            left_out = currencies.left_out_by_period(ws, args.period)
            records = out.to_dict(orient="records")
            for rec in records:
                rec["currency"] = money.reporting
                rec["left_out"] = left_out.get(str(rec["period"])[:10], [])
            print_json(records)
            return 0
        currency = kpis.workspace_currency(ws)
        rows = []
        for rec in table.to_dict(orient="records"):
            rows.append([str(rec["period"])] + [
                format_value(rec[c], kpis.KPI_DEFINITIONS[c][1], currency) for c in TEXT_COLUMNS[1:]])
        headers = ["period"] + [kpis.KPI_DEFINITIONS[c][0] for c in TEXT_COLUMNS[1:]]
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
        print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
        for r in rows:
            print("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths))))
        if money.sentence():
            print(money.sentence())
        return 0
    finally:
        ws.close()
