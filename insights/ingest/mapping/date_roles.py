"""What a date column of an orders file says by its name: the day the order was placed, or a later step of it
(approved, shipped, delivered, promised, a shipping deadline, a return…).

An order is dated by the day it was placed. A column named for a later step — shipping, a carrier, delivery, a
limit or deadline, an estimate, an approval, a due date — is never proposed as the order date (``ordered_at``)
while another date column exists; when it is the only one, it is proposed but the plan says the owner must
confirm it (:func:`settle_order_date` returns the reason). Olist's items file is the case in point: its only date
is ``shipping_limit_date``, the seller's deadline about a week after the purchase (and up to 2020 for a cancelled
order), while the orders file loaded with it carries ``order_purchase_timestamp``.

The other date columns are kept as order attributes under the name of their role (:data:`ROLE_NAMES`).
"""

from __future__ import annotations

import re
from typing import Sequence

# (role, stems any word of the header starts with) — checked in this order, the first match wins; ``ship_by``
# needs both a shipping word and a limit word, so it is decided before either alone
_LIMIT = ("limit", "deadline", "cutoff", "by")
_ROLE_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("promised_at", ("estimat", "expect", "promis", "eta", "due", "target", "sla")),
    ("approved_at", ("approv", "authori", "confirm", "accept")),
    ("returned_at", ("return", "retour")),
    ("refunded_at", ("refund",)),
    ("cancelled_at", ("cancel", "void")),
    # handed to the carrier is shipped, even when the header says "delivered" (Olist's order_delivered_carrier_date)
    ("shipped_at", ("carrier", "courier", "dispatch", "pickup")),
    ("delivered_at", ("deliver", "receiv", "arriv", "lieferung", "liefer", "entrega")),
    ("shipped_at", ("ship", "dispatch", "carrier", "fulfil", "sent", "versand", "envio", "posted", "courier",
                    "tracking", "pickup", "picked")),
    ("promised_at", _LIMIT),
)
_SHIP = ("ship", "dispatch", "carrier", "fulfil", "send", "versand")

# the attribute name each role is kept under, in the owner's words for the report
ROLE_NAMES = {"promised_at": "promised", "approved_at": "approved", "returned_at": "returned",
              "refunded_at": "refunded", "cancelled_at": "cancelled", "delivered_at": "delivered",
              "shipped_at": "shipped", "ship_by": "shipping deadline"}


def header_words(header: str) -> list[str]:
    """``'order_delivered_carrier_date'`` → ``['order', 'delivered', 'carrier', 'date']``; camelCase split too."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(header or ""))
    return [w for w in re.split(r"[^0-9a-zA-Z]+", text.lower()) if w]


def _starts(words: Sequence[str], stems: Sequence[str]) -> bool:
    # a stem of two or three letters ("by", "due", "eta", "sla") must be the whole word
    return any(w == s if len(s) <= 3 else w.startswith(s) for w in words for s in stems)


def date_role(header: str) -> str | None:
    """The later step of an order a date column's header names (``shipped_at``, ``ship_by``, ``promised_at`` …),
    or None when the header names no such step (``order_purchase_timestamp``, ``Order Date``, ``Created at``)."""
    words = header_words(header)
    if _starts(words, _SHIP) and _starts(words, _LIMIT):
        return "ship_by"
    for role, stems in _ROLE_STEMS:
        if _starts(words, stems):
            return role
    return None


def order_date_reason(header: str) -> str:
    """Why a column's dates are not taken as order dates without asking (for the plan's ``needs_confirmation``)."""
    role = date_role(header)
    return (f"The only date column, “{header}”, is named for the order's {ROLE_NAMES.get(role, 'later steps')} "
            "date, not the day it was placed. Confirm that it dates the orders, map the order date, or load the "
            "file together with its orders file (whose purchase date then wins).")


def settle_order_date(headers: Sequence[str], date_columns: Sequence[int], mapping: dict[str, int | None],
                      confidence: dict[str, str]) -> str | None:
    """Keep a later-step column (shipping, delivery, estimate …) away from ``ordered_at`` (in place).

    ``date_columns``: the indexes of the columns whose values are dates, left to right. When ``ordered_at`` was
    proposed (not chosen by the owner) on a later-step column and another date column without such a role is
    free, that column takes its place. Returns the reason the owner must confirm when the later-step column is
    the only choice, else None."""
    idx = mapping.get("ordered_at")
    if idx is None or confidence.get("ordered_at") in ("you", "remembered") or date_role(headers[idx]) is None:
        return None
    taken = {i for f, i in mapping.items() if i is not None and f != "ordered_at"}
    plain = [i for i in date_columns if i != idx and i not in taken and date_role(headers[i]) is None]
    if plain:
        mapping["ordered_at"] = plain[0]
        confidence["ordered_at"] = "content"
        return None
    return order_date_reason(headers[idx])


ORDER_DATE_FIELD = "ordered_at"


def resolve_with_orders_tables(plans: Sequence) -> None:
    """In one upload: a lines file whose only date is a later step needs no confirmation when an orders file
    (order numbers and purchase dates, no prices) comes with it — that file's purchase date wins (in place; the
    file report then says which column dated the orders)."""
    headers_files = [p for p in plans if p.role == "orders"]
    if not headers_files:
        return
    for plan in plans:
        reasons = getattr(plan, "needs_confirmation", None)
        if plan.role != "lines" or not reasons:
            continue
        idx = plan.mapping.get(ORDER_DATE_FIELD)
        if idx is None or order_date_reason(plan.columns[idx]) not in reasons:
            continue
        reasons.remove(order_date_reason(plan.columns[idx]))
