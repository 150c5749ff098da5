"""Plotly figures for the churn page. Frames in, figures out; no data access."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

MODEL_NAMES = {"model": "Churn model", "recency": "Days since last order alone",
               "p_alive": "BG/NBD probability alive", "tenure": "Tenure alone"}
COLORS = {"model": "#1f77b4", "recency": "#ff7f0e", "p_alive": "#2ca02c", "tenure": "#9467bd"}


def calibration_chart(calibration: pd.DataFrame) -> go.Figure:
    """Predicted against observed churn share per bin of predicted probability, one line per model.

    In: the ``ChurnResult.calibration`` frame (model, bin, predicted, observed, customers). A perfectly
    calibrated model lies on the diagonal."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="Perfectly calibrated",
                             line=dict(color="grey", dash="dot")))
    for name, part in calibration.groupby("model", sort=False):
        fig.add_trace(go.Scatter(
            x=part["predicted"], y=part["observed"], mode="lines+markers", name=MODEL_NAMES.get(name, name),
            line=dict(color=COLORS.get(name)), customdata=part[["customers"]],
            hovertemplate="predicted %{x:.0%}<br>observed %{y:.0%}<br>%{customdata[0]} customers<extra></extra>"))
    fig.update_layout(xaxis=dict(title="Predicted churn probability", tickformat=".0%", range=[0, 1]),
                      yaxis=dict(title="Share who actually churned", tickformat=".0%", range=[0, 1]),
                      height=380, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def quality_chart(metrics: dict) -> go.Figure:
    """ROC AUC and top-decile precision of the model beside each baseline (bars)."""
    names = [k for k in ("model", "recency", "p_alive", "tenure") if k in metrics]
    fig = go.Figure()
    for measure, label in (("roc_auc", "ROC AUC"), ("top_decile_precision", "Precision in the top 10%")):
        fig.add_trace(go.Bar(x=[MODEL_NAMES.get(n, n) for n in names],
                             y=[metrics[n].get(measure) for n in names], name=label,
                             texttemplate="%{y:.2f}", textposition="outside"))
    fig.update_layout(barmode="group", yaxis=dict(range=[0, 1.1], title=""), height=320,
                      margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.2))
    return fig


def drivers_chart(importance: dict, top: int = 8) -> go.Figure:
    """What pushes risk up across today's customers: mean positive contribution per reason (log-odds)."""
    items = [(k, v) for k, v in importance.items() if v > 0][:top][::-1]
    fig = go.Figure(go.Bar(x=[v for _, v in items], y=[k for k, _ in items], orientation="h",
                           marker_color="#d62728"))
    fig.update_layout(xaxis=dict(title="Average push towards churn (log-odds)"), height=60 + 32 * max(len(items), 1),
                      margin=dict(l=10, r=10, t=10, b=10))
    return fig


def action_chart(actions: pd.DataFrame) -> go.Figure:
    """Value at risk per suggested action (from :func:`insights.predictions.churn.action_summary`)."""
    part = actions.iloc[::-1]
    fig = go.Figure(go.Bar(x=part["value_at_risk"], y=part["action"], orientation="h",
                           customdata=part[["customers"]],
                           hovertemplate="%{y}<br>value at risk %{x:,.0f}<br>%{customdata[0]} customers<extra></extra>"))
    fig.update_layout(xaxis=dict(title="Value at risk"), height=60 + 36 * max(len(part), 1),
                      margin=dict(l=10, r=10, t=10, b=10))
    return fig
