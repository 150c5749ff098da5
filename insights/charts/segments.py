"""Plotly figures for the segmentation explorer and the customer profile (data in, figure out)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from insights.core.money import currency_symbol

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


def transition_sankey(moves: pd.DataFrame, label_a: str, label_b: str, order=None) -> go.Figure:
    """Sankey from states at date A (left) to states at date B (right), nodes in ``order`` where given."""
    rank = {s: i for i, s in enumerate(["not yet a customer", *(order or [])])}
    left = sorted(dict.fromkeys(moves["from"]), key=lambda s: (rank.get(s, len(rank)), s))
    right = sorted(dict.fromkeys(moves["to"]), key=lambda s: (rank.get(s, len(rank)), s))
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
                             "cluster": "Group"})
    fig.update_layout(title="Customer groups: recency against spend (size = orders)", margin=dict(t=40, l=5, r=5, b=5))
    return fig


COMPARE_FIGURES = ("Orders per customer", "AOV", "Revenue per customer", "Repeat-purchase rate", "Email consent")
_SHARE_FIGURES = ("Repeat-purchase rate", "Email consent")
_MONEY_FIGURES = ("AOV", "Revenue per customer")


def comparison_bars(comparison: pd.DataFrame, currency: str | None = None, figures=COMPARE_FIGURES) -> go.Figure:
    """Small multiples, one panel per figure (each in its own unit): the segment's bar beside the rest's."""
    from plotly.subplots import make_subplots
    shown = [f for f in figures if f in comparison.index]
    sym = currency_symbol(currency).strip() or (currency or "")
    titles = [f"{f} ({sym})" if f in _MONEY_FIGURES else (f"{f} (%)" if f in _SHARE_FIGURES else f) for f in shown]
    fig = make_subplots(rows=1, cols=max(len(shown), 1), subplot_titles=titles)
    for i, figure in enumerate(shown, start=1):
        values = []
        for col in ("segment", "rest"):
            v = comparison.loc[figure, col]
            v = float(v) if v is not None and not pd.isna(v) else 0.0
            values.append(v * 100 if figure in _SHARE_FIGURES else v)
        text = [f"{v:.0f}%" if figure in _SHARE_FIGURES else f"{v:,.0f}" if figure in _MONEY_FIGURES else f"{v:,.2f}"
                for v in values]
        fig.add_bar(x=["This segment", "Everyone else"], y=values, text=text, textposition="auto",
                    marker_color=["#2C7FB8", "#BDBDBD"], showlegend=False, row=1, col=i,
                    hovertemplate=figure + ": %{text}<extra>%{x}</extra>")
    fig.update_annotations(font_size=12)
    fig.update_layout(title="This segment against everyone else", height=340, margin=dict(t=80, l=5, r=5, b=5))
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
