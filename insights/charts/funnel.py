"""Plotly figures of the web funnel. Results in, figures out; no data access."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from insights.funnel import DIMENSIONS


def funnel_chart(steps: list[dict], unit: str = "session") -> go.Figure:
    """Sessions reaching each step, with the share of the first step."""
    fig = go.Figure(go.Funnel(
        y=[s["step"] for s in steps], x=[s["sessions"] for s in steps],
        texttemplate="%{value:,}<br>%{percentInitial:.1%}",
        marker=dict(color="#1f77b4"),
        hovertemplate="%{y}: %{x:,} " + unit + "s (%{percentInitial:.1%} of the first step)<extra></extra>"))
    fig.update_layout(title=f"From the first step to a purchase ({unit}s)", margin=dict(t=50, l=10, r=10, b=10),
                      height=320)
    return fig


def orders_lost_chart(groups: list[dict], dimension: str) -> go.Figure:
    """Orders each group lost against the rest's conversion; red where the gap holds after adjustment, grey when
    the group is too small to say."""
    df = pd.DataFrame([g for g in groups if g["dimension"] == dimension])
    fig = go.Figure()
    if df.empty:
        fig.update_layout(title="Nothing to compare")
        return fig
    df = df.assign(lost=df["orders_lost"].fillna(0.0), rate=df["purchases"] / df["entrants"].clip(lower=1))
    df = df.sort_values("lost")
    colours = ["rgba(150,150,150,0.6)" if g.small or g.orders_lost is None else ("#d62728" if g.worse else "#1f77b4")
               for g in df.itertuples()]
    fig.add_trace(go.Bar(x=df["lost"], y=df["value"].astype(str), orientation="h", marker_color=colours,
                         customdata=df[["entrants", "rate"]],
                         hovertemplate="%{y}: about %{x:,.0f} orders lost; %{customdata[0]:,} sessions, "
                                       "%{customdata[1]:.1%} bought<extra></extra>"))
    fig.update_layout(title=f"Orders lost by {DIMENSIONS.get(dimension, dimension).lower()} (against the rest)",
                      xaxis_title="Orders lost", height=max(260, 40 * len(df) + 120),
                      margin=dict(t=50, l=10, r=10, b=10))
    return fig
