"""Plotly figures for the cohort heatmaps. Frames in, figures out; no data access."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from insights.charts.kpis import unit_axis_title
from insights.core.money import format_money
from insights.performance.cohorts import METRIC_LABELS, pivot_cohorts, row_labels


MAX_LABELLED_COLUMNS = 18    # beyond these, cell labels would shrink below a readable size
MAX_LABELLED_ROWS = 40


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
    if unreliable.any() and len(cols) <= MAX_LABELLED_COLUMNS and len(rows) <= MAX_LABELLED_ROWS:
        # on a big grid the crosses would cover the cells: the grey alone marks them there
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
    # cell labels stay readable (11 px) or are left to the hover when the cells are too narrow for them
    readable = len(cols) <= MAX_LABELLED_COLUMNS and len(rows) <= MAX_LABELLED_ROWS
    for trace in fig.data:
        if isinstance(trace, go.Heatmap) and trace.name in ("observed", "predicted"):
            trace.update(textfont=dict(size=11), texttemplate="%{text}" if readable else None)
    fig.update_layout(title=dict(text=title or f"{label} by cohort", y=0.98, yanchor="top"),
                      height=max(380, 26 * len(rows) + 170),
                      margin=dict(l=10, r=10, t=60, b=60),
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=1.0, xanchor="right"))
    every = max(1, int(np.ceil(len(cols) / 20)))
    fig.update_xaxes(title_text=f"Periods since first order ({period_word})", dtick=every, side="bottom")
    fig.update_yaxes(title_text=f"Cohort ({'week' if grain == 'week' else grain} of first order)",
                     autorange="reversed", type="category",
                     nticks=40 if len(rows) > 40 else None)
    return fig
