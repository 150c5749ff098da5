"""A marketing spend file staged (:func:`derive_spend`) and its money accounted for (:func:`account_spend`).

* periods: a day, a week or a month per row (``Jan 2024``, ``2024-01``, ``January 2024``, an Excel date, a
  ``Month`` column holding the month's first day) or a reporting range (Meta's ``Reporting starts`` /
  ``Reporting ends``); a row's period ends on the last day it covers;
* the platform a layout belongs to (``mapping.spend_files``) and the channel label the row is counted under: the
  file's channel column, else the platform and its campaign type (``Google Ads Search``), else the platform;
* the currency: a currency column, else the one the amount's header names (``Cost (EUR)``);
* totals rows (``Total``, ``Total: Account``) and a report's copyright footer are set aside with their reason, so
  no spend is counted twice; each totals row is checked against the rows it sums.

Spend money is accounted like revenue: ``spend_read = spend_loaded + spend_rejected + spend_set_aside``, per
currency, never added across currencies.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal

import numpy as np
import pyarrow as pa

from insights.ingest.load.parse import ARROW_TYPES
from insights.ingest.load.rules import KEEP, REJECTED, SET_ASIDE
from insights.ingest.mapping.spend_files import (currency_in_header, is_footer, recognise_platform, total_label)

TOTAL_REASON = "totals row (“{label}”): the sum of other rows, not counted twice"
FOOTER_REASON = "the report's footer line, not a row of spend"

_MONTH_NAMES = {
    "jan": 1, "january": 1, "januar": 1, "janvier": 1, "enero": 1, "januari": 1, "janv": 1, "ene": 1,
    "feb": 2, "february": 2, "februar": 2, "fevrier": 2, "febrero": 2, "februari": 2, "fev": 2, "fevr": 2,
    "mar": 3, "march": 3, "marz": 3, "maerz": 3, "mrz": 3, "mars": 3, "marzo": 3, "maart": 3, "mrt": 3,
    "apr": 4, "april": 4, "avril": 4, "abril": 4, "avr": 4, "abr": 4,
    "may": 5, "mai": 5, "mayo": 5, "mei": 5,
    "jun": 6, "june": 6, "juni": 6, "juin": 6, "junio": 6,
    "jul": 7, "july": 7, "juli": 7, "juillet": 7, "julio": 7, "juil": 7,
    "aug": 8, "august": 8, "aout": 8, "agosto": 8, "augustus": 8, "ago": 8,
    "sep": 9, "sept": 9, "september": 9, "septembre": 9, "septiembre": 9, "set": 9,
    "oct": 10, "october": 10, "oktober": 10, "octobre": 10, "octubre": 10, "okt": 10,
    "nov": 11, "november": 11, "novembre": 11, "noviembre": 11,
    "dec": 12, "december": 12, "dezember": 12, "decembre": 12, "diciembre": 12, "dez": 12, "dic": 12,
}
_NAMED_MONTH = re.compile(r"^([^\W\d_]+)\.?[\s\-'/,.]*(\d{4}|\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_MONTH_HEADERS = ("month", "monat", "mes", "mois", "maand")
_WEEK_HEADERS = ("week", "woche", "semaine", "semana")


def month_start(text: str | None) -> dt.date | None:
    """The first day of a month written as a month: ``Jan 2024``, ``January 2024``, ``2024-01``, ``01/2024``,
    ``Mär 24``; None for anything else."""
    if text is None:
        return None
    value = str(text).strip()
    found = _YEAR_MONTH.match(value)
    if found:
        year, month = int(found[1]), int(found[2])
    elif (found := _MONTH_YEAR.match(value)):
        month, year = int(found[1]), int(found[2])
    elif (found := _NAMED_MONTH.match(value)):
        name = found[1].lower().translate(str.maketrans("äéû", "aeu"))
        month = _MONTH_NAMES.get(name, 0)
        year = int(found[2]) + (2000 if len(found[2]) == 2 else 0)
    else:
        return None
    return dt.date(year, month, 1) if 1 <= month <= 12 and 1900 < year < 2200 else None


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def derive_spend(plan, report, staged, raw_columns) -> None:
    """The spend rows' periods, platform, channel label, currency and set-aside rows (in place)."""
    cols, n = staged.columns, staged.n
    _periods(plan, report, staged, raw_columns)
    platform = recognise_platform(plan.columns)
    if platform:
        report.notes.append(f"Layout recognised: {platform} export.")
        filled = np.asarray(cols["f_platform"].is_null().to_numpy(zero_copy_only=False))
        cols["f_platform"] = pa.array([platform if empty else p for empty, p in
                                       zip(filled, cols["f_platform"].to_pylist())], pa.string())
    label = []
    for channel, plat, ctype in zip(cols["f_channel"].to_pylist(), cols["f_platform"].to_pylist(),
                                    cols["f_campaign_type"].to_pylist()):
        label.append(channel or (f"{plat} {ctype}" if plat and ctype else plat))
    cols["f_channel"] = pa.array(label, pa.string())
    cols["f_channel_label"] = pa.array(label, pa.string())     # as the file says it, before labels are merged
    amount_idx = plan.mapping.get("amount")
    named = currency_in_header(plan.columns[amount_idx])[1] if amount_idx is not None else None
    if named:
        given = cols["f_currency"].to_pylist()
        cols["f_currency"] = pa.array([c or named for c in given], pa.string())
        if plan.mapping.get("currency") is None:
            report.notes.append(f"Amounts are in {named}, as the header “{plan.columns[amount_idx]}” says.")
    cols["f_currency"] = pa.array([c.strip().upper() if c else None for c in cols["f_currency"].to_pylist()],
                                  pa.string())
    if plan.mapping.get("currency") is None and not named:
        report.notes.append("The file does not say its currency: its spend is taken to be in the shop's "
                            "currency.")
    total = np.zeros(n, dtype=bool)
    for i, cells in enumerate(zip(*(c.to_pylist() for c in raw_columns))):
        if is_footer(cells):
            staged.preset_aside[i] = FOOTER_REASON
            continue
        said = total_label(cells)
        if said:
            staged.preset_aside[i] = TOTAL_REASON.format(label=said)
            total[i] = True
    cols["_total"] = pa.array(total, pa.bool_())
    # spend names no customer: empty keys, so that identity resolution passes over these rows
    cols["f_customer_id"] = pa.nulls(n, pa.string())
    cols["f_email"] = pa.nulls(n, pa.string())


def _periods(plan, report, staged, raw_columns) -> None:
    """Each row's first and last day; months written as months (``Jan 2024``) read here, the rest by the shared
    date reader; unreadable periods stay marked bad (the row is rejected with its reason)."""
    cols, n = staged.columns, staged.n
    idx = plan.mapping.get("period_start")
    if idx is None:
        return
    header = re.sub(r"[^a-z]", "", plan.columns[idx].lower())
    by_header = ("month" if any(w in header for w in _MONTH_HEADERS) else
                 "week" if any(w in header for w in _WEEK_HEADERS) else "day")
    starts = cols["f_period_start"].to_pylist()
    bad = staged.bad["period_start"].copy()
    grain = [by_header] * n
    months = 0
    texts = raw_columns[idx].to_pylist()
    for i in np.flatnonzero(bad):
        first = month_start(texts[i])
        if first is not None:
            starts[i] = dt.datetime.combine(first, dt.time())
            grain[i] = "month"
            bad[i] = False
            months += 1
    if months:
        report.date_formats[plan.columns[idx]] = "month (Jan 2024, 2024-01)"
    ends = cols["f_period_end"].to_pylist() if plan.mapping.get("period_end") is not None else [None] * n
    out_ends = []
    for start, end, g in zip(starts, ends, grain):
        if start is None or end is not None:
            out_ends.append(end)
        elif g == "month":
            out_ends.append(dt.datetime.combine(_month_end(start.date()), dt.time()))
        elif g == "week":
            out_ends.append(start + dt.timedelta(days=6))
        else:
            out_ends.append(start)
    cols["f_period_start"] = pa.array(starts, ARROW_TYPES["date"])
    cols["f_period_end"] = pa.array(out_ends, ARROW_TYPES["date"])
    staged.bad["period_start"] = bad
    # a period that ends before it starts cannot be right
    backwards = np.array([s is not None and e is not None and e < s for s, e in zip(starts, out_ends)])
    staged.bad["period_end"] = staged.bad["period_end"] | backwards
    grains = {g for g, s in zip(grain, starts) if s is not None}
    if plan.mapping.get("period_end") is None and grains:
        report.notes.append("Each row is the spend of one " + " or ".join(sorted(grains)) + ".")


def account_spend(con, report) -> None:
    """Spend read, loaded, rejected and set aside (``_incoming``), per currency where loaded; asserts that the
    money adds up to the cent and that totals rows match the rows they sum."""
    rows = con.execute("""select coalesce(sum(f_amount), 0),
            coalesce(sum(f_amount) filter (where _state = $keep), 0),
            coalesce(sum(f_amount) filter (where _state = $rejected), 0),
            coalesce(sum(f_amount) filter (where _state = $aside), 0)
        from _incoming""", {"keep": KEEP, "rejected": REJECTED, "aside": SET_ASIDE}).fetchall()[0]
    report.spend_read, report.spend_loaded, report.spend_rejected, report.spend_set_aside = (Decimal(v) for v in rows)
    if report.spend_read != report.spend_loaded + report.spend_rejected + report.spend_set_aside:
        raise AssertionError(f"spend accounting broken for {report.name}: {report}")
    by_currency = con.execute("""select coalesce(f_currency, ''), sum(f_amount), count(*) from _incoming
        where _state = $keep group by 1 order by 2 desc""", {"keep": KEEP}).fetchall()
    report.spend_by_currency = {c or "not stated": float(v) for c, v, _ in by_currency}
    report.currency = by_currency[0][0] or None if by_currency else None
    if len(by_currency) > 1:
        report.warnings.append("Spend in several currencies (" + ", ".join(
            f"{float(v):,.2f} {c or '(not stated)'}" for c, v, _ in by_currency)
            + "): amounts in different currencies are never added together.")
    _check_totals(con, report)


def _check_totals(con, report) -> None:
    """Each totals row against the spend kept in its currency: a note when the first one matches, a warning
    when it does not (the rows above may be a part of the report only)."""
    totals = con.execute("""select _row, f_amount, coalesce(f_currency, '') from _incoming
        where _state = $aside and _total and f_amount is not null order by _row""", {"aside": SET_ASIDE}).fetchall()
    if not totals:
        return
    kept = {c: Decimal(v) for c, v in con.execute("""select coalesce(f_currency, ''), sum(f_amount) from _incoming
        where _state = $keep group by 1""", {"keep": KEEP}).fetchall()}
    row, amount, currency = totals[0]
    if not currency and len(kept) == 1:        # a totals row that leaves the currency blank (Microsoft Advertising)
        currency = next(iter(kept))
    ours = kept.get(currency, Decimal(0))
    shown = f"{Decimal(amount):,.2f}{' ' + currency if currency else ''}"
    if Decimal(amount) == ours:
        report.notes.append(f"The totals row (row {row:,}: {shown}) equals the spend loaded from the rows above, "
                            "to the cent.")
    elif len(totals) == 1:
        report.warnings.append(f"The totals row (row {row:,}) says {shown}, the rows loaded add up to "
                               f"{ours:,.2f}: check that the file is complete.")
