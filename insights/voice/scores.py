"""Scores of the voice of the customer with their intervals.

- **NPS** from 0–10 answers: % promoters (9–10) − % detractors (0–6), on −100..100. Its 95% interval is the
  adjusted Wald interval for a difference of two shares of one sample (Sauro & Lewis): add 3/4 of a response to
  promoters and to detractors (3 responses in all, the passives too), then ``nps ± z·sqrt((p + d − nps²)/n)``.
- **Satisfaction** from 1–5 answers (CSAT or star reviews): the share of 4s and 5s, with a Wilson interval, and
  the mean score.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

Z95 = 1.959963984540054
PROMOTER_MIN, DETRACTOR_MAX = 9, 6
SATISFIED_MIN = 4
SMALL_CELL = 30          # fewer answers than this: shown greyed, never called better or worse


@dataclass(frozen=True)
class Nps:
    score: float | None            # −100..100; None without answers
    responses: int
    promoters: int
    passives: int
    detractors: int
    ci_low: float | None
    ci_high: float | None

    @property
    def small(self) -> bool:
        return self.responses < SMALL_CELL

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Satisfaction:
    share_satisfied: float | None   # 0..1: answers of 4 or 5 on a 1–5 scale
    mean: float | None
    responses: int
    satisfied: int
    ci_low: float | None
    ci_high: float | None

    def to_dict(self) -> dict:
        return asdict(self)


def nps(scores) -> Nps:
    """NPS of 0–10 answers (missing values ignored) with its adjusted Wald 95% interval, in points."""
    x = np.asarray(scores, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    promoters = int((x >= PROMOTER_MIN).sum())
    detractors = int((x <= DETRACTOR_MAX).sum())
    if not n:
        return Nps(None, 0, 0, 0, 0, None, None)
    score = 100.0 * (promoters - detractors) / n
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    centre = p - d
    half = Z95 * math.sqrt(max(p + d - centre ** 2, 0.0) / n_adj)
    return Nps(round(score, 4), n, promoters, n - promoters - detractors, detractors,
               round(100.0 * max(centre - half, -1.0), 4), round(100.0 * min(centre + half, 1.0), 4))


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score interval of a share."""
    if n == 0:
        return None, None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(centre - half, 0.0), min(centre + half, 1.0)


def satisfaction(scores) -> Satisfaction:
    """Share of 4s and 5s among 1–5 answers (Wilson interval) and the mean score."""
    x = np.asarray(scores, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if not n:
        return Satisfaction(None, None, 0, 0, None, None)
    satisfied = int((x >= SATISFIED_MIN).sum())
    low, high = wilson(satisfied, n)
    return Satisfaction(satisfied / n, float(x.mean()), n, satisfied, low, high)


def nps_group(score: float) -> str:
    """``promoter``, ``passive`` or ``detractor`` for one 0–10 answer."""
    return "promoter" if score >= PROMOTER_MIN else ("detractor" if score <= DETRACTOR_MAX else "passive")
