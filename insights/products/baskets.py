"""Products bought together: every pair of products (or categories) in the same basket, with how often, how much
more often than chance, and whether that could be chance at all.

A basket is one order's kept product lines (:func:`insights.products.lines.kept_lines`). For a pair (a, b):
``support`` = baskets with both / all baskets; ``confidence_ab`` = baskets with both / baskets with a;
``lift`` = support / (support of a × support of b). The p-value is the one-sided hypergeometric (Fisher exact)
probability of at least this many joint baskets if a and b were put in baskets independently. Every pair of
items that reach ``min_baskets`` is a test; Benjamini–Hochberg keeps the expected share of false discoveries
among the pairs called associated at ``fdr``. Pairs tested but seen together in fewer than ``min_baskets``
baskets count as tests with p = 1 (conservative) and are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, special, stats

from insights.products.lines import item_column, item_names

PAIR_COLUMNS = ["a", "a_name", "b", "b_name", "baskets", "support", "confidence_ab", "confidence_ba", "lift",
                "p_value", "q_value", "associated"]


@dataclass(frozen=True)
class Pairs:
    """``pairs``: one row per pair seen together in at least ``min_baskets`` baskets (PAIR_COLUMNS), strongest
    association first; ``baskets``: baskets counted; ``tests``: pairs tested (the false-discovery family)."""
    pairs: pd.DataFrame
    baskets: int
    tests: int
    level: str
    min_baskets: int
    fdr: float

    @property
    def associated(self) -> pd.DataFrame:
        return self.pairs.loc[self.pairs["associated"].astype(bool)]


def basket_matrix(lines: pd.DataFrame, level: str = "product") -> tuple[sparse.csr_matrix, np.ndarray]:
    """(baskets × items 0/1 matrix, item codes) from kept lines."""
    code, _ = item_column(level)
    kept = lines.dropna(subset=[code])
    order_index, orders = pd.factorize(kept["order_id"])
    item_index, items = pd.factorize(kept[code].astype(str), sort=True)     # the same pair order every run
    items = np.asarray(items, dtype=object)
    matrix = sparse.csr_matrix((np.ones(len(kept), dtype=np.float32), (order_index, item_index)),
                               shape=(len(orders), len(items)))
    matrix.data[:] = 1.0                       # one product twice in an order (two lines) is one basket
    return matrix, items


def log_comb(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def upper_tail(both: np.ndarray, n, n_a: np.ndarray, n_b: np.ndarray, steps: int = 500) -> np.ndarray:
    """P(X ≥ both) for X hypergeometric (n baskets, n_a with a, n_b drawn): the one-sided Fisher exact p-value.
    ``n`` is one number or one per pair. The tail is summed term by term from P(X = both) (each term the previous
    × a ratio), all pairs at once; a pair whose tail has not converged after ``steps`` terms is handed to scipy."""
    c, n_a, n_b = both.astype(np.float64), n_a.astype(np.float64), n_b.astype(np.float64)
    n = np.broadcast_to(np.asarray(n, dtype=np.float64), c.shape)
    log_pmf = log_comb(n_a, c) + log_comb(n - n_a, n_b - c) - log_comb(n, n_b)
    total, term, x = np.ones_like(c), np.ones_like(c), c.copy()
    top = np.minimum(n_a, n_b)
    active = np.arange(len(c))
    for _ in range(steps):
        if not len(active):
            break
        xa = x[active]
        ratio = np.where(xa < top[active], (n_a[active] - xa) * (n_b[active] - xa)
                         / ((xa + 1) * (n[active] - n_a[active] - n_b[active] + xa + 1)), 0.0)
        term[active] *= ratio
        total[active] += term[active]
        x[active] += 1
        active = active[term[active] > 1e-13 * total[active]]
    p = np.minimum(np.exp(log_pmf) * total, 1.0)
    if len(active):
        p[active] = stats.hypergeom.sf(both[active] - 1, n[active].astype(np.int64), n_a[active].astype(np.int64),
                                       n_b[active].astype(np.int64))
    return p


def benjamini_hochberg(p_values: np.ndarray, tests: int | None = None) -> np.ndarray:
    """BH-adjusted q-values, in the input order; ``tests`` ≥ len(p_values) counts untested pairs as p = 1."""
    m = len(p_values) if tests is None else max(tests, len(p_values))
    if len(p_values) == 0:
        return np.array([])
    order = np.argsort(p_values)
    ranked = p_values[order] * m / np.arange(1, len(p_values) + 1)
    q_sorted = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    q = np.empty_like(q_sorted)
    q[order] = q_sorted
    return q


def bought_together(lines: pd.DataFrame, level: str = "product", min_baskets: int = 10,
                    fdr: float = 0.05) -> Pairs:
    """Pairs of items bought in the same basket (see the module docstring)."""
    if min_baskets < 1:
        raise ValueError(f"min_baskets must be at least 1, got {min_baskets}")
    matrix, items = basket_matrix(lines, level)
    n = matrix.shape[0]
    counts = np.asarray(matrix.sum(axis=0)).ravel()
    frequent = np.flatnonzero(counts >= min_baskets)
    k = len(frequent)
    tests = k * (k - 1) // 2
    empty = Pairs(pd.DataFrame(columns=PAIR_COLUMNS), n, tests, level, min_baskets, fdr)
    if k < 2:
        return empty
    sub = matrix[:, frequent].tocsc()
    joint = sparse.triu(sub.T @ sub, k=1).tocoo()
    keep = joint.data >= min_baskets
    i, j, both = frequent[joint.row[keep]], frequent[joint.col[keep]], joint.data[keep].astype(np.int64)
    if len(both) == 0:
        return empty
    n_a, n_b = counts[i], counts[j]
    p = upper_tail(both, n, n_a, n_b)
    q = benjamini_hochberg(p, tests)
    names = item_names(lines, level)
    codes_a, codes_b = items[i], items[j]
    pairs = pd.DataFrame({
        "a": codes_a, "a_name": [names.get(c, "") for c in codes_a],
        "b": codes_b, "b_name": [names.get(c, "") for c in codes_b],
        "baskets": both, "support": both / n, "confidence_ab": both / n_a, "confidence_ba": both / n_b,
        "lift": both * n / (n_a * n_b), "p_value": p, "q_value": q,
    })
    pairs["associated"] = (pairs["q_value"] <= fdr) & (pairs["lift"] > 1)
    pairs = pairs.sort_values(["associated", "lift", "baskets", "a", "b"],
                              ascending=[False, False, False, True, True])
    return Pairs(pairs.reset_index(drop=True)[PAIR_COLUMNS], n, tests, level, min_baskets, fdr)
