"""Closed forms of the BG/NBD model (Fader, Hardie & Lee 2005) and of its modified variant (MBG/NBD, Batislam,
Denizel & Filiztekin 2007), written with numpy/scipy.

Vectorised and independent of the fitting library: :mod:`insights.models.bgnbd` fits the parameters (through
``lifetimes``) and predicts with these. ``params`` is a dict with the keys of :data:`BGNBD_PARAMS`; ``x`` is
the number of repeat purchases, ``t_x`` the time of the last one and ``T`` the customer's age, all in one time
unit (the one ``alpha`` is in).

The two variants differ in one thing: in BG/NBD a customer can drop out only after a *repeat* purchase, so a
one-time buyer is alive with probability 1 (a known property of the model); in MBG/NBD the dropout coin is
tossed after every purchase, the first included (``modified=True``). Every formula below takes the variant as
a shift ``s`` (0 or 1) of the number of dropout trials the customer has survived: ``x + s``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betaln, gammaln, hyp2f1

BGNBD_PARAMS = ("r", "alpha", "a", "b")


def conditional_expected_purchases(params: dict, x, t_x, T, t, modified: bool = False) -> np.ndarray:
    """E[X(T, T+t) | x, t_x, T]: BG/NBD (FHL 2005, eq. 10) or MBG/NBD (Batislam et al. 2007), vectorised."""
    r, alpha, a, b = (params[k] for k in BGNBD_PARAMS)
    s = 1.0 if modified else 0.0
    x, t_x, T, t = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, t_x, T, t)))
    with np.errstate(all="ignore"):
        _a, _b, _c = r + x, b + x + s, a + b + x - 1 + s
        z = t / (alpha + T + t)
        hyp = hyp2f1(_a, _b, _c, z)
        ln_hyp = np.log(hyp)
        bad = ~np.isfinite(ln_hyp)
        if bad.any():  # Euler's transformation where the direct series overflows
            ln_hyp[bad] = (np.log(hyp2f1(_c[bad] - _a[bad], _c[bad] - _b[bad], _c[bad], z[bad]))
                           + (_c[bad] - _a[bad] - _b[bad]) * np.log1p(-z[bad]))
        first = (a + b + x - 1 + s) / (a - 1)
        second = -np.expm1(ln_hyp + (r + x) * np.log((alpha + T) / (alpha + T + t)))
        can_be_dead = (x > 0) | modified
        denom = 1 + can_be_dead * (a / (b + x - 1 + s)) * ((alpha + T) / (alpha + t_x)) ** (r + x)
        out = first * second / denom
    return np.where(t <= 0, 0.0, out)


def expected_purchases_by_time(params: dict, x, t_x, T, times, modified: bool = False) -> np.ndarray:
    """E[X(T, T+t) | x, t_x, T] for every customer (1-D x, t_x, T) and every t of ``times``: shape (n, len(times)).

    The same values as :func:`conditional_expected_purchases`, computed in two factors: eq. 10's numerator
    (with its Gaussian hypergeometric function, the costly part) depends on (x, T, t) only and is computed once per
    distinct (x, T) — tens of thousands at a million customers, whose x and T are whole days —, its denominator
    depends on (x, t_x, T) but not on t and is computed once per customer.
    """
    r, alpha, a, b = (params[k] for k in BGNBD_PARAMS)
    s = 1.0 if modified else 0.0
    x, t_x, T = (np.asarray(v, dtype=float).ravel() for v in (x, t_x, T))
    times = np.asarray(times, dtype=float).ravel()
    pairs, inverse, _ = unique_rows(x, T)
    ux, uT = pairs[:, :1], pairs[:, 1:]
    t = times[None, :]
    with np.errstate(all="ignore"):
        _a, _b, _c = r + ux, b + ux + s, a + b + ux - 1 + s
        z = np.broadcast_to(t / (alpha + uT + t), (len(pairs), len(times)))
        _a, _b, _c = (np.broadcast_to(v, z.shape) for v in (_a, _b, _c))
        ln_hyp = np.log(hyp2f1(_a, _b, _c, z))
        bad = ~np.isfinite(ln_hyp)
        if bad.any():  # Euler's transformation where the direct series overflows
            ln_hyp[bad] = (np.log(hyp2f1(_c[bad] - _a[bad], _c[bad] - _b[bad], _c[bad], z[bad]))
                           + (_c[bad] - _a[bad] - _b[bad]) * np.log1p(-z[bad]))
        numerator = (a + b + ux - 1 + s) / (a - 1) * -np.expm1(ln_hyp + (r + ux) * np.log((alpha + uT) /
                                                                                         (alpha + uT + t)))
        can_be_dead = (x > 0) | modified
        denominator = 1 + can_be_dead * (a / (b + x - 1 + s)) * ((alpha + T) / (alpha + t_x)) ** (r + x)
        out = numerator[inverse] / denominator[:, None]
    return np.where(t <= 0, 0.0, out)


def probability_alive(params: dict, x, t_x, T, modified: bool = False) -> np.ndarray:
    """P(alive | x, t_x, T): BG/NBD (Fader, Hardie & Lee's note 021; 1 for one-time buyers) or MBG/NBD."""
    r, alpha, a, b = (params[k] for k in BGNBD_PARAMS)
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    s = 1.0 if modified else 0.0
    with np.errstate(all="ignore"):
        trials = np.maximum(x - 1 + s, 0.0)      # dropout trials survived, less one (b + trials below)
        log_odds_dead = (r + x) * np.log((alpha + T) / (alpha + t_x)) + np.log(a / (b + trials))
        p = 1.0 / (1.0 + np.exp(log_odds_dead))
    if modified:
        return p
    return np.where(x == 0, 1.0, p)


def bgnbd_log_likelihood(params: dict, x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood of the BG/NBD model (FHL 2005, eq. 6); used in tests and diagnostics."""
    r, alpha, a, b = (params[k] for k in BGNBD_PARAMS)
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(all="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(b + x - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


def unique_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unique rows as a 2-D array, inverse index, counts) over the given equally long columns."""
    # hash-based and O(n): factorise each column, combine the codes into one integer key, factorise that
    # (np.unique(axis=0) sorts rows as raw bytes and takes ~0.5 s per 100k customers)
    arrays = [np.asarray(c, dtype=float) for c in columns]
    key = np.zeros(len(arrays[0]), dtype=np.int64)
    width = 1                                        # key < width
    for values in arrays:
        codes, levels = pd.factorize(values)
        if width * max(len(levels), 1) >= 2 ** 62:    # re-compacted before it could overflow
            key, kept = pd.factorize(key)
            width = max(len(kept), 1)
        key = key * np.int64(max(len(levels), 1)) + codes
        width *= max(len(levels), 1)
    key, _ = pd.factorize(key)
    inverse = key
    counts = np.bincount(inverse)
    first = np.empty(len(counts), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(inverse) - 1, -1, -1)   # the earliest row holding each combination
    uniq = np.column_stack([values[first] for values in arrays])
    return uniq, inverse.astype(np.int64), counts
