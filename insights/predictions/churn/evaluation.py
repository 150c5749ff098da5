"""How good the churn model is: ROC AUC, top-decile precision and lift, calibration, measured on held-out
customers against baselines (days since the last order alone, BG/NBD's probability alive, tenure alone), and
the verdict in plain words."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd

from insights.predictions.churn.result import ChurnResult

log = logging.getLogger(__name__)


def quality(churned, probability) -> dict:
    """ROC AUC, top-decile precision and lift, Brier score and counts, on the given (held-out) customers."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    y = np.asarray(churned).astype(int)
    p = np.asarray(probability, dtype=float)
    n = len(y)
    top_n = max(1, int(math.ceil(n / 10)))
    top = np.argsort(-p, kind="stable")[:top_n]
    base = float(y.mean()) if n else float("nan")
    precision = float(y[top].mean()) if n else float("nan")
    return {
        "roc_auc": float(roc_auc_score(y, p)) if 0 < y.sum() < n else None,
        "top_decile_precision": precision,
        "top_decile_lift": precision / base if base > 0 else None,
        "brier": float(brier_score_loss(y, np.clip(p, 0, 1))),
        "base_rate": base,
        "customers": int(n),
        "churned": int(y.sum()),
        "top_customers": int(top_n) if n else 0,
        "top_churned": int(y[top].sum()) if n else 0,
    }


def calibration(churned, probability, name: str, bins: int = 10) -> pd.DataFrame:
    """Mean predicted against observed churn in ``bins`` equal-count bins of predicted probability."""
    df = pd.DataFrame({"y": np.asarray(churned).astype(float), "p": np.asarray(probability, dtype=float)})
    df = df.sort_values("p", kind="stable").reset_index(drop=True)
    df["bin"] = (np.arange(len(df)) * bins // max(len(df), 1)) + 1
    out = df.groupby("bin").agg(predicted=("p", "mean"), observed=("y", "mean"), customers=("y", "size"))
    out = out.reset_index()
    out.insert(0, "model", name)
    return out


def headline(result: ChurnResult) -> str | None:
    """The model's worth in one plain sentence, from the customers held out of fitting: how many of those it
    flags first really stopped buying, against a random pick."""
    model = result.metrics["model"]
    flagged, hit, lift = model.get("top_customers"), model.get("top_churned"), model.get("top_decile_lift")
    if not flagged or not lift:
        return None
    times = f"{lift:.1f}× as many as a random pick would find" if lift >= 1.05 else "no more than a random pick"
    return (f"We checked the model on {model['customers']:,} customers it had not seen: of the {flagged:,} it "
            f"flagged first, {hit:,} did stop buying — {times}.")


def quality_sentences(result: ChurnResult) -> list[str]:
    """The model's quality against its baselines, in plain words."""
    m = result.metrics
    out = []
    model = m["model"]
    names = {"recency": "days since last order alone", "p_alive": "BG/NBD's probability alive",
             "tenure": "tenure alone"}
    if model.get("roc_auc") is not None:
        out.append(f"On {model['customers']:,} customers held out from fitting, the model ranks a churner above a "
                   f"stayer {model['roc_auc']:.0%} of the time (ROC AUC {model['roc_auc']:.2f}; 50% is a coin toss).")
    if model.get("top_decile_lift"):
        out.append(f"Of the 10% it flags as most at risk, {model['top_decile_precision']:.0%} did churn — "
                   f"{model['top_decile_lift']:.1f}× the average rate of {model['base_rate']:.0%}.")
    for key, label in names.items():
        if key in m and m[key].get("roc_auc") is not None:
            b = m[key]
            verdict = "better than" if model["roc_auc"] > b["roc_auc"] + 0.005 else (
                "about the same as" if abs(model["roc_auc"] - b["roc_auc"]) <= 0.005 else "worse than")
            sentence = (f"Using {label}: ROC AUC {b['roc_auc']:.2f}, top-10% precision "
                        f"{b['top_decile_precision']:.0%} — the model is {verdict} this baseline")
            mp, bp = model.get("top_decile_precision"), b.get("top_decile_precision")
            if verdict == "better than" and mp is not None and bp is not None and bp > mp + 0.005:
                sentence += (f" at ranking everyone, but this baseline's top 10% held more churners "
                             f"({bp:.0%} against the model's {mp:.0%})")
            out.append(sentence + ".")
    return out
