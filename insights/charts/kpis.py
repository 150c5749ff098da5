"""Plotly figures for the KPI scorecard. Frames in, figures out; no data access."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from insights.core import numbers
from insights.core.money import currency_symbol, format_money
from insights.performance.kpis import WEEKDAYS

UNIT_AXIS = {"count": "Count", "share": "Share (%)", "days": "Days", "score": "Score (−100 to 100)",
             "ratio": "Orders per customer"}
PERIOD_AXIS = {"week": "Week (starting Monday)", "month": "Month", "quarter": "Quarter", "custom": "Period"}
GROUP_LABELS = {"new": "New customers", "returning": "Returning customers", "guests": "Guests & unassigned",
                "refunds": "Refunds without an order"}
FACTOR_LABELS = {"customers": "customers", "orders_per_customer": "orders per customer", "aov": "order value",
                 "revenue": "revenue"}


def unit_axis_title(unit: str, currency: str | None) -> str:
    if unit == "money":
        return f"Amount ({currency_symbol(currency).strip() or currency or 'currency'})"
    return UNIT_AXIS.get(unit, unit)


def format_value(value, unit: str, currency: str | None = None) -> str:
    """A KPI value as text, by :mod:`insights.core.numbers`' rules: 12.5% for shares, €1,234.50 for money,
    1,234 for counts."""
    if numbers.is_missing(value):
        return numbers.MISSING
    if unit == "share":
        return numbers.percent(value)
    if unit == "money":
        return numbers.money(value, currency)
    if unit == "count":
        return numbers.count(value)
    if unit == "score":
        return f"{value:+.0f}"
    if unit == "days":
        return f"{numbers.number(value)} days"
    return numbers.number(value, 2)


def format_delta(change, unit: str, currency: str | None = None) -> str:
    """A change for ``st.metric``'s delta: signed, in the KPI's unit (shares in percentage points)."""
    if numbers.is_missing(change):
        return ""
    sign = "+" if change > 0 else "-" if change < 0 else ""  # ASCII minus: st.metric colours on it
    size = abs(change)
    if unit == "share":
        return numbers.points(change)
    if unit == "money":
        return numbers.money_change(change, currency)
    if unit == "count":
        return sign + numbers.count(size)
    if unit == "days":
        return f"{sign}{numbers.number(size)} days"
    return f"{sign}{numbers.number(size, 2)}"


def kpi_trend(table: pd.DataFrame, kpi: str, label: str, unit: str, currency: str | None = None,
              period: str = "month", target: float | None = None) -> go.Figure:
    """One KPI over the periods of :func:`insights.performance.kpis.kpi_table`, with the target as a dashed line."""
    y = table[kpi].astype(float) * (100 if unit == "share" else 1)
    fig = go.Figure(go.Scatter(x=pd.to_datetime(table["period"]), y=y, mode="lines+markers", name=label,
                               hovertemplate="%{x|%d %b %Y}: %{y:,.2f}<extra></extra>"))
    if target is not None:
        fig.add_hline(y=target * (100 if unit == "share" else 1), line_dash="dash", line_color="#888",
                      annotation_text="target")
    fig.update_layout(title=label, height=320, margin=dict(l=10, r=10, t=40, b=10), showlegend=False)
    fig.update_xaxes(title_text=PERIOD_AXIS.get(period, "Period"))
    fig.update_yaxes(title_text=unit_axis_title(unit, currency))
    return fig


def bridge_waterfall(bridge: dict) -> go.Figure:
    """Waterfall from revenue in period A to period B through each effect of the revenue bridge."""
    currency = bridge.get("currency")
    effects = bridge["effects"]
    effects = effects[effects["amount"] != 0]
    labels = [bridge["period_a"]]
    values = [float(bridge["revenue_a"])]
    measures = ["absolute"]
    for row in effects.itertuples():
        labels.append(f"{GROUP_LABELS.get(row.group, row.group)}: {FACTOR_LABELS.get(row.factor, row.factor)}")
        values.append(float(row.amount))
        measures.append("relative")
    labels.append(bridge["period_b"])
    values.append(float(bridge["revenue_b"]))
    measures.append("total")
    text = [format_money(v, currency) for v in values]
    fig = go.Figure(go.Waterfall(x=labels, y=values, measure=measures, text=text, textposition="outside",
                                 hovertemplate="%{x}<br>%{text}<extra></extra>"))
    fig.update_layout(title=f"Revenue bridge: {bridge['period_a']} → {bridge['period_b']}", height=420,
                      margin=dict(l=10, r=10, t=50, b=10), showlegend=False)
    fig.update_yaxes(title_text=unit_axis_title("money", currency))
    fig.update_xaxes(title_text="Effect (customers × orders per customer × order value)")
    return fig


def demand_figure(df: pd.DataFrame, value: str = "orders", currency: str | None = None) -> go.Figure:
    """Heatmap of orders (or net revenue) by hour of day × day of week, from :func:`insights.performance.kpis.demand_heatmap`."""
    grid = (df.pivot_table(index="weekday", columns="hour", values=value, aggfunc="sum")
            .reindex(index=range(1, 8), columns=range(24)).fillna(0))
    unit = "Orders" if value == "orders" else unit_axis_title("money", currency)
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=[f"{h:02d}:00" for h in grid.columns], y=list(WEEKDAYS),
                               colorscale="Blues", colorbar=dict(title=unit),
                               hovertemplate="%{y} %{x}<br>" + unit + ": %{z:,.0f}<extra></extra>"))
    fig.update_layout(title="Demand by hour of day and day of week", height=380,
                      margin=dict(l=10, r=10, t=50, b=10))
    fig.update_xaxes(title_text="Hour of day (order time)")
    fig.update_yaxes(title_text="Day of week", autorange="reversed")
    return fig
