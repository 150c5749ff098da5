"""Customer summaries drawn from a BG/NBD (or MBG/NBD) × Gamma-Gamma shop, with each customer's realised value in
a holdout after the calibration end: the ground truth the CLV tests check the models against (vectorised)."""

from __future__ import annotations

import numpy as np
import pandas as pd

TRUE_BG = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
TRUE_GG = {"p": 6.0, "q": 4.0, "gamma": 15.0}


def simulate_shop(n: int, seed: int = 1, bg: dict = TRUE_BG, gg: dict = TRUE_GG, T_min: float = 4.0,
                  T_max: float = 52.0, horizon: float = 26.0, modified: bool = False) -> pd.DataFrame:
    """One row per customer: customer_id, frequency, recency, T, monetary_value (mean repeat spend) over the
    calibration period of T weeks after their first purchase, and holdout_purchases, holdout_value in the
    ``horizon`` weeks after it. ``modified``: the dropout coin is also tossed after the first purchase."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(bg["r"], 1.0 / bg["alpha"], n)
    drop = rng.beta(bg["a"], bg["b"], n)
    nu = rng.gamma(gg["q"], 1.0 / gg["gamma"], n)
    T = np.round(rng.uniform(T_min, T_max, n) * 7) / 7
    end = T + horizon
    x, t_x, spend_sum = np.zeros(n, dtype=int), np.zeros(n), np.zeros(n)
    held, held_value = np.zeros(n, dtype=int), np.zeros(n)
    t = np.zeros(n)
    alive = rng.random(n) >= drop if modified else np.ones(n, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        t[idx] += rng.exponential(1.0 / lam[idx])
        within = t[idx] <= end[idx]
        alive[idx[~within]] = False
        idx = idx[within]
        spend = rng.gamma(gg["p"], 1.0 / nu[idx])
        calib = t[idx] <= T[idx]
        c, h = idx[calib], idx[~calib]
        x[c] += 1
        t_x[c] = t[c]
        spend_sum[c] += spend[calib]
        held[h] += 1
        held_value[h] += spend[~calib]
        alive[idx[rng.random(len(idx)) < drop[idx]]] = False
    return pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)], "frequency": x, "recency": t_x, "T": T,
                         "monetary_value": np.where(x > 0, spend_sum / np.maximum(x, 1), np.nan),
                         "holdout_purchases": held, "holdout_value": held_value})
