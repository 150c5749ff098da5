"""Which recommendation method is right for this shop, proven on its own past: hold out the last weeks,
recommend from what came before, and count what customers then bought that they had never bought before.

Counted customers: those with a history before the cut-off who bought at least one new product in the held-out
weeks. ``hit_rate``: the share of them with at least one of those new products in their top K. ``recall``: of
the new products they bought, the share that was in their top K (averaged over customers). ``coverage``: the
share of the catalogue that appears in anybody's top K. The chosen method has the best hit rate; a method that
does not beat best sellers is never chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from insights.products.methods import METHODS, Recommender, interactions

HOLDOUT_WEEKS = 4
TOP_K = 10


@dataclass(frozen=True)
class Evaluation:
    """``methods``: one row per method (method, hit_rate, recall, coverage, customers); ``chosen``: its name."""
    methods: pd.DataFrame
    chosen: str
    cutoff: pd.Timestamp
    end: pd.Timestamp
    k: int

    def to_dict(self) -> dict:
        return {"methods": self.methods.to_dict("records"), "chosen": self.chosen,
                "cutoff": str(self.cutoff.date()), "end": str(self.end.date()), "k": self.k}

    def in_words(self) -> list[str]:
        out = []
        for row in self.methods.itertuples():
            out.append(f"{METHOD_NAMES[row.method]}: for {row.hit_rate * 100:.0f} of 100 customers who bought something "
                       f"new, it was in their top {self.k}; {row.recall:.0%} of the new products were; "
                       f"{row.coverage:.0%} of the catalogue was recommended to someone.")
        return out


METHOD_NAMES = {"best_sellers": "Best sellers", "cosine": "Bought by the same customers",
                "ease": "Learned from every basket"}


def choose(methods: pd.DataFrame) -> str:
    """The method with the best hit rate (recall breaks ties); best sellers unless another beats it."""
    if methods.empty:
        return "best_sellers"
    base = methods.set_index("method").loc["best_sellers"]
    best = methods.sort_values(["hit_rate", "recall"], ascending=False).iloc[0]
    better = (best["hit_rate"], best["recall"]) > (base["hit_rate"], base["recall"])
    return str(best["method"]) if better else "best_sellers"


def evaluate(lines: pd.DataFrame, end: pd.Timestamp, holdout_weeks: int = HOLDOUT_WEEKS, k: int = TOP_K,
             methods=METHODS, max_items: int | None = None) -> Evaluation:
    """The backtest table on kept lines before ``end``; the held-out weeks are the last ``holdout_weeks``."""
    cutoff = pd.Timestamp(end) - pd.Timedelta(weeks=holdout_weeks)
    train = lines[lines["ordered_at"] < cutoff]
    later = lines[(lines["ordered_at"] >= cutoff) & (lines["ordered_at"] < end)].dropna(subset=["customer_id"])
    history = interactions(train)
    rows = []
    if history.matrix.shape[0] and history.matrix.shape[1]:
        bought = set(zip(train["customer_id"].astype(str), train["product_id"].astype(str)))
        new = later.assign(customer_id=later["customer_id"].astype(str), product_id=later["product_id"].astype(str))
        new = new[[(c, p) not in bought for c, p in zip(new["customer_id"], new["product_id"])]]
        new = new.drop_duplicates(["customer_id", "product_id"])
        position = pd.Index(history.customers).get_indexer(new["customer_id"])
        new = new[position >= 0].assign(row=position[position >= 0])
        targets = new.groupby("row")["product_id"].agg(set)
        evaluated = targets.index.to_numpy()
        catalogue = len(history.items)
        for method in methods:
            options = {} if max_items is None else {"max_items": max_items}
            model = Recommender(method, **options).fit(history.matrix)
            top, scores = (model.top(history.matrix[evaluated], k) if len(evaluated)
                           else (np.empty((0, k), int), np.empty((0, k))))
            offered = np.isfinite(scores)                   # a customer with fewer than k products left: −inf
            hits, recalls = [], []
            for wanted, picks, shown in zip(targets.to_numpy(), top, offered):
                found = len(wanted & set(history.items[picks[shown]]))
                hits.append(found > 0)
                recalls.append(found / len(wanted))
            rows.append({"method": method, "hit_rate": float(np.mean(hits)) if hits else 0.0,
                         "recall": float(np.mean(recalls)) if recalls else 0.0,
                         "coverage": len(np.unique(top[offered])) / catalogue if len(evaluated) else 0.0,
                         "customers": int(len(evaluated))})
    table = pd.DataFrame(rows, columns=["method", "hit_rate", "recall", "coverage", "customers"])
    return Evaluation(table, choose(table), cutoff, pd.Timestamp(end), k)
