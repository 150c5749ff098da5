"""Does the customer-value model describe this shop? The numbers that decide, the verdict in words, and which
variant of the repeat-purchase model to use.

Checked before the fit (on the customer summary) and after it (on the parameters):

- **Too few repeat buyers**: fewer than :data:`MIN_REPEAT_BUYERS` customers who bought on two days or more, or
  fewer than :data:`MIN_REPEAT_SHARE` of all customers. BG/NBD learns how often customers come back and when they
  leave from repeat buyers only; with 76 of 14,095 (Olist's sample) the fit says nothing about anybody.
- **Nobody ever leaves**: the mean dropout probability per purchase a/(a + b) below :data:`MIN_DROPOUT` (UCI Online
  Retail: 0.05 %), so every customer would show as "probably still active" — a property of the fit, not a
  finding. Its mirror, everybody leaves (above :data:`MAX_DROPOUT`), is the one-time-buyer shop again.
- **r → 0**: the purchase rates' shape r below :data:`MIN_R`: the model explains the orders by a few customers
  buying constantly and everybody else never, and its per-customer values are meaningless.
- **A fit stuck on the edge** of the range the optimiser searches (a log-parameter within 0.05 of
  ``LOG_PARAM_BOUNDS``).

Variant: BG/NBD gives every one-time buyer P(alive) = 1 (they cannot drop out before a repeat purchase). Where
one-time buyers are many (at least :data:`ONE_TIME_SHARE_FOR_MODIFIED` of customers) the modified BG/NBD is fitted
instead, whose dropout coin is tossed after the first purchase too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from insights.models.bgnbd import LOG_PARAM_BOUNDS

MIN_REPEAT_BUYERS = 100
MIN_REPEAT_SHARE = 0.05
ONE_TIME_SHARE_FOR_MODIFIED = 0.70
MIN_DROPOUT, MAX_DROPOUT = 0.005, 0.995
MIN_R = 0.01
EDGE = 0.05
INSTEAD = ("repeat-purchase rates and the gaps between orders on the Cohorts page, and each customer's order "
           "history and spend to date")


@dataclass(frozen=True)
class Applicability:
    """Whether the CLV model describes the shop (``applies``), why in words (``reason``), the numbers that decide
    and what the page shows instead. ``modified``: the variant used (MBG/NBD when True)."""

    applies: bool
    reason: str
    numbers: dict = field(default_factory=dict)
    modified: bool = False
    instead: str = ""

    def as_dict(self) -> dict:
        return {"applies": self.applies, "reason": self.reason, "numbers": self.numbers,
                "model": "MBG/NBD" if self.modified else "BG/NBD", "instead": self.instead or None}


def use_modified(summary: pd.DataFrame) -> bool:
    """True when one-time buyers are at least :data:`ONE_TIME_SHARE_FOR_MODIFIED` of the customers."""
    return bool(len(summary)) and float((summary["frequency"] == 0).mean()) >= ONE_TIME_SHARE_FOR_MODIFIED


def _counts(summary: pd.DataFrame) -> dict:
    customers = int(len(summary))
    repeat = int((summary["frequency"] > 0).sum())
    return {"customers": customers, "repeat_buyers": repeat,
            "repeat_share": round(repeat / customers, 4) if customers else 0.0,
            "min_repeat_buyers": MIN_REPEAT_BUYERS, "min_repeat_share": MIN_REPEAT_SHARE}


def check_data(summary: pd.DataFrame) -> Applicability:
    """Before the fit: enough repeat buyers, in number and in share?"""
    numbers = _counts(summary)
    modified = use_modified(summary)
    customers, repeat, share = numbers["customers"], numbers["repeat_buyers"], numbers["repeat_share"]
    if repeat < MIN_REPEAT_BUYERS or share < MIN_REPEAT_SHARE:
        reason = (f"Customer value prediction does not apply here: only {repeat:,} of your {customers:,} customers "
                  f"({share:.1%}) have bought on more than one day. The model learns how often customers come back, "
                  f"and when they stop, from repeat buyers only; it needs at least {MIN_REPEAT_BUYERS} of them and "
                  f"{MIN_REPEAT_SHARE:.0%} of customers. Almost everyone buys once here, so the question is how to "
                  "win a second order rather than who is worth most.")
        return Applicability(False, reason, numbers, modified, INSTEAD)
    return Applicability(True, "", numbers, modified)


def check_fit(summary: pd.DataFrame, models) -> Applicability:
    """After the fit: the data check, then a degenerate fit (dropout → 0 or 1, r → 0, stuck on an edge)?"""
    verdict = check_data(summary)
    if not verdict.applies:
        return verdict
    params = models.bgnbd.params_
    dropout = params["a"] / (params["a"] + params["b"])
    numbers = dict(verdict.numbers, r=round(params["r"], 6), alpha=round(params["alpha"], 6),
                   a=round(params["a"], 6), b=round(params["b"], 6), mean_dropout=round(dropout, 6),
                   min_dropout=MIN_DROPOUT, max_dropout=MAX_DROPOUT, min_r=MIN_R)
    name = "modified BG/NBD" if verdict.modified else "BG/NBD"
    head = (f"Customer value prediction does not describe your shop: fitted on your {verdict.numbers['customers']:,} "
            f"customers, the repeat-purchase model ({name}) ")
    log_params = np.log([params[k] for k in ("r", "alpha", "a", "b")])
    reason = ""
    if dropout < MIN_DROPOUT:
        reason = (head + f"says customers almost never stop buying (on average {dropout:.2%} leave after a "
                  "purchase), so it would call every customer \"probably still active\". That is a sign that its "
                  "picture — steady buying until a customer leaves for good — does not fit your orders (for example "
                  "trade customers ordering on a schedule), not a finding about your customers.")
    elif dropout > MAX_DROPOUT:
        reason = (head + f"says nearly every customer leaves after their next purchase ({dropout:.1%} on average): "
                  "a one-time-buyer shop, for which per-customer values say nothing.")
    elif params["r"] < MIN_R:
        reason = (head + f"explains your orders by a few customers who buy constantly and everyone else never "
                  f"(r = {params['r']:.3g}, below {MIN_R}), so its per-customer values mean nothing.")
    elif np.any(np.abs(log_params) > LOG_PARAM_BOUNDS[1] - EDGE):
        reason = (head + "ended on the edge of the range it searches "
                  f"({', '.join(f'{k} = {params[k]:.3g}' for k in ('r', 'alpha', 'a', 'b'))}): it found no "
                  "stable description of your customers.")
    if reason:
        return Applicability(False, reason, numbers, verdict.modified, INSTEAD)
    return Applicability(True, "", numbers, verdict.modified)
