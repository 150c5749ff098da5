"""The backtest's choice and every customer's recommendations, stored in the workspace (``core.scores``, model
``recommendations``) with the data they were computed from: pages read them instead of refitting, and the
choice is made again after each upload (a stored run of older data is stale and recomputed on first use).

Stored rows: customer_id (resolved), shop_customer_id (as the shop's files spell it), rank, product_id,
product_name, score, method. The run's report is the backtest (:meth:`Evaluation.to_dict`) and the method used.
Erasing a customer removes their rows with every model's scores (:func:`insights.core.scores.forget`).
"""

from __future__ import annotations

import pandas as pd

from insights.core import scores
from insights.core.db import query_df, table_exists
from insights.core.workspace import connection
from insights.products.backtest import TOP_K, Evaluation
from insights.products.recommend import RECOMMENDATION_COLUMNS, Recommendations, recommend

MODEL = "recommendations"


def store(ws, recs: Recommendations) -> None:
    """Replace the stored recommendations with ``recs`` (and its backtest)."""
    rows = recs.rows.rename(columns={"customer_id": "shop_customer_id", "_customer": "customer_id"})[
        ["customer_id", "shop_customer_id", "rank", "product_id", "product_name", "score", "method"]]
    report = {"method": recs.method, "restricted": recs.restricted,
              "evaluation": recs.evaluation.to_dict() if recs.evaluation is not None else None}
    scores.write(ws, MODEL, rows.astype({"customer_id": str, "shop_customer_id": str}), {"top": TOP_K}, report)


def evaluation_from(report: dict | None) -> Evaluation | None:
    """The stored backtest as an :class:`Evaluation` (None when none was stored)."""
    stored = (report or {}).get("evaluation")
    if not stored:
        return None
    methods = pd.DataFrame(stored["methods"], columns=["method", "hit_rate", "recall", "coverage", "customers"])
    return Evaluation(methods, stored["chosen"], pd.Timestamp(stored["cutoff"]), pd.Timestamp(stored["end"]),
                      int(stored["k"]))


def refreshed(ws) -> dict:
    """The current run's report: stored when the data has not changed since, else recomputed (the backtest's
    choice, every customer's top products) and stored first."""
    report = scores.report(ws, MODEL)
    if report is None:
        store(ws, recommend(ws, top=TOP_K, method="auto"))
        report = scores.report(ws, MODEL)
    return report


def current_evaluation(ws) -> Evaluation | None:
    """The backtest behind the stored recommendations, refreshed when the data changed."""
    return evaluation_from(refreshed(ws))


def recommended_for(ws, customer_id: str, top: int = 5) -> pd.DataFrame:
    """One customer's stored next products (rank, product_id, product_name, score, method), refreshed when the
    data changed; empty when they have none."""
    refreshed(ws)
    con = connection(ws)
    if not table_exists(con, "recommendations_scores"):
        return pd.DataFrame(columns=["rank", "product_id", "product_name", "score", "method"])
    rows = query_df(con, "queries/products/customers/recommended_for.sql", {"customer_id": str(customer_id)})
    return rows.head(top)


def stored_recommendations(ws) -> Recommendations:
    """Every customer's stored recommendations as :class:`Recommendations` (refreshed when the data changed)."""
    report = refreshed(ws)
    rows = scores.current(ws, MODEL)
    rows = (rows if rows is not None else pd.DataFrame(columns=["customer_id", "shop_customer_id", "rank",
                                                                "product_id", "product_name", "score", "method"]))
    rows = rows.rename(columns={"customer_id": "_customer"}).rename(columns={"shop_customer_id": "customer_id"})
    return Recommendations(rows[RECOMMENDATION_COLUMNS + ["_customer"]].reset_index(drop=True), report["method"],
                           evaluation_from(report), bool(report.get("restricted")))
