"""Customer value by where customers come from: predicted CLV (with an interval) and realised value by acquisition
channel, first order's channel, first category, country and cohort — and which groups are worth clearly more or
less than the rest.

Method. For each dimension and value with at least :data:`MIN_CUSTOMERS` scored customers: ``mean_clv`` is the
mean predicted CLV of its customers and ``ci_low``/``ci_high`` a 95 % interval of that mean over customers (normal,
standard error sd/√n): how far the mean could move with other customers like them. The group is compared with
the rest (every other customer whose value on that dimension is known) by the ratio of the two means, with a
delta-method interval on the log ratio. Several groups are compared at once, so every interval (the means' and
the ratios') is widened for all comparisons together (Bonferroni: 95 % jointly over all of them). A group is
called **different** only when its ratio's interval excludes 1. The model's own uncertainty is not in these
intervals (it moves every group together). ``realised_value`` is the mean net revenue to date.

Cohorts (quarter of the first order) differ by age — younger customers have more of their life ahead — so they
are reported but never named in the headline sentence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from insights.core.db import query_df
from insights.core.money import format_money
from insights.core.workspace import connection

DIMENSIONS = ("channel", "first_channel", "first_category", "country", "cohort")
HEADLINE_DIMENSIONS = ("channel", "first_channel", "first_category", "country")
MIN_CUSTOMERS = 30
LEVEL = 0.95
COLUMNS = ["dimension", "value", "customers", "mean_clv", "ci_low", "ci_high", "realised_value", "ratio_to_rest",
           "ratio_low", "ratio_high", "different"]
_WHO = {"channel": "customers acquired via {}", "first_channel": "customers whose first order came via {}",
        "first_category": "customers whose first order was in {}", "country": "customers in {}",
        "cohort": "customers who first bought in {}"}


def customer_groups(ws_or_con) -> pd.DataFrame:
    """One row per customer with an order: customer_id, channel, first_channel, first_category, country, cohort,
    realised_value (``insights/sql/queries/predictions/clv/groups.sql``)."""
    frame = query_df(connection(ws_or_con), "queries/predictions/clv/groups.sql")
    frame["customer_id"] = frame["customer_id"].astype(str)
    return frame


def value_by_group(scores: pd.DataFrame, groups: pd.DataFrame, dimensions=DIMENSIONS,
                   min_customers: int = MIN_CUSTOMERS, level: float = LEVEL) -> pd.DataFrame:
    """Mean predicted CLV and realised value per dimension and value, compared with the rest (see the module).

    In: ``scores`` (customer_id, clv), ``groups`` (:func:`customer_groups`). Out: columns :data:`COLUMNS`, one row
    per dimension and value with at least ``min_customers`` scored customers, by dimension then mean CLV (highest
    first). A dimension with fewer than two such values is left out (nothing to compare).
    """
    frame = groups.merge(scores[["customer_id", "clv"]].astype({"customer_id": str}), on="customer_id")
    rows = []
    for dim in dimensions:
        known = frame[frame[dim].notna() & (frame[dim].astype(str).str.strip() != "")]
        stats_by = known.groupby(dim, sort=True).agg(customers=("clv", "size"), mean_clv=("clv", "mean"),
                                                     sd=("clv", "std"), total=("clv", "sum"),
                                                     sq=("clv", lambda v: float(np.sum(np.square(v)))),
                                                     realised_value=("realised_value", "mean"))
        stats_by = stats_by[stats_by["customers"] >= min_customers]
        if len(stats_by) < 2:
            continue
        n_all, total_all, sq_all = len(known), float(known["clv"].sum()), float(np.square(known["clv"]).sum())
        for value, g in stats_by.iterrows():
            n_rest = n_all - g["customers"]
            mean_rest = (total_all - g["total"]) / n_rest if n_rest else np.nan
            var_rest = ((sq_all - g["sq"]) - n_rest * mean_rest ** 2) / (n_rest - 1) if n_rest > 1 else np.nan
            rows.append({"dimension": dim, "value": str(value), "customers": int(g["customers"]),
                         "mean_clv": float(g["mean_clv"]), "sd": float(g["sd"]), "realised_value":
                         float(g["realised_value"]), "n_rest": int(n_rest), "mean_rest": float(mean_rest),
                         "sd_rest": float(np.sqrt(max(var_rest, 0.0)))})
    if not rows:
        return pd.DataFrame(columns=COLUMNS + ["mean_rest"])
    out = pd.DataFrame(rows)
    z = float(stats.norm.ppf(1 - (1 - level) / (2 * len(out))))          # Bonferroni over every comparison
    se = out["sd"] / np.sqrt(out["customers"])
    out["ci_low"] = np.maximum(out["mean_clv"] - z * se, 0.0)
    out["ci_high"] = out["mean_clv"] + z * se
    with np.errstate(all="ignore"):
        se_log = np.sqrt((se / out["mean_clv"]) ** 2
                         + (out["sd_rest"] / np.sqrt(out["n_rest"]) / out["mean_rest"]) ** 2)
        ratio = out["mean_clv"] / out["mean_rest"]
        out["ratio_to_rest"] = ratio
        out["ratio_low"] = np.exp(np.log(ratio) - z * se_log)
        out["ratio_high"] = np.exp(np.log(ratio) + z * se_log)
    out["different"] = ((out["ratio_low"] > 1) | (out["ratio_high"] < 1)).fillna(False).astype(bool)
    order = {d: i for i, d in enumerate(dimensions)}
    out = out.sort_values(["dimension", "mean_clv"], key=lambda s: s.map(order) if s.name == "dimension" else -s)
    return out[COLUMNS + ["mean_rest"]].reset_index(drop=True)


def headline(by_group: pd.DataFrame, currency: str | None = None) -> str | None:
    """The clearest difference in words, e.g. "Customers acquired via Referral are worth 1.6× the rest (CLV 182 €
    vs 114 €).", or None when no group outside cohorts is clearly different. Picks the largest ratio among the
    groups worth more; if none is worth more, the smallest among those worth less."""
    found = by_group[by_group["different"] & by_group["dimension"].isin(HEADLINE_DIMENSIONS)]
    if found.empty:
        return None
    more = found[found["ratio_to_rest"] > 1]
    row = more.loc[more["ratio_to_rest"].idxmax()] if len(more) else found.loc[found["ratio_to_rest"].idxmin()]
    who = _WHO[row["dimension"]].format(row["value"])
    ratio = row["ratio_to_rest"]
    how = f"{ratio:.1f}× the rest" if ratio >= 1 else f"{1 - ratio:.0%} less than the rest"
    return (f"{who[0].upper()}{who[1:]} are worth {how} (CLV {format_money(row['mean_clv'], currency)} vs "
            f"{format_money(row['mean_rest'], currency)}).")


def as_records(by_group: pd.DataFrame) -> list[dict]:
    """The table as JSON-ready dicts (for ``clv --json`` and the stored report)."""
    return [{k: (bool(v) if k == "different" else int(v) if k == "customers" else v if k in ("dimension", "value")
                 else (None if pd.isna(v) else round(float(v), 4))) for k, v in row.items()}
            for row in by_group.to_dict("records")]
