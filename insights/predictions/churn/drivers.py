"""What drives churn here, measured on the data: the relative risk of churning with and without a flag
(last order late, a return, a discount code, a low score, a complaint, an abandoned cart, no visit lately, and
each complaint topic and order tag the files hold: :mod:`.topics`).

The customers are those the model learned from (as of the cutoff, with their outcome in the window after it).
A flag is compared **among customers with a similar purchase history**: customers are put in ten equal strata
by their purchase timing (BG/NBD's chance of no order in the window when it was fitted, else days since the
last order), and the Mantel–Haenszel relative risk is taken over the strata, with the Greenland–Robins variance
of its logarithm (a crude ratio would call "used a discount code" protective merely because frequent buyers use
more codes). The interval is widened for the number of flags tested (Bonferroni): a driver is **significant**
when that interval excludes 1, so a shop where nothing drives churn shows no significant driver 95% of the time.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import norm

from insights.predictions.churn.topics import describe, flag_values

STRATA = 10
MIN_FLAGGED = 20
ALPHA = 0.05

# feature -> (label, reason key of the watchlist, how the customers are described)
FLAGS = {
    "last_order_late": ("Last order delivered late", "late_delivery", "customers whose last order came late"),
    "had_return": ("Returned an order", "returns", "customers who returned an order"),
    "used_discount": ("Used a discount code", "discount", "customers who used a discount code"),
    "detractor": ("Gave a low score", "nps", "customers who gave a low score"),
    "complained": ("Complained in feedback", "complaint", "customers who complained"),
    "abandoned_cart": ("Left a cart in the last 90 days", "carts", "customers who left a cart"),
    "no_recent_visit": ("No site visit in the last 90 days", "web_visits", "customers with no recent visit"),
}


def flag_text(name: str) -> tuple[str, str, str]:
    """(label, reason key of the watchlist, how the customers are described) of a flag; a complaint topic or a
    tag is its own reason key (its feature's name)."""
    if name in FLAGS:
        return FLAGS[name]
    label, who, _ = describe(name)
    return label, name, who


def flags(features: pd.DataFrame, varying_only: bool = True) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per flag the files support: (flag on, flag known) per customer row of ``features``; with
    ``varying_only``, only flags both on and off among the customers where they are known."""
    out = {}
    n = len(features)

    def col(name):
        return features[name].to_numpy(dtype=float, na_value=np.nan) if name in features else np.full(n, np.nan)

    late = col("last_order_late")
    out["last_order_late"] = (late > 0, ~np.isnan(late))
    for name, source in (("had_return", "returns"), ("used_discount", "discount_orders"),
                         ("complained", "negative_feedback"), ("abandoned_cart", "cart_abandons_90d")):
        v = col(source)
        out[name] = (v > 0, ~np.isnan(v))
    nps, rating = col("last_nps"), col("last_rating")
    known = ~np.isnan(nps) | ~np.isnan(rating)
    out["detractor"] = (((nps <= 6) | (rating <= 2)) & known, known)
    sessions = col("sessions_90d")
    has_web = "days_since_last_session" in features and features["days_since_last_session"].notna().any()
    out["no_recent_visit"] = (sessions == 0, np.full(n, bool(has_web)))
    out.update(flag_values(features))         # complaint topics and order tags (.topics)
    if not varying_only:
        return out
    return {k: v for k, v in out.items() if v[1].sum() and 0 < v[0][v[1]].sum() < v[1].sum()}


def relative_risks(features: pd.DataFrame, churned, timing_score=None) -> list[dict]:
    """One entry per flag with at least ``MIN_FLAGGED`` customers on each side: feature, label, relative_risk,
    ci_low, ci_high (the Bonferroni-widened 95% interval), customers (flagged), churn rates with and without,
    significant, reason_key, sentence; strongest significant drivers first."""
    y = np.asarray(churned).astype(bool)
    score = (np.asarray(timing_score, dtype=float) if timing_score is not None
             else features["recency_days"].to_numpy(dtype=float))
    score = np.where(np.isnan(score), np.nanmedian(score), score)
    strata = np.minimum((rankdata_fraction(score) * STRATA).astype(int), STRATA - 1)
    tested = {k: v for k, v in flags(features).items()
              if v[0].sum() >= MIN_FLAGGED and (v[1] & ~v[0]).sum() >= MIN_FLAGGED}
    z = norm.ppf(1 - ALPHA / (2 * max(len(tested), 1)))
    out = []
    for name, (on, known) in tested.items():
        rr, se = mantel_haenszel(y[known], on[known], strata[known])
        if rr is None:
            continue
        low, high = rr * math.exp(-z * se), rr * math.exp(z * se)
        label, key, who = flag_text(name)
        significant = low > 1 or high < 1
        out.append({"feature": name, "label": label, "relative_risk": rr, "ci_low": low, "ci_high": high,
                    "customers": int(on[known].sum()), "churn_rate_with": float(y[known][on[known]].mean()),
                    "churn_rate_without": float(y[known][~on[known]].mean()), "significant": bool(significant),
                    "reason_key": key, "sentence": _sentence(who, rr, significant)})
    return sorted(out, key=lambda d: (not d["significant"], -abs(math.log(d["relative_risk"]))))


def rankdata_fraction(values: np.ndarray) -> np.ndarray:
    """Each value's rank as a share in [0, 1) (ties share their lowest rank)."""
    first = np.searchsorted(np.sort(values, kind="stable"), values, side="left")
    return first / max(len(values), 1)


def mantel_haenszel(y: np.ndarray, on: np.ndarray, strata: np.ndarray) -> tuple[float | None, float]:
    """Mantel–Haenszel relative risk of ``y`` for ``on`` over ``strata`` and the standard error of its log
    (Greenland & Robins 1985). (None, nan) when no stratum holds both groups with an outcome."""
    k = int(strata.max()) + 1 if len(strata) else 0
    a = np.bincount(strata, weights=(on & y), minlength=k)
    n1 = np.bincount(strata, weights=on, minlength=k)
    c = np.bincount(strata, weights=(~on & y), minlength=k)
    n0 = np.bincount(strata, weights=~on, minlength=k)
    total = n1 + n0
    use = (n1 > 0) & (n0 > 0)
    a, n1, c, n0, total = a[use], n1[use], c[use], n0[use], total[use]
    r = (a * n0 / total).sum()
    s = (c * n1 / total).sum()
    if r <= 0 or s <= 0:
        return None, float("nan")
    var = ((n1 * n0 * (a + c) - a * c * total) / total ** 2).sum() / (r * s)
    return float(r / s), math.sqrt(max(var, 0.0))


def _sentence(who: str, rr: float, significant: bool) -> str:
    if not significant:
        return f"{who} stop buying about as often as similar customers here (no clear difference)"
    times = rr if rr >= 1 else 1 / rr
    shown = f"{times:.1f}" if times >= 1.1 else f"{times:.2f}"
    return f"{who} stop buying {shown}× as often here" if rr >= 1 else f"{who} stop buying {shown}× less often here"


def annotate_reasons(reasons: pd.Series, reason_keys: pd.Series, today: pd.DataFrame, drivers: list[dict],
                     separator: str = "; ") -> pd.Series:
    """Each customer's reasons, where a reason is a significant risk-raising driver the customer has today,
    followed by what it does here: "last order was late — customers whose last order came late stop buying
    1.6× as often here"."""
    raising = [d for d in drivers if d["significant"] and d["relative_risk"] > 1]
    if not raising:
        return reasons
    today_flags = flags(today, varying_only=False)
    out = reasons.astype(object).to_numpy(copy=True)
    keys = reason_keys.astype(object).to_numpy()
    key_text = pd.Series(reason_keys.fillna("").astype(str).to_numpy(), dtype="string[pyarrow]")
    for d in raising:
        if d["feature"] not in today_flags:
            continue
        # only the customers with the flag whose reasons include the driver's: a vectorised test first
        has_key = (";" + key_text + ";").str.contains(";" + d["reason_key"] + ";", regex=False).to_numpy(
            dtype=bool, na_value=False)
        on = today_flags[d["feature"]][0] & has_key
        for i in np.flatnonzero(on):
            ks = str(keys[i] or "").split(";")
            if d["reason_key"] in ks and out[i]:
                parts = str(out[i]).split(separator)
                j = ks.index(d["reason_key"])
                if j < len(parts) and "—" not in parts[j]:
                    parts[j] = f"{parts[j]} — {d['sentence']}"
                    out[i] = separator.join(parts)
    return pd.Series(out, index=reasons.index)
