"""Three products bought together, where the three say more than their pairs: orders that hold two of them hold
the third clearly more often than orders holding only one of the two.

Candidates are triangles of pairs that are each bought together more often than chance (``Pairs.associated``):
(x, y, z) with x–y, x–z and y–z all associated. A candidate is judged by each of its three splits "x and y →
z": among baskets holding x or y, those holding both are compared with those holding exactly one, on how often
z is in them (one-sided Fisher exact test; ``uplift`` = the first share ÷ the second). The triple's p-value is
the largest of its three (all three must hold — an intersection–union test at the same level), its ``uplift``
the smallest. Benjamini–Hochberg runs over every candidate triangle; triangles bought together in fewer than
``min_baskets`` baskets count as tests with p = 1 and are not listed (as untested pairs do). ``lift`` is the
classic one: support ÷ the product of the three items' supports.

In words: "orders with both the tea and the mug hold the coaster 2.4× as often as orders with only one of them".
A shop whose items are bought independently has no associated pair, so no triple.

Each item's triangles are searched among its ``MAX_PARTNERS`` strongest associated partners (by lift);
``limited`` says when an item had more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from insights.products.baskets import Pairs, basket_matrix, benjamini_hochberg, upper_tail
from insights.products.lines import item_names

TRIPLE_COLUMNS = ["a", "a_name", "b", "b_name", "c", "c_name", "baskets", "support", "lift", "uplift", "p_value",
                  "q_value", "strong"]
MAX_PARTNERS = 25


@dataclass(frozen=True)
class Triples:
    """``triples``: one row per candidate triple in at least ``min_baskets`` baskets (TRIPLE_COLUMNS), strong
    ones first, the most bought first (ranked by uplift, rare one-customer combinations come first); ``tests``: candidate triangles (the false-discovery family); ``limited``: some item had
    more than MAX_PARTNERS associated partners (its weaker ones not searched)."""
    triples: pd.DataFrame
    baskets: int
    tests: int
    min_baskets: int
    fdr: float
    limited: bool

    @property
    def strong(self) -> pd.DataFrame:
        return self.triples.loc[self.triples["strong"].astype(bool)]


def partner_graph(pairs: Pairs, position: dict) -> tuple[sparse.csr_matrix, bool]:
    """Upper-triangular matrix of associated pairs (item positions) holding their basket counts, each item keeping
    its MAX_PARTNERS strongest partners by lift; and whether any item had more."""
    found = pairs.associated
    a = found["a"].map(position).to_numpy()
    b = found["b"].map(position).to_numpy()
    low, high, lift = np.minimum(a, b), np.maximum(a, b), found["lift"].to_numpy()
    order = np.lexsort((-lift, low))
    low, high, together = low[order], high[order], found["baskets"].to_numpy()[order]
    rank = np.arange(len(low)) - np.searchsorted(low, low)
    keep = rank < MAX_PARTNERS
    n = len(position)
    graph = sparse.csr_matrix((together[keep].astype(np.int64), (low[keep], high[keep])), shape=(n, n))
    graph.sort_indices()
    return graph, bool((~keep).any())


def triangles(matrix: sparse.csr_matrix, graph: sparse.csr_matrix) -> tuple[np.ndarray, int]:
    """(rows of x < y < z with their joint basket count, for triangles of ``graph``; number of triangles)."""
    found, count = [], 0
    by_item = matrix.tocsc()
    for x in range(graph.shape[0]):
        partners = graph.indices[graph.indptr[x]:graph.indptr[x + 1]]
        if len(partners) < 2:
            continue
        edges = sparse.triu(graph[partners][:, partners], k=1).tocoo()
        if not edges.nnz:
            continue
        count += edges.nnz
        holding = by_item.indices[by_item.indptr[x]:by_item.indptr[x + 1]]
        within = matrix[holding][:, partners]
        joint = np.asarray((within[:, edges.row].multiply(within[:, edges.col])).sum(axis=0)).ravel()
        found.append(np.column_stack([np.full(edges.nnz, x), partners[edges.row], partners[edges.col],
                                      joint.astype(np.int64)]))
    if not found:
        return np.empty((0, 4), dtype=np.int64), 0
    return np.vstack(found).astype(np.int64), count


def split_test(n_x, n_y, n_xy, n_xz, n_yz, n_xyz) -> tuple[np.ndarray, np.ndarray]:
    """(p-value, uplift) of "x and y → z": z in baskets with both x and y vs baskets with exactly one of them."""
    either = n_x + n_y - n_xy                          # baskets with x or y
    z_in_either = n_xz + n_yz - n_xyz
    one_only, z_one_only = either - n_xy, z_in_either - n_xyz
    p = upper_tail(n_xyz, either, n_xy, z_in_either)
    with np.errstate(divide="ignore", invalid="ignore"):
        uplift = (n_xyz / n_xy) / (z_one_only / one_only)
    uplift = np.where(one_only > 0, uplift, np.nan)
    return p, np.nan_to_num(uplift, nan=np.inf, posinf=np.inf)


def bought_together_three(lines: pd.DataFrame, pairs: Pairs) -> Triples:
    """Triples of items bought in the same basket, from the kept lines and their associated ``pairs`` (same
    lines, level and minimum; see the module docstring)."""
    min_baskets, fdr = pairs.min_baskets, pairs.fdr
    matrix, items = basket_matrix(lines, pairs.level)
    n = matrix.shape[0]
    empty = Triples(pd.DataFrame(columns=TRIPLE_COLUMNS), n, 0, min_baskets, fdr, False)
    if pairs.associated.empty:
        return empty
    graph, limited = partner_graph(pairs, {code: i for i, code in enumerate(items)})
    found, tests = triangles(matrix, graph)
    found = found[found[:, 3] >= min_baskets]
    if not len(found):
        return Triples(empty.triples, n, tests, min_baskets, fdr, limited)
    counts = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)
    x, y, z, n_xyz = found.T

    def both(i, j):                                    # every edge of a triangle is in the graph
        return np.asarray(graph[i, j]).ravel().astype(np.int64)

    n_xy, n_xz, n_yz = both(x, y), both(x, z), both(y, z)
    splits = [split_test(counts[x], counts[y], n_xy, n_xz, n_yz, n_xyz),
              split_test(counts[x], counts[z], n_xz, n_xy, n_yz, n_xyz),
              split_test(counts[y], counts[z], n_yz, n_xy, n_xz, n_xyz)]
    p = np.max([s[0] for s in splits], axis=0)
    uplift = np.min([s[1] for s in splits], axis=0)
    q = benjamini_hochberg(p, tests)
    names = item_names(lines, pairs.level)
    codes = [items[v] for v in (x, y, z)]
    triples = pd.DataFrame({
        "a": codes[0], "a_name": [names.get(c, "") for c in codes[0]],
        "b": codes[1], "b_name": [names.get(c, "") for c in codes[1]],
        "c": codes[2], "c_name": [names.get(c, "") for c in codes[2]],
        "baskets": n_xyz, "support": n_xyz / n,
        "lift": n_xyz * float(n) ** 2 / (counts[x] * counts[y] * counts[z].astype(np.float64)),
        "uplift": uplift, "p_value": p, "q_value": q,
    })
    triples["strong"] = (triples["q_value"] <= fdr) & (triples["uplift"] > 1)
    triples = triples.sort_values(["strong", "baskets", "uplift", "a", "b", "c"],
                                  ascending=[False, False, False, True, True, True])
    return Triples(triples.reset_index(drop=True)[TRIPLE_COLUMNS], n, tests, min_baskets, fdr, limited)
