"""Plotly figures for the customer-value page: backtest tracking, backtest by purchases, CLV distribution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

PREDICTED_COLOUR = "#d62728"
ACTUAL_COLOUR = "#1f77b4"


def tracking_chart(by_week: pd.DataFrame, cumulative: bool = False) -> go.Figure:
    """Repeat purchases per week of the held-out stretch: actual (line) against the model's expectation (dashed).

    In: :attr:`insights.predictions.clv.Backtest.by_week` (week_start, predicted, actual, cumulative_*).
    """
    pred = "cumulative_predicted" if cumulative else "predicted"
    act = "cumulative_actual" if cumulative else "actual"
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=by_week["week_start"], y=by_week[act], name="Actual", mode="lines+markers",
                             line=dict(color=ACTUAL_COLOUR)))
    fig.add_trace(go.Scatter(x=by_week["week_start"], y=by_week[pred], name="Model's expectation", mode="lines",
                             line=dict(color=PREDICTED_COLOUR, dash="dash")))
    fig.update_layout(title=("Cumulative repeat purchases" if cumulative else "Repeat purchases per week")
                      + " in the held-out period", xaxis_title="Week starting", yaxis_title="Purchase days",
                      hovermode="x unified", legend=dict(orientation="h", y=-0.2), margin=dict(t=50, b=10))
    return fig


def by_frequency_chart(by_frequency: pd.DataFrame) -> go.Figure:
    """Average repeat purchases in the held-out period, by purchases made before it: actual vs expected."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=by_frequency["calibration_purchases"], y=by_frequency["actual"], name="Actual",
                         marker_color=ACTUAL_COLOUR, customdata=by_frequency["customers"],
                         hovertemplate="%{y:.2f} per customer (%{customdata:,} customers)<extra>Actual</extra>"))
    fig.add_trace(go.Bar(x=by_frequency["calibration_purchases"], y=by_frequency["predicted"],
                         name="Model's expectation", marker_color=PREDICTED_COLOUR,
                         hovertemplate="%{y:.2f} per customer<extra>Expected</extra>"))
    fig.update_layout(barmode="group", title="Repeat purchases per customer in the held-out period",
                      xaxis_title="Purchase days before the held-out period", yaxis_title="Per customer",
                      legend=dict(orientation="h", y=-0.25), margin=dict(t=50, b=10))
    return fig


def _tick_text(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:,.0f}k" if value < 1_000_000 else f"{value / 1_000_000:,.0f}M"
    return f"{value:,.0f}" if value >= 1 else f"{value:.2g}"


def clv_distribution_chart(scores: pd.DataFrame, currency: str = "") -> go.Figure:
    """How customer value is spread: a histogram of CLV (log-spaced bins, most customers are small)."""
    values = scores["clv"].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    fig = go.Figure()
    if len(values) and values.max() > 0:
        positive = values[values > 0]
        lo = max(positive.min(), positive.max() / 1e5)
        edges = np.geomspace(lo, positive.max() * 1.0001, 30)
        counts, _ = np.histogram(np.clip(values, lo, None), bins=edges)
        mids = np.sqrt(edges[:-1] * edges[1:])
        fig.add_trace(go.Bar(x=mids, y=counts, width=np.diff(edges), marker_color=ACTUAL_COLOUR,
                             customdata=np.stack([edges[:-1], edges[1:]], axis=1),
                             hovertemplate="%{customdata[0]:,.2f} – %{customdata[1]:,.2f}: %{y:,} customers"
                                           "<extra></extra>"))
        # ticks at 1, 2 and 5 of each power of ten, written as amounts (plotly's own log ticks mix "2, 5" with
        # "0.1" and exponents)
        ticks = [m * 10.0 ** k for k in range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(edges[-1]))) + 1)
                 for m in (1, 2, 5) if lo <= m * 10.0 ** k <= edges[-1]]
        fig.update_xaxes(type="log", tickvals=ticks, ticktext=[_tick_text(t) for t in ticks])
    fig.update_layout(title="Customers by predicted value", xaxis_title=f"CLV {currency}".strip(),
                      yaxis_title="Customers", bargap=0.05, margin=dict(t=50, b=10), showlegend=False)
    return fig


MORE_COLOUR, LESS_COLOUR, SAME_COLOUR = "#2ca02c", "#d62728", "#9aa5b1"


def value_by_group_chart(by_group: pd.DataFrame, dimension: str, title: str, currency: str = "") -> go.Figure:
    """Mean predicted CLV per value of one dimension, with its interval (error bars); green / red bars are
    clearly worth more / less than the rest, grey ones are not clearly different.

    In: :func:`insights.predictions.clv.value_by_group` (dimension, value, customers, mean_clv, ci_low, ci_high,
    ratio_to_rest, different, mean_rest)."""
    rows = by_group[by_group["dimension"] == dimension].sort_values("mean_clv")
    colours = [SAME_COLOUR if not d else MORE_COLOUR if r > 1 else LESS_COLOUR
               for d, r in zip(rows["different"], rows["ratio_to_rest"])]
    fig = go.Figure(go.Bar(
        x=rows["mean_clv"], y=rows["value"].astype(str), orientation="h", marker_color=colours,
        error_x=dict(type="data", symmetric=False, array=rows["ci_high"] - rows["mean_clv"],
                     arrayminus=rows["mean_clv"] - rows["ci_low"], color="#444"),
        customdata=np.stack([rows["customers"], rows["ci_low"], rows["ci_high"], rows["ratio_to_rest"]], axis=1),
        hovertemplate="%{y}: %{x:,.0f} per customer (%{customdata[1]:,.0f}–%{customdata[2]:,.0f}), "
                      "%{customdata[3]:.2f}× the rest, %{customdata[0]:,} customers<extra></extra>"))
    fig.update_layout(title=title, xaxis_title=f"Average predicted value per customer {currency}".strip(),
                      yaxis_title=None, showlegend=False, margin=dict(t=50, b=10),
                      height=max(220, 60 + 40 * len(rows)))
    return fig
