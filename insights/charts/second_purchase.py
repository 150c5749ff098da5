"""Plotly figures of the second-purchase view: the share who buy again within each window, how many days the second
orders take, and the 90-day rate by group. Results in, figures out; no data access."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

DIFFERENT = "#d62728"
SAME = "rgba(31,119,180,0.75)"


def share_format(largest: float) -> str:
    """Axis ticks of shares: whole percents, or tenths where every share is small (a one-time-buyer shop's 0.3%)."""
    return ".1%" if largest < 0.05 else ".0%"


def rates_chart(rates: pd.DataFrame) -> go.Figure:
    """Share of first-time buyers who bought again within 30…365 days, with the 95% range of each share."""
    fig = go.Figure()
    known = rates[rates["customers"] > 0]
    if known.empty:
        fig.update_layout(title="No first-time buyer is old enough to tell yet")
        return fig
    labels = [f"{d} days" for d in known["days"]]
    fig.add_trace(go.Bar(
        x=labels, y=known["rate"], marker_color=SAME,
        error_y=dict(type="data", symmetric=False, array=known["ci_high"] - known["rate"],
                     arrayminus=known["rate"] - known["ci_low"], color="#444"),
        customdata=known[["customers", "ci_low", "ci_high"]],
        hovertemplate="Within %{x}: %{y:.1%} of %{customdata[0]:,} first-time buyers "
                      "(likely %{customdata[1]:.1%}–%{customdata[2]:.1%})<extra></extra>"))
    fig.update_layout(title="Share of first-time buyers who bought again within …",
                      yaxis_tickformat=share_format(known["ci_high"].max()),
                      yaxis_title="bought again", height=340, margin=dict(t=50, l=10, r=10, b=10))
    return fig


def days_to_second_chart(days: pd.Series, median: int | None) -> go.Figure:
    """How many days after the first order the second orders came (weekly bars), the median marked."""
    fig = go.Figure()
    if days.empty:
        fig.update_layout(title="No second orders yet")
        return fig
    fig.add_trace(go.Histogram(x=days, xbins=dict(start=0, size=7), marker_color=SAME,
                               hovertemplate="%{x} days after the first order: %{y:,} second orders<extra></extra>"))
    if median is not None:
        fig.add_vline(x=median, line_dash="dash", line_color=DIFFERENT,
                      annotation_text=f"half within {median} days", annotation_position="top right")
    fig.update_layout(title="Days from the first order to the second", xaxis_title="days after the first order",
                      yaxis_title="second orders", bargap=0.05, height=340, margin=dict(t=50, l=10, r=10, b=10))
    return fig


def groups_chart(groups: pd.DataFrame, average: float | None, top: int = 20) -> go.Figure:
    """The 90-day rate of each group of one dimension with its 95% range; groups that differ from the others in
    red; the shop's 90-day rate as a dotted line."""
    fig = go.Figure()
    if groups.empty:
        fig.update_layout(title="No groups to compare")
        return fig
    shown = groups.head(top).iloc[::-1]
    fig.add_trace(go.Bar(
        x=shown["rate_90d"], y=[str(v)[:40] for v in shown["value"]], orientation="h",
        marker_color=[DIFFERENT if d else SAME for d in shown["different"]],
        error_x=dict(type="data", symmetric=False, array=shown["ci_high"] - shown["rate_90d"],
                     arrayminus=shown["rate_90d"] - shown["ci_low"], color="#444"),
        customdata=shown[["customers"]],
        hovertemplate="%{y}: %{x:.1%} of %{customdata[0]:,} bought again within 90 days<extra></extra>"))
    if average is not None:
        fig.add_vline(x=average, line_dash="dot", line_color="#444", annotation_text="all customers")
    fig.update_layout(title="Bought again within 90 days, by group",
                      xaxis_tickformat=share_format(shown["ci_high"].max()),
                      height=max(260, 30 * len(shown) + 120), margin=dict(t=50, l=10, r=10, b=10))
    return fig
