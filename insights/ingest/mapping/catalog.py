"""Product catalogs told apart from order files by their headers: a catalog names products (a code, a name, a
category, a cost or a price) and nothing of an order or a person — no order number, order date, quantity,
customer, e-mail or phone. :func:`catalog_votes` is the evidence :func:`insights.ingest.mapping.plan.content_votes`
adds for (or against) the ``catalog`` kind; the rows themselves are read by ``insights.ingest.load.catalog``.
"""

from __future__ import annotations

from typing import Sequence

from insights.ingest.mapping.headers import map_by_name

# fields of an order or a person: a file naming any of them is no catalog, whatever else it names
_NOT_A_CATALOG = {"transactions": ("order_id", "ordered_at", "quantity", "customer_id", "email", "phone",
                                   "line_total", "delivered_at"),
                  "customers": ("customer_id", "email", "phone", "signed_up_at", "first_name", "last_name"),
                  "events": ("session_id", "event_name"),
                  "feedback": ("score", "text")}
# what only a catalog names: a product code, name and price alone may be order lines without their order columns
_CATALOG_ONLY = ("category", "unit_cost", "category_name", "margin_pct")
CATALOG_VOTE = 3          # products and nothing else: as strong as an order number is for order files
VETO = -100               # orders or people named: never a catalog


def catalog_votes(headers: Sequence[str]) -> dict[str, int]:
    """``{"catalog": 3}`` for a file naming a category, a cost or a margin and nothing of an order or a person; ``{"catalog": -100}``
    when it names an order, a customer, an event or an answer (an order file with a category and a unit cost
    stays an order file); ``{}`` when it names no product at all."""
    for kind, fields in _NOT_A_CATALOG.items():
        named = map_by_name(headers, kind)
        # a qualified header ("Customer ID" read as an id) is weaker evidence than the field's own name
        if any(f in named and named[f][1] < 1000 for f in fields):
            return {"catalog": VETO}
    product = map_by_name(headers, "catalog")
    if any(f in product for f in _CATALOG_ONLY):
        return {"catalog": CATALOG_VOTE}
    return {}
