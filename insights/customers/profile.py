"""The 360° customer profile: find a customer, then everything known about them on one card.

- :func:`find_customers` searches id, name, email and phone (contains, case- and accent-insensitive; phone by
  digits) in the ``segment_customer_search`` mart, with LIKE wildcards in the query escaped and the query bound.
- :func:`customer_profile` gathers identity and contact, consent, location, channel, first/last order, orders,
  net revenue, AOV, tenure (days since the first order), RFM segment and lifecycle stage, favourite categories,
  a timeline of orders, web sessions and feedback, what sets them apart from the median customer, and CLV /
  p_alive / churn risk with reasons when those scores exist in the workspace.
- Contact details are shown masked (:func:`mask_email`, :func:`mask_phone`) until the user asks to reveal them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import unicodedata

import pandas as pd

from insights.core import scores as score_store
from insights.core.db import query_df
from insights.core.workspace import Workspace, connection
from insights.customers.lifecycle import lifecycle_stages
from insights.customers.segments import rfm_table

log = logging.getLogger(__name__)

SEARCH_COLUMNS = ["customer_id", "name", "email", "phone", "country", "orders", "net_revenue", "last_order_at"]
TIMELINE_COLUMNS = ["at", "kind", "title", "detail", "amount", "score"]


class CustomerNotFound(LookupError):
    """No customer with this id in the workspace."""


def mask_email(email: str | None) -> str:
    """``anna.schmidt@example.org`` → ``a•••@example.org`` (first letter and domain kept)."""
    if not email or not isinstance(email, str):
        return "—"
    local, at, domain = email.partition("@")
    if not at:
        return local[:1] + "•••"
    return (local[:1] or "•") + "•••@" + domain


def mask_name(name: str | None) -> str:
    """``Anna Schmidt`` → ``A. S.`` (initials only): a name shown where names are masked."""
    if not name or not isinstance(name, str) or not name.strip():
        return "—"
    return " ".join(part[:1].upper() + "." for part in name.split()[:3])


def mask_phone(phone: str | None) -> str:
    """``+4915123174737`` → ``+49•••••••••37`` (country prefix and last two digits kept)."""
    if not phone or not isinstance(phone, str):
        return "—"
    text = phone.strip()
    keep_start = 3 if text.startswith("+") else 1
    if len(text) <= keep_start + 2:
        return "•" * len(text)
    return text[:keep_start] + "•" * (len(text) - keep_start - 2) + text[-2:]


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip().lower()


def _like_contains(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def find_customers(ws, query: str, limit: int = 20) -> pd.DataFrame:
    """Customers whose id, name, email or phone contains ``query``; exact id/email matches first, then the
    biggest spenders. Phone numbers match on digits (at least 4). Out: :data:`SEARCH_COLUMNS` + match_rank."""
    text = _normalise(str(query or ""))
    if not text:
        return pd.DataFrame(columns=SEARCH_COLUMNS + ["match_rank"])
    digits = re.sub(r"[^0-9]", "", text)
    limit = max(1, min(int(limit), 500))
    return query_df(connection(ws), "queries/customers/profile/search.sql", {
        "text": text, "pattern": _like_contains(text), "digits": digits,
        "digits_pattern": _like_contains(digits), "limit": limit})


@dataclasses.dataclass
class CustomerProfile:
    """Everything known about one customer. Amounts are floats in the shop's currency."""
    customer_id: str
    name: str | None
    email: str | None
    phone: str | None
    consent_email: bool | None
    consent_sms: bool | None
    country: str | None
    city: str | None
    channel: str | None
    signed_up_at: pd.Timestamp | None
    first_order_at: pd.Timestamp | None
    last_order_at: pd.Timestamp | None
    orders: int
    net_revenue: float
    aov: float | None
    tenure_days: int | None
    recency_days: int | None
    rfm_segment: str | None
    rfm_code: str | None
    lifecycle_stage: str | None
    favourite_categories: pd.DataFrame
    orders_table: pd.DataFrame
    sessions: pd.DataFrame
    feedback: pd.DataFrame
    timeline: pd.DataFrame
    comparison: pd.DataFrame
    apart: list[str]
    clv: dict | None = None
    churn: dict | None = None
    as_of: dt.date | None = None

    @property
    def masked_email(self) -> str:
        return mask_email(self.email)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def display_name(self) -> str:
        return self.name or f"Customer {self.customer_id}"


def _none(value):
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _timeline(orders: pd.DataFrame, sessions: pd.DataFrame, feedback: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in orders.itertuples(index=False):
        title = f"Order {r.order_id}" + ("" if r.is_order else " (cancelled)")
        rows.append({"at": r.ordered_at, "kind": "order", "title": title,
                     "detail": r.categories or "", "amount": float(r.net_revenue), "score": None})
    for r in sessions.itertuples(index=False):
        steps = "purchase" if r.purchased else ("cart" if r.added_to_cart else "browse")
        detail = f"{r.events} events, ended at {steps}" + (f" · {r.device}" if _none(r.device) else "")
        rows.append({"at": r.started_at, "kind": "session", "title": "Web session", "detail": detail,
                     "amount": None, "score": None})
    for r in feedback.itertuples(index=False):
        title = {"nps": "NPS answer", "csat": "CSAT answer", "review": "Review"}.get(r.kind, "Survey answer")
        rows.append({"at": r.submitted_at, "kind": "feedback", "title": title, "detail": _none(r.text) or "",
                     "amount": None, "score": _none(r.score)})
    out = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    if out.empty:
        return out
    out["at"] = pd.to_datetime(out["at"])
    return out.sort_values("at", ascending=False, na_position="last").reset_index(drop=True)


def _days(n) -> str:
    return "1 day" if int(n) == 1 else f"{int(n):,} days"


def _apart(customer: dict, median: dict) -> tuple[pd.DataFrame, list[str]]:
    figures = [("orders", "Orders", "orders"), ("net_revenue", "Net revenue", "spent"),
               ("aov", "Average order value", "spends per order"),
               ("recency_days", "Days since last order", None), ("tenure_days", "Days since first order", None)]
    rows, words = [], []
    for key, label, verb in figures:
        mine, typical = customer.get(key), median.get(key)
        rows.append({"figure": label, "customer": mine, "median_customer": typical})
        if mine is None or typical is None or pd.isna(mine) or pd.isna(typical) or typical <= 0:
            continue
        ratio = float(mine) / float(typical)
        if key == "recency_days":
            if ratio <= 0.5:
                words.append(f"Bought more recently than most: {_days(mine)} ago (median customer {typical:.0f} "
                             "days).")
            elif ratio >= 2:
                words.append(f"Has not bought for {int(mine)} days, {ratio:.1f}× the median customer's gap.")
        elif key == "tenure_days":
            if ratio >= 2:
                words.append(f"A long-standing customer: first order {_days(mine)} ago "
                             f"({ratio:.1f}× the median customer's tenure).")
            elif ratio <= 0.5:
                words.append(f"A recent customer: first order {_days(mine)} ago.")
        elif ratio >= 1.5:
            words.append(f"{label}: {ratio:.1f}× the median customer.")
        elif ratio <= 0.67:
            words.append(f"{label}: {ratio:.0%} of the median customer's.")
    if not words:
        words.append("Close to the median customer on orders, spend, basket size and recency.")
    return pd.DataFrame(rows), words


def _scores(ws, customer_id: str) -> tuple[dict | None, dict | None]:
    """The customer's stored CLV (the latest fit) and churn scores (only when computed on the current data)."""
    clv = score_store.for_customer(ws, "clv", customer_id)
    churn = None
    if isinstance(ws, Workspace):
        current = score_store.current(ws, "churn")
        if current is not None:
            mine = current[current["customer_id"].astype(str) == str(customer_id)]
            churn = mine.iloc[0].to_dict() if len(mine) else None
    return clv, churn


def customer_profile(ws, customer_id: str, as_of=None, rfm: pd.DataFrame | None = None,
                     stages: pd.DataFrame | None = None) -> CustomerProfile:
    """The card for ``customer_id`` (raises :class:`CustomerNotFound`). ``rfm`` / ``stages`` (from
    :func:`insights.customers.segments.rfm_table` / :func:`insights.customers.lifecycle.lifecycle_stages`) save recomputing them."""
    con = connection(ws)
    cid = str(customer_id).strip()
    rows = query_df(con, "queries/customers/profile/customer.sql", {"customer_id": cid})
    if rows.empty:
        raise CustomerNotFound(f"No customer with id {cid!r} in this workspace.")
    c = {k: _none(v) for k, v in rows.iloc[0].to_dict().items()}
    rfm = rfm_table(con, as_of) if rfm is None else rfm
    stages = lifecycle_stages(con, as_of) if stages is None else stages
    mine = rfm[rfm["customer_id"] == cid]
    stage = stages.loc[stages["customer_id"] == cid, "stage"]
    orders = query_df(con, "queries/customers/profile/orders.sql", {"customer_id": cid})
    sessions = query_df(con, "queries/customers/profile/sessions.sql", {"customer_id": cid})
    feedback = query_df(con, "queries/customers/profile/feedback.sql", {"customer_id": cid})
    categories = query_df(con, "queries/customers/profile/categories.sql", {"customer_id": cid})
    averages = query_df(con, "queries/customers/profile/averages.sql").iloc[0].to_dict()
    recency = int(mine["recency_days"].iloc[0]) if len(mine) else None
    tenure = int(mine["tenure_days"].iloc[0]) if len(mine) else None
    median = {"orders": averages["orders"], "net_revenue": averages["net_revenue"], "aov": averages["aov"],
              "recency_days": float(rfm["recency_days"].median()) if len(rfm) else None,
              "tenure_days": float(rfm["tenure_days"].median()) if len(rfm) else None}
    figures = {"orders": int(c["orders"] or 0), "net_revenue": float(c["net_revenue"] or 0),
               "aov": float(c["aov"]) if c["aov"] is not None else None,
               "recency_days": recency, "tenure_days": tenure}
    comparison, apart = _apart(figures, median)
    clv, churn = _scores(ws, cid)
    return CustomerProfile(
        customer_id=cid, name=c["name"], email=c["email"], phone=c["phone"],
        consent_email=c["consent_email"], consent_sms=c["consent_sms"], country=c["country"], city=c["city"],
        channel=c["channel"], signed_up_at=c["signed_up_at"], first_order_at=c["first_order_at"],
        last_order_at=c["last_order_at"], orders=figures["orders"], net_revenue=figures["net_revenue"],
        aov=figures["aov"], tenure_days=tenure, recency_days=recency,
        rfm_segment=mine["segment"].iloc[0] if len(mine) else None,
        rfm_code=mine["rfm_code"].iloc[0] if len(mine) else None,
        lifecycle_stage=stage.iloc[0] if len(stage) else None,
        favourite_categories=categories, orders_table=orders, sessions=sessions, feedback=feedback,
        timeline=_timeline(orders, sessions, feedback), comparison=comparison, apart=apart,
        clv=clv, churn=churn, as_of=pd.Timestamp(as_of).date() if as_of is not None else None)
