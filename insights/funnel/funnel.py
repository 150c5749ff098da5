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

import numpy as np
import pandas as pd

from insights.core.db import query_df, query_rows
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
    units: pd.DataFrame | None = None          # one row per entrant: last step, times, who

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
    (shown, never ranked)."""
    if unit not in ("session", "customer"):
        raise ValueError(f"unit must be 'session' or 'customer', not {unit!r}")
    con = connection(ws)
    names = [n for _, group in steps for n in group]
    numbers = [i + 1 for i, (_, group) in enumerate(steps) for _ in group]
    by_customer = unit == "customer"
    query_rows(con, "queries/funnel/steps/step_events.sql",
               {"names": names, "steps": numbers, "by_customer": by_customer})
    try:
        query_rows(con, "queries/funnel/steps/first_step.sql")
        for k in range(2, len(steps) + 1):
            query_rows(con, "queries/funnel/steps/next_step.sql", {"k": k, "window_seconds": window_days * 86400})
        units = query_df(con, "queries/funnel/steps/units.sql", {"by_customer": by_customer})
    finally:
        query_rows(con, "queries/funnel/steps/drop_temp.sql")
    for dim, frame in (labels or {}).items():
        units[dim] = _label_units(units, frame)
    names = [label for label, _ in steps]
    result = Funnel(unit, window_days, _steps_table(units, names), len(units), units=units)
    result.by = [group for dim in by if dim in units for group in _by_dimension(units, dim, names)]
    _mark_worse(result.by)
    return result


PERIODS = {"month": "M", "week": "W-SUN"}


def funnel_by_period(result: Funnel, period: str = "month") -> list[dict]:
    """The funnel per calendar month or week (Monday to Sunday) in which the units began: period ('2025-07' or
    the week's Monday '2025-07-07'), entrants, completed (reached the last step), conversion with Wilson bounds,
    and the steps. A unit counts once, in the period it began, whatever period its later steps fall in.
    ``complete`` is False for a period whose last units had less than the conversion window before the events
    end (their conversion can still grow)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    units = result.units
    if units is None or units.empty:
        return []
    started = pd.to_datetime(units["started_at"])
    last_seen = pd.to_datetime(units["times"].map(max), unit="s").max()
    periods = started.dt.to_period(PERIODS[period])
    names = [s["step"] for s in result.steps]
    out = []
    for key in sorted(periods.unique()):
        mine = units[periods == key]
        entrants, done = len(mine), int((mine["last_step"] >= len(names)).sum())
        low, high = wilson(done, entrants)
        label = str(key) if period == "month" else key.start_time.date().isoformat()
        out.append({"period": label, "entrants": entrants, "completed": done, "conversion": done / entrants,
                    "ci_low": low, "ci_high": high, "small": entrants < SMALL,
                    "complete": bool(key.end_time + pd.Timedelta(days=result.window_days) <= last_seen),
                    "steps": _steps_table(mine, names)})
    return out


def _label_units(units: pd.DataFrame, frame: pd.DataFrame) -> pd.Series:
    """Each unit's label: its customer's value in the month the unit began (see :func:`funnel`)."""
    if units.empty:
        return pd.Series(dtype=object)
    keys = pd.DataFrame({"customer_id": units["customer_id"],
                         "month": pd.to_datetime(units["started_at"]).dt.strftime("%Y-%m")})
    table = frame[["customer_id", "month", "value"]].drop_duplicates(["customer_id", "month"])
    value = keys.merge(table, on=["customer_id", "month"], how="left")["value"]
    value = value.where(value.notna(), NOT_YET)
    return pd.Series(np.where(keys["customer_id"].isna(), "unknown", value), index=units.index, dtype=object)


def _steps_table(units: pd.DataFrame, labels: list[str]) -> list[dict]:
    reached = units["last_step"].to_numpy() if len(units) else np.array([], dtype=int)
    customers = units["customer_id"] if len(units) else pd.Series(dtype=object)
    start = int((reached >= 1).sum())
    rows, previous = [], start
    for k, label in enumerate(labels, start=1):
        n = int((reached >= k).sum())
        low, high = wilson(n, previous) if k > 1 else (None, None)
        times = _median_minutes(units, k) if k > 1 else None
        rows.append({"step": label, "sessions": n,
                     "customers": int(customers[reached >= k].nunique()) if len(units) else 0,
                     "conversion_from_previous": (n / previous) if k > 1 and previous else (1.0 if n else None),
                     "conversion_from_start": n / start if start else None,
                     "ci_low": low, "ci_high": high, "median_minutes_from_previous": times})
        previous = n
    return rows


def _median_minutes(units: pd.DataFrame, k: int) -> float | None:
    """Median minutes between step k − 1 and step k among the units that reached step k."""
    done = units[units["last_step"] >= k]
    if done.empty:
        return None
    gaps = [(t[k - 1] - t[k - 2]) / 60 for t in done["times"]]
    return round(float(np.median(gaps)), 1)


def _by_dimension(units: pd.DataFrame, dim: str, labels: list[str]) -> list[dict]:
    """Per value of ``dim``: its steps and the orders it lost against the rest's end-to-end conversion. The rest
    is the units whose value is known: visits nobody can be told apart in (anonymous ones, for the customer
    dimensions) would otherwise pull the rest's conversion down and hide every loss."""
    last = len(labels)
    out = []
    values = units[dim].fillna("unknown").astype(str)
    for value in sorted(values.unique()):
        mine = units[values == value]
        rest = units[(values != value) & (values != "unknown")]
        entrants, done = len(mine), int((mine["last_step"] >= last).sum())
        rest_entrants, rest_done = len(rest), int((rest["last_step"] >= last).sum())
        rest_rate = rest_done / rest_entrants if rest_entrants else None
        lost = max(0.0, entrants * rest_rate - done) if rest_rate is not None else 0.0
        known = value != "unknown"      # sessions nobody can be told apart in are shown, never ranked
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
