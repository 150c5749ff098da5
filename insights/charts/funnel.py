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


def period_chart(periods: list[dict], period: str = "month", word: str = "visits") -> go.Figure:
    """Conversion per month (week) with its 95% interval as a band; a period still converting drawn hollow,
    one under 30 entrants grey."""
    fig = go.Figure()
    if not periods:
        fig.update_layout(title="Nothing to show")
        return fig
    df = pd.DataFrame(periods)
    x = df["period"]
    fig.add_trace(go.Scatter(x=pd.concat([x, x[::-1]]), y=pd.concat([df["ci_high"], df["ci_low"][::-1]]) * 100,
                             fill="toself", fillcolor="rgba(31,119,180,0.15)", line=dict(width=0),
                             hoverinfo="skip", showlegend=False))
    colours = ["rgba(150,150,150,0.8)" if small else "#1f77b4" for small in df["small"]]
    symbols = ["circle" if complete else "circle-open" for complete in df["complete"]]
    fig.add_trace(go.Scatter(x=x, y=df["conversion"] * 100, mode="lines+markers", line=dict(color="#1f77b4"),
                             marker=dict(color=colours, symbol=symbols, size=8), showlegend=False,
                             customdata=df[["entrants", "completed", "ci_low", "ci_high"]].to_numpy(),
                             hovertemplate="%{x}: %{y:.1f}% bought (%{customdata[1]:,} of %{customdata[0]:,} "
                                           + word + "; likely %{customdata[2]:.1%}–%{customdata[3]:.1%})"
                                           "<extra></extra>"))
    fig.update_layout(title=f"Share that bought, per {period} the {word} began", yaxis_title="Bought (%)",
                      yaxis_rangemode="tozero", height=320, margin=dict(t=50, l=10, r=10, b=10))
    return fig
