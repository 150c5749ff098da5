"""Vendor profiles: the exports shops really have, recognised by their header set, with what their headers alone
do not say (which of two money columns is the sale, that `Time` belongs to `Date`, that a `Sale` row sums the
`Sale Line` rows under it, which statuses are no sale at all). :func:`recognise` finds a file's profile and
:func:`apply_profile` puts its mapping on a proposal; the row-level rules a profile names (``time_of_day``,
``line_types``, ``not_revenue``, ``refunded``, ``session_parts``, ``walk_in_ids``, ``refunds_as_rows``) are carried
out at load time by ``insights.ingest.load.vendor_rows``.

Two rules hold for every file, profile or not (:func:`apply_people_rules`): a column of people's names or the
staff member who served is never the customer id, and a contact value missing in its own column is taken from a
qualified copy of it (`Phone` empty → `Default Address Phone`) — :func:`contact_fallbacks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from insights.ingest.mapping.content import ColumnProfile
from insights.ingest.mapping.fields import FIELDS
from insights.ingest.mapping.headers import SYNONYMS, normalise_header
from insights.ingest.mapping.words import STAFF_HEADERS, header_cores


@dataclass(frozen=True)
class Profile:
    """One vendor's export layout. Headers are written as the vendor writes them; they are compared normalised."""
    name: str
    kind: str
    requires: tuple[str, ...]                       # all of these headers: this layout
    mapping: tuple[tuple[str, str], ...] = ()       # (field, header) chosen over the generic guess, where present
    unmap: tuple[str, ...] = ()                     # fields this layout never has (an order total is no line)
    fallbacks: tuple[tuple[str, str], ...] = ()     # (field, header) filling the field's empty cells
    time_of_day: str | None = None                  # a separate time column completing the date field
    time_zone: str | None = None                    # the column naming the time zone of the dates
    line_types: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None  # (column, item types, summary types)
    not_revenue: str | None = None                  # regex of statuses that are no sale (failed charges)
    refunded: tuple[str, str | None] | None = None  # (refund column, total column: refund = total - adjusted)
    session_parts: tuple[str, ...] = ()             # columns joined into the session id (GA4)
    walk_in_ids: tuple[str, ...] = ()               # customer ids that mean "no customer" (a till's WALKIN)
    refunds_as_rows: bool = False                   # a refund is its own negative row: status never zeroes a sale
    itemised_by: str | None = None                  # the profile of the file listing this file's rows item by item
    notes: tuple[str, ...] = ()

    def matches(self, normalised: set[str]) -> bool:
        return all(normalise_header(h) in normalised for h in self.requires)


_SQUARE_TIME = dict(time_of_day="Time", time_zone="Time Zone")
_STRIPE_NOT_REVENUE = (r"^\s*(failed|requires_\w+|requires \w+|incomplete|canceled|cancelled|blocked|"
                       r"uncaptured|processing|pending)\s*$")

PROFILES: tuple[Profile, ...] = (
    Profile("Square item sales", "transactions",
            ("Date", "Time", "Time Zone", "Item", "Qty", "Net Sales", "Transaction ID", "Event Type"),
            mapping=(("ordered_at", "Date"), ("quantity", "Qty"), ("line_total", "Net Sales"),
                     ("status", "Event Type"), ("product_name", "Item")),
            **_SQUARE_TIME),
    Profile("Square transactions", "transactions",
            ("Date", "Time", "Time Zone", "Gross Sales", "Net Sales", "Transaction ID", "Event Type",
             "Total Collected"),
            mapping=(("ordered_at", "Date"), ("line_total", "Net Sales"), ("status", "Event Type"),
                     ("product_name", "Description")),
            itemised_by="Square item sales", **_SQUARE_TIME),
    Profile("Etsy sold order items", "transactions",
            ("Sale Date", "Item Name", "Buyer", "Quantity", "Price", "Item Total", "Transaction ID", "Listing ID",
             "Order ID"),
            mapping=(("order_id", "Order ID"), ("unit_price", "Price"), ("customer_id", "Buyer"),
                     ("country", "Ship Country"))),
    Profile("Etsy sold orders", "transactions",
            ("Sale Date", "Order ID", "Buyer User ID", "Number of Items", "Order Value", "Order Total",
             "Adjusted Order Total"),
            mapping=(("order_id", "Order ID"), ("line_total", "Order Value"), ("quantity", "Number of Items"),
                     ("customer_id", "Buyer"), ("country", "Ship Country"), ("status", "Status")),
            unmap=("product_id",),
            refunded=("Adjusted Order Total", "Order Total"), itemised_by="Etsy sold order items"),
    Profile("Stripe payments", "transactions",
            ("id", "Created date (UTC)", "Amount", "Amount Refunded", "Currency", "Captured", "Status"),
            mapping=(("order_id", "id"), ("line_total", "Amount"), ("status", "Status"),
                     ("email", "Customer Email")),
            not_revenue=_STRIPE_NOT_REVENUE, refunded=("Amount Refunded", None),
            notes=("Stripe payments: times are UTC.",)),
    Profile("Lightspeed X-Series (Vend) sales history", "transactions",
            ("Date", "Receipt Number", "Line Type", "Customer Code", "Quantity", "Total", "Details", "User",
             "Status"),
            mapping=(("order_id", "Receipt Number"), ("customer_id", "Customer Code"), ("product_name", "Details"),
                     ("product_id", "Sku"), ("quantity", "Quantity"), ("line_total", "Total"),
                     ("status", "Status")),
            line_types=("Line Type", ("sale line",), ("sale",)), walk_in_ids=("WALKIN", "WALK-IN", "WALK IN")),
    Profile("WooCommerce Analytics orders", "transactions",
            ("Date", "Order #", "Status", "Customer", "Customer type", "Product(s)", "Items sold", "Net sales"),
            mapping=(("order_id", "Order #"), ("product_name", "Product(s)"), ("quantity", "Items sold"),
                     ("line_total", "Net sales")),
            refunds_as_rows=True,
            notes=("WooCommerce Analytics lists orders, not lines: each row is one order, its products in one "
                   "text; a refund is its own negative row on the refund date.",)),
    Profile("WooCommerce order export (Advanced Order Export)", "transactions",
            ("Order Number", "Order Status", "Order Date", "Item Name", "Quantity", "Item Cost",
             "Order Total Amount"),
            mapping=(("order_id", "Order Number"), ("unit_price", "Item Cost"), ("email", "Email (Billing)"),
                     ("phone", "Phone (Billing)"), ("country", "Country Code (Billing)"),
                     ("product_name", "Item Name")),
            unmap=("line_total",)),
    Profile("GA4 events (BigQuery export, flattened)", "events",
            ("event_date", "event_timestamp", "event_name", "user_pseudo_id"),
            mapping=(("event_at", "event_timestamp"), ("customer_id", "user_id"), ("channel", "traffic_source_medium"),
                     ("page", "page_location"), ("order_id", "transaction_id")),
            session_parts=("user_pseudo_id", "ga_session_id"), fallbacks=(("event_at", "event_date"),),
            notes=("GA4: a session is the browser (user_pseudo_id) with its ga_session_id; the channel is the "
                   "traffic source's medium.",)),
    # product catalogs: their row rules (variants, image rows, parents, category paths) are in load/catalog.py
    Profile("Shopify products", "catalog",
            ("Handle", "Title", "Option1 Value", "Variant SKU", "Variant Price"),
            mapping=(("product_id", "Variant SKU"), ("product_name", "Title"), ("category", "Product Category"),
                     ("unit_price", "Variant Price"), ("unit_cost", "Cost per item")),
            fallbacks=(("category", "Type"),),
            notes=("Shopify products: one row per variant (a product's own details on its first row only); rows "
                   "holding only an extra image are no product.",)),
    # the same export as Shopify writes it since 2024: "URL handle", "SKU", "Price", "Option1 value", "Product category"
    Profile("Shopify products (2024 layout)", "catalog",
            ("URL handle", "Title", "Option1 value", "SKU", "Price", "Cost per item"),
            mapping=(("product_id", "SKU"), ("product_name", "Title"), ("category", "Product category"),
                     ("unit_price", "Price"), ("unit_cost", "Cost per item")),
            fallbacks=(("category", "Type"),),
            notes=("Shopify products: one row per variant (a product's own details on its first row only); rows "
                   "holding only an extra image are no product.",)),
    Profile("WooCommerce products", "catalog",
            ("ID", "Type", "SKU", "Name", "Regular price", "Categories"),
            mapping=(("product_id", "SKU"), ("product_name", "Name"), ("category", "Categories"),
                     ("unit_price", "Regular price")),
            fallbacks=(("product_id", "ID"),),
            notes=("WooCommerce products: a variation takes its parent's category; a product without a SKU is "
                   "known by its ID.",)),
)

_BY_NAME = {p.name: p for p in PROFILES}


def recognise(headers: Sequence[str]) -> Profile | None:
    """The vendor profile whose headers this file has (the first that fits), or None."""
    normalised = {normalise_header(h) for h in headers}
    return next((p for p in PROFILES if p.matches(normalised)), None)


def column_of(headers: Sequence[str], header: str | None) -> int | None:
    """The index of ``header`` among ``headers`` (compared normalised), or None."""
    if header is None:
        return None
    want = normalise_header(header)
    return next((i for i, h in enumerate(headers) if normalise_header(h) == want), None)


def by_name(name: str | None) -> Profile | None:
    return _BY_NAME.get(name) if name else None


def apply_profile(profile: Profile, headers: Sequence[str], mapping: dict[str, int | None],
                  confidence: dict[str, str]) -> None:
    """The profile's choices on a proposed mapping (in place): its columns win, one column feeds one field."""
    for fld, header in profile.mapping:
        idx = column_of(headers, header)
        if idx is None or fld not in mapping:
            continue
        for other, i in mapping.items():
            if i == idx and other != fld:
                mapping[other] = None
                confidence.pop(other, None)
        mapping[fld] = idx
        confidence[fld] = f"profile: {profile.name}"
    for fld in profile.unmap:
        if fld in mapping and not any(f == fld for f, _ in profile.mapping):
            mapping[fld] = None
            confidence.pop(fld, None)
    for header in (profile.time_of_day, profile.time_zone, *(profile.session_parts or ())):
        idx = column_of(headers, header)
        for fld, i in mapping.items():
            if idx is not None and i == idx and fld != "session_id":
                mapping[fld] = None


def apply_people_rules(kind: str, headers: Sequence[str], profiles: list[ColumnProfile],
                       mapping: dict[str, int | None], confidence: dict[str, str]) -> list[str]:
    """A customer id is never a column of people's names nor the staff member who served (in place). Names go to
    the kind's name field when it has one. Returns notes for the owner."""
    notes: list[str] = []
    idx = mapping.get("customer_id")
    if idx is None or idx >= len(headers):
        return notes
    header = headers[idx]
    by_index = {p.index: p for p in profiles}
    if normalise_header(header) in STAFF_HEADERS and kind != "events":
        mapping["customer_id"] = None
        notes.append(f"“{header}” names the staff member who served, not the customer: it is not used as the "
                     "customer id.")
    elif idx in by_index and by_index[idx].filled and by_index[idx].person_names >= 0.8:
        mapping["customer_id"] = None
        confidence.pop("customer_id", None)
        if "name" in FIELDS[kind] and mapping.get("name") is None:
            mapping["name"] = idx
            confidence["name"] = "content"
            notes.append(f"“{header}” holds people's names, not ids: it is the customer's name.")
        else:
            notes.append(f"“{header}” holds people's names, not ids: two people may share a name, so the rows "
                         "are not linked to customers by it.")
    return notes


_CONTACT_FIELDS = ("email", "phone", "country", "city")


def profile_fallbacks(profile: Profile, headers: Sequence[str], mapping: dict[str, int | None],
                      fallbacks: dict[str, list[int]]) -> None:
    """The profile's own fallback columns (GA4's ``event_date`` where ``event_timestamp`` is empty), in place."""
    for fld, header in profile.fallbacks:
        idx = column_of(headers, header)
        if idx is not None and mapping.get(fld) is not None and idx != mapping[fld]:
            fallbacks.setdefault(fld, []).append(idx)


def contact_fallbacks(kind: str, headers: Sequence[str], mapping: dict[str, int | None]) -> dict[str, list[int]]:
    """Per contact field mapped to one column: the other, unmapped columns naming the same thing with a qualifier
    (`Default Address Phone` beside `Phone`, `Billing Phone` beside `Shipping Phone`), whose values fill its empty
    cells, in the file's order."""
    taken = {i for i in mapping.values() if i is not None}
    own = {f: set(SYNONYMS[kind].get(f, ())) for f in _CONTACT_FIELDS if f in FIELDS[kind]}
    out: dict[str, list[int]] = {}
    for fld, spellings in own.items():
        if mapping.get(fld) is None:
            continue
        extra = [i for i, h in enumerate(headers) if i not in taken
                 and any(normalise_header(c) in spellings for c in header_cores(h))]
        if extra:
            out[fld] = extra
    return out
