"""Lifecycle stages (new, active, at risk, lapsed, reactivated) from purchase gaps in the shop's own rhythm.

Definitions (shown on the page):

- The shop's **rhythm** is the distribution of days between a customer's consecutive order days (all customers,
  orders before the as-of date; :mod:`insights.customers.rhythm`). ``active_days`` = its 75th percentile, ``lapsed_days`` = its 90th percentile
  (rounded up to whole days; at least 1 and ``lapsed_days`` > ``active_days``). With fewer than
  :data:`MIN_GAPS` gaps the rhythm is not measurable and the defaults 60 / 180 days are used (stated).
- On the as-of date, first match wins: **new** — first order within ``active_days``; **reactivated** — last
  order within ``active_days`` after a gap longer than ``lapsed_days``; **active** — last order within
  ``active_days``; **at risk** — last order more than ``active_days`` but at most ``lapsed_days`` ago;
  **lapsed** — longer ago.
- **Transitions** between dates A < B use the thresholds measured at B for both dates; customers whose first
  order is on or after A are "not yet a customer" at A.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from insights.core.dates import as_timestamp, default_as_of
from insights.core.db import query_df
from insights.core.workspace import connection
from insights.customers.rhythm import Rhythm, purchase_rhythm
from insights.customers.segments import customer_segments

STAGES = ("new", "active", "reactivated", "at risk", "lapsed")
NOT_YET = "not yet a customer"
MIN_GAPS = 20
DEFAULT_ACTIVE_DAYS, DEFAULT_LAPSED_DAYS = 60, 180
ACTIVE_PERCENTILE, LAPSED_PERCENTILE = 0.75, 0.90
STAGE_COLUMNS = ["customer_id", "first_order_date", "last_order_date", "order_days", "gap_before_last",
                 "days_since_last", "stage"]


@dataclasses.dataclass(frozen=True)
class Thresholds:
    active_days: int
    lapsed_days: int
    gaps: int            # how many purchase gaps they were measured on
    measured: bool       # False: too few gaps, defaults used

    def sentence(self) -> str:
        if not self.measured:
            return (f"Too few repeat purchases ({self.gaps} gaps) to measure this shop's rhythm: default "
                    f"thresholds used — active within {self.active_days} days, lapsed after {self.lapsed_days}.")
        return (f"Measured on {self.gaps:,} gaps between repeat purchases: 75% of repeat orders come within "
                f"{self.active_days} days of the previous one (active), 90% within {self.lapsed_days} days "
                f"(beyond that: lapsed).")


def thresholds_from_rhythm(rhythm: Rhythm, min_gaps: int = MIN_GAPS) -> Thresholds:
    """Active / lapsed thresholds from the shop's rhythm (see module docstring)."""
    if rhythm.repeat_purchases < min_gaps:
        return Thresholds(DEFAULT_ACTIVE_DAYS, DEFAULT_LAPSED_DAYS, rhythm.repeat_purchases, False)
    active = rhythm.days_at(ACTIVE_PERCENTILE)
    lapsed = max(active + 1, rhythm.days_at(LAPSED_PERCENTILE))
    return Thresholds(active, lapsed, rhythm.repeat_purchases, True)


def thresholds_from_gaps(gaps, min_gaps: int = MIN_GAPS) -> Thresholds:
    """Active / lapsed thresholds from a list of purchase gaps in days (a hand-made rhythm, for tests and
    what-ifs): the same rule as :func:`shop_thresholds`."""
    gaps = np.asarray([g for g in gaps if g is not None and not pd.isna(g)], dtype=float)
    probabilities = (ACTIVE_PERCENTILE, LAPSED_PERCENTILE)
    at = {p: float(np.quantile(gaps, p)) for p in probabilities} if len(gaps) else {}
    return thresholds_from_rhythm(Rhythm(int(len(gaps)), at), min_gaps)


def shop_thresholds(ws, as_of=None) -> Thresholds:
    """The thresholds measured on orders before ``as_of`` (default: the day after the last order)."""
    con = connection(ws)
    as_of = as_of if as_of is not None else default_as_of(con)
    if as_of is None:
        return thresholds_from_gaps([])
    return thresholds_from_rhythm(purchase_rhythm(con, as_of, (ACTIVE_PERCENTILE, LAPSED_PERCENTILE)))


def lifecycle_stages(ws, as_of=None, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """One row per identified customer with an order before ``as_of``: their stage then (:data:`STAGE_COLUMNS`)."""
    con = connection(ws)
    as_of = as_of if as_of is not None else default_as_of(con)
    if as_of is None:
        return pd.DataFrame(columns=STAGE_COLUMNS)
    thresholds = thresholds or shop_thresholds(con, as_of)
    return query_df(con, "queries/customers/segments/lifecycle.sql", {"as_of": as_timestamp(as_of),
                                                    "active_days": thresholds.active_days,
                                                    "lapsed_days": thresholds.lapsed_days})[STAGE_COLUMNS]


def stage_summary(stages: pd.DataFrame) -> pd.DataFrame:
    """stage, customers, share — every stage listed, in :data:`STAGES` order."""
    counts = stages["stage"].value_counts().reindex(list(STAGES), fill_value=0)
    total = int(counts.sum())
    return pd.DataFrame({"stage": counts.index, "customers": counts.to_numpy().astype(int),
                         "share": counts.to_numpy() / total if total else 0.0})


def transitions(ws, date_a, date_b, by: str = "lifecycle", segment_map: dict | list | None = None) -> pd.DataFrame:
    """How customers moved between dates A and B: long table from, to, customers (non-zero cells only).

    ``by`` is ``lifecycle`` (stages; thresholds measured at B, used for both dates) or ``rfm`` (RFM segments
    scored at each date, with ``segment_map`` if given). Customers with no order before A are ``not yet a
    customer`` at A.
    """
    if by not in ("lifecycle", "rfm"):
        raise ValueError(f"by must be 'lifecycle' or 'rfm'; got {by!r}")
    date_a, date_b = pd.Timestamp(date_a).date(), pd.Timestamp(date_b).date()
    if date_a >= date_b:
        raise ValueError(f"The first date ({date_a}) must be before the second ({date_b}).")
    con = connection(ws)
    if by == "lifecycle":
        th = shop_thresholds(con, date_b)
        a = lifecycle_stages(con, date_a, th)[["customer_id", "stage"]]
        b = lifecycle_stages(con, date_b, th)[["customer_id", "stage"]]
    else:
        a = customer_segments(con, date_a, segment_map).rename(columns={"segment": "stage"})
        b = customer_segments(con, date_b, segment_map).rename(columns={"segment": "stage"})
    merged = b.merge(a, on="customer_id", how="left", suffixes=("_b", "_a"))
    merged["stage_a"] = merged["stage_a"].fillna(NOT_YET)
    out = (merged.groupby(["stage_a", "stage_b"]).size().rename("customers").reset_index()
           .rename(columns={"stage_a": "from", "stage_b": "to"}))
    return out.sort_values(["from", "to"]).reset_index(drop=True)


def transition_matrix(moves: pd.DataFrame, order=None) -> pd.DataFrame:
    """Rows = state at A, columns = state at B, cells = customers (zeros filled)."""
    grid = moves.pivot_table(index="from", columns="to", values="customers", aggfunc="sum", fill_value=0)
    if order:
        rows = [s for s in [NOT_YET, *order] if s in grid.index] + [s for s in grid.index if s not in order and s != NOT_YET]
        cols = [s for s in order if s in grid.columns] + [s for s in grid.columns if s not in order]
        grid = grid.reindex(index=rows, columns=cols, fill_value=0)
    return grid.astype(int)
