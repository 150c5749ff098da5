"""Does churn prediction apply to this shop, and what ranks the watchlist: the model, a baseline, or nothing.

The rules (issue 20 item 1), on the held-out customers:

* **applies** is false, with the reason in words, when most customers have bought once
  (``ONE_TIME_SHARE`` or more: almost everyone "churns", the question is a second purchase), when the churn
  rate is ``BASE_RATE_MAX`` or more, or when fewer than ``MIN_HELD_OUT`` customers (or ``MIN_PER_CLASS`` of
  either outcome) are held out to check a ranking on. Then nothing ranks a list (``ranked_by`` None).
* **ranked_by = "model"** only when the model clearly beats both a coin toss and the best baseline: the lower
  end of the 95% interval of its ROC AUC is above 0.5, and the lower end of the 95% interval of (its ROC AUC −
  the best baseline's) is above 0. The intervals are DeLong's (paired: every score is measured on the same
  held-out customers; DeLong, DeLong & Clarke-Pearson 1988, with Sun & Xu's midrank computation).
* otherwise the best baseline whose ROC AUC interval is above 0.5 ranks the list; if none, no list.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import rankdata

ONE_TIME_SHARE = 0.9
BASE_RATE_MAX = 0.95
MIN_HELD_OUT = 100
MIN_PER_CLASS = 15
Z95 = 1.959963984540054
# the baselines in the owner's words (the page shows ``reason``; ``detail`` with the numbers is for analysts)
BASELINE_WORDS = {"recency": "days since the last order", "p_alive": "the buying-pattern estimate of who is still a customer",
                  "tenure": "how long they have been customers"}


def delong(y, scores: dict) -> tuple[dict, np.ndarray]:
    """ROC AUC of each score in ``scores`` (name -> array) on labels ``y`` (1 = churned), and the DeLong
    covariance matrix of those AUCs (in the order of ``scores``)."""
    y = np.asarray(y).astype(bool)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    m, n = len(pos), len(neg)
    v10, v01, aucs = [], [], {}
    for name, s in scores.items():
        s = np.asarray(s, dtype=float)
        r_all = rankdata(s)
        r_pos, r_neg = rankdata(s[pos]), rankdata(s[neg])
        a = (r_all[pos] - r_pos) / n
        b = 1.0 - (r_all[neg] - r_neg) / m
        aucs[name] = float(a.mean())
        v10.append(a)
        v01.append(b)
    s10 = np.atleast_2d(np.cov(np.vstack(v10)))
    s01 = np.atleast_2d(np.cov(np.vstack(v01)))
    return aucs, s10 / m + s01 / n


def auc_intervals(y, scores: dict) -> dict:
    """Per score: roc_auc, ci_low, ci_high (95%, DeLong); and per baseline the difference model − baseline
    with its interval (``vs_model``), when ``scores`` has a "model"."""
    aucs, cov = delong(y, scores)
    names = list(scores)
    out = {}
    for i, name in enumerate(names):
        se = math.sqrt(max(cov[i, i], 0.0))
        out[name] = {"roc_auc": aucs[name], "ci_low": aucs[name] - Z95 * se, "ci_high": aucs[name] + Z95 * se}
    if "model" in scores:
        k = names.index("model")
        for i, name in enumerate(names):
            if name == "model":
                continue
            se = math.sqrt(max(cov[k, k] + cov[i, i] - 2 * cov[k, i], 0.0))
            diff = aucs["model"] - aucs[name]
            out[name]["model_minus_this"] = {"difference": diff, "ci_low": diff - Z95 * se,
                                             "ci_high": diff + Z95 * se}
    return out


def verdict(y_held_out, scores: dict, one_time_share: float) -> dict:
    """``{"applies", "reason", "ranked_by", "auc"}`` from the held-out labels and scores ("model" and the
    baselines by name: "recency", "p_alive"); see the module docstring for the rules."""
    y = np.asarray(y_held_out).astype(int)
    n, churned = len(y), int(y.sum())
    reason = does_not_apply(one_time_share, churned / n if n else float("nan"))
    if reason:
        return _no(reason)
    if n < MIN_HELD_OUT or min(churned, n - churned) < MIN_PER_CLASS:
        return _no(f"Too few customers to check a ranking on: {n} held out ({churned} churned, {n - churned} "
                   f"stayed); at least {MIN_HELD_OUT}, with {MIN_PER_CLASS} of each outcome, are needed.")
    auc = auc_intervals(y, scores)
    baselines = [k for k in scores if k != "model"]
    useful = [k for k in baselines if auc[k]["ci_low"] > 0.5]
    best = max(baselines, key=lambda k: auc[k]["roc_auc"]) if baselines else None
    model = auc.get("model")
    detail = _detail(auc)
    if model and model["ci_low"] > 0.5 and (best is None or auc[best]["model_minus_this"]["ci_low"] > 0):
        words = BASELINE_WORDS.get(best, best) if best else "a coin toss"
        return {"applies": True, "ranked_by": "model", "auc": auc, "detail": detail,
                "reason": f"The model picks out the customers who stop buying better than {words} does, on "
                          "customers it had not seen: it ranks the list."}
    if useful:
        pick = max(useful, key=lambda k: auc[k]["roc_auc"])
        words = BASELINE_WORDS.get(pick, pick)
        why = (f"The model does not clearly pick out leavers better than {words} on customers it had not seen, "
               f"so the list is ranked by {words} instead.") if model else f"The list is ranked by {words}."
        return {"applies": True, "reason": why, "ranked_by": pick, "auc": auc, "detail": detail}
    return {"applies": True, "ranked_by": None, "auc": auc, "detail": detail,
            "reason": "Neither the model nor a simple rule tells customers who stopped buying from those who "
                      "stayed better than a coin toss here, so no list is shown."}


def does_not_apply(one_time_share: float, base_rate: float) -> str | None:
    """Why churn prediction does not apply to a shop (in words), or None when it may: most customers bought once,
    or nearly everyone churned. Checked before any model is fitted as well as on the held-out customers."""
    if one_time_share >= ONE_TIME_SHARE:
        return (f"Churn prediction does not apply here: {one_time_share:.1%} of your customers have bought once, "
                "so almost everyone counts as churned. The question for this shop is who buys a second time.")
    if base_rate >= BASE_RATE_MAX:
        return (f"Churn prediction does not apply here: {base_rate:.0%} of the customers checked placed no order "
                "in the window, so there is almost nobody who stayed to tell leavers from.")
    return None


def _detail(auc: dict) -> str:
    """The numbers behind the verdict, for analysts."""
    parts = [f"{k}: ROC AUC {a['roc_auc']:.3f} ({a['ci_low']:.3f}–{a['ci_high']:.3f})" for k, a in auc.items()]
    parts += [f"model − {k}: {a['model_minus_this']['difference']:+.3f} ({a['model_minus_this']['ci_low']:+.3f} to "
              f"{a['model_minus_this']['ci_high']:+.3f})" for k, a in auc.items() if "model_minus_this" in a]
    return "Held-out customers, 95% DeLong intervals — " + "; ".join(parts) + "."


def _no(reason: str) -> dict:
    return {"applies": False, "reason": reason, "ranked_by": None, "auc": {}, "detail": ""}
