"""Plotly figures of the product room: pairs bought together, first purchases that bring customers back.
Results in, figures out; no data access."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go


def pair_label(row) -> str:
    return f"{row['a_name'] or row['a']} + {row['b_name'] or row['b']}"


def pairs_chart(pairs: pd.DataFrame, top: int = 10) -> go.Figure:
    """The ``top`` pairs (strongest first), how many times as often as chance they share an order."""
    fig = go.Figure()
    if pairs.empty:
        fig.update_layout(title="No pair is bought together more often than chance")
        return fig
    shown = pairs.head(top).iloc[::-1]
    labels = [pair_label(r) for _, r in shown.iterrows()]
    fig.add_trace(go.Bar(x=shown["lift"], y=labels, orientation="h", marker_color="#1f77b4",
                         customdata=shown[["baskets"]],
                         hovertemplate="%{y}: %{x:.1f}× as often as chance, in %{customdata[0]:,} orders"
                                       "<extra></extra>"))
    fig.update_layout(title="Bought together: times as often as chance", xaxis_title="× as often as chance",
                      height=max(260, 32 * len(shown) + 120), margin=dict(t=50, l=10, r=10, b=10))
    return fig


def gateways_chart(items: pd.DataFrame, average: float, top: int = 10) -> go.Figure:
    """Share of first-time customers who came back, by first-order product, with its range and the average."""
    fig = go.Figure()
    if items.empty:
        fig.update_layout(title="Not enough first-time customers yet")
        return fig
    shown = items.head(top).iloc[::-1]
    labels = [str(n or p) for n, p in zip(shown["name"], shown["product"])]
    fig.add_trace(go.Bar(x=shown["repeat_rate"], y=labels, orientation="h",
                         marker_color=["#2ca02c" if g else "rgba(150,150,150,0.6)" for g in shown["gateway"]],
                         error_x=dict(type="data", symmetric=False, array=shown["ci_high"] - shown["repeat_rate"],
                                      arrayminus=shown["repeat_rate"] - shown["ci_low"]),
                         hovertemplate="%{y}: %{x:.0%} came back<extra></extra>"))
    fig.add_vline(x=average, line_dash="dash", annotation_text=f"average {average:.0%}")
    fig.update_layout(title="Came back within the window, by first-order product", xaxis_tickformat=".0%",
                      height=max(260, 32 * len(shown) + 120), margin=dict(t=50, l=10, r=10, b=10))
    return fig
