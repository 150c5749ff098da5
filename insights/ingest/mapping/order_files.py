"""Order files that are not order lines: a payments table (Olist's ``olist_order_payments_dataset``: order number,
payment type, instalments, value) and a product catalog (Olist's ``olist_products_dataset``: one row per product
with its category, weight and measurements).

A payments table loads as order attributes (payment type, instalments, value) and is reconciled against the
items and freight of its orders; a catalog taken for order lines (the owner chose that kind) is refused with a message that says what it is
and how to load it (the ``catalog`` kind), not as order lines missing a price.
"""

from __future__ import annotations

from typing import Sequence

from insights.ingest.mapping.date_roles import header_words

# a payments table's columns, by the words of their headers: (attribute name, words any of which the header has)
PAYMENT_COLUMNS = (
    ("payment_value", ("value", "amount", "paid", "total")),
    ("payment_installments", ("installments", "instalments", "installment", "instalment", "parcelas")),
    ("payment_type", ("type", "method", "mode", "means")),
    ("payment_sequential", ("sequential", "sequence", "seq", "number", "no")),
)
_PAYMENT_WORDS = ("payment", "payments", "pay", "installments", "instalments", "pagamento")
_LINE_FIELDS = ("product_id", "product_name", "quantity", "unit_price", "line_total")
_ORDER_FIELDS = ("order_id", "ordered_at", "quantity", "unit_price", "line_total", "customer_id", "email",
                 "phone")


def payment_columns(headers: Sequence[str]) -> dict[str, int]:
    """Attribute name → column index of a payments table's columns (``payment_value``, ``payment_type`` …)."""
    found: dict[str, int] = {}
    for i, header in enumerate(headers):
        words = header_words(header)
        if not any(w in _PAYMENT_WORDS for w in words):
            continue
        for name, names in PAYMENT_COLUMNS:
            if name not in found and any(w in names for w in words):
                found[name] = i
                break
    return found


def file_role(headers: Sequence[str], mapping: dict[str, int | None]) -> str | None:
    """``payments`` (order numbers and payment columns, no products or prices), ``catalog`` (product codes and
    their descriptions, no orders, prices or customers), or None."""
    if mapping.get("order_id") is not None and all(mapping.get(f) is None for f in _LINE_FIELDS):
        if "payment_value" in payment_columns(headers):
            return "payments"
    if mapping.get("product_id") is not None and all(mapping.get(f) is None for f in _ORDER_FIELDS):
        return "catalog"
    return None


def catalog_message(headers: Sequence[str]) -> str:
    """What a product catalog is, for the error that refuses it (the sentence after "got 'a product catalog'")."""
    shown = ", ".join(str(h) for h in headers[:5]) + (" …" if len(headers) > 5 else "")
    return (f"It holds one row per product ({shown}) and no orders: load it as a product catalog (kind "
            "“catalog”; command line: --kind catalog=FILE), which names and categorises the products of the "
            "order lines")
