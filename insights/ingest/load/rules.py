"""What a load decides per kind of file: the canonical table it goes to, the checks each row must pass (in the
order they are checked), and the three fates of a row."""

from __future__ import annotations

TABLE_FOR_KIND = {"transactions": "order_lines", "customers": "customer_records", "events": "events",
                  "feedback": "feedback", "spend": "spend"}
ID_COLUMN = {"order_lines": "line_id", "customer_records": "record_id", "events": "event_id",
             "feedback": "feedback_id", "spend": "spend_id"}

KEEP, REJECTED, SET_ASIDE = 0, 1, 2

# (field, masks that must all be true, reason) in the order they are checked; the first failing one is
# reported. "null:x" is a missing value of field x (after derivation), "bad:x" an unreadable one;
# "null:revenue" a line whose amount cannot be computed.
CHECKS = {
    "transactions": [
        ("order_id", ("null:order_id",), "no order number"),
        ("ordered_at", ("bad:ordered_at",), "order date is not a date Clueboard can read"),
        ("ordered_at", ("null:ordered_at",), "no order date"),
        ("quantity", ("bad:quantity",), "quantity is not a number"),
        ("unit_price", ("bad:unit_price",), "unit price is not an amount"),
        ("line_total", ("bad:line_total",), "line total is not an amount"),
        ("unit_price", ("null:revenue",), "no price or amount"),
    ],
    "customers": [
        ("customer_id", ("null:customer_id", "null:email", "null:phone"), "no customer id, e-mail or phone"),
    ],
    "events": [
        ("event_at", ("bad:event_at",), "event time is not a date Clueboard can read"),
        ("event_at", ("null:event_at",), "no event time"),
        ("event_name", ("null:event_name",), "no event name"),
    ],
    "feedback": [
        ("score", ("bad:score",), "score is not a number"),
        ("score", ("null:score", "null:text"), "no score and no comment"),
    ],
    "spend": [
        ("period_start", ("bad:period_start",), "date or month is not one Clueboard can read"),
        ("period_start", ("null:period_start",), "no date or month"),
        ("period_end", ("bad:period_end",), "the period ends before it starts or its end is not a date"),
        ("amount", ("bad:amount",), "spend is not an amount"),
        ("amount", ("null:amount",), "no spend amount"),
    ],
}


# the column that tells two identical rows apart: where the file has it, an exact duplicate row is the same
# order line, event or answer exported twice and is set aside; where it has none (a purchase log such as
# CDNOW's, reviews without an id, page views without an event id) identical rows can be separate real
# purchases, views or answers: they are kept and reported (``FileReport.identical_rows_kept``) unless the
# owner asks to set them aside. A customer list's identical rows are one person twice: always set aside.
ROW_ID_FIELD = {"transactions": "order_id", "events": "source_event_id", "feedback": "response_id"}


def identical_rows_are_duplicates(plan) -> bool:
    """Does ``plan``'s file carry an id that makes an identical row a duplicate (see ``ROW_ID_FIELD``)?"""
    fld = ROW_ID_FIELD.get(plan.kind)
    return fld is None or plan.mapping.get(fld) is not None


def checks_for(plan) -> list[tuple]:
    """The checks of ``plan``'s rows: an orders table (no products or prices) needs only its number and date,
    a payments table its order number."""
    if plan.role == "orders":
        return [c for c in CHECKS["transactions"] if c[0] in ("order_id", "ordered_at")]
    if plan.role == "payments":     # a payments table: order attributes, keyed by the order number only
        return [c for c in CHECKS["transactions"] if c[0] == "order_id"]
    return CHECKS[plan.kind]
