"""Marketing spend files (the ``spend`` kind): the headers each field is written as, how strongly they say "spend",
the ad platform a layout belongs to (Google Ads, Meta Ads Manager, Microsoft Advertising), the currency a header
names (``Cost (EUR)``, ``Amount spent (EUR)``) and the rows that are no spend of their own (a totals row, a
report's copyright footer).

A spend file has dates and amounts but names no customer and no order, which is what tells it from an orders file:
its evidence comes from campaign, impressions, clicks and reporting-period columns, never from a date or an
amount alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

# normalised header (letters and digits, lower case) -> field; earlier synonyms win
SPEND_SYNONYMS: dict[str, tuple[str, ...]] = {
    "period_start": ("reportingstarts", "month", "day", "date", "week", "weekmonsun", "weeksunsat", "timeperiod",
                     "startdate", "periodstart", "period", "gregoriandate", "monat", "mes", "mois", "maand",
                     "datum", "fecha", "tag"),
    "period_end": ("reportingends", "periodend", "reportingend", "periodenddate"),
    "platform": ("platform", "adplatform", "adnetwork", "publisherplatform", "plattform"),
    "channel": ("channel", "marketingchannel", "acquisitionchannel", "medium", "source", "kanal", "canal"),
    "campaign": ("campaign", "campaignname", "kampagne", "campana", "campagne", "campagnenaam"),
    "campaign_type": ("campaigntype", "advertisingchanneltype", "campaignsubtype"),
    "amount": ("spend", "cost", "amountspent", "spent", "adspend", "totalspend", "totalcost", "costs", "amount",
               "kosten", "ausgaben", "gasto", "cout", "marketingspend", "budget"),
    "currency": ("currencycode", "currency", "accountcurrency", "waehrung", "wahrung", "moneda", "devise"),
    "clicks": ("clicks", "linkclicks", "clicksall", "klicks"),
    "impressions": ("impressions", "impr", "impressionen"),
    "conversions": ("conversions", "conv", "results", "purchases", "allconv", "konversionen"),
}

# how strongly a recognised field says "this is a spend file": a date, a channel or an amount says nothing alone
# (orders have them too); a header that can only mean spend does (:func:`spend_votes`)
SPEND_EVIDENCE = {"period_end": 3, "platform": 2, "campaign": 3, "campaign_type": 3, "clicks": 3,
                  "impressions": 3, "conversions": 2}
_SPEND_ONLY_HEADERS = frozenset({"spend", "amountspent", "adspend", "marketingspend", "totalspend", "spent",
                                 "adcost", "adcosts", "mediaspend", "werbekosten", "werbeausgaben"})


def spend_votes(headers: Sequence[str]) -> dict[str, int]:
    """Evidence for the spend kind that no single field gives: a header that can only name spend (3) and a
    ``Month`` column beside it (1)."""
    plain = {_plain(currency_in_header(h)[0]) for h in headers}
    if not plain & _SPEND_ONLY_HEADERS:
        return {}
    return {"spend": 3 + bool(plain & {"month", "monat", "mes", "mois", "maand"})}

# a currency written after a header: "Cost (EUR)", "Amount spent [USD]"
_CURRENCY_IN_HEADER = re.compile(r"^(.*?)\s*[(\[]\s*([A-Z]{3})\s*[)\]]\s*$")


def currency_in_header(header: str) -> tuple[str, str | None]:
    """(the header without its currency, the currency) — ``'Cost (EUR)'`` → ``('Cost', 'EUR')``."""
    found = _CURRENCY_IN_HEADER.match(str(header or "").strip())
    if found and found[1]:
        return found[1], found[2]
    return str(header or ""), None


@dataclass(frozen=True)
class Platform:
    """An ad platform's export, recognised by its headers (normalised, currency dropped)."""
    name: str
    any_of: tuple[frozenset, ...]      # any one of these header sets, all present, recognises it


PLATFORMS = (
    Platform("Meta Ads", (frozenset({"reportingstarts", "amountspent"}), frozenset({"reportingstarts",
                                                                                   "reportingends"}))),
    Platform("Microsoft Ads", (frozenset({"timeperiod", "spend"}), frozenset({"accountname", "campaignname",
                                                                             "spend", "currencycode"}))),
    Platform("Google Ads", (frozenset({"impr", "cost"}), frozenset({"campaign", "cost", "currencycode"}),
                            frozenset({"campaign", "campaigntype", "cost"}))),
)


def recognise_platform(headers: Sequence[str]) -> str | None:
    """The ad platform whose export these headers are (``'Google Ads'`` …), or None (a hand-made sheet)."""
    names = {_plain(currency_in_header(h)[0]) for h in headers}
    for platform in PLATFORMS:
        if any(need <= names for need in platform.any_of):
            return platform.name
    return None


def header_currency(headers: Sequence[str], amount_column: int | None) -> str | None:
    """The currency the amount's header names (``Cost (EUR)``), else None."""
    if amount_column is None or amount_column >= len(headers):
        return None
    return currency_in_header(headers[amount_column])[1]


def map_spend_headers(headers: Sequence[str]) -> dict[str, tuple[int, int]]:
    """field -> (column index, rank of the synonym) for a spend file, headers compared without their currency."""
    plain = [_plain(currency_in_header(h)[0]) for h in headers]
    found: dict[str, tuple[int, int]] = {}
    taken: set[int] = set()
    candidates = sorted((rank, idx, fld) for fld, names in SPEND_SYNONYMS.items()
                        for rank, name in enumerate(names) for idx, h in enumerate(plain) if h and h == name)
    for rank, idx, fld in candidates:
        if fld in found or idx in taken:
            continue
        found[fld] = (idx, rank)
        taken.add(idx)
    return found


# a row that sums others: "Total", "Total: Account", "Totals", "Grand total", "Summe", "Gesamt", "Totaal"
_TOTAL_WORDS = re.compile(r"^\s*(grand\s+)?(totals?|sum|summe|gesamt(summe)?|totaal|totale?|insgesamt)\b", re.I)
_FOOTER = re.compile(r"^\s*(©|\(c\)|copyright\b)|all rights reserved", re.I)


def total_label(cells: Sequence[str | None]) -> str | None:
    """The text that makes a row a totals row (its first cell saying total), or None."""
    for cell in cells:
        if cell is not None and str(cell).strip():
            return str(cell).strip() if _TOTAL_WORDS.match(str(cell)) else None
    return None


def is_footer(cells: Sequence[str | None]) -> bool:
    """A report's copyright line (Microsoft Advertising ends its reports with one)."""
    filled = [str(c) for c in cells if c is not None and str(c).strip()]
    return len(filled) == 1 and bool(_FOOTER.search(filled[0]))


def _plain(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(header or "").lower())
