"""What a customer costs, per acquisition channel: :func:`acquisition` → :class:`Acquisition`.

* New customers: acquired in the month of their first order, by the CRM's acquisition channel, else the first
  order's channel (``sql/queries/acquisition/new_customers.sql``); how many came by each rule, and how many had no
  channel (they count in the blended CAC only), is said.
* Spend: spread over calendar months by days (``acquisition.spend``), each label sent to a shop channel
  (``acquisition.channels``). Spend in the orders' currency only — a spend row without a currency is taken to be in
  it — other currencies are reported, never added. Spend in months outside the orders' span is reported and left
  out (no customer could have come from it in the data).
* Over whole months from ``since`` to ``until`` (default: every month of the orders): per channel spend, new
  customers, CAC = spend ÷ new customers, value per customer (predicted with its interval, or realised), LTV:CAC,
  payback month and ROAS (revenue the channel's new customers brought so far ÷ its spend); blended CAC (all spend ÷
  all new customers, organic included) beside paid CAC (spend matched to a channel ÷ those channels' new
  customers); per month and channel; spend whose label matches no channel that acquired anyone, by label.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from insights.acquisition import channels as channel_map
from insights.acquisition.payback import (cumulative_margin, customer_values, margin_label, payback_months)
from insights.acquisition.spend import monthly_spend
from insights.core.db import first_row, query_df, sql_text
from insights.core.margin import shop_margin_rate
from insights.core.money import format_money

NO_CHANNEL = "(no channel)"
CHANNEL_COLUMNS = ["channel", "spend", "new_customers", "cac", "clv", "clv_low", "clv_high", "ltv_cac",
                   "payback_months", "payback_predicted", "roas"]
MONTH_COLUMNS = ["month", "channel", "spend", "new_customers", "cac"]


@dataclass
class Acquisition:
    """Cost beside value per channel (see the module docstring). Money in ``currency``; frames as listed in
    :data:`CHANNEL_COLUMNS` and :data:`MONTH_COLUMNS`."""
    currency: str | None
    since: dt.date | None
    until: dt.date | None
    channels: pd.DataFrame
    blended: dict
    paid: dict
    by_month: pd.DataFrame
    unmatched_spend: list[dict]
    mapping: list[channel_map.ChannelChoice]
    channel_rule: dict[str, int]
    value_source: str                 # "predicted" (stored CLV scores) or "realised"
    margin: str                       # "revenue-based (no costs known)" or "gross margin 40%"
    notes: list[str] = field(default_factory=list)
    has_spend: bool = False
    # one row per new customer in the range: customer_id, month, channel, value (before margin) — for the spread
    # of value within a channel (the feed's budget comparison)
    customers: pd.DataFrame | None = None

    def to_dict(self) -> dict:
        def records(frame):
            return [{k: _whole(v) if k in ("new_customers", "payback_months") else _plain(v) for k, v in row.items()}
                    for row in frame.to_dict("records")]
        return {"channels": records(self.channels), "blended": {k: _plain(v) for k, v in self.blended.items()},
                "by_month": records(self.by_month), "unmatched_spend": self.unmatched_spend,
                "paid": {k: _plain(v) for k, v in self.paid.items()}, "currency": self.currency,
                "since": _plain(self.since), "until": _plain(self.until), "channel_rule": self.channel_rule,
                "value_source": self.value_source, "margin": self.margin,
                "channel_map": [{"label": c.label, "channel": c.channel, "rule": c.rule} for c in self.mapping],
                "notes": self.notes}

    def headline(self) -> str:
        """One sentence per paid channel, most spend first: what its customers cost, bring back, and when they
        paid back."""
        paid = self.channels[self.channels["cac"].notna()].sort_values("spend", ascending=False)
        parts = []
        for i, row in enumerate(paid.head(3).itertuples(index=False)):
            cac = format_money(row.cac, self.currency)
            worth = format_money(row.clv, self.currency)
            if row.payback_months is None or pd.isna(row.payback_months):
                back = "not paid back yet"
            else:
                n = int(row.payback_months)
                back = (f"paid back in {n} month{'s' if n != 1 else ''}"
                        + (" (predicted)" if row.payback_predicted else ""))
            brings = "are expected to bring" if self.value_source == "predicted" else "have brought"
            if i == 0:
                parts.append(f"{row.channel} customers cost {cac} and {brings} {worth} each: {back}.")
            else:
                parts.append(f"{row.channel}: {cac}, {back}.")
        return " ".join(parts)


def _plain(value):
    if isinstance(value, Decimal):
        return round(float(value), 2)
    if isinstance(value, float):
        return None if pd.isna(value) else round(value, 2)
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).date().isoformat()
    if hasattr(value, "item"):          # numpy scalars
        value = value.item()
        return None if isinstance(value, float) and pd.isna(value) else value
    return value


def _whole(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _month(value) -> dt.date | None:
    return None if value is None else pd.Timestamp(value).date().replace(day=1)


def _month_text(month: dt.date) -> str:
    return pd.Timestamp(month).strftime("%b %Y")


def acquisition(ws, since=None, until=None, margin_rate: float | None = None) -> Acquisition:
    """Cost beside value per channel over the whole months from ``since`` to ``until`` (see the module docstring).
    ``margin_rate``: the share of revenue that is gross margin; None = the shop's own margin where costs are known
    (:func:`insights.core.margin.shop_margin_rate`: a catalog's unit costs, margin %s or the default margin), else
    revenue-based (said in ``margin``)."""
    if margin_rate is None:
        margin_rate = shop_margin_rate(ws)
    span = first_row(ws.con.execute(sql_text("queries/acquisition/orders_span.sql")))
    first_month, last_month, currency = (span or (None, None, None))
    notes: list[str] = []
    months_spend = monthly_spend(ws)
    has_spend = len(months_spend) > 0
    start = _month(since) or (_month(first_month) if first_month else None)
    end = _month(until) or (_month(last_month) if last_month else None)
    if first_month is None or start is None or end is None or start > end:
        empty = Acquisition(currency, start, end, pd.DataFrame(columns=CHANNEL_COLUMNS),
                            {"spend": 0.0, "new_customers": 0, "cac": None}, {"spend": 0.0, "new_customers": 0,
                                                                             "cac": None},
                            pd.DataFrame(columns=MONTH_COLUMNS), [], [], {}, "realised", margin_label(margin_rate),
                            ["No orders in this range: nobody was acquired."], has_spend)
        return empty
    first_month, last_month = _month(first_month), _month(last_month)
    new = query_df(ws.con, "queries/acquisition/new_customers.sql")
    new["month"] = pd.to_datetime(new["month"]).dt.date
    in_range = new[(new["month"] >= start) & (new["month"] <= end)].copy()
    rule = {"crm": int((in_range["channel_rule"] == "crm").sum()),
            "first_order": int((in_range["channel_rule"] == "first_order").sum()),
            "none": int(in_range["channel_rule"].isna().sum())}
    notes.append(_rule_sentence(rule))
    spend, currency = _spend_in_scope(months_spend, currency, first_month, last_month, start, end, notes)
    shop = in_range["channel"].dropna().value_counts().index.tolist()
    labels = sorted({lbl for lbl in months_spend["label"].dropna()}) if has_spend else []
    choices = channel_map.choose(labels, shop + sorted(set(new["channel"].dropna()) - set(shop)),
                                 channel_map.saved_map(ws))
    spend["channel"] = spend["label"].map(lambda lbl: choices[lbl].channel if lbl in choices else None)
    counts = in_range["channel"].value_counts()
    # a boolean Series even when empty: an empty object Series would select columns, not rows
    acquired_by = spend["channel"].map(lambda c: c is not None and counts.get(c, 0) > 0).astype(bool)
    matched, unmatched = spend[acquired_by], spend[~acquired_by]
    unmatched_spend = [{"label": lbl if lbl is not None else NO_CHANNEL, "spend": _plain(Decimal(amount))}
                       for lbl, amount in unmatched.groupby(unmatched["label"].fillna(NO_CHANNEL))["spend"]
                       .sum().sort_values(ascending=False).items()]
    for item in unmatched_spend:
        choice = choices.get(item["label"])
        why = (f"it goes to “{choice.channel}”, which acquired no customer in these months" if choice and
               choice.channel else "it matches none of the shop's acquisition channels")
        notes.append(f"Spend labelled “{item['label']}” ({format_money(item['spend'], currency, 2)}) is not in any "
                     f"channel's CAC: {why}. It counts in the blended CAC.")
    values, value_source = customer_values(ws, in_range)
    in_range = in_range.merge(values[["customer_id", "value", "value_low", "value_high", "future"]],
                              on="customer_id", how="left")
    customer_months = query_df(ws.con, "queries/acquisition/customer_months.sql")
    rows = []
    for channel in sorted(set(matched["channel"]) | set(shop), key=lambda c: -float(
            matched.loc[matched["channel"] == c, "spend"].sum() or 0)):
        rows.append(_channel_row(channel, matched, in_range, customer_months, last_month, margin_rate))
    channels = pd.DataFrame(rows, columns=CHANNEL_COLUMNS)
    for col in ("spend", "cac", "clv", "clv_low", "clv_high", "ltv_cac", "payback_months", "roas"):
        channels[col] = pd.to_numeric(channels[col], errors="coerce")      # None → NaN: a number column
    total_spend = Decimal(sum(spend["spend"], Decimal(0)))
    paid_spend = Decimal(sum(matched["spend"], Decimal(0)))
    paid_new = int(in_range["channel"].isin(set(matched["channel"])).sum())
    # without any spend file, "what a customer cost" is unknown, not zero
    blended = {"spend": _plain(total_spend), "new_customers": int(len(in_range)),
               "cac": _ratio(total_spend, len(in_range)) if has_spend else None}
    paid = {"spend": _plain(paid_spend), "new_customers": paid_new,
            "cac": _ratio(paid_spend, paid_new) if has_spend else None}
    by_month = _by_month(matched, in_range)
    if value_source == "realised":
        notes.append("Customer value is what they bought so far (realised): no current predictions are stored — "
                     "run the customer value predictions to see expected value.")
    if margin_rate is None:
        notes.append("Margins are revenue-based: without product costs, payback and LTV:CAC count revenue.")
    until_day = (pd.Timestamp(end) + pd.offsets.MonthEnd(0)).date()
    return Acquisition(currency, start, until_day, channels, blended, paid, by_month, unmatched_spend,
                       list(choices.values()), rule, value_source, margin_label(margin_rate), notes, has_spend,
                       in_range[["customer_id", "month", "channel", "value"]].reset_index(drop=True))


def _ratio(amount: Decimal, count: int) -> float | None:
    return round(float(amount) / count, 2) if count else None


def _rule_sentence(rule: dict[str, int]) -> str:
    total = sum(rule.values())
    text = (f"{total:,} new customer{'s' if total != 1 else ''}: channel from the customer list for {rule['crm']:,}, "
            f"from the first order's channel for {rule['first_order']:,}")
    if rule["none"]:
        text += f"; {rule['none']:,} had no channel (counted in the blended CAC only)"
    return text + "."


def _spend_in_scope(months_spend: pd.DataFrame, currency, first_month, last_month, start, end,
                    notes: list[str]) -> tuple[pd.DataFrame, str | None]:
    """(The spend counted — in the orders' currency or none stated, inside the orders' months and the range —,
    the currency of the money shown)."""
    if not len(months_spend):
        return months_spend.assign(channel=None), currency
    frame = months_spend.copy()
    other = frame[frame["currency"].notna() & (frame["currency"] != currency)]
    if currency is None and len(other):
        # the orders do not say their currency: they are taken to be in the currency of most of the spend
        currency = other.groupby("currency")["spend"].sum().sort_values(ascending=False).index[0]
        notes.append(f"The orders do not say their currency: taken to be {currency}, the spend's.")
        other = frame[frame["currency"].notna() & (frame["currency"] != currency)]
    for cur, amount in other.groupby("currency")["spend"].sum().items():
        notes.append(f"{format_money(amount, cur, 2)} of spend is in {cur}, not in the orders' currency "
                     f"({currency or 'not stated'}): left out, as amounts in different currencies are never added.")
    frame = frame.drop(other.index)
    outside = frame[(frame["month"] < first_month) | (frame["month"] > last_month)]
    if len(outside):
        months = sorted(set(outside["month"]))
        notes.append(f"{format_money(sum(outside['spend'], Decimal(0)), currency, 2)} of spend falls in "
                     f"{', '.join(_month_text(m) for m in months)}, outside the months the orders cover "
                     f"({_month_text(first_month)} – {_month_text(last_month)}): left out of every CAC.")
    frame = frame.drop(outside.index)
    return frame[(frame["month"] >= start) & (frame["month"] <= end)].copy(), currency


def _channel_row(channel, matched, in_range, customer_months, last_month, margin_rate) -> list:
    spend = Decimal(sum(matched.loc[matched["channel"] == channel, "spend"], Decimal(0)))
    people = in_range[in_range["channel"] == channel]
    n = len(people)
    cac = _ratio(spend, n) if spend > 0 else None
    rate = 1.0 if margin_rate is None else margin_rate
    clv = float(people["value"].mean()) * rate if n else None
    low = float(people["value_low"].mean()) * rate if n else None
    high = float(people["value_high"].mean()) * rate if n else None
    curve = cumulative_margin(people[["customer_id", "month"]], customer_months, last_month, margin_rate)
    future = float(people["future"].mean()) if n else None
    months, predicted = payback_months(cac, curve, future, margin_rate)
    revenue = float(people["net_revenue"].astype(float).sum())
    return [channel, _plain(spend), n, cac, clv, low, high,
            round(clv / cac, 2) if cac and clv is not None else None, months, predicted,
            round(revenue / float(spend), 2) if spend > 0 else None]


def _by_month(matched: pd.DataFrame, in_range: pd.DataFrame) -> pd.DataFrame:
    spend = matched.groupby(["month", "channel"])["spend"].sum()
    paid_channels = set(matched["channel"])
    people = in_range[in_range["channel"].isin(paid_channels)].groupby(["month", "channel"]).size()
    keys = sorted(set(spend.index) | set(people.index))
    rows = []
    for month, channel in keys:
        amount = Decimal(spend.get((month, channel), Decimal(0)))
        n = int(people.get((month, channel), 0))
        rows.append([month, channel, _plain(amount), n, _ratio(amount, n) if amount > 0 else None])
    return pd.DataFrame(rows, columns=MONTH_COLUMNS)
