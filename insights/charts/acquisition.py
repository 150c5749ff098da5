"""Plotly figures of what customers cost per channel. Results in, figures out; no data access."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from insights.core.money import currency_symbol


def cac_by_month_chart(by_month: pd.DataFrame, currency: str | None = None) -> go.Figure:
    """CAC per month, one line per channel; months where a channel spent but acquired nobody are gaps."""
    fig = go.Figure()
    symbol = currency_symbol(currency)
    for channel, rows in by_month.sort_values("month").groupby("channel", sort=False):
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(rows["month"]), y=rows["cac"].astype(float), mode="lines+markers", name=str(channel),
            customdata=rows[["spend", "new_customers"]].to_numpy(),
            hovertemplate=f"{channel}<br>%{{x|%b %Y}}: CAC {symbol}%{{y:,.2f}}<br>spend {symbol}%{{customdata[0]:,.0f}}, "
                          "%{customdata[1]:,} new customers<extra></extra>"))
    fig.update_layout(title="What a new customer cost, month by month", yaxis_title=f"CAC ({symbol.strip() or 'money'})",
                      xaxis=dict(tickformat="%b %Y"), margin=dict(t=50, l=10, r=10, b=10), height=340,
                      legend=dict(orientation="h", y=-0.2))
    return fig
