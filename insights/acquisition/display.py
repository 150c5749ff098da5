"""The channel table as the Acquisition page shows it: money and ratios as text in the owner's words, an empty
cell where a value does not apply (no spend: no CAC, no payback), never "None"."""

from __future__ import annotations

import pandas as pd

from insights.acquisition.cac import Acquisition
from insights.core.money import format_money

SHOWN = {"channel": "Channel", "spend": "Spend", "new_customers": "New customers", "cac": "Cost per new customer",
         "value": "Value per customer", "value_range": "Likely range", "ltv_cac": "Value ÷ cost",
         "payback": "Paid back in (months)", "roas": "Revenue per 1 spent"}


def channel_table(result: Acquisition) -> pd.DataFrame:
    """One row per channel, columns :data:`SHOWN` (renamed; no likely range without predictions), every cell text
    or a whole number."""
    cur = result.currency
    rows = []
    for r in result.channels.itertuples(index=False):
        paid = pd.notna(r.cac)
        if pd.notna(r.payback_months):
            payback = f"{int(r.payback_months)}" + (" (predicted)" if r.payback_predicted else "")
        else:
            payback = "not yet" if paid else ""
        rows.append({
            "channel": r.channel, "spend": format_money(r.spend, cur), "new_customers": int(r.new_customers),
            "cac": format_money(r.cac, cur, 2) if paid else "no spend",
            "value": format_money(r.clv, cur) if pd.notna(r.clv) else "",
            "value_range": (f"{format_money(r.clv_low, cur)} – {format_money(r.clv_high, cur)}"
                            if result.value_source == "predicted" and pd.notna(r.clv_low) else ""),
            "ltv_cac": f"{r.ltv_cac:.1f}×" if pd.notna(r.ltv_cac) else "",
            "payback": payback,
            "roas": f"{r.roas:.2f}" if pd.notna(r.roas) else ""})
    table = pd.DataFrame(rows, columns=list(SHOWN))
    if result.value_source != "predicted":      # realised value has no range
        table = table.drop(columns=["value_range"])
    return table.rename(columns=SHOWN)
