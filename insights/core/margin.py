"""Gross margin: the one rule every room uses to say what revenue leaves after the cost of the goods sold.

Where a line's cost comes from, in this order (the mart ``line_margin``): the product's unit cost in a loaded
catalog × quantity; the product's margin %; its category's margin % (a catalog row naming a category and a
margin); else the owner's **default gross margin**, a workspace setting (:func:`set_default_margin`) applied when
read (``queries/core/margin/margin_lines.sql``), so changing it rebuilds nothing. Postage and fees are no product:
they carry no margin. With none of these, there is no cost data: every place where margin would appear says
**revenue-based** (:data:`REVENUE_BASED`, :func:`margin_basis`) and shows revenue.

Contribution here is gross margin (revenue − cost of goods); marketing spend is not subtracted.
In: a Workspace (or its connection). Out: frames per line, order, customer and segment; a period's figures;
gross-margin CLV (the stored CLV scores, read from :mod:`insights.core.scores`, × the customer's margin share).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd

from insights.core import scores
from insights.core.db import query_df, sql_text

DEFAULT_MARGIN_SETTING = "margin_default_pct"
REVENUE_BASED = "revenue-based"
BASES = ("unit cost", "product margin", "category margin", "default margin")
_BASIS_WORDS = {"unit cost": "product unit costs", "product margin": "product margins",
                "category margin": "category margins", "default margin": "the default margin"}


def _sql(name: str) -> str:
    """A margin query with the lines it reads (``{margin_lines}``, fixed text of our own) composed in."""
    return sql_text(f"queries/core/margin/{name}.sql").replace(
        "{margin_lines}", sql_text("queries/core/margin/margin_lines.sql"))


def default_margin(ws) -> Decimal | None:
    """The owner's default gross margin in % (None when never set)."""
    value = ws.setting(DEFAULT_MARGIN_SETTING)
    return Decimal(value) if value not in (None, "") else None


def set_default_margin(ws, pct) -> Decimal | None:
    """Set (a number from 0 to below 100, e.g. ``40`` for 40%) or clear (None or ``""``) the default margin.
    Raises ValueError for anything else. Nothing is rebuilt: the margin queries read it when they run."""
    if pct in (None, ""):
        ws.set_setting(DEFAULT_MARGIN_SETTING, None)
        return None
    try:
        value = Decimal(str(pct).strip().rstrip("%").strip())
    except InvalidOperation:
        raise ValueError(f"the default margin must be a percentage such as 40, not {pct!r}") from None
    if not Decimal(0) <= value < Decimal(100):
        raise ValueError(f"the default margin must be from 0 to below 100 (%), not {pct!r}")
    ws.set_setting(DEFAULT_MARGIN_SETTING, str(value))
    return value


def _params(ws, **extra) -> dict:
    pct = default_margin(ws)
    return {"default_pct": float(pct) if pct is not None else None, **extra}


@dataclass
class MarginBasis:
    """Where the gross margin of a range comes from: the share of product revenue per basis (``shares``), the
    share whose cost is known at all (``costed_share``), and the default margin (None when not set)."""
    shares: dict[str, float] = field(default_factory=dict)
    costed_share: float = 0.0
    default_pct: Decimal | None = None

    @property
    def revenue_based(self) -> bool:
        return self.costed_share == 0

    @property
    def label(self) -> str:
        """``revenue-based``, one basis (``unit cost``), or ``mixed``."""
        used = [b for b in BASES if self.shares.get(b)]
        return REVENUE_BASED if self.revenue_based else used[0] if len(used) == 1 else "mixed"

    def caption(self) -> str:
        """One sentence for every place margin appears."""
        if self.revenue_based:
            return ("Margin: revenue-based — no product costs, category margins or default margin are known, so "
                    "value here is revenue, not profit. Load a product catalog with unit costs or a margin % per "
                    "category, or set a default gross margin.")
        parts = []
        for basis in BASES:
            share = self.shares.get(basis, 0)
            if share:
                words = _BASIS_WORDS[basis]
                if basis == "default margin":
                    words += f" of {self.default_pct:g}%"
                parts.append(f"{words} ({share:.0%} of product revenue)")
        text = "Gross margin from " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        if self.costed_share < 0.995:
            text += (f"; the other {1 - self.costed_share:.0%} has no known cost and is left out of the margin "
                     "(set a default margin to cover it)")
        return text + "."


def margin_basis(ws, start: dt.date | None = None, end: dt.date | None = None) -> MarginBasis:
    """Where the margin of [start, end) — the whole history by default — comes from."""
    frame = query_df(ws.con, _sql("basis_summary"), _params(ws, start=start, end=end))
    total = float(frame["product_revenue"].astype(float).sum()) if len(frame) else 0.0
    shares = {}
    if total:
        for row in frame.itertuples():
            if row.basis in BASES:
                shares[row.basis] = float(row.product_revenue) / total
    return MarginBasis(shares, sum(shares.values()), default_margin(ws))


def line_margins(ws) -> pd.DataFrame:
    """line_id, order_id, customer_id, ordered_at, order_date, revenue, cost, basis (cost null: unknown)."""
    return query_df(ws.con, sql_text("queries/core/margin/margin_lines.sql") + " order by line_id", _params(ws))


def order_margins(ws) -> pd.DataFrame:
    """order_id, customer_id, product_revenue, costed_revenue, gross_margin (null: no cost known)."""
    return query_df(ws.con, _sql("order_margin"), _params(ws))


def customer_margins(ws, customer_id: str | None = None) -> pd.DataFrame:
    """customer_id, product_revenue, costed_revenue, gross_margin, margin_share (gross margin ÷ costed revenue;
    null when none of the customer's lines has a known cost), for every customer or one. Money as floats."""
    frame = query_df(ws.con, _sql("customer_margin"), _params(ws, customer_id=customer_id))
    for column in ("product_revenue", "costed_revenue", "gross_margin", "margin_share"):
        frame[column] = frame[column].astype(float)
    return frame


def period_margin(ws, start: dt.date, end: dt.date) -> dict:
    """Gross margin of the product lines ordered in [start, end): ``product_revenue``, ``costed_revenue``,
    ``gross_margin``, ``margin_pct`` (of costed revenue, 0–100; None when revenue-based), ``basis``
    (:class:`MarginBasis` of the range) and ``caption``."""
    basis = margin_basis(ws, start, end)
    frame = query_df(ws.con, _sql("basis_summary"), _params(ws, start=start, end=end))
    costed = frame[frame["basis"].isin(BASES)]
    revenue = float(frame["product_revenue"].astype(float).sum()) if len(frame) else 0.0
    costed_revenue = float(costed["product_revenue"].astype(float).sum()) if len(costed) else 0.0
    gross = float(costed["gross_margin"].astype(float).sum()) if len(costed) else None
    return {"product_revenue": revenue, "costed_revenue": costed_revenue,
            "gross_margin": gross if costed_revenue else None,
            "margin_pct": 100 * gross / costed_revenue if costed_revenue else None,
            "basis": basis, "caption": basis.caption()}


def gross_margin_clv(ws, clv: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """The predicted customer value in gross margin: each customer's CLV (``clv``, ``clv_low``, ``clv_high``; the
    stored, current CLV scores by default — None when there are none) × their margin share (gross margin ÷
    costed revenue of their past lines); a customer without costed lines takes the shop's share
    (``margin_source`` = ``shop``). Revenue-based (no cost data at all): the margin columns are empty and
    ``margin_source`` says ``revenue-based``.

    Out: customer_id, clv, clv_low, clv_high, margin_share, margin_source, gm_clv, gm_clv_low, gm_clv_high."""
    clv = scores.current(ws, "clv") if clv is None else clv
    if clv is None:
        return None
    out = clv[["customer_id", "clv", "clv_low", "clv_high"]].copy()
    out["customer_id"] = out["customer_id"].astype(str)
    margins = customer_margins(ws)
    shop = (margins["gross_margin"].sum() / margins["costed_revenue"].sum()
            if margins["costed_revenue"].sum() else None)
    out = out.merge(margins[["customer_id", "margin_share"]], on="customer_id", how="left")
    own = out["margin_share"].notna()
    out["margin_source"] = REVENUE_BASED if shop is None else "customer"
    if shop is not None:
        out.loc[~own, "margin_source"] = "shop"
        out["margin_share"] = out["margin_share"].fillna(shop)
    for column in ("clv", "clv_low", "clv_high"):
        out[f"gm_{column}"] = out[column].astype(float) * out["margin_share"].astype(float)
    return out


def contribution_by_segment(ws, segments: pd.DataFrame) -> pd.DataFrame:
    """Gross margin (contribution before marketing) per segment: ``segments`` holds customer_id and segment.

    Out: segment, customers, product_revenue, gross_margin (over costed lines; NaN when revenue-based),
    margin_pct (of costed revenue, 0–100), share_of_gross_margin — biggest contribution first."""
    margins = customer_margins(ws)
    frame = segments[["customer_id", "segment"]].astype({"customer_id": str}).merge(margins, on="customer_id",
                                                                                    how="left")
    grouped = frame.groupby("segment", dropna=False).agg(
        customers=("customer_id", "nunique"), product_revenue=("product_revenue", "sum"),
        costed_revenue=("costed_revenue", "sum"), gross_margin=("gross_margin", lambda s: s.sum(min_count=1)))
    grouped["margin_pct"] = 100 * grouped["gross_margin"] / grouped["costed_revenue"].where(
        grouped["costed_revenue"] != 0)
    total = grouped["gross_margin"].sum(min_count=1)
    grouped["share_of_gross_margin"] = grouped["gross_margin"] / total if total else float("nan")
    return (grouped.reset_index().sort_values("gross_margin", ascending=False, na_position="last")
            .drop(columns="costed_revenue").reset_index(drop=True))


def shop_margin_rate(ws) -> float | None:
    """The shop's gross margin as a share of the revenue whose cost is known (unit costs, margin %s or the default
    margin), for a figure that needs one rate (payback, LTV:CAC); None when no cost is known (revenue-based)."""
    orders = order_margins(ws)
    costed = float(orders["costed_revenue"].astype(float).sum()) if len(orders) else 0.0
    if costed <= 0:
        return None
    return float(orders["gross_margin"].astype(float).sum()) / costed
