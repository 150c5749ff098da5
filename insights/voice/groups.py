"""NPS and satisfaction by period and by group, each with its interval; small groups marked, and a group called
better or worse than the rest only when the difference holds after Holm's adjustment across all the groups
compared."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from insights.core.intervals import holm
from insights.voice.responses import DIMENSIONS
from insights.voice.scores import SMALL_CELL, nps, satisfaction

ALPHA = 0.05


def _nps_var(scores: np.ndarray) -> tuple[float, float, int]:
    """(nps as a share −1..1, its variance, n) of 0–10 answers."""
    n = len(scores)
    p = float((scores >= 9).mean()) if n else 0.0
    d = float((scores <= 6).mean()) if n else 0.0
    return p - d, (p + d - (p - d) ** 2) / n if n else float("nan"), n


PERIODS = {"week": "W-SUN", "month": "M", "quarter": "Q"}


def by_period(answers: pd.DataFrame, grain: str = "month") -> list[dict]:
    """NPS and satisfaction per calendar period (``week`` — named by its Monday —, ``month`` or ``quarter``),
    oldest first."""
    if grain not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {grain!r}")
    if answers.empty:
        return []
    periods = answers["submitted_at"].dt.to_period(PERIODS[grain])
    out = []
    for period, part in answers.groupby(periods, sort=True):
        n = nps(part.loc[part["scale"] == "nps", "score"])
        s = satisfaction(part.loc[part["scale"] == "rating", "score"])
        out.append({"period": period.start_time.date().isoformat() if grain == "week" else str(period), "nps": n.score, "nps_responses": n.responses, "nps_ci_low": n.ci_low,
                    "nps_ci_high": n.ci_high, "satisfied_share": s.share_satisfied,
                    "rating_responses": s.responses, "mean_rating": s.mean, "small": n.responses < SMALL_CELL})
    return out


def by_group(answers: pd.DataFrame, dimensions=tuple(DIMENSIONS)) -> list[dict]:
    """NPS per value of each dimension (channel, country, first category, late vs on-time delivery), with its
    interval, the difference to everyone else's NPS, and ``differs``: the difference holds after Holm's
    adjustment over every group compared (small groups are never compared)."""
    scored = answers[answers["scale"] == "nps"]
    rows = []
    for dim in dimensions:
        if dim not in scored or scored[dim].notna().sum() == 0:
            continue
        for value, part in scored.groupby(dim, dropna=True):
            rest = scored.loc[scored[dim] != value, "score"].to_numpy(dtype=float)
            mine = part["score"].to_numpy(dtype=float)
            n = nps(mine)
            row = {"dimension": dim, "value": value, "nps": n.score, "responses": n.responses,
                   "ci_low": n.ci_low, "ci_high": n.ci_high, "small": n.small,
                   "diff_to_rest": None, "p_value": None}
            if not n.small and len(rest) >= SMALL_CELL:
                a, va, _ = _nps_var(mine)
                b, vb, _ = _nps_var(rest)
                se = math.sqrt(va + vb)
                row["diff_to_rest"] = round(100.0 * (a - b), 4)
                row["p_value"] = float(2 * stats.norm.sf(abs(a - b) / se)) if se > 0 else 1.0
            rows.append(row)
    tested = [i for i, r in enumerate(rows) if r["p_value"] is not None]
    adjusted = holm([rows[i]["p_value"] for i in tested])
    for r in rows:
        r["p_adjusted"], r["differs"] = None, False
    for i, p in zip(tested, adjusted):
        rows[i]["p_adjusted"] = p
        rows[i]["differs"] = p < ALPHA
    return rows
