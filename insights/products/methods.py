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
from scipy.linalg import lapack

METHODS = ("best_sellers", "cosine", "ease")
MAX_ITEMS = 4000
BATCH = 4096
BLOCK = 64


@dataclass(frozen=True)
class Interactions:
    """``matrix``: customers × items (0/1, CSR) with ``customers`` and ``items`` naming its rows and columns."""
    matrix: sparse.csr_matrix
    customers: np.ndarray
    items: np.ndarray


def interactions(lines: pd.DataFrame, items: np.ndarray | None = None) -> Interactions:
    """Who bought what from kept lines of identified customers; ``items`` fixes the columns (others dropped)."""
    known = lines.dropna(subset=["customer_id"])
    rows, customers = pd.factorize(known["customer_id"].astype(str), sort=True)
    customers = np.asarray(customers, dtype=object)
    codes = known["product_id"].astype(str)
    if items is None:
        cols, items = pd.factorize(codes, sort=True)
        keep = np.ones(len(cols), dtype=bool)
    else:
        position = pd.Index(items).get_indexer(codes)
        keep, cols = position >= 0, position
    matrix = sparse.csr_matrix((np.ones(int(keep.sum()), dtype=np.float32), (rows[keep], cols[keep])),
                               shape=(len(customers), len(items)))
    matrix.data[:] = 1.0
    return Interactions(matrix, customers, np.asarray(items, dtype=object))


def spd_inverse(matrix: np.ndarray) -> np.ndarray:
    """The inverse of a symmetric positive definite float32 matrix by Cholesky (half the work of LU)."""
    factor, info = lapack.spotrf(matrix, lower=False)
    if info != 0:
        raise np.linalg.LinAlgError(f"matrix is not positive definite (LAPACK info {info})")
    inverse, info = lapack.spotri(factor, lower=False)
    if info != 0:
        raise np.linalg.LinAlgError(f"inverse failed (LAPACK info {info})")
    return np.triu(inverse) + np.triu(inverse, 1).T


def top_k(scored: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(column positions, scores) of each row's ``k`` best scores, best first, ties by column order.

    Wide rows skip most of the sort: the k-th best of the row's block maxima (blocks of BLOCK columns) is a
    lower bound of its k-th best score, so only the few scores at or above it are ranked."""
    n_rows, n = scored.shape
    k = min(k, n)
    blocks = n // BLOCK
    if blocks >= 2 * k:
        full = blocks * BLOCK
        maxima = scored[:, :full].reshape(n_rows, blocks, BLOCK).max(axis=2)
        if full < n:
            maxima = np.hstack([maxima, scored[:, full:].max(axis=1, keepdims=True)])
        threshold = np.partition(maxima, -k, axis=1)[:, -k]
        block_rows, block_ids = np.nonzero(maxima >= threshold[:, None])
        columns = block_ids[:, None] * BLOCK + np.arange(BLOCK)[None, :]
        inside = columns < n
        values = scored[block_rows[:, None], np.minimum(columns, n - 1)]
        chosen = inside & (values >= threshold[block_rows][:, None])
        r, c, v = np.broadcast_to(block_rows[:, None], columns.shape)[chosen], columns[chosen], values[chosen]
    else:
        r, c = np.divmod(np.arange(n_rows * n), n)
        v = scored[r, c]
    order = np.lexsort((c, -v, r))
    r, c, v = r[order], c[order], v[order]
    rank = np.arange(len(r)) - np.searchsorted(r, np.arange(n_rows))[r]
    keep = rank < k
    return c[keep].reshape(n_rows, k), v[keep].reshape(n_rows, k)


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
        self.order_ = np.argsort(-popularity, kind="stable")        # most bought first
        self.kept_ = self.order_[: self.max_items]
        self.restricted_ = len(self.kept_) < matrix.shape[1]
        if self.method == "best_sellers":
            self.weights_ = None
            return self
        sub = matrix[:, self.kept_]
        gram = (sub.T @ sub).toarray().astype(np.float32)
        if self.method == "cosine":
            norms = np.sqrt(np.diag(gram))
            norms[norms == 0] = 1.0
            weights = gram / norms[:, None] / norms[None, :]
        else:
            gram[np.diag_indices_from(gram)] += self.l2
            precision = spd_inverse(gram)
            weights = -precision / np.diag(precision)[None, :]
        np.fill_diagonal(weights, 0.0)
        self.weights_ = np.ascontiguousarray(weights, dtype=np.float32)
        return self

    def scores(self, rows: sparse.csr_matrix) -> np.ndarray:
        """Scores of ``rows`` (customers × items, the fitted columns), in the fitted column order."""
        permuted = self.permuted_scores(rows[:, self.order_])
        out = np.empty_like(permuted)
        out[:, self.order_] = permuted
        return out

    def permuted_scores(self, permuted_rows: sparse.csr_matrix) -> np.ndarray:
        """Scores with the columns in :attr:`order_` (most bought first), from rows in that order: the model's
        products are the first columns, so no column is scattered."""
        prior = self.prior_[self.order_]
        if self.weights_ is None:
            return np.array(np.broadcast_to(prior, (permuted_rows.shape[0], len(prior))), dtype=np.float32)
        m = len(self.kept_)
        out = np.zeros((permuted_rows.shape[0], len(prior)), dtype=np.float32)
        out[:, :m] = np.asarray(permuted_rows[:, :m] @ self.weights_)
        # best sellers break ties (and fill histories the model knows nothing about) without outranking a signal
        out += np.float32(1e-4) * prior
        return out

    def top(self, rows: sparse.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
        positions, values = [], []
        k = min(k, rows.shape[1])
        permuted = rows.tocsc()[:, self.order_].tocsr()
        for start in range(0, rows.shape[0], BATCH):
            batch = permuted[start:start + BATCH]
            scored = self.permuted_scores(batch)
            scored[batch.nonzero()] = -np.inf                      # never a product the customer already bought
            best, best_scores = top_k(scored, k)
            positions.append(self.order_[best])
            values.append(best_scores)
        if not positions:
            return np.empty((0, k), dtype=np.int64), np.empty((0, k), dtype=np.float32)
        return np.vstack(positions), np.vstack(values)
