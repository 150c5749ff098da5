"""Data health: what the owner should know about the loaded data before trusting the numbers.

:func:`health_report` reads the canonical tables and marts of a workspace and returns a list of
:class:`HealthItem` — each with its value, a severity (``ok``, ``info``, ``warning``), what it does to the
numbers (``meaning``) and what the owner can do about it (``action``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from insights.core.currency import currency_state
from insights.core.db import first_row
from insights.ingest.load.bad_values import BAD_VALUE_REASONS, CSAT_PREFIX
from insights.ingest.load.foreign import order_gap, unlike_the_rest
from insights.ingest.load.merges import accounts_joined
from insights.ingest.load.consent import consent_state
from insights.ingest.load.retention import settings as retention_settings
from insights.ingest.load.suppressed import REASON as SUPPRESSED

log = logging.getLogger(__name__)

OK, INFO, WARNING = "ok", "info", "warning"
GUEST_WARNING_SHARE = 0.2
RETURN_WARNING_SHARE = 0.1
EARLIEST_PLAUSIBLE = dt.datetime(1990, 1, 1)


@dataclass(frozen=True)
class HealthItem:
    key: str
    title: str
    value: str
    severity: str
    meaning: str
    action: str


def _money(amount) -> str:
    amount = Decimal(amount or 0)
    sign = "−" if amount < 0 else ""
    return f"{sign}{abs(amount):,.2f}"


def _one(con, sql: str, params=None):
    return first_row(con.execute(sql, params or []))


def health_report(ws) -> list[HealthItem]:
    """Every health check of the workspace, in reading order."""
    ws.ensure_marts()
    con = ws.con
    items: list[HealthItem] = []
    now = dt.datetime.now()
    lines, first, last = _one(con, "select count(*), min(ordered_at), max(ordered_at) from order_lines")
    if lines:
        gap = order_gap(con)
        items.append(HealthItem("date_range", "Order dates", f"{first:%d %b %Y} – {last:%d %b %Y}",
                                WARNING if gap else OK,
                                f"No order at all for {gap[0]:,} days, from {gap[1]} to {gap[2]}: are these two "
                                "shops' files in one workspace?" if gap else "Every chart and model covers this period.",
                                "If a file belongs to another shop, undo the last load on the Upload page and load "
                                "it into a new workspace." if gap else "Upload older or newer exports to widen it."))
        for f in unlike_the_rest(con):
            items.append(HealthItem(
                "foreign_file", f"“{f.name}” looks like another shop's",
                f"orders {f.first_at} – {f.last_at}, {f.days_away:,} days from the rest; "
                f"{f.known_customers:,} of its {f.customers:,} customers were known", WARNING,
                "Its dates lie far from the workspace's other orders"
                + (" and none of its customers appear in the other files." if f.known_customers == 0 else "."),
                "Load it into a new workspace? Undo the last load on the Upload page, then create a workspace."))
    customers, = _one(con, "select count(*) from customers")
    joined = accounts_joined(con)
    items.append(HealthItem(
        "customers", "Customers in all files", f"{customers:,}", OK if customers else INFO,
        "People after matching the same customer id, e-mail or phone across your files, whether or not they "
        "have ordered yet. " + joined.sentence(),
        "Download the list of joined customers on the Upload page if two different people seem to have been "
        "joined." if joined.customers else ""))
    consent = consent_state(con)
    if consent.customers:
        items.append(HealthItem(
            "consent", "Customers who may be e-mailed", f"{consent.consenting:,}", OK if consent.known else WARNING,
            consent.warning or (f"Exports for an e-mail tool hold only customers who agreed to e-mail and have an "
                                f"address; {consent.said_no:,} said no or unsubscribed."),
            "" if consent.known else "Map the opt-in column of your customer list on the Upload page (or upload "
                                     "your e-mail tool's audience export)."))
    if lines:
        orders, guests, net, gross = _one(con, """select count(*) filter (where is_order),
                count(*) filter (where is_order and is_guest), coalesce(sum(net_revenue), 0),
                coalesce(sum(gross_revenue), 0) from orders""")
        money = currency_state(con)
        currency = money.reporting
        items.append(HealthItem("orders", "Orders", f"{orders:,}", OK,
                                "Distinct order numbers that are not wholly cancelled.", ""))
        items.append(HealthItem("revenue", "Net revenue", f"{_money(net)} {currency or ''}".strip(), OK,
                                "Quantity × unit price over every loaded line; cancellations and returns are "
                                "subtracted.", ""))
        share = guests / orders if orders else 0.0
        items.append(HealthItem(
            "guest_orders", "Orders without a customer", f"{guests:,} ({share:.0%})",
            WARNING if share > GUEST_WARNING_SHARE else (INFO if guests else OK),
            "They count in revenue and order totals, but not in per-customer figures (segments, retention, "
            "lifetime value).",
            "If your shop records the customer elsewhere, export the orders with a customer id or e-mail."))
        cancels, cancel_amount, returns, return_amount = _one(con, """select
                count(*) filter (where is_cancellation), coalesce(sum(revenue) filter (where is_cancellation), 0),
                count(*) filter (where is_return), coalesce(sum(revenue) filter (where is_return), 0)
            from order_lines""")
        undone = abs(Decimal(cancel_amount)) + abs(Decimal(return_amount))
        share = float(undone / Decimal(gross)) if gross else 0.0
        items.append(HealthItem(
            "returns", "Cancellations and returns",
            f"{cancels:,} cancelled and {returns:,} returned lines ({_money(cancel_amount + return_amount)})",
            WARNING if share > RETURN_WARNING_SHARE else (INFO if cancels or returns else OK),
            "They are netted against revenue; wholly cancelled order numbers do not count as orders.",
            "A high share is worth a look at products or delivery."))
        non_product, np_amount = _one(con, """select count(*), coalesce(sum(revenue), 0) from order_lines
                                             where is_non_product""")
        if non_product:
            items.append(HealthItem(
                "non_product", "Postage, fees and adjustments", f"{non_product:,} lines ({_money(np_amount)})", INFO,
                "They count in revenue but are left out of product and category figures.",
                "Nothing to do, unless a real product was recognised as a fee."))
        outliers = _one(con, """with limits as (
                select greatest(1000, 100 * median(abs(quantity))) as q_limit,
                       greatest(1000, 100 * median(abs(unit_price))) as p_limit
                from order_lines)
            select count(*) filter (where abs(quantity) > q_limit), count(*) filter (where abs(unit_price) > p_limit),
                   max(abs(quantity)), max(abs(unit_price))
            from order_lines, limits""")
        if outliers[0] or outliers[1]:
            items.append(HealthItem(
                "outliers", "Extreme quantities or prices",
                f"{outliers[0]:,} lines with extreme quantities (up to {outliers[2]:,.0f}), {outliers[1]:,} with "
                f"extreme prices (up to {_money(outliers[3])})", WARNING,
                "One extreme line can move revenue, average order value and lifetime value a lot.",
                "Check them in your shop system: a typo, a wholesale order, or an order cancelled straight away."))
        else:
            items.append(HealthItem("outliers", "Extreme quantities or prices", "none", OK,
                                    "No line is far outside the usual quantities and prices.", ""))
        if len(money.by_currency) > 1:
            others = [c.currency for c in money.by_currency if c.currency != money.reporting]
            items.append(HealthItem(
                "currencies", "Several currencies", ", ".join(str(c.currency) for c in money.by_currency),
                WARNING if money.left_out else OK,
                money.sentence() or f"Money is reported in {money.reporting}.",
                (f"Give a rate to {money.reporting} for {', '.join(str(c.currency) for c in money.left_out)} on "
                 f"the Upload page (or: python -m insights settings --rate {money.left_out[0].currency}=…)")
                if money.left_out else f"Rates for {', '.join(map(str, others))} can be changed on the Upload page."))
    bad_dates = _one(con, """select
            (select count(*) from order_lines where ordered_at > $now + interval 1 day or ordered_at < $early)
          + (select count(*) from events where event_at > $now + interval 1 day or event_at < $early)
          + (select count(*) from feedback where submitted_at > $now + interval 1 day or submitted_at < $early)
          + (select count(*) from customer_records where signed_up_at > $now + interval 1 day or signed_up_at < $early)
          + (select count(*) from order_lines where delivered_at < ordered_at - interval 1 day
             and not is_return and not is_cancellation)""",
                     {"now": now, "early": EARLIEST_PLAUSIBLE})[0]
    items.append(HealthItem(
        "dates", "Future or impossible dates", f"{bad_dates:,}", WARNING if bad_dates else OK,
        "Dates in the future, before 1990, or deliveries before the order distort trends and recency.",
        "Check the date order (day-first or month-first) chosen at upload, or fix the dates in your file."))
    dups, overlap, other_aside = _one(con, """select count(*) filter (where reason like 'exact duplicate%'),
            count(*) filter (where reason like 'already loaded%'),
            count(*) filter (where reason not like 'exact duplicate%' and reason not like 'already loaded%')
        from set_aside""")
    items.append(HealthItem(
        "duplicates", "Duplicate rows set aside",
        f"{dups:,} exact duplicates, {overlap:,} rows already loaded from earlier files", INFO if dups or overlap else OK,
        "Set-aside rows are not counted, so a row exported twice does not double revenue.",
        "Only files with an order, event or review number have their identical rows set aside; others keep "
        "them (see below)."))
    identical, unreadable = _one(con, """select
            coalesce(sum(try_cast(json_extract_string(report, '$.identical_rows_kept') as bigint)), 0),
            coalesce(sum(try_cast(json_extract_string(report, '$.rows_amount_unreadable') as bigint)), 0)
        from files""")
    if identical:
        items.append(HealthItem(
            "identical_kept", "Identical rows kept", f"{identical:,}", INFO,
            "Files without an order, event or review number can hold two identical rows that are two real "
            "purchases, views or answers, so they were kept and counted.",
            "If they are the same row exported twice, undo the last load and load again with “Set aside "
            "identical rows”."))
    items.extend(_bad_values(con, unreadable))
    if other_aside:
        items.append(HealthItem("set_aside_other", "Other rows set aside", f"{other_aside:,}", INFO,
                                "For example orders without any order lines in the files loaded with them.", ""))
    items.extend(_catalog(con))
    rejected, = _one(con, "select count(*) from rejects")
    # (the bad values above are among these rejected rows)
    items.append(HealthItem(
        "rejected", "Rows rejected", f"{rejected:,}", WARNING if rejected else OK,
        "Rejected rows are not in any number (each has its row, column and reason in the download).",
        "Download the rejected rows, fix them in your file and upload it again."))
    items.extend(_privacy(con))
    return items


def _privacy(con) -> list[HealthItem]:
    """What the owner's privacy settings removed: the retention (its setting and last run) and the rows of erased
    people set aside at load. Nothing when neither is in use."""
    items = []
    months, text_months = retention_settings(con)
    if months or text_months:
        last = first_row(con.execute("select logged_at, detail from privacy_log where action = 'retain' "
                                     "and subject <> 'settings' order by logged_at desc limit 1"))
        counts = json.loads(last[1]).get("counts", {}) if last else {}
        done = (f"Last applied {last[0]:%d %b %Y}: {counts.get('order_lines_anonymised', 0):,} order lines, "
                f"{counts.get('events_anonymised', 0):,} web events and {counts.get('feedback_anonymised', 0):,} "
                f"answers kept without their customer, {counts.get('customer_records_removed', 0):,} customer "
                f"records removed, {counts.get('feedback_texts_removed', 0):,} comments' text removed."
                if last else "Not applied yet.")
        kept = ", ".join(part for part in (f"personal data {months} months" if months else "",
                                           f"feedback text {text_months} months" if text_months else "") if part)
        items.append(HealthItem("retention", "Retention", kept, INFO,
                                done + " Revenue is unchanged: old order lines keep their money.",
                                "Change it on the Privacy page (python -m insights retain)."))
    reports = [json.loads(r[0]) for r in con.execute("select report from files where report is not null").fetchall()]
    skipped = sum(int(r.get("set_aside_by_reason", {}).get(SUPPRESSED, 0)) for r in reports)
    if skipped:
        items.append(HealthItem("erased_skipped", "Rows of erased people not loaded", f"{skipped:,}", INFO,
                                "People erased at their request are on the suppression list: rows of theirs in "
                                "later files are set aside, so they do not come back.",
                                "To let someone back, take them off the list (python -m insights erase "
                                "--allow-again)."))
    return items


def _catalog(con) -> list[HealthItem]:
    """A loaded product catalog: its products, how many carry a cost, and how much of the product lines' revenue
    it covers (the rest is named and costed from nothing; see ``load/catalog.py`` and ``core.margin``)."""
    products, costed = _one(con, "select count(*), count(unit_cost) from product_catalog")
    if not products:
        return []
    lines, found, revenue, with_cost = _one(con, """select count(*), count(p.product_id),
            coalesce(sum(l.revenue), 0), coalesce(sum(l.revenue) filter (where m.basis is not null), 0)
        from order_lines l
        left join product_catalog p on p.product_id = l.product_id
        left join line_margin m on m.line_id = l.line_id
        where not l.is_non_product""")
    share = float(with_cost / revenue) if revenue else 0.0
    return [HealthItem(
        "catalog", "Product catalog",
        f"{products:,} products, {costed:,} with a unit cost; {found:,} of {lines:,} order lines found in it; "
        f"{share:.0%} of product revenue has a known cost", INFO if lines and share < 0.5 else OK,
        "The catalog names and categorises order lines that lack them; a line's gross margin needs its product's "
        "unit cost or a margin % (of the product or its category). Without one, margin is revenue-based.",
        "Load a catalog with the missing products' costs, a margin % per category, or set a default margin."
        if share < 0.995 else "")]


def _bad_values(con, unreadable: int) -> list[HealthItem]:
    """Values that read but cannot be right (``bad_values``: out-of-range scores, zero quantities, negative
    prices on sales, far dates) and amounts that cannot be read: rejected rows, each named here."""
    counts = con.execute("""select reason, count(*) from rejects
                            where list_contains($exact, reason) or starts_with(reason, $csat)
                            group by reason order by count(*) desc, reason""",
                         {"exact": list(BAD_VALUE_REASONS), "csat": CSAT_PREFIX}).fetchall()
    items = []
    if counts:
        total = sum(n for _, n in counts)
        items.append(HealthItem(
            "bad_values", "Values that cannot be right", f"{total:,} rows rejected: "
            + "; ".join(f"{n:,} {reason}" for reason, n in counts), WARNING,
            "Scores outside their scale, zero quantities, negative prices on sales and dates years away from the "
            "rest are not counted (they would distort revenue, averages and trends).",
            "Download the rejected rows to see each value; fix them in your file and upload it again."))
    if unreadable:
        items.append(HealthItem(
            "unreadable_amounts", "Amounts that cannot be read", f"{unreadable:,} rows", WARNING,
            "Their money is unknown, so it is in no total (the file report lists the text each amount had).",
            "Download the rejected rows, fix the amounts and upload the file again."))
    return items
