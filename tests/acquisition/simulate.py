"""A simulated shop whose channels have planted costs per new customer, written as the files a shop has: a customer
list (CRM acquisition channel), an orders file, and its spend as three layouts whose labels differ from the CRM's —
Paid Social's spend as a Meta Ads Manager export (``Meta Ads``), Paid Search's as a Google Ads daily campaign report
(``Google Ads`` Search campaigns, with title and totals rows), Influencer's as a hand-made monthly sheet
(``influencers``). Organic customers cost nothing. Spend per channel and month = planted CAC × that month's new
customers, to the cent, so ``cac`` must give the planted CAC back."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np

PLANTED_CAC = {"Paid Social": Decimal("36.00"), "Paid Search": Decimal("51.00"), "Influencer": Decimal("80.00")}
CHANNELS = ("Paid Social", "Paid Search", "Influencer", "Organic")
MONTHS = [dt.date(2024, m, 1) for m in range(1, 7)]


def simulate(folder: Path, seed: int = 7) -> dict:
    """Write customers.csv, orders.csv, meta_ads.csv, google_ads.csv and budget.csv into ``folder``; returns the
    truth: new customers and spend per channel."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    customers, orders, truth = [], [], {c: {"new": 0, "spend": Decimal(0)} for c in CHANNELS}
    spend = {}          # (channel, month) -> Decimal
    order_no = 1000
    for month in MONTHS:
        days = calendar.monthrange(month.year, month.month)[1]
        for channel in CHANNELS:
            n = int(rng.integers(8, 20))
            truth[channel]["new"] += n
            if channel in PLANTED_CAC:
                spend[(channel, month)] = PLANTED_CAC[channel] * n
                truth[channel]["spend"] += PLANTED_CAC[channel] * n
            for _ in range(n):
                cid = f"C{len(customers) + 1:04d}"
                customers.append([cid, f"{cid.lower()}@example.com", channel, month.isoformat()])
                first = month + dt.timedelta(days=int(rng.integers(0, days)))
                when = [first]
                while rng.random() < 0.45:        # later orders, a month or two apart
                    when.append(when[-1] + dt.timedelta(days=int(rng.integers(25, 70))))
                for day in when:
                    if day > dt.date(2024, 6, 30):
                        break
                    order_no += 1
                    price = Decimal(int(rng.integers(2500, 9000))) / 100
                    orders.append([f"#{order_no}", cid, day.isoformat(), 1, f"{price:.2f}"])
    _write(folder / "customers.csv", ["Customer ID", "Email", "Acquisition channel", "Signup date"], customers)
    _write(folder / "orders.csv", ["Order ID", "Customer ID", "Order date", "Quantity", "Unit price"], orders)
    _meta(folder / "meta_ads.csv", spend)
    _google(folder / "google_ads.csv", spend)
    _sheet(folder / "budget.csv", spend)
    return truth


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(rows)


def _meta(path: Path, spend: dict) -> None:
    """Paid Social: one row per campaign and month, the month's spend split 60/40 over two campaigns."""
    rows = []
    for (channel, month), amount in sorted(spend.items()):
        if channel != "Paid Social":
            continue
        end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        first = (amount * Decimal("0.6")).quantize(Decimal("0.01"))
        for name, part in (("Prospecting", first), ("Retargeting", amount - first)):
            rows.append([month.isoformat(), end.isoformat(), name, "Website purchases", "12", "20000", f"{part:.2f}"])
    _write(path, ["Reporting starts", "Reporting ends", "Campaign name", "Result type", "Results", "Impressions",
                  "Amount spent (EUR)"], rows)


def _google(path: Path, spend: dict) -> None:
    """Paid Search: a daily report — each month's spend spread over its days in cents — with title and totals rows."""
    rows, total = [], Decimal(0)
    for (channel, month), amount in sorted(spend.items()):
        if channel != "Paid Search":
            continue
        days = calendar.monthrange(month.year, month.month)[1]
        cents = int(amount * 100)
        for d in range(days):
            part = Decimal(cents // days + (1 if d < cents % days else 0)) / 100
            rows.append([(month + dt.timedelta(days=d)).isoformat(), "Koffie zoekwoorden", "Search", "EUR",
                         f"{part:,.2f}", "1500", "80", "1.00"])
            total += part
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Campaign report"])
        out.writerow(["January 1, 2024 - June 30, 2024"])
        out.writerow(["Day", "Campaign", "Campaign type", "Currency code", "Cost", "Impr.", "Clicks", "Conversions"])
        out.writerows(rows)
        out.writerow(["Total: Account", "", "", "EUR", f"{total:,.2f}", "", "", ""])


def _sheet(path: Path, spend: dict) -> None:
    """Influencer: the owner's monthly sheet, months as ``Jan 2024``, the channel as ``influencers``."""
    rows = [[month.strftime("%b %Y"), "influencers", "Koffie met Sanne", f"{amount:.2f}"]
            for (channel, month), amount in sorted(spend.items()) if channel == "Influencer"]
    total = sum((spend[k] for k in spend if k[0] == "Influencer"), Decimal(0))
    _write(path, ["Month", "Channel", "Campaign", "Spend"], rows + [["Total", "", "", f"{total:.2f}"]])
