"""The next best products for each customer: the top K products they have not bought, by the method the backtest
chose for this shop, from the history before ``as_of`` only; and the file an e-mail tool imports (consent
honoured)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from insights.core.db import query_df
from insights.core.consent import consent_filter
from insights.core.spreadsheet import write_table
from insights.core.workspace import connection
from insights.products.backtest import HOLDOUT_WEEKS, Evaluation, evaluate
from insights.products.gateways import gateways
from insights.products.lines import FAR_FUTURE, history_end, kept_lines
from insights.products.methods import METHODS, Recommender, interactions

log = logging.getLogger(__name__)

RECOMMENDATION_COLUMNS = ["customer_id", "rank", "product_id", "product_name", "score", "method"]
EMAIL_TOOLS = {"mailchimp": "Email Address", "klaviyo": "Email"}     # the address column each tool's import needs
EMAIL_TOP = 3


@dataclass(frozen=True)
class Recommendations:
    """``rows``: RECOMMENDATION_COLUMNS (customer ids as the shop's files spell them); ``evaluation``: the
    backtest behind an automatic choice (None when a method was named); ``restricted``: the item-item model
    kept only the most bought products."""
    rows: pd.DataFrame
    method: str
    evaluation: Evaluation | None
    restricted: bool


def recommend_lines(lines: pd.DataFrame, end: pd.Timestamp | None, top: int = 10, method: str = "auto",
                    holdout_weeks: int = HOLDOUT_WEEKS) -> Recommendations:
    """Recommendations from kept lines (see :func:`recommend`)."""
    if method != "auto" and method not in METHODS:
        raise ValueError(f"method must be auto or one of {', '.join(METHODS)}, got {method!r}")
    evaluation = None
    if method == "auto":
        evaluation = evaluate(lines, end, holdout_weeks, top) if end is not None else None
        method = evaluation.chosen if evaluation is not None else "best_sellers"
    history = interactions(lines)
    if not history.matrix.shape[0]:
        return Recommendations(pd.DataFrame(columns=RECOMMENDATION_COLUMNS + ["_customer"]), method, evaluation, False)
    model = Recommender(method).fit(history.matrix)
    positions, scores = model.top(history.matrix, top)
    known = lines.dropna(subset=["customer_id"])
    source = known.drop_duplicates("customer_id").set_index(known.drop_duplicates("customer_id")["customer_id"]
                                                            .astype(str))["source_customer_id"]
    names = known.drop_duplicates("product_id").set_index(known.drop_duplicates("product_id")["product_id"]
                                                          .astype(str))["product_name"]
    k = positions.shape[1]
    products = history.items[positions.ravel()]
    customers = np.repeat(history.customers, k)
    shop_ids = source.reindex(customers).to_numpy()
    rows = pd.DataFrame({
        "customer_id": np.where(pd.isna(shop_ids), customers, shop_ids),
        "rank": np.tile(np.arange(1, k + 1), len(history.customers)),
        "product_id": products, "product_name": names.reindex(products).to_numpy(),
        "score": np.round(scores.ravel().astype(float), 6), "method": method,
        "_customer": customers,
    })
    # a customer who bought all but a few products has fewer than K left: the rest are bought ones (−inf), dropped
    rows = rows[np.isfinite(rows["score"])].reset_index(drop=True)
    return Recommendations(rows, method, evaluation, bool(model.restricted_))


def openers(lines: pd.DataFrame, end: pd.Timestamp | None, top: int = 10) -> pd.DataFrame:
    """The shop's best first purchases (rank, product_id, product_name, score): the products whose first-time
    buyers most often ordered again within 90 days (``score``: how many did), then the most bought first; for
    customers with no order yet. Without customers old enough to tell, the products most customers bought."""
    # the data begins with its first line, a guest's included
    start = lines["ordered_at"].min() if len(lines) else None
    found = gateways(lines, end, start=start).items if end is not None else pd.DataFrame()
    if len(found):
        ranked = found.sort_values(["repeat_customers", "customers", "product"], ascending=[False, False, True])
        best = pd.DataFrame({"product_id": ranked["product"], "product_name": ranked["name"],
                             "score": ranked["repeat_customers"].astype(float)})
    else:
        known = lines.dropna(subset=["customer_id"]).drop_duplicates(["customer_id", "product_id"])
        best = (known.groupby("product_id").agg(product_name=("product_name", "first"), score=("customer_id", "size"))
                .reset_index().sort_values(["score", "product_id"], ascending=[False, True]))
        best["score"] = best["score"].astype(float)
    best = best.head(top).reset_index(drop=True)
    return best.assign(rank=np.arange(1, len(best) + 1))[["rank", "product_id", "product_name", "score"]]


def with_openers(ws_or_con, recs: Recommendations, lines: pd.DataFrame, end, as_of, top: int) -> Recommendations:
    """The recommendations plus, for every CRM customer with no order before ``as_of``, the shop's openers
    (method ``openers``)."""
    cutoff = FAR_FUTURE if as_of is None else pd.Timestamp(end).to_pydatetime()
    newcomers = query_df(connection(ws_or_con), "queries/products/customers/without_orders.sql", {"as_of": cutoff})
    if newcomers.empty:
        return recs
    best = openers(lines, end, top)
    if best.empty:
        return recs
    keys = newcomers["customer_id"].astype(str).to_numpy()
    shop_ids = newcomers["source_customer_id"].where(newcomers["source_customer_id"].notna(),
                                                     newcomers["customer_id"]).astype(str).to_numpy()
    k = len(best)
    added = pd.DataFrame({
        "customer_id": np.repeat(shop_ids, k), "rank": np.tile(best["rank"].to_numpy(), len(keys)),
        "product_id": np.tile(best["product_id"].to_numpy(), len(keys)),
        "product_name": np.tile(best["product_name"].to_numpy(), len(keys)),
        "score": np.tile(best["score"].to_numpy(), len(keys)), "method": "openers",
        "_customer": np.repeat(keys, k)})
    rows = pd.concat([recs.rows, added], ignore_index=True) if len(recs.rows) else added
    return Recommendations(rows, recs.method, recs.evaluation, recs.restricted)


def recommend(ws_or_con, as_of=None, top: int = 10, method: str = "auto",
              holdout_weeks: int = HOLDOUT_WEEKS) -> Recommendations:
    """Top ``top`` new products for every identified customer with a purchase before ``as_of`` (exclusive;
    default: the whole history), and the shop's best openers (:func:`openers`, method ``openers``) for customers
    in the CRM without one. ``method="auto"`` runs the backtest on that history and uses its choice."""
    lines = kept_lines(ws_or_con, as_of)
    end = history_end(ws_or_con, as_of)
    recs = recommend_lines(lines, end, top, method, holdout_weeks)
    return with_openers(ws_or_con, recs, lines, end, as_of, top)


def consented_rows(ws_or_con, rows: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """(rows of customers who consented to e-mail, have an address and are not on the suppression list, customers
    left out). Only TRUE is consent; unknown (no CRM record) is not (:func:`consent_filter`)."""
    contacts = query_df(connection(ws_or_con), "queries/products/customers/contacts.sql")
    allowed = set(consent_filter(ws_or_con, contacts).kept["customer_id"].astype(str))
    keep = rows["_customer"].isin(allowed)
    return rows[keep], int(rows.loc[~keep, "_customer"].nunique())


def recommendations_file(ws_or_con, recs: Recommendations, fmt: str = "csv") -> tuple[bytes, int, int]:
    """(file bytes through the safe spreadsheet writer, customers written, customers left out for consent)."""
    kept, left_out = consented_rows(ws_or_con, recs.rows)
    log.info("recommendations: %d customers written, %d left out for e-mail consent",
             kept["_customer"].nunique(), left_out)
    return write_table(kept[RECOMMENDATION_COLUMNS], fmt, sheet="Recommendations"), \
        int(kept["_customer"].nunique()), left_out


@dataclass(frozen=True)
class EmailRows:
    """One row per customer who may be e-mailed: the address column the tool imports (``Email Address`` for
    Mailchimp, ``Email`` for Klaviyo), ``First Name``, ``Last Name``, ``Customer ID`` (as the shop's files spell
    it), then ``Product 1`` … ``Product K`` (names) and ``Product 1 code`` …; ``customer_key``: the resolved ids of
    the rows, in order (for a hold-back); the consent rule and who was left out, and why."""
    rows: pd.DataFrame
    customer_key: pd.Series
    left_for_consent: int
    left_without_email: int
    left_suppressed: int
    rule: str


def email_rows(ws_or_con, recs: Recommendations, layout: str = "mailchimp", top: int = EMAIL_TOP) -> EmailRows:
    """Each consented customer's top ``top`` products in the columns an e-mail tool imports (see
    :class:`EmailRows`); other tools take the Klaviyo shape (``Email``, the rest as custom properties)."""
    address = EMAIL_TOOLS.get(layout, "Email")
    contacts = query_df(connection(ws_or_con), "queries/products/customers/contacts.sql")
    contacts = contacts.assign(customer_id=contacts["customer_id"].astype(str))
    contacts = contacts[contacts["customer_id"].isin(set(recs.rows["_customer"]))]
    filtered = consent_filter(ws_or_con, contacts)
    kept = filtered.kept.sort_values("customer_id")
    best = recs.rows[recs.rows["rank"] <= top]
    wide_names = best.pivot(index="_customer", columns="rank", values="product_name")
    wide_codes = best.pivot(index="_customer", columns="rank", values="product_id")
    shop_ids = best.drop_duplicates("_customer").set_index("_customer")["customer_id"]
    keys = kept["customer_id"]
    names = [" ".join(str(n).split()).partition(" ") if isinstance(n, str) else ("", "", "") for n in kept["name"]]
    out = {address: kept["email"].to_numpy(),
           "First Name": [n[0] for n in names], "Last Name": [n[2] for n in names],
           "Customer ID": shop_ids.reindex(keys).to_numpy()}
    for rank in range(1, top + 1):
        out[f"Product {rank}"] = (wide_names[rank].reindex(keys).to_numpy() if rank in wide_names
                                  else np.full(len(keys), None))
    for rank in range(1, top + 1):
        out[f"Product {rank} code"] = (wide_codes[rank].reindex(keys).to_numpy() if rank in wide_codes
                                       else np.full(len(keys), None))
    return EmailRows(pd.DataFrame(out), keys.reset_index(drop=True), filtered.left_for_consent,
                     filtered.left_without_email, filtered.left_suppressed, filtered.rule)
