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
from insights.products.lines import history_end, kept_lines
from insights.products.methods import METHODS, Recommender, interactions

log = logging.getLogger(__name__)

RECOMMENDATION_COLUMNS = ["customer_id", "rank", "product_id", "product_name", "score", "method"]


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
        return Recommendations(pd.DataFrame(columns=RECOMMENDATION_COLUMNS), method, evaluation, False)
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
    return Recommendations(rows, method, evaluation, bool(model.restricted_))


def recommend(ws_or_con, as_of=None, top: int = 10, method: str = "auto",
              holdout_weeks: int = HOLDOUT_WEEKS) -> Recommendations:
    """Top ``top`` new products for every identified customer with a purchase before ``as_of`` (exclusive;
    default: the whole history). ``method="auto"`` runs the backtest on that history and uses its choice."""
    lines = kept_lines(ws_or_con, as_of)
    return recommend_lines(lines, history_end(ws_or_con, as_of), top, method, holdout_weeks)


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
