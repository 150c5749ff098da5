"""Is a KPI's change more than its usual ups and downs? The context a KPI card gives beside its delta.

A change is judged against the KPI's own history: the changes from one period to the next over the periods
before the one shown (up to 11 of them, oldest first). The usual swing is twice their robust size: 1.4826 × the
median of their absolute values (the standard deviation of changes centred on 0, which one odd month does not
inflate), or their standard deviation where that median is 0. A change larger than it is "more than the usual
ups and downs"; a steady trend's changes are its usual size, so the trend itself is not flagged.
With fewer than :data:`MIN_CHANGES` earlier changes nothing is judged: the card says the history is too short.
This is a rule of thumb for an owner, not a test with a stated error rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_CHANGES = 4
WIDTH = 2.0          # the usual swing: about 95 % of changes when they are roughly normal


@dataclass(frozen=True)
class Verdict:
    """``beyond`` True/False, or None when the history is too short; ``swing`` the usual size of a change."""
    beyond: bool | None
    swing: float | None
    changes_seen: int


def usual_swing(earlier_values) -> tuple[float | None, int]:
    """The usual size of a period-to-period change among ``earlier_values`` (oldest first, NaN skipped), and
    how many changes it rests on; None when there are fewer than :data:`MIN_CHANGES`."""
    values = np.asarray([float(v) for v in earlier_values if v is not None and v == v], dtype=float)
    changes = np.diff(values)
    if len(changes) < MIN_CHANGES:
        return None, len(changes)
    spread = 1.4826 * float(np.median(np.abs(changes)))
    if spread == 0:
        spread = float(np.std(changes, ddof=1))
    return WIDTH * spread, len(changes)


def judge_change(change, earlier_values) -> Verdict:
    """Is ``change`` (this period minus the one before) larger than the usual swing of ``earlier_values``?"""
    swing, seen = usual_swing(earlier_values)
    if change is None or change != change or swing is None:
        return Verdict(None, swing, seen)
    return Verdict(abs(float(change)) > swing, swing, seen)
