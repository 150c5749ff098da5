"""Experiments inside the workspace: a list of who got a campaign and who was held back, read against the orders
that follow.

The list (CSV/XLSX, one row per customer) says who was in which group — a variant column as a result file has
(``group``: treated / control, ``variant``: A / B, …) — names each customer by e-mail or id, and says when the
campaign went out (a date column such as ``sent_at``, or one date for the whole list). The outcome of each
customer is read from the workspace's orders in the ``window_days`` after their send: bought at all, orders,
revenue, and gross margin where costs are known (:mod:`insights.core.margin`). Because the workspace also knows
each customer's orders *before* the send, each outcome is adjusted by the same measure over the ``pre_days``
before (CUPED's idea, as a regression adjustment with one slope per group: ``y - θ_g (x - mean x)``), which leaves
the difference's expectation unchanged and narrows its interval by as much as the past predicts the future; how
much narrower is reported per metric.

Every row of the list is counted: rows without a group, without a customer key, with an unreadable send date,
naming nobody in the workspace, naming two customers, or repeating a customer (first row kept; a customer in two
groups is left out) are excluded with their reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from insights.core.dates import data_end
from insights.core.db import cursor, sql_text
from insights.core.margin import line_margins, margin_basis
from insights.core.workspace import connection
from insights.experiments.analysis import ALPHA, ExperimentResult, analyse
from insights.experiments.result_file import (ExperimentData, ExperimentError, Metric, pick_control, pick_unit,
                                              pick_variant)
from insights.experiments.srm import LIKELY_CAUSES
from insights.experiments.verdict import verdict_lines
from insights.ingest.readers import read_table
from insights.ingest.values import detect_date_format, parse_dates

MARGIN = "gross margin per customer"
SENT_WORDS = ("sent", "send", "sent_at", "send_date", "sent_date", "date", "sent_on", "delivered", "time",
              "timestamp", "campaign_date")


@dataclass
class Assignment:
    """Who got what and when: ``units`` has unit_row (the row as a spreadsheet numbers it), unit_key, key_kind
    (``email`` or ``id``), variant, sent_at."""
    file: str
    variant_column: str
    unit_column: str
    sent_column: str | None
    labels: list[str]
    control: str | None
    units: pd.DataFrame
    rows_read: int
    exclusions: list[dict] = field(default_factory=list)


def _exclude(units: pd.DataFrame, mask, reason: str, exclusions: list[dict]) -> pd.DataFrame:
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        by_label = units.loc[mask, "variant"].value_counts().to_dict()
        exclusions.append({"reason": reason, "rows": int(mask.sum()),
                           "by_label": {str(k): int(v) for k, v in by_label.items()}})
    return units.loc[~mask]


def _sent_column(raw, skip: set[str]) -> str | None:
    for header in raw.columns:
        norm = header.strip().lower().replace(" ", "_").replace("-", "_")
        if header not in skip and (norm in SENT_WORDS or norm.startswith(("sent", "send"))):
            return header
    return None


def read_assignment(source, *, name: str | None = None, variant: str | None = None, control: str | None = None,
                    sent: dt.date | str | None = None, sheet: str | None = None) -> Assignment:
    """Read an assignment list (a path or an upload's bytes). ``sent``: the send date of every row, when the list
    has no date column (a date column wins where it has a value). An ExperimentError says what is missing."""
    raw = read_table(source, name=name, sheet=sheet)
    file = raw.name
    if raw.num_rows == 0:
        raise ExperimentError(f"{file}: no data rows")
    variant_col = pick_variant(raw, variant)
    unit_col = pick_unit(raw, {variant_col})
    if unit_col is None:
        raise ExperimentError(f"{file}: no column names the customers (expected an e-mail or customer id column "
                              f"besides {variant_col!r})")
    sent_col = _sent_column(raw, {variant_col, unit_col})
    if sent_col is None and sent is None:
        raise ExperimentError(f"{file}: when did the campaign go out? The list has no date column (such as "
                              "'sent_at'); give the date with --sent YYYY-MM-DD")
    keys = pc.utf8_trim_whitespace(raw.column(unit_col)).to_pandas()
    variants = pc.utf8_trim_whitespace(raw.column(variant_col)).to_pandas()
    units = pd.DataFrame({"unit_row": np.arange(2, raw.num_rows + 2), "unit_key": keys,
                          "variant": variants.where(variants.astype(bool), None)})
    emails = units["unit_key"].fillna("").str.contains("@").mean()
    units["key_kind"] = "email" if emails >= 0.5 else "id"
    fallback = pd.Timestamp(sent) if sent is not None else pd.NaT
    if sent_col is not None:
        parsed = parse_dates(raw.column(sent_col), detect_date_format(raw.column(sent_col))).values.to_pandas()
        units["sent_at"] = pd.to_datetime(parsed).fillna(fallback)
    else:
        units["sent_at"] = fallback
    exclusions: list[dict] = []
    units = _exclude(units, units["variant"].isna(), f"no group in column {variant_col!r}", exclusions)
    units = _exclude(units, units["unit_key"].fillna("").eq(""), f"no customer in column {unit_col!r}", exclusions)
    units = _exclude(units, units["sent_at"].isna(), f"no send date Clueboard can read in column {sent_col!r}",
                     exclusions)
    labels = sorted(units["variant"].unique().tolist(), key=str)
    if len(labels) < 2:
        raise ExperimentError(f"{file}: column {variant_col!r} has {len(labels)} group(s) ({', '.join(labels)}); a "
                              "test needs a control and at least one treated group")
    chosen = pick_control(labels, control, file)
    ordered = [chosen] + [lab for lab in labels if lab != chosen] if chosen else labels
    return Assignment(file, variant_col, unit_col, sent_col, ordered, chosen, units.reset_index(drop=True),
                      raw.num_rows, exclusions)


def outcomes(ws, assignment: Assignment, window_days: int = 30, pre_days: int = 365) -> pd.DataFrame:
    """The assignment's units with customer_id, matches, orders/revenue after (the window) and before."""
    cur = cursor(connection(ws))
    try:
        cur.register("_campaign_units", assignment.units[["unit_row", "unit_key", "key_kind", "sent_at"]])
        found = cur.execute(sql_text("queries/experiments/campaign/outcomes.sql"),
                            {"window_days": int(window_days), "pre_days": int(pre_days)}).df()
    finally:
        cur.close()
    return assignment.units.merge(found, on="unit_row", how="left")


def window_margins(ws, frame: pd.DataFrame, window_days: int, pre_days: int) -> pd.DataFrame:
    """``frame`` (customer_id, sent_at) with ``margin_after`` and ``margin_before``: the gross margin of each
    customer's lines in the window after the send and in the pre-period, by the one margin rule
    (:func:`insights.core.margin.line_margins`: unit costs, margin %s, the owner's default); lines whose cost is
    not known are left out of the margin, as everywhere."""
    lines = line_margins(ws)
    lines = lines[lines["cost"].notna() & lines["customer_id"].isin(frame["customer_id"])]
    units = frame[["customer_id", "sent_at"]].reset_index()
    joined = units.merge(lines[["customer_id", "ordered_at", "revenue", "cost"]], on="customer_id")
    joined["margin"] = joined["revenue"].astype(float) - joined["cost"].astype(float)
    at, sent = pd.to_datetime(joined["ordered_at"]), joined["sent_at"]
    after = joined[(at >= sent) & (at < sent + pd.Timedelta(days=window_days))].groupby("index")["margin"].sum()
    before = joined[(at < sent) & (at >= sent - pd.Timedelta(days=pre_days))].groupby("index")["margin"].sum()
    return frame.assign(margin_after=after.reindex(frame.index, fill_value=0.0).to_numpy(),
                        margin_before=before.reindex(frame.index, fill_value=0.0).to_numpy())


def _adjust(y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, dict]:
    """``y - θ_g (x - mean x)`` with θ_g the slope of y on x within each group g (regression adjustment with
    the group × covariate interaction, Lin 2013): each group's mean moves to what it would be at the overall
    mean of x, and its spread shrinks by the share of y that x explains in that group. One slope pooled over
    the groups (plain CUPED) can widen the interval when the treatment changes the slope, as a campaign that
    multiplies each customer's buying rate does."""
    out = y.astype(float).copy()
    thetas = {}
    centre = float(x.mean())
    for g in np.unique(groups):
        idx = groups == g
        var_x = float(np.var(x[idx], ddof=1)) if idx.sum() > 2 else 0.0
        theta = float(np.cov(x[idx], y[idx], ddof=1)[0, 1] / var_x) if var_x > 0 else 0.0
        out[idx] = y[idx] - theta * (x[idx] - centre)
        thetas[str(g)] = theta
    return out, thetas


def _round_split(variants: pd.Series, labels: list[str]) -> str:
    """The split the list was most likely drawn with: each group's share rounded to 5 points (at least 5), the
    last group taking the rest — a 10% hold-back drawn at random gives 9.6% or 10.4%, never exactly 10%."""
    counts = variants.value_counts()
    shares = [max(5, int(round(100 * counts.get(lab, 0) / len(variants) / 5) * 5)) for lab in labels[:-1]]
    return "/".join(str(s) for s in shares + [max(1, 100 - sum(shares))])


@dataclass
class CampaignResult:
    result: ExperimentResult            # adjusted for the pre-period (the one to read)
    unadjusted: ExperimentResult
    narrower: dict[str, float]          # metric → how much narrower the adjusted interval is (0.25 = 25%)
    window_days: int
    pre_days: int
    window_complete: bool
    observed_until: pd.Timestamp | None
    notes: list[str]

    @property
    def verdict(self) -> str:
        return self.result.verdict

    def to_dict(self) -> dict:
        out = self.result.to_dict()
        out["window_days"] = self.window_days
        out["window_complete"] = self.window_complete
        out["adjustment"] = {"method": f"CUPED on each customer's own measure over the {self.pre_days} days before "
                                       "the send", "pre_days": self.pre_days,
                             "interval_narrower_by": {k: round(v, 4) for k, v in self.narrower.items()}}
        out["unadjusted_metrics"] = self.unadjusted.to_dict()["metrics"]
        out["notes"] = self.notes
        return out


def analyse_campaign(ws, assignment: Assignment, *, window_days: int = 30, pre_days: int = 365,
                     split: str | None = None, currency: str | None = None) -> CampaignResult:
    """The campaign's outcome per group against the control, adjusted for the pre-period; see the module doc."""
    if window_days < 1 or pre_days < 1:
        raise ExperimentError("the outcome window and the pre-period are whole numbers of days, at least 1")
    frame = outcomes(ws, assignment, window_days, pre_days)
    exclusions = list(assignment.exclusions)
    frame = _exclude(frame, frame["matches"].fillna(0).eq(0), "names nobody in this workspace (no customer with "
                     "that e-mail or id)", exclusions)
    frame = _exclude(frame, frame["matches"].gt(1), "the e-mail or id names two customers", exclusions)
    groups_per = frame.groupby("customer_id")["variant"].transform("nunique")
    frame = _exclude(frame, groups_per.gt(1).to_numpy(), "customer listed in two groups", exclusions)
    frame = _exclude(frame, frame["customer_id"].duplicated().to_numpy(), "customer listed twice (first row kept)",
                     exclusions)
    if frame.empty:
        raise ExperimentError(f"{assignment.file}: no row of the list names a customer of this workspace")
    end = data_end(ws)
    last_window_end = frame["sent_at"].max() + pd.Timedelta(days=window_days)
    complete = end is not None and last_window_end <= end
    bought = f"bought within {window_days} days"
    names = {bought: ("orders_after", "orders_before", "rate"),
             "orders per customer": ("orders_after", "orders_before", "mean"),
             "revenue per customer": ("revenue_after", "revenue_before", "mean")}
    basis = margin_basis(ws)
    if not basis.revenue_based:                     # margin is an outcome where costs are known
        frame = window_margins(ws, frame.reset_index(drop=True), window_days, pre_days)
        names[MARGIN] = ("margin_after", "margin_before", "mean")
    plain = pd.DataFrame({"variant": pd.Categorical(frame["variant"], categories=assignment.labels)})
    adjusted = plain.copy()
    thetas = {}
    for metric, (after, before, _kind) in names.items():
        y = frame[after].astype(float).to_numpy()
        if metric == bought:
            y = (y > 0).astype(float)
        plain[metric] = y
        adjusted[metric], thetas[metric] = _adjust(y, frame[before].astype(float).to_numpy(),
                                                   frame["variant"].astype(str).to_numpy())
    metrics = [Metric(bought, "rate"), Metric("orders per customer", "mean"),
               Metric("revenue per customer", "mean", money=True, currency=currency)]
    if MARGIN in names:
        metrics.append(Metric(MARGIN, "mean", money=True, currency=currency))
    common = dict(file=assignment.file, variant_column=assignment.variant_column,
                  unit_column=assignment.unit_column, labels=assignment.labels, control=assignment.control,
                  rows_read=assignment.rows_read, exclusions=exclusions)
    notes = []
    if split is None:
        split = _round_split(plain["variant"], assignment.labels)
        notes.append(f"The planned split is taken as {split} (control first), the nearest round split to the list's; "
                     "give the real one (--split) if it was different.")
    unadjusted = analyse(ExperimentData(metrics=metrics, units=plain, **common), split=split)
    as_means = [Metric(m.name, "mean", m.money, m.currency) for m in metrics]
    result = analyse(ExperimentData(metrics=as_means, units=adjusted, **common), split=split)
    result.data.metrics = metrics
    narrower = {}
    for c, u in zip(result.comparisons, unadjusted.comparisons):
        c.kind = u.kind
        if any(thetas[c.metric].values()):
            slopes = ", ".join(f"{g} {t:.3g}" for g, t in thetas[c.metric].items())
            measure = "revenue" if "revenue" in c.metric else "gross margin" if c.metric == MARGIN else "orders"
            c.method += (f"; adjusted for each customer's {measure} in the "
                         f"{pre_days} days before the send (CUPED-style regression adjustment, θ: {slopes})")
        width, plain_width = c.diff_high - c.diff_low, u.diff_high - u.diff_low
        narrower[c.metric] = 1 - width / plain_width if plain_width > 0 else 0.0
    lines = verdict_lines(result, ALPHA, LIKELY_CAUSES)
    if not complete:            # an early look: the outcome window is still open
        lines = [f"Provisional — the {window_days}-day window after the send is not over yet, so this can still "
                 f"change: {lines[0]}"] + [f"{line} (provisional)" for line in lines[1:]]
    result.verdict, *result.details = lines
    if MARGIN in names:
        notes.append(f"{MARGIN.capitalize()}: {basis.caption()}")
    if not complete:
        seen = (end - frame["sent_at"].min()).days if end is not None else 0
        notes.append(f"The {window_days}-day window after the last send ends on {last_window_end:%d %b %Y}, after "
                     f"the last day of your data: these results cover at most {max(seen, 0)} days so far — upload "
                     "the newer orders to complete them.")
    return CampaignResult(result, unadjusted, narrower, window_days, pre_days, complete, end, notes)
