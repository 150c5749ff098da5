"""Plotly figures for the KPI scorecard and the cohort heatmaps. Frames in, figures out; no data access."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from insights.core.money import currency_symbol, format_money

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
    """A KPI value as text: 12.5% for shares, €1,234 for money, 1,234 for counts."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "money":
        return format_money(round(float(value), 2), currency, decimals=2 if abs(value) < 100 else 0)
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "score":
        return f"{value:+.0f}"
    if unit == "days":
        return f"{value:,.1f} days"
    return f"{value:,.2f}"


def format_delta(change, unit: str, currency: str | None = None) -> str:
    """A change for ``st.metric``'s delta: signed, in the KPI's unit (shares in percentage points)."""
    if change is None or (isinstance(change, float) and np.isnan(change)):
        return ""
    sign = "+" if change > 0 else "-" if change < 0 else ""  # ASCII minus: st.metric colours on it
    size = abs(change)
    if unit == "share":
        return f"{sign}{size * 100:.1f} pts"
    if unit == "money":
        return f"{sign}{format_money(size, currency, decimals=2 if size < 100 else 0)}"
    if unit == "count":
        return f"{sign}{size:,.0f}"
    if unit == "days":
        return f"{sign}{size:,.1f} days"
    return f"{sign}{size:,.2f}"


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
    from insights.performance.kpis import WEEKDAYS

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


def _cell_text(values: np.ndarray, unit: str, currency: str | None) -> np.ndarray:
    out = np.full(values.shape, "", dtype=object)
    for idx, v in np.ndenumerate(values):
        if not np.isnan(v):
            if unit == "share":
                out[idx] = f"{v:.0%}"
            elif unit == "money":
                out[idx] = format_money(v, currency)
            else:
                out[idx] = f"{v:,.0f}"
    return out


def cohort_heatmap(df: pd.DataFrame, metric: str = "retention", grain: str = "month", currency: str | None = None,
                   predicted: pd.DataFrame | None = None, title: str | None = None) -> go.Figure:
    """Heatmap of cohort cells (long format from :func:`insights.performance.cohorts.cohort_table`, one split value).

    Unreliable cells (tiny cohorts) are greyed over and say so on hover. ``predicted``: optional long frame
    with ``cohort_label``, ``period_index`` and ``value`` for future cells (e.g. from a CLV model); they are
    drawn lighter with a "≈" and a "predicted" hover, only where no observed cell exists.
    """
    from insights.performance.cohorts import METRIC_LABELS, pivot_cohorts, row_labels

    label, unit = METRIC_LABELS[metric]
    grid = pivot_cohorts(df, "value")
    fig = go.Figure()
    if grid.empty:
        fig.update_layout(title="No cohorts yet")
        return fig
    rows, cols = list(grid.index), list(grid.columns)
    cells = df.assign(row=row_labels(df))

    def matrix(col):
        return (cells.assign(_v=cells[col].astype(float))
                .pivot_table(index="row", columns="period_index", values="_v", aggfunc="first", dropna=False)
                .reindex(index=rows, columns=cols).to_numpy(dtype=float))

    customers = matrix("customers")
    active = matrix("active_customers")
    revenue = matrix("revenue")
    unreliable = np.nan_to_num(matrix("unreliable")) > 0
    z = grid.to_numpy(dtype=float)
    scale = 100.0 if unit == "share" else 1.0
    custom = np.dstack([customers, active, revenue])
    hover = ("Cohort %{y}, period %{x}<br>" + label + ": %{text}<br>Cohort customers: %{customdata[0]:,.0f}"
             "<br>Active customers: %{customdata[1]:,.0f}<br>Net revenue: %{customdata[2]:,.0f}<extra></extra>")
    colorbar_title = "%" if unit == "share" else unit_axis_title(unit, currency)
    zmax = np.nanmax(z[np.asarray(grid.index) != "Average"][:, 1:]) if unit == "share" and z.shape[1] > 1 else None
    fig.add_trace(go.Heatmap(
        z=z * scale, x=cols, y=rows, text=_cell_text(z, unit, currency), texttemplate="%{text}",
        customdata=custom, hovertemplate=hover, colorscale="Blues", zmin=0,
        zmax=(zmax * scale if zmax is not None and np.isfinite(zmax) and zmax > 0 else None),
        colorbar=dict(title=colorbar_title), name="observed", hoverongaps=False))
    if unreliable.any():
        mask = np.where(unreliable, 1.0, np.nan)
        fig.add_trace(go.Heatmap(
            z=mask, x=cols, y=rows, colorscale=[[0, "rgba(160,160,160,0.55)"], [1, "rgba(160,160,160,0.55)"]],
            showscale=False, hoverinfo="skip", name="unreliable"))
        fig.add_trace(go.Scatter(
            x=[c for (r, c), flag in np.ndenumerate(unreliable) if flag for c in [cols[c]]],
            y=[rows[r] for (r, c), flag in np.ndenumerate(unreliable) if flag],
            mode="markers", marker=dict(symbol="x-thin-open", size=6, color="rgba(90,90,90,0.7)"),
            name="unreliable (small cohort)", hovertemplate="Small cohort: unreliable<extra></extra>"))
    if predicted is not None and not predicted.empty:
        pred = predicted.copy()
        pred_grid = (pred.pivot_table(index="cohort_label", columns="period_index", values="value", aggfunc="first")
                     .reindex(index=rows, columns=sorted(set(cols) | set(pred["period_index"].astype(int)))))
        observed = grid.reindex(columns=pred_grid.columns)
        pz = np.where(np.isnan(observed.to_numpy(dtype=float)), pred_grid.to_numpy(dtype=float), np.nan)
        fig.add_trace(go.Heatmap(
            z=pz * scale, x=list(pred_grid.columns), y=rows, colorscale="Oranges", opacity=0.45, showscale=False,
            text=np.where(np.isnan(pz), "", np.char.add("≈", _cell_text(pz, unit, currency).astype(str))),
            texttemplate="%{text}", name="predicted", hoverongaps=False,
            hovertemplate="Cohort %{y}, period %{x}<br>predicted " + label + ": %{text}<extra></extra>"))
    period_word = {"week": "weeks", "month": "months", "quarter": "quarters"}[grain]
    fig.update_layout(title=title or f"{label} by cohort", height=max(360, 26 * len(rows) + 140),
                      margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h", y=-0.15))
    fig.update_xaxes(title_text=f"Periods since first order ({period_word})", dtick=1, side="top")
    fig.update_yaxes(title_text=f"Cohort ({grain} of first order)", autorange="reversed", type="category")
    return fig
