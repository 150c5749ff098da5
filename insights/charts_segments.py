"""Plotly figures for the segmentation explorer and the customer profile (data in, figure out)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from insights.money import currency_symbol

STAGE_COLOURS = {"new": "#4C78A8", "active": "#54A24B", "reactivated": "#72B7B2", "at risk": "#F58518",
                 "lapsed": "#E45756", "not yet a customer": "#BAB0AC"}


def segment_treemap(summary: pd.DataFrame, size: str = "customers", currency: str | None = None) -> go.Figure:
    """Treemap of RFM segments sized by ``customers`` or ``net_revenue``, coloured by share of revenue."""
    data = summary[summary[size] > 0].copy() if size in summary else summary.copy()
    sym = currency_symbol(currency)
    data["label"] = data["segment"]
    fig = px.treemap(data, path=[px.Constant("All customers"), "label"], values=size,
                     color="share_of_revenue", color_continuous_scale="Blues",
                     custom_data=["customers", "net_revenue", "share_of_revenue", "median_recency_days"])
    fig.update_traces(
        texttemplate="%{label}<br>%{customdata[0]:,} customers",
        hovertemplate=("<b>%{label}</b><br>%{customdata[0]:,} customers<br>Net revenue " + sym
                       + "%{customdata[1]:,.0f} (%{customdata[2]:.1%})<br>Median days since last order "
                       "%{customdata[3]:.0f}<extra></extra>"))
    fig.update_layout(margin=dict(t=30, l=5, r=5, b=5), coloraxis_colorbar=dict(title="Share of<br>revenue",
                                                                                   tickformat=".0%"),
                      title=f"RFM segments, sized by {'customers' if size == 'customers' else 'net revenue'}")
    return fig


def rfm_grid_heatmap(rfm: pd.DataFrame) -> go.Figure:
    """Customers by R score (rows) × F score (columns), annotated with counts."""
    grid = (rfm.groupby(["r_score", "f_score"]).size().unstack(fill_value=0)
            .reindex(index=range(5, 0, -1), columns=range(1, 6), fill_value=0))
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=[f"F{f}" for f in grid.columns],
                               y=[f"R{r}" for r in grid.index], colorscale="Blues", text=grid.to_numpy(),
                               texttemplate="%{text}", hovertemplate="%{y} %{x}: %{z:,} customers<extra></extra>"))
    fig.update_layout(title="Customers by recency (R) and frequency (F) score", xaxis_title="Frequency score",
                      yaxis_title="Recency score", margin=dict(t=40, l=5, r=5, b=5))
    return fig


def stage_bar(summary: pd.DataFrame) -> go.Figure:
    fig = px.bar(summary, x="stage", y="customers", color="stage", color_discrete_map=STAGE_COLOURS,
                 text="customers", labels={"stage": "Lifecycle stage", "customers": "Customers"})
    fig.update_layout(showlegend=False, title="Customers by lifecycle stage", margin=dict(t=40, l=5, r=5, b=5))
    return fig


def transition_sankey(moves: pd.DataFrame, label_a: str, label_b: str) -> go.Figure:
    """Sankey from states at date A (left) to states at date B (right)."""
    left = list(dict.fromkeys(moves["from"]))
    right = list(dict.fromkeys(moves["to"]))
    labels = [f"{s} ({label_a})" for s in left] + [f"{s} ({label_b})" for s in right]
    colours = [STAGE_COLOURS.get(s, "#9D9DA0") for s in left + right]
    fig = go.Figure(go.Sankey(
        node=dict(label=labels, color=colours, pad=12),
        link=dict(source=[left.index(s) for s in moves["from"]],
                  target=[len(left) + right.index(s) for s in moves["to"]],
                  value=moves["customers"].tolist(),
                  hovertemplate="%{source.label} → %{target.label}: %{value:,} customers<extra></extra>")))
    fig.update_layout(title=f"How customers moved from {label_a} to {label_b}", margin=dict(t=40, l=5, r=5, b=5))
    return fig


def cluster_scatter(features: pd.DataFrame, currency: str | None = None) -> go.Figure:
    """Recency against spend, one dot per customer (a sample of at most 5,000), coloured by cluster."""
    data = features.sample(min(len(features), 5000), random_state=0)
    data = data.assign(cluster=data["cluster"].astype(str), net_revenue=data["net_revenue"].clip(lower=1),
                       dot=data["orders"].clip(upper=30))
    fig = px.scatter(data, x="recency_days", y="net_revenue", color="cluster", size="dot", log_y=True,
                     opacity=0.6, hover_data=["customer_id", "orders", "aov"],
                     labels={"recency_days": "Days since last order", "dot": "Orders (capped at 30)",
                             "net_revenue": f"Net revenue ({currency or 'shop currency'}, log scale)",
                             "cluster": "Cluster"})
    fig.update_layout(title="Clusters: recency against spend (size = orders)", margin=dict(t=40, l=5, r=5, b=5))
    return fig


def comparison_bars(comparison: pd.DataFrame, figures=("Orders per customer", "Repeat-purchase rate",
                                                       "Email consent")) -> go.Figure:
    rows = comparison.loc[[f for f in figures if f in comparison.index]]
    long = rows.reset_index(names="figure").melt(id_vars="figure", var_name="group", value_name="value")
    fig = px.bar(long, x="figure", y="value", color="group", barmode="group",
                 labels={"figure": "", "value": "", "group": ""})
    fig.update_layout(title="Segment vs the rest", margin=dict(t=40, l=5, r=5, b=5))
    return fig


def category_bar(categories: pd.DataFrame, currency: str | None = None) -> go.Figure:
    top = categories.head(8)
    fig = px.bar(top, x="net_revenue", y="category", orientation="h",
                 labels={"net_revenue": f"Net revenue ({currency or 'shop currency'})", "category": ""})
    fig.update_layout(title="Favourite categories", yaxis=dict(autorange="reversed"), margin=dict(t=40, l=5, r=5, b=5))
    return fig


def order_history(orders: pd.DataFrame, currency: str | None = None) -> go.Figure:
    data = orders.sort_values("ordered_at")
    fig = px.bar(data, x="ordered_at", y="net_revenue", hover_data=["order_id", "categories"],
                 labels={"ordered_at": "Order date", "net_revenue": f"Net revenue ({currency or 'shop currency'})"})
    fig.update_layout(title="Orders over time", margin=dict(t=40, l=5, r=5, b=5))
    return fig
