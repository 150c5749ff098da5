"""Recommendation methods over who bought what (customers × products, 0/1), scikit-learn style.

* ``best_sellers``: the products most customers bought; the same list for everyone.
* ``cosine``: item-to-item co-occurrence; a product scores by its cosine similarity to what the customer bought.
* ``ease``: EASE (Steck 2019), a linear item-item model with a closed form: B = I − P·diag(1/diag(P)),
  P = (XᵀX + λI)⁻¹, the diagonal of B forced to zero.

Item-item models grow with the catalogue squared: beyond ``max_items`` products they restrict themselves to the
``max_items`` products bought by most customers (``restricted_`` says so); the rest can still be recommended
through the best-seller tie-break. Every method breaks ties and fills empty histories with best sellers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

METHODS = ("best_sellers", "cosine", "ease")
MAX_ITEMS = 5000
BATCH = 4096


@dataclass(frozen=True)
class Interactions:
    """``matrix``: customers × items (0/1, CSR) with ``customers`` and ``items`` naming its rows and columns."""
    matrix: sparse.csr_matrix
    customers: np.ndarray
    items: np.ndarray


def interactions(lines: pd.DataFrame, items: np.ndarray | None = None) -> Interactions:
    """Who bought what from kept lines of identified customers; ``items`` fixes the columns (others dropped)."""
    known = lines.dropna(subset=["customer_id"])
    customers, rows = np.unique(known["customer_id"].astype(str).to_numpy(), return_inverse=True)
    codes = known["product_id"].astype(str).to_numpy()
    if items is None:
        items, cols = np.unique(codes, return_inverse=True)
        keep = np.ones(len(cols), dtype=bool)
    else:
        position = pd.Index(items).get_indexer(codes)
        keep, cols = position >= 0, position
    matrix = sparse.csr_matrix((np.ones(int(keep.sum()), dtype=np.float32), (rows[keep], cols[keep])),
                               shape=(len(customers), len(items)))
    matrix.data[:] = 1.0
    return Interactions(matrix, customers, np.asarray(items))


class Recommender:
    """fit(matrix) → self; ``scores(rows)`` → dense float32 scores of rows (customers × items) of the same
    item columns; ``top(rows, k)`` → (item positions, scores), bought items excluded."""

    def __init__(self, method: str = "ease", l2: float = 100.0, max_items: int = MAX_ITEMS):
        self.method = method
        self.l2 = l2
        self.max_items = max_items

    def fit(self, matrix: sparse.csr_matrix) -> "Recommender":
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        popularity = np.asarray(matrix.sum(axis=0)).ravel().astype(np.float64)
        self.popularity_ = popularity
        self.prior_ = (popularity / popularity.max() if popularity.max() > 0 else popularity).astype(np.float32)
        self.kept_ = np.sort(np.argsort(-popularity, kind="stable")[: self.max_items])
        self.restricted_ = len(self.kept_) < matrix.shape[1]
        if self.method == "best_sellers":
            self.weights_ = None
            return self
        sub = matrix[:, self.kept_]
        gram = (sub.T @ sub).toarray().astype(np.float64)
        if self.method == "cosine":
            norms = np.sqrt(np.diag(gram))
            norms[norms == 0] = 1.0
            weights = gram / norms[:, None] / norms[None, :]
        else:
            gram[np.diag_indices_from(gram)] += self.l2
            precision = np.linalg.inv(gram)
            weights = -precision / np.diag(precision)[None, :]
        np.fill_diagonal(weights, 0.0)
        self.weights_ = weights.astype(np.float32)
        return self

    def scores(self, rows: sparse.csr_matrix) -> np.ndarray:
        prior = np.broadcast_to(self.prior_, (rows.shape[0], len(self.prior_)))
        if self.weights_ is None:
            return np.array(prior, dtype=np.float32)
        out = np.full((rows.shape[0], len(self.prior_)), 0.0, dtype=np.float32)
        out[:, self.kept_] = np.asarray(rows[:, self.kept_] @ self.weights_)
        # best sellers break ties (and fill histories the model knows nothing about) without outranking a signal
        return out + 1e-4 * prior

    def top(self, rows: sparse.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
        positions, values = [], []
        k = min(k, rows.shape[1])
        for start in range(0, rows.shape[0], BATCH):
            batch = rows[start:start + BATCH]
            scored = self.scores(batch)
            scored[batch.nonzero()] = -np.inf                      # never a product the customer already bought
            part = np.argpartition(-scored, k - 1, axis=1)[:, :k] if k < scored.shape[1] else \
                np.tile(np.arange(scored.shape[1]), (scored.shape[0], 1))
            part_scores = np.take_along_axis(scored, part, axis=1)
            order = np.argsort(-part_scores, axis=1, kind="stable")
            positions.append(np.take_along_axis(part, order, axis=1))
            values.append(np.take_along_axis(part_scores, order, axis=1))
        if not positions:
            return np.empty((0, k), dtype=np.int64), np.empty((0, k), dtype=np.float32)
        return np.vstack(positions), np.vstack(values)
