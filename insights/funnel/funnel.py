"""The web funnel: how many sessions (or customers) go from viewing to buying, step by step, where they drop
off, and which groups lose the most orders.

Steps are event types (view → cart → checkout → purchase, as the loader normalises them) or the shop's own event
names. A session reaches a step when an event of that step follows the previous step's, within the conversion
window from the first step (default 7 days end to end). A session is counted once whatever midnights or month
ends it crosses (its key is the session id); an anonymous session that carries a customer id at any point
belongs to that customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from insights.core.db import cursor, query_df, query_rows
from insights.core.intervals import holm, two_proportion_p, wilson
from insights.core.workspace import connection

DEFAULT_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("View", ("view",)), ("Cart", ("cart",)), ("Checkout", ("checkout",)), ("Purchase", ("purchase",)))
DIMENSIONS = {"device": "Device", "channel": "Channel", "country": "Country", "visitor": "New or returning",
              "rfm": "RFM segment", "lifecycle": "Lifecycle stage"}
# dimensions that describe the customer at the time of the visit: given to :func:`funnel` as ``labels``
CUSTOMER_DIMENSIONS = ("rfm", "lifecycle")
NOT_YET = "not yet a customer"
SMALL = 30
ALPHA = 0.05


@dataclass
class Funnel:
    unit: str                                  # "session" or "customer"
    window_days: float
    steps: list[dict]
    entrants: int
    by: list[dict] = field(default_factory=list)
    groups: pd.DataFrame | None = None         # per dimension, value and step: units, customers, median minutes
    last_reached: pd.Timestamp | None = None   # the latest time a unit reached a step

    def to_dict(self) -> dict:
        return {"unit": self.unit, "window_days": self.window_days, "sessions": self.entrants,
                "steps": self.steps, "by": self.by}


def parse_steps(text: str | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``"view,cart,checkout,purchase"`` or with the shop's names ``"view,add_to_cart|basket_add,purchase"``
    (``|`` joins several names into one step)."""
    if not text:
        return DEFAULT_STEPS
    out = []
    for part in text.split(","):
        names = tuple(n.strip().lower() for n in part.split("|") if n.strip())
        if names:
            out.append((names[0].replace("_", " ").capitalize(), names))
    if len(out) < 2:
        raise ValueError(f"a funnel needs at least two steps; got {text!r}")
    return tuple(out)


def funnel(ws, steps=DEFAULT_STEPS, window_days: float = 7.0, unit: str = "session",
           by: tuple[str, ...] = tuple(DIMENSIONS), labels: dict[str, pd.DataFrame] | None = None) -> Funnel:
    """The funnel of the workspace's events (see the module docstring); ``by`` the dimensions to break it down by.

    ``labels`` adds dimensions that describe the customer when the visit began (``rfm``, ``lifecycle``): per
    dimension a frame customer_id, month ('YYYY-MM'), value — the customer's segment as of the first day of that
    month, computed by whoever knows segments (the customers room). A visit takes its customer's label of the
    month it began in; a known customer without one is "not yet a customer"; an anonymous visit is "unknown"
    (shown, never ranked).

    Every count is made in the database (one row per unit never comes back to Python): 10 million events take
    a few seconds (``bench/funnel.py``)."""
    if unit not in ("session", "customer"):
        raise ValueError(f"unit must be 'session' or 'customer', not {unit!r}")
    con = cursor(connection(ws))             # its own temp tables and registered labels
    names = [n for _, group in steps for n in group]
    numbers = [i + 1 for i, (_, group) in enumerate(steps) for _ in group]
    by_customer = unit == "customer"
    labels = {dim: frame for dim, frame in (labels or {}).items() if dim in CUSTOMER_DIMENSIONS}
    con.register("_funnel_labels", _labels_frame(labels))
    query_rows(con, "queries/funnel/steps/step_events.sql",
               {"names": names, "steps": numbers, "by_customer": by_customer})
    try:
        query_rows(con, "queries/funnel/steps/first_step.sql")
        for k in range(2, len(steps) + 1):
            query_rows(con, "queries/funnel/steps/next_step.sql", {"k": k, "window_seconds": window_days * 86400})
        query_rows(con, "queries/funnel/steps/units.sql", {"by_customer": by_customer, "not_yet": NOT_YET})
        groups = query_df(con, "queries/funnel/steps/groups.sql")
        last_reached = query_rows(con, "queries/funnel/steps/last_reached.sql")[0][0]
    finally:
        query_rows(con, "queries/funnel/steps/drop_temp.sql")
        con.unregister("_funnel_labels")
        con.close()
    step_names = [label for label, _ in steps]
    overall = groups[groups["dimension"] == "all"]
    result = Funnel(unit, window_days, _steps_table(overall, step_names), _count(overall, 1),
                    groups=groups, last_reached=pd.Timestamp(last_reached) if last_reached is not None else None)
    wanted = [dim for dim in by if dim in DIMENSIONS and (dim not in CUSTOMER_DIMENSIONS or dim in labels)]
    result.by = [group for dim in wanted for group in _by_dimension(groups[groups["dimension"] == dim], dim,
                                                                     step_names)]
    _mark_worse(result.by)
    return result


def _labels_frame(labels: dict[str, pd.DataFrame]) -> pd.DataFrame:
    frames = [frame[["customer_id", "month", "value"]].astype(str).assign(dimension=dim)
              for dim, frame in labels.items() if len(frame)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in ("dimension", "customer_id", "month", "value")})
    return pd.concat(frames, ignore_index=True)[["dimension", "customer_id", "month", "value"]]


PERIODS = {"month": "month", "week": "week"}


def funnel_by_period(result: Funnel, period: str = "month") -> list[dict]:
    """The funnel per calendar month or week (Monday to Sunday) in which the units began: period ('2025-07' or
    the week's Monday '2025-07-07'), entrants, completed (reached the last step), conversion with Wilson bounds,
    and the steps. A unit counts once, in the period it began, whatever period its later steps fall in.
    ``complete`` is False for a period whose last units had less than the conversion window before the events
    end (their conversion can still grow)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    if result.groups is None or not result.entrants:
        return []
    names = [s["step"] for s in result.steps]
    rows = result.groups[result.groups["dimension"] == period]
    out = []
    for key, mine in rows.groupby("value", sort=True):
        entrants, done = _count(mine, 1), _count(mine, len(names))
        low, high = wilson(done, entrants)
        start = pd.Period(key, freq="M" if period == "month" else "W-SUN")
        out.append({"period": key, "entrants": entrants, "completed": done, "conversion": done / entrants,
                    "ci_low": low, "ci_high": high, "small": entrants < SMALL,
                    "complete": bool(start.end_time + pd.Timedelta(days=result.window_days) <= result.last_reached),
                    "steps": _steps_table(mine, names)})
    return out


def _count(rows: pd.DataFrame, step: int, column: str = "units") -> int | None:
    """The ``column`` of the row of ``step`` (0 when no unit reached it; None when it is not counted)."""
    found = rows.loc[rows["step"] == step, column]
    if not len(found):
        return 0
    return int(found.iloc[0]) if pd.notna(found.iloc[0]) else None


def _steps_table(rows: pd.DataFrame, labels: list[str]) -> list[dict]:
    """The steps of one group from its rows of the groups table: units reaching each step, the customers among
    them (the whole funnel only: None per group), median minutes from the previous step."""
    start = _count(rows, 1)
    out, previous = [], start
    for k, label in enumerate(labels, start=1):
        n = _count(rows, k)
        low, high = wilson(n, previous) if k > 1 else (None, None)
        minutes = rows.loc[rows["step"] == k, "median_minutes"] if k > 1 else pd.Series(dtype=float)
        out.append({"step": label, "sessions": n, "customers": _count(rows, k, "customers"),
                    "conversion_from_previous": (n / previous) if k > 1 and previous else (1.0 if n else None),
                    "conversion_from_start": n / start if start else None,
                    "ci_low": low, "ci_high": high,
                    "median_minutes_from_previous": round(float(minutes.iloc[0]), 1)
                    if len(minutes) and pd.notna(minutes.iloc[0]) else None})
        previous = n
    return out


def _by_dimension(rows: pd.DataFrame, dim: str, labels: list[str]) -> list[dict]:
    """Per value of ``dim``: its steps and the orders it lost against the rest's end-to-end conversion. The rest
    is the units whose value is known: visits nobody can be told apart in (anonymous ones, for the customer
    dimensions) would otherwise pull the rest's conversion down and hide every loss."""
    last = len(labels)
    counts = {value: (_count(mine, 1), _count(mine, last)) for value, mine in rows.groupby("value", sort=True)}
    known_entrants = sum(n for v, (n, _) in counts.items() if v != "unknown")
    known_done = sum(d for v, (_, d) in counts.items() if v != "unknown")
    out = []
    for value, mine in rows.groupby("value", sort=True):
        entrants, done = counts[value]
        known = value != "unknown"      # sessions nobody can be told apart in are shown, never ranked
        rest_entrants = known_entrants - (entrants if known else 0)
        rest_done = known_done - (done if known else 0)
        rest_rate = rest_done / rest_entrants if rest_entrants else None
        lost = max(0.0, entrants * rest_rate - done) if rest_rate is not None else 0.0
        out.append({"dimension": dim, "value": value, "steps": _steps_table(mine, labels), "entrants": entrants,
                    "purchases": done, "orders_lost": round(lost, 1) if known else None, "small": entrants < SMALL,
                    "p_value": two_proportion_p(done, entrants, rest_done, rest_entrants)
                    if known and entrants >= SMALL and rest_entrants >= SMALL else None})
    return out


def _mark_worse(groups: list[dict]) -> None:
    """``worse``: the group converts less than the rest and the difference holds after Holm's adjustment over
    every group compared; then sorted by orders lost."""
    tested = [g for g in groups if g["p_value"] is not None]
    for g, p in zip(tested, holm([g["p_value"] for g in tested])):
        g["p_adjusted"] = p
    for g in groups:
        g.setdefault("p_adjusted", None)
        g["worse"] = bool(g["p_adjusted"] is not None and g["p_adjusted"] < ALPHA and (g["orders_lost"] or 0) > 0)
    groups.sort(key=lambda g: -(g["orders_lost"] if g["orders_lost"] is not None else -1))
