"""The canonical fields: the kinds of file, the fields of each (in the order the mapping editor shows them),
their labels in the owner's words, what kind of value each holds, and what a kind cannot be loaded without."""

from __future__ import annotations

KINDS = ("transactions", "customers", "events", "feedback", "spend", "catalog")

KIND_LABELS = {
    "transactions": "orders / order lines",
    "customers": "customer list",
    "events": "web or app events",
    "feedback": "surveys and reviews",
    "spend": "marketing spend",
    "catalog": "product catalog",
}

# Canonical fields per kind, in the order the mapping editor shows them. Most are columns of the canonical
# tables in sql/schema.sql; a few are inputs that the loader turns into columns:
#   line_total  -> the line's amount (unit_price = line_total / quantity) when the file has no unit price
#   first_name, last_name -> joined into customer_records.name
#   churn       -> customer_records.churned
#   customer_ref -> a second customer id (e.g. Olist's per-order customer_id beside customer_unique_id),
#                   used to link order files to the person; kept in attributes too
#   feedback_kind -> feedback.kind (nps, csat, review, survey)
#   category_name -> a catalog's translated or display name of its category (Olist's category translation)
#   margin_pct  -> a catalog's gross margin in % (per product, or per category on a row without a product)
#   source_event_id, response_id -> not stored: an event's or an answer's own id in the file, which makes two
#                   identical rows one event/answer exported twice (set aside) rather than two (kept)
FIELDS: dict[str, tuple[str, ...]] = {
    "transactions": ("order_id", "ordered_at", "customer_id", "email", "phone", "product_id",
                     "product_name", "category", "quantity", "unit_price", "line_total", "currency",
                     "channel", "country", "status", "delivered_at", "promised_at", "name"),
    "customers": ("customer_id", "customer_ref", "name", "first_name", "last_name", "email", "phone",
                  "country", "city", "channel", "signed_up_at", "consent_email", "consent_sms", "status",
                  "cancelled_at", "churn"),
    "events": ("session_id", "event_at", "event_name", "customer_id", "email", "page", "channel",
               "device", "order_id", "source_event_id"),
    "feedback": ("submitted_at", "score", "text", "feedback_kind", "customer_id", "email", "order_id",
                 "response_id"),
    # period_start/period_end are read by load.spend (a day, a week, a month such as "Jan 2024" or a range)
    "spend": ("period_start", "period_end", "platform", "channel", "campaign", "campaign_type", "amount",
              "currency", "clicks", "impressions", "conversions"),
    # a product catalog (insights/ingest/load/catalog.py): a row per product, or per category without a product
    "catalog": ("product_id", "product_name", "category", "category_name", "unit_cost", "unit_price", "currency",
                "margin_pct"),
}

FIELD_LABELS = {
    "order_id": "Order number", "ordered_at": "Order date", "customer_id": "Customer ID",
    "customer_ref": "Second customer ID", "email": "E-mail", "phone": "Phone", "product_id": "Product code (SKU)",
    "product_name": "Product name", "category": "Category", "quantity": "Quantity", "unit_price": "Unit price",
    "line_total": "Line total (amount)", "currency": "Currency", "channel": "Channel", "country": "Country",
    "status": "Status", "delivered_at": "Delivered date", "promised_at": "Promised delivery date",
    "name": "Full name", "first_name": "First name", "last_name": "Last name", "city": "City",
    "signed_up_at": "Signup date", "consent_email": "E-mail opt-in", "consent_sms": "SMS opt-in",
    "cancelled_at": "Cancelled date", "churn": "Churned (yes/no)", "session_id": "Session ID",
    "event_at": "Event time", "event_name": "Event", "page": "Page", "device": "Device",
    "submitted_at": "Submitted at", "score": "Score / rating", "text": "Comment",
    "feedback_kind": "Type (nps/review)", "source_event_id": "Event ID", "response_id": "Response / review ID",
    "period_start": "Day, week or month (start)", "period_end": "Period end", "platform": "Ad platform",
    "campaign": "Campaign", "campaign_type": "Campaign type", "amount": "Spend (cost)", "clicks": "Clicks",
    "impressions": "Impressions", "conversions": "Conversions",
    "unit_cost": "Unit cost", "category_name": "Category name (translated)", "margin_pct": "Gross margin %",
}

DATE_FIELDS = frozenset({"ordered_at", "delivered_at", "promised_at", "signed_up_at", "cancelled_at",
                         "event_at", "submitted_at"}) | {"period_start", "period_end"}
NUMBER_FIELDS = frozenset({"quantity", "unit_price", "line_total", "score", "unit_cost", "margin_pct"}) | {
    "amount", "clicks", "impressions", "conversions"}
MONEY_FIELDS = frozenset({"unit_price", "line_total", "unit_cost"}) | {"amount"}
ID_FIELDS = frozenset({"order_id", "customer_id", "customer_ref", "product_id", "session_id", "source_event_id",
                       "response_id"})
BOOL_FIELDS = frozenset({"consent_email", "consent_sms", "churn"})


# fields without which a kind cannot be loaded (any one of each tuple)
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    # no order date is allowed: an orders table loaded with the file can complete it (else rows are rejected)
    "transactions": (("unit_price", "line_total"),),
    "customers": (("customer_id", "email", "phone"),),
    "events": (("event_at",), ("event_name",)),
    "feedback": (("score", "text"),),
    "spend": (("amount",), ("period_start",)),
    "catalog": (("product_id", "category"),),
}


def missing_required(kind: str, mapping: dict[str, int | None]) -> list[str]:
    """Plain-words list of what the mapping still lacks before the file can be loaded."""
    missing = []
    for group in REQUIRED[kind]:
        if all(mapping.get(f) is None for f in group):
            missing.append(" or ".join(FIELD_LABELS[f] for f in group))
    return missing
