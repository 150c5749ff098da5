"""Row-level rules of the vendor layouts (``insights.ingest.mapping.profiles``), carried out on a staged file.

* a separate time-of-day column completes the date (Square: ``Date`` + ``Time``), the zone column noted;
* a till's sale summary row and its item rows (Lightspeed/Vend ``Line Type``): the item rows load and take the
  summary's customer and status (a void on the summary voids the sale); summary and payment rows are set aside
  with their reason, so the sale is counted once;
* statuses that are no sale (Stripe ``Failed``, ``requires_payment_method``…) are set aside, not loaded;
* a refund column (Stripe ``Amount Refunded``; Etsy ``Adjusted Order Total`` below ``Order Total``) is kept per
  row as ``_refund``, subtracted from the line's revenue and reported (see ``incoming``);
* the session id built from its parts (GA4: ``user_pseudo_id`` + ``ga_session_id``);
* a walk-in customer code (``WALKIN``) is no customer;
* empty contact cells filled from a qualified copy (``Default Address Phone``) — :func:`fill_from`;
* a summary file loaded with the file that itemises it becomes an orders table — :func:`pair_itemised`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.load.parse import ARROW_TYPES, parse_field
from insights.ingest.mapping.profiles import by_name, column_of

_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?\s*$")
_DATE_FIELD = {"transactions": "ordered_at", "events": "event_at", "feedback": "submitted_at",
               "customers": "signed_up_at"}
# order fields an item row takes from its sale's summary row when it has none of its own
_SUMMARY_FIELDS = ("customer_id", "email", "phone", "status", "channel", "country", "currency", "ordered_at",
                   "name")

SUMMARY_REASON = "sale summary row (the receipt's totals): the sale is counted from its item rows"
OTHER_LINE_REASON = "not a sale line ({types}): a payment or other till row, not something sold"
NOT_REVENUE_REASON = "payment not completed (status {statuses}): no money was taken, so it is not a sale"


def pair_itemised(plans) -> None:
    """A summary export loaded with the export that itemises it (Square transactions with Square item sales, Etsy
    orders with Etsy order items) is an orders table: its rows complete the item lines, its money is not counted
    a second time."""
    present = {p.profile for p in plans if getattr(p, "profile", None)}
    for plan in plans:
        profile = by_name(getattr(plan, "profile", None))
        if profile and profile.itemised_by in present:
            plan.role_override = "orders"
            note = (f"Loaded with its item-level export ({profile.itemised_by}): used as the orders table of "
                    "those lines, so no sale is counted twice.")
            if note not in plan.notes:
                plan.notes.append(note)


def fill_from(values: pa.Array, others: list[pa.Array]) -> tuple[pa.Array, int]:
    """``values`` with its empty cells taken from ``others`` in turn; (filled array, cells filled)."""
    before = values.null_count
    for other in others:
        values = pc.coalesce(values, other.cast(values.type))
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values, before - values.null_count


def derive(plan, report, staged, raw_columns, order_headers=None) -> None:
    """The profile's row rules on ``staged`` (in place), each said in the report. ``order_headers``: the orders
    tables of the upload, whose refunds the item lines loaded with them take (:func:`take_order_refunds`)."""
    profile = by_name(getattr(plan, "profile", None))
    if plan.kind == "transactions" and plan.role != "orders" and getattr(order_headers, "refunds", None):
        take_order_refunds(plan, report, staged, order_headers)
    if profile is None or profile.kind != plan.kind:
        return
    cols = staged.columns
    if profile.time_of_day:
        _add_time_of_day(plan, report, staged, raw_columns, profile)
    if profile.session_parts and "f_session_id" in cols:
        parts = [raw_columns[i] for i in (column_of(plan.columns, h) for h in profile.session_parts) if i is not None]
        if len(parts) == len(profile.session_parts):
            texts = [pc.utf8_trim_whitespace(p.cast(pa.string())) for p in parts]
            joined = pc.binary_join_element_wise(*texts, ".")
            empty = np.logical_or.reduce([pc.fill_null(pc.equal(t, ""), True).to_numpy(zero_copy_only=False)
                                          for t in texts])
            cols["f_session_id"] = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), joined)
            report.notes.append("Session id = " + " + ".join(f"“{h}”" for h in profile.session_parts)
                                + " (one browser's session).")
    if profile.walk_in_ids and "f_customer_id" in cols:
        walk_in = pc.is_in(pc.utf8_upper(cols["f_customer_id"]), pa.array([w.upper() for w in profile.walk_in_ids]))
        count = int(pc.sum(walk_in).as_py() or 0)
        if count:
            cols["f_customer_id"] = pc.if_else(walk_in, pa.scalar(None, pa.string()), cols["f_customer_id"])
            report.notes.append(f"{count:,} rows with a walk-in customer code ({', '.join(profile.walk_in_ids)}) "
                                "are guest sales.")
    if profile.line_types:
        _summary_rows(plan, report, staged, raw_columns, profile)
    if profile.not_revenue and "f_status" in cols:
        status = cols["f_status"].to_pylist()
        pattern = re.compile(profile.not_revenue, re.I)
        hits = [i for i, s in enumerate(status) if s is not None and pattern.match(str(s))]
        if hits:
            reason = NOT_REVENUE_REASON.format(statuses=", ".join(sorted({str(status[i]) for i in hits})))
            for i in hits:
                staged.preset_aside.setdefault(i, reason)
    if profile.refunded and plan.kind == "transactions":
        _refunds(plan, report, staged, raw_columns, profile, order_headers)


def _add_time_of_day(plan, report, staged, raw_columns, profile) -> None:
    fld = _DATE_FIELD[plan.kind]
    idx = column_of(plan.columns, profile.time_of_day)
    if idx is None or f"f_{fld}" not in staged.columns or plan.mapping.get(fld) is None:
        return
    dates = staged.columns[f"f_{fld}"]
    since_midnight = pc.subtract(dates, pc.floor_temporal(dates, unit="day"))
    if pc.any(pc.not_equal(since_midnight, pa.scalar(0, pa.duration("us")))).as_py():
        return      # the dates carry their own time already: nothing to add
    seconds, unreadable = [], 0
    for text in raw_columns[idx].to_pylist():
        found = _TIME_RE.match(str(text)) if text not in (None, "") else None
        if not found:
            unreadable += text not in (None, "")
            seconds.append(0)
            continue
        hour, minute, second, half = int(found[1]), int(found[2]), int(found[3] or 0), (found[4] or "").lower()
        if half.startswith("p") and hour < 12:
            hour += 12
        elif half.startswith("a") and hour == 12:
            hour = 0
        seconds.append(hour * 3600 + minute * 60 + second)
    offset = pa.array(np.asarray(seconds, dtype="int64") * 1_000_000, pa.duration("us"))
    staged.columns[f"f_{fld}"] = pc.add(dates, offset).cast(ARROW_TYPES["date"])
    zone = column_of(plan.columns, profile.time_zone)
    zones = sorted({z for z in raw_columns[zone].to_pylist() if z}) if zone is not None else []
    date_header = plan.columns[plan.mapping[fld]]
    report.notes.append(f"Times from “{plan.columns[idx]}” added to the dates of “{date_header}”"
                        + (f" (local time, {', '.join(zones)})" if zones else "")
                        + (f"; {unreadable:,} times could not be read (those rows keep 00:00)" if unreadable else "")
                        + ".")


def _summary_rows(plan, report, staged, raw_columns, profile) -> None:
    column, item_types, summary_types = profile.line_types
    idx = column_of(plan.columns, column)
    if idx is None:
        return
    types = pd.Series(raw_columns[idx].to_pylist(), dtype=object).fillna("").astype(str).str.strip().str.lower()
    is_item = types.isin(item_types).to_numpy()
    is_summary = types.isin(summary_types).to_numpy()
    cols = staged.columns
    order = pd.Series(cols["f_order_id"].to_pylist(), dtype=object)
    first_summary = pd.Series(np.arange(staged.n))[is_summary].groupby(order[is_summary].to_numpy()).first()
    source = order.map(first_summary)
    takes = is_item & source.notna().to_numpy()
    if takes.any():
        where = np.where(takes, source.fillna(0).to_numpy(dtype=np.int64), np.arange(staged.n))
        for fld in _SUMMARY_FIELDS:
            name = f"f_{fld}"
            if name in cols:
                from_summary = cols[name].take(pa.array(where))
                cols[name] = pc.if_else(pa.array(takes), pc.coalesce(cols[name], from_summary), cols[name])
    for i in np.flatnonzero(is_summary):
        staged.preset_aside.setdefault(int(i), SUMMARY_REASON)
    others = ~is_item & ~is_summary
    if others.any():
        reason = OTHER_LINE_REASON.format(types=", ".join(sorted({t for t in types[others] if t}) or ["blank"]))
        for i in np.flatnonzero(others):
            staged.preset_aside.setdefault(int(i), reason)
    report.notes.append(f"“{column}” tells the till's rows apart: {int(is_item.sum()):,} item rows are the sales "
                        f"(with the customer and status of their summary row); {int(is_summary.sum()):,} summary "
                        f"rows and {int(others.sum()):,} other rows are set aside, so no sale counts twice.")


def _refunds(plan, report, staged, raw_columns, profile, order_headers) -> None:
    refund_header, total_header = profile.refunded
    idx, total_idx = column_of(plan.columns, refund_header), column_of(plan.columns, total_header)
    if idx is None or (total_header and total_idx is None):
        return
    money = ARROW_TYPES["number"]
    zero = pa.scalar(0, money)
    amount = pc.fill_null(parse_field("line_total", raw_columns[idx])[0].cast(money), zero)
    if total_header:
        # an adjusted total is written only after a refund: the refund is what it took off the total
        total = pc.fill_null(parse_field("line_total", raw_columns[total_idx])[0].cast(money), zero)
        refund = pc.if_else(pc.not_equal(amount, zero), pc.subtract(total, amount).cast(money), zero)
    else:
        refund = amount
    refund = pc.if_else(pc.less(refund, zero), zero, refund)
    staged.columns["_refund"] = refund.combine_chunks() if isinstance(refund, pa.ChunkedArray) else refund
    if plan.role == "orders" and order_headers is not None:
        for order, amount in zip(staged.columns["f_order_id"].to_pylist(), refund.to_pylist()):
            if order is not None and amount:
                order_headers.refunds.setdefault(order, amount)
    count = int(pc.sum(pc.greater(refund, zero)).as_py() or 0)
    if count:
        total_refund = pc.sum(refund).as_py()
        where = "taken off the item lines loaded with it" if plan.role == "orders" else \
            "taken off the line's revenue (see revenue refunded), or the whole line when its status says refunded"
        report.notes.append(f"{count:,} {'row carries' if count == 1 else 'rows carry'} a refund of "
                            f"{total_refund:,.2f} in all (“{refund_header}”"
                            + (f" below “{total_header}”" if total_header else "") + f"): {where}.")


def take_order_refunds(plan, report, staged, order_headers) -> None:
    """Item lines of an order that an orders table says was partly refunded (Etsy's adjusted total) give the refund
    back line by line, in file order, each at most what the line sold for."""
    cols = staged.columns
    orders = cols["f_order_id"].to_pylist()
    quantity = cols["f_quantity"].to_pylist() if plan.mapping.get("quantity") is not None else [1] * staged.n
    if plan.mapping.get("unit_price") is not None:
        sold = [q * p if q is not None and p is not None else None
                for q, p in zip(quantity, cols["f_unit_price"].to_pylist())]
    else:
        sold = cols["f_line_total"].to_pylist()
    left = dict(order_headers.refunds)
    share = [None] * staged.n
    for i, (order, amount) in enumerate(zip(orders, sold)):
        if left.get(order) and amount is not None and amount > 0:
            share[i] = min(left[order], amount)
            left[order] -= share[i]
    taken = [s for s in share if s]
    if not taken:
        return
    existing = cols.get("_refund")
    given = pa.array(share, pa.decimal128(18, 4))
    cols["_refund"] = given if existing is None else pc.coalesce(existing, given)
    report.notes.append(f"{sum(taken):,.2f} refunded (as its orders table says) taken off {len(taken):,} "
                        f"{'line' if len(taken) == 1 else 'lines'} of "
                        f"{len({o for o, s in zip(orders, share) if s}):,} partly refunded "
                        f"{'order' if len({o for o, s in zip(orders, share) if s}) == 1 else 'orders'}.")
