"""The outcome loop: export an insight's list holding back a random share of it as a control, remember who was
held back, and after later uploads measure what the action did — the customers contacted against those held back.

* :func:`export_list` splits a list at random (seeded by the insight's id, so the same export twice is the same
  split) and remembers the split in the workspace tables ``insight_exports`` and ``insight_holdouts`` (not marts:
  they survive every upload). The first export with a control fixes it: a later export of the same insight keeps
  the same customers held back, and holds back none of the newcomers.
* :func:`measured_lift` compares, since the export, the orders and the net revenue per customer of the treated
  against the held back: Welch's t-test and interval (the experiments room's :func:`compare_means`).
* :func:`acted_insights` gives back each exported insight as it read when acted on (stored as JSON), so the feed
  can keep showing it with its outcome when new data has moved its figures or its period.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from insights.core.db import query_df, sql_text, table_exists
from insights.core.jsonable import to_jsonable
from insights.core.money import format_money
from insights.core.workspace import connection
from insights.experiments.comparisons import compare_means
from insights.feed.insight import Insight
from insights.feed.status import NEXT, set_status, status_of

CONTROL_SHARE = 0.10
MIN_HELD_BACK = 1


def seed_of(insight_id: str) -> int:
    """The split's seed: the insight's id read as a number (stable, different for every insight)."""
    return int(insight_id, 16) % (2 ** 32)


def split(customer_ids, insight_id: str, share: float = CONTROL_SHARE) -> pd.DataFrame:
    """customer_id, held_back: ``share`` of the (distinct, sorted) customers held back at random, seeded."""
    ids = sorted({str(c) for c in customer_ids if c is not None and str(c) != ""})
    rng = np.random.default_rng(seed_of(insight_id))
    held = np.zeros(len(ids), dtype=bool)
    if ids and share > 0:
        n = max(MIN_HELD_BACK, int(round(share * len(ids))))
        held[rng.choice(len(ids), size=min(n, len(ids)), replace=False)] = True
    return pd.DataFrame({"customer_id": ids, "held_back": held})


def holdouts(ws, insight_id: str) -> pd.DataFrame:
    """The remembered split of an insight's list (empty when it was never exported with a control)."""
    con = connection(ws)
    if not table_exists(con, "insight_holdouts"):
        return pd.DataFrame(columns=["customer_id", "held_back"])
    return query_df(con, "queries/feed/outcome/read_holdouts.sql", {"insight_id": insight_id})


def plan_export(ws, insight: Insight, customers: pd.DataFrame, hold_back: bool,
                share: float = CONTROL_SHARE) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(the rows of ``customers`` to export, the split still to remember or None). Without ``hold_back``: every
    row. With it: the rows not held back — by the split remembered for this insight, else a new seeded split
    (returned, for :func:`record_export` once the list really leaves)."""
    if not hold_back:
        return customers, None
    known = holdouts(ws, insight.id)
    chosen = split(customers["customer_id"], insight.id, share) if known.empty else known
    held = set(chosen.loc[chosen["held_back"].astype(bool), "customer_id"])
    rows = customers[~customers["customer_id"].astype(str).isin(held)].reset_index(drop=True)
    return rows, (chosen if known.empty else None)


def record_export(ws, insight: Insight, chosen: pd.DataFrame | None, share: float = CONTROL_SHARE,
                  by: str | None = None, at: dt.datetime | None = None) -> None:
    """Remember a new split (``chosen``; None: nothing new) with the insight as it reads now, and mark the
    insight acted on (when its status allows) with what was exported; ``at``: when the action starts (now)."""
    if chosen is not None:
        _remember(ws, insight, chosen, share, by, at)
        if "acted" in NEXT[status_of(ws, insight.id)]:
            treated, held = int((~chosen["held_back"]).sum()), int(chosen["held_back"].sum())
            set_status(ws, insight.id, "acted", by=by,
                       note=f"exported {treated:,} customers, {held:,} held back as a control")


def export_list(ws, insight: Insight, customers: pd.DataFrame, hold_back: bool, share: float = CONTROL_SHARE,
                by: str | None = None, at: dt.datetime | None = None) -> pd.DataFrame:
    """The rows of ``customers`` (a list with a ``customer_id`` column) to export, the split remembered (the
    first time) and the insight marked acted on: :func:`plan_export` then :func:`record_export`."""
    rows, chosen = plan_export(ws, insight, customers, hold_back, share)
    record_export(ws, insight, chosen, share, by, at)
    return rows


def _remember(ws, insight: Insight, chosen: pd.DataFrame, share: float, by, at) -> None:
    """Write the export and its split (an insight keeps its first split: later writes are ignored)."""
    con = connection(ws)
    con.execute(sql_text("queries/feed/outcome/create_exports.sql"))
    con.execute(sql_text("queries/feed/outcome/create_holdouts.sql"))
    stored = to_jsonable({**insight.to_dict(), "details": insight.details})
    stored.pop("id")
    stored.pop("status")
    stored["episode"] = insight.episode               # a standing story's id is its episode's (feed.insight)
    con.execute(sql_text("queries/feed/outcome/write_export.sql"),
                {"insight_id": insight.id, "exported_at": (at or dt.datetime.now()).replace(microsecond=0),
                 "exported_by": by, "control_share": share, "seed": seed_of(insight.id),
                 "treated": int((~chosen["held_back"]).sum()), "held_back": int(chosen["held_back"].sum()),
                 "insight": json.dumps(stored)})
    con.register("_holdout", chosen)
    try:
        con.execute(sql_text("queries/feed/outcome/write_holdouts.sql"), {"insight_id": insight.id})
    finally:
        con.unregister("_holdout")


def exports(ws) -> pd.DataFrame:
    con = connection(ws)
    if not table_exists(con, "insight_exports"):
        return pd.DataFrame(columns=["insight_id", "exported_at", "exported_by", "control_share", "seed", "treated",
                                     "held_back", "insight"])
    return query_df(con, "queries/feed/outcome/read_exports.sql")


def measured_lift(ws, insight_id: str, stop: dt.date | None = None) -> dict | None:
    """Treated against held back since the export, up to ``stop`` (exclusive; default: no end): per metric
    (``orders``, ``revenue``, per customer) the two means, the difference with its 95% interval and p-value;
    plus ``since``, ``days``, ``treated``, ``held_back``. None without an export with a control."""
    found = exports(ws)
    row = found[found["insight_id"] == insight_id]
    if row.empty:
        return None
    since = pd.Timestamp(row["exported_at"].iloc[0])
    stop_at = pd.Timestamp(stop) if stop is not None else pd.Timestamp.max.floor("D")
    after = query_df(connection(ws), "queries/feed/outcome/after.sql",
                     {"insight_id": insight_id, "since": since.to_pydatetime(), "stop": stop_at.to_pydatetime()})
    held = after["held_back"].astype(bool)
    out = {"since": since.date(), "treated": int((~held).sum()), "held_back": int(held.sum()), "metrics": {}}
    last = query_df(connection(ws), "queries/feed/outcome/last_order.sql")["last"].iloc[0]
    out["days"] = max(0, (pd.Timestamp(last) - since).days + 1) if pd.notna(last) else 0
    if out["treated"] < 2 or out["held_back"] < 2:
        return out
    for metric in ("orders", "revenue"):
        values = after[metric].astype(float)
        c = compare_means(metric, "treated", values[held].to_numpy(), values[~held].to_numpy())
        out["metrics"][metric] = {"treated": c.variant_value, "held_back": c.control_value, "lift": c.diff,
                                  "low": c.diff_low, "high": c.diff_high, "relative": c.rel_diff,
                                  "p_value": c.p_value, "method": c.method}
    return out


def acted_insights(ws) -> list[Insight]:
    """Every insight exported with a control, as it read then."""
    out = []
    for text in exports(ws)["insight"]:
        data = json.loads(text)
        out.append(Insight(**data))
    return out


def outcome_words(outcome: dict | None, currency=None) -> str | None:
    """The measured result in the owner's words (None without an export with a control)."""
    if not outcome:
        return None
    start = f"Since you acted on {outcome['since']:%d %b %Y}"
    if not outcome["metrics"]:
        return f"{start}: too few customers on each side to measure anything yet."
    if outcome["days"] <= 0:
        return f"{start}: no orders loaded since — upload newer orders to see the result."
    orders, revenue = outcome["metrics"]["orders"], outcome["metrics"]["revenue"]
    sure = orders["low"] > 0 or orders["high"] < 0 or revenue["low"] > 0 or revenue["high"] < 0
    verdict = "the action made a difference" if sure else "too early to tell: the range still includes no effect"
    money = lambda v: format_money(v, currency, 2)  # noqa: E731
    return (f"{start} ({outcome['days']} days of orders), the {outcome['treated']:,} customers you contacted placed "
            f"{orders['treated']:.2f} orders each against {orders['held_back']:.2f} for the {outcome['held_back']:,} "
            f"held back: {orders['lift']:+.2f} orders per customer (likely {orders['low']:+.2f} to "
            f"{orders['high']:+.2f}) and {money(revenue['lift'])} of revenue per customer (likely "
            f"{money(revenue['low'])} to {money(revenue['high'])}) — {verdict}.")
