"""Each row's fate: rejected (the first check it fails), set aside (an exact duplicate of an earlier row of its
file, or already loaded) or kept. The checks are numpy masks over the whole file (see ``rules.CHECKS``)."""

from __future__ import annotations

import numpy as np

from insights.ingest.load.hashing import row_hashes
from insights.ingest.load.rules import KEEP, REJECTED, SET_ASIDE, checks_for
from insights.ingest.load.stage import Staged


def classify(con, plan, staged: Staged, table: str) -> None:
    """Each row's fate: rejected (first failing check), set aside (duplicate, already loaded) or kept."""
    checks = checks_for(plan)
    masks: dict[str, np.ndarray] = {}

    def mask(term: str) -> np.ndarray:
        if term not in masks:
            what, fld = term.split(":")
            if what == "bad":
                masks[term] = staged.bad[fld]
            elif fld == "revenue":
                masks[term] = _revenue_missing(plan, staged)
            else:
                masks[term] = staged.null(fld)
        return masks[term]

    check = np.full(staged.n, -1, dtype=np.int16)
    for i in range(len(checks) - 1, -1, -1):     # the first failing check wins
        failing = np.logical_and.reduce([mask(t) for t in checks[i][1]])
        check[failing] = i
    preset = np.fromiter(staged.preset_aside, dtype=np.int64, count=len(staged.preset_aside))
    check[preset] = -1                            # a vendor rule set the row aside: no check applies
    staged.check = check
    state = np.where(check >= 0, REJECTED, KEEP).astype(np.int8)
    state[preset] = SET_ASIDE
    earlier, prior = row_hashes(con, staged, state == KEEP, table)
    duplicate = ~np.isnan(earlier)
    state[duplicate] = SET_ASIDE
    aside = [(int(i), f"exact duplicate of row {int(earlier[i])}") for i in np.flatnonzero(duplicate)]
    aside += sorted(staged.preset_aside.items())
    for i, name in prior:
        if state[i] == KEEP:
            state[i] = SET_ASIDE
            aside.append((i, f"already loaded from {name}"))
    staged.state = state
    staged.aside = sorted(aside)


def _revenue_missing(plan, staged: Staged) -> np.ndarray:
    if plan.mapping.get("unit_price") is not None:
        return staged.null("quantity") | staged.null("unit_price")
    if plan.mapping.get("line_total") is not None:
        return staged.null("line_total")
    return np.ones(staged.n, dtype=bool)
