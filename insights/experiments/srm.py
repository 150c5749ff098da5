"""Sample ratio mismatch: did the variants get the share of units the plan gave them?

A chi-square goodness-of-fit test of the units per variant against the planned split (equal unless said
otherwise), flagged at p < 0.001, the usual bar: a real mismatch means the assignment or the logging is broken
and the results cannot be trusted, whatever they say.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

SRM_ALPHA = 0.001
LIKELY_CAUSES = ("units were assigned by something other than chance (a filter, a segment, a time of day)",
                 "one variant lost units on the way (a broken link, a page that failed to load, a bounce)",
                 "rows were exported or de-duplicated differently in one variant",
                 "the planned split is not the one that ran (check --split)")


@dataclass
class SampleRatio:
    units: list[int]
    expected_split: list[float]
    p_value: float
    flagged: bool


def parse_split(text: str | None, n_variants: int) -> list[float]:
    """'50/50', '10/90', '1:1:1' → shares summing to 1; None → equal shares."""
    if not text:
        return [1 / n_variants] * n_variants
    parts = [p for p in text.replace(":", "/").replace(",", "/").split("/") if p.strip()]
    try:
        weights = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"--split {text!r}: expected numbers separated by '/', such as 50/50 or 10/90") from None
    if len(weights) != n_variants or any(w <= 0 for w in weights):
        raise ValueError(f"--split {text!r}: expected {n_variants} positive numbers, one per variant (control first)")
    total = sum(weights)
    return [w / total for w in weights]


def sample_ratio(units: list[int], split: list[float]) -> SampleRatio:
    """Chi-square test of ``units`` (per variant, control first) against ``split``."""
    total = sum(units)
    expected = np.asarray(split) * total
    p_value = float(stats.chisquare(units, expected).pvalue) if total else 1.0
    return SampleRatio(list(units), list(split), p_value, p_value < SRM_ALPHA)
