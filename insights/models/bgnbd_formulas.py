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
