"""Plotly figures of the voice of the customer. Frames and report dicts in, figures out; no data access."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from insights.voice.responses import DIMENSIONS

BLUE, GREY, RED, GREEN = "#1f77b4", "rgba(150,150,150,0.6)", "#d62728", "#2ca02c"


def nps_trend(by_period: list[dict]) -> go.Figure:
    """NPS per month with its 95% interval as a band; months with few answers drawn hollow."""
    df = pd.DataFrame(by_period)
    fig = go.Figure()
    df = df[df["nps"].notna()] if not df.empty else df
    if df.empty:
        fig.update_layout(title="No NPS answers yet")
        return fig
    fig.add_trace(go.Scatter(x=list(df["period"]) + list(df["period"][::-1]),
                             y=list(df["nps_ci_high"]) + list(df["nps_ci_low"][::-1]), fill="toself",
                             fillcolor="rgba(31,119,180,0.15)", line=dict(width=0), hoverinfo="skip",
                             name="95% interval"))
    fig.add_trace(go.Scatter(x=df["period"], y=df["nps"], mode="lines+markers", name="NPS",
                             marker=dict(color=BLUE, symbol=["circle-open" if s else "circle" for s in df["small"]],
                                         size=8),
                             customdata=df[["nps_responses"]],
                             hovertemplate="%{x}: NPS %{y:+.0f} from %{customdata[0]:,} answers<extra></extra>"))
    fig.update_layout(title="NPS by month (band: 95% interval; hollow: fewer than 30 answers)",
                      yaxis=dict(title="NPS (−100 to +100)", range=[-100, 100], zeroline=True),
                      xaxis_title="Month", margin=dict(t=60, l=10, r=10, b=10),
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=1.0, xanchor="right"))
    return fig


def nps_by_group(rows: list[dict], dimension: str) -> go.Figure:
    """NPS of each value of one dimension with its interval; greyed when small, red/green when it differs."""
    df = pd.DataFrame([r for r in rows if r["dimension"] == dimension])
    fig = go.Figure()
    if df.empty:
        fig.update_layout(title="No answers to compare")
        return fig
    df = df.sort_values("nps")
    colours = [GREY if r.small else (RED if r.differs and r.diff_to_rest < 0 else GREEN if r.differs else BLUE)
               for r in df.itertuples()]
    fig.add_trace(go.Bar(
        x=df["nps"], y=df["value"].astype(str), orientation="h", marker_color=colours,
        error_x=dict(type="data", symmetric=False, array=df["ci_high"] - df["nps"],
                     arrayminus=df["nps"] - df["ci_low"], color="rgba(60,60,60,0.6)"),
        customdata=df[["responses"]],
        hovertemplate="%{y}: NPS %{x:+.0f} from %{customdata[0]:,} answers<extra></extra>"))
    fig.update_layout(title=f"NPS by {DIMENSIONS.get(dimension, dimension).lower()}",
                      xaxis=dict(title="NPS (−100 to +100)", range=[-100, 100]),
                      height=max(260, 40 * len(df) + 120), margin=dict(t=50, l=10, r=10, b=10), showlegend=False)
    return fig


def themes_chart(themes: list[dict]) -> go.Figure:
    """Comments per theme, coloured by the theme's mean score (0–10)."""
    fig = go.Figure()
    if not themes:
        fig.update_layout(title="Not enough comments for themes")
        return fig
    df = pd.DataFrame(themes).sort_values("responses")
    fig.add_trace(go.Bar(x=df["responses"], y=df["label"], orientation="h",
                         marker=dict(color=df["mean_score"], colorscale="RdYlGn", cmin=0, cmax=10,
                                     colorbar=dict(title="Mean score<br>(0–10)")),
                         customdata=df[["mean_score", "nps_impact"]],
                         hovertemplate="%{y}: %{x:,} comments, mean score %{customdata[0]:.1f}<extra></extra>"))
    fig.update_layout(title="What the comments are about", xaxis_title="Comments",
                      height=max(300, 34 * len(df) + 120), margin=dict(t=50, l=10, r=10, b=10))
    return fig
