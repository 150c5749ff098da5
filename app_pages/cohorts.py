"""Cohort heatmaps: do new customers come back, and what are they worth as time goes by? And the second-purchase
view: of first-time buyers, who buys again, how soon, and what about the first order goes with it."""

import streamlit as st

from insights.charts import cohorts as charts_cohorts
from insights.core.spreadsheet import write_table
from insights.predictions import clv
from insights.performance import cohorts
from insights.ui import session
from insights.ui import revenue as revenue_ui
from insights.ui import second_purchase as second_purchase_ui

ws = session.require_workspace_with_orders()
st.title("🗓️ Cohort heatmaps")
revenue_ui.revenue_caption(ws, follows_definition=True)   # what revenue means here (tax, shipping, refunds)
currency = session.currency(ws)            # None: the data does not say, nor has the owner
money_unit = session.currency_label(currency)

second_purchase_ui.one_time_buyer_notice(ws)   # why the page opens on the second-purchase view, in one sentence
HEATMAP_TAB = "Heatmaps"
# in a one-time-buyer shop (or from a link asking for it) the page opens on the second-purchase view
first_tab = second_purchase_ui.TAB_LABEL if second_purchase_ui.opens_first(ws) else HEATMAP_TAB
heat_tab, second_tab = st.tabs([HEATMAP_TAB, second_purchase_ui.TAB_LABEL], key="cohort_tab", default=first_tab)
with second_tab:
    second_purchase_ui.render(ws, money_unit)

with heat_tab:
    GRAIN_LABELS = {"month": "Month", "week": "Week", "quarter": "Quarter"}
    MODE_LABELS = {"active": "Active in the period", "active_or_after": "Active in or after the period"}
    controls = st.columns(4)
    grain = controls[0].selectbox("Cohort by", list(GRAIN_LABELS), format_func=GRAIN_LABELS.get, key="cohort_grain")
    metric = controls[1].selectbox("Show", list(cohorts.METRICS), format_func=lambda m: cohorts.METRIC_LABELS[m][0],
                                   key="cohort_metric")
    mode = controls[2].selectbox("Count a customer as", list(MODE_LABELS), format_func=MODE_LABELS.get,
                                 key="cohort_mode", disabled=metric != "retention")
    split = controls[3].selectbox("Split by", [None, *cohorts.SPLITS], key="cohort_split",
                                  format_func=lambda s: "No split" if s is None else cohorts.SPLIT_LABELS[s])

    cells = session.memo("cohort_table", cohorts.cohort_table, ws, grain=grain, metric=metric, mode=mode,
                         split=split)
    if cells.empty:
        st.info("No cohorts yet: cohorts need orders with a customer id.")
        st.stop()

    if split:
        sizes = (cells[(cells["period_index"] == 0) & ~cells["is_average"]]
                 .groupby("split_value")["customers"].sum().sort_values(ascending=False))
        value = st.selectbox(cohorts.SPLIT_LABELS[split], list(sizes.index), key=f"cohort_split_value_{split}",
                             format_func=lambda v: f"{v} ({sizes[v]:,} customers)")
        view = cells[cells["split_value"] == value]
    else:
        view = cells

    label, unit = cohorts.METRIC_LABELS[metric]
    period_word = {"week": "weeks", "month": "months", "quarter": "quarters"}[grain]
    st.caption(f"Rows: customers grouped by the {grain} of their first order. Columns: {period_word} since then. "
               f"Greyed cells with a × belong to cohorts of fewer than {cohorts.MIN_COHORT_CUSTOMERS} customers: "
               f"unreliable. The last column of each row is usually incomplete. Amounts in {money_unit}.")
    st.caption(cohorts.first_cohort_note(view))

    predicted = None
    if metric == "ltv" and not split:
        ahead = {"week": 12, "month": 6, "quarter": 2}[grain]
        if st.toggle(f"Add the next {ahead} {period_word}, predicted by the CLV model", value=True,
                     key="cohort_predict",
                     help="Expected revenue per cohort customer from BG/NBD (how often) × Gamma-Gamma (how much), "
                          "fitted on your whole history. Predicted cells are orange and start with ≈."):
            with st.spinner("Fitting the CLV model for the predicted cells…"):
                try:
                    future = session.memo("cohort_predicted", clv.predicted_cohort_cells, ws, grain=grain,
                                          months_ahead=ahead)
                except (clv.ModelFitError, clv.ClvDataError) as exc:
                    future = None
                    st.caption(f"No predicted cells: {exc}")
            if future is not None and not future.empty:
                predicted = future.assign(cohort_label=[cohorts.cohort_label(d, grain) for d in future["cohort"]],
                                          value=future["predicted_ltv"])
                st.caption(f"Orange cells marked ≈ are predicted, not observed: cumulative revenue per customer "
                           f"expected {ahead} {period_word} ahead. Check the model's accuracy on the CLV page's "
                           f"backtest.")

    chart_col, table_col = st.columns([3, 2])
    with chart_col:
        st.plotly_chart(charts_cohorts.cohort_heatmap(view, metric, grain, currency, predicted=predicted),
                        key="cohort_heatmap")
    with table_col:
        grid = cohorts.pivot_cohorts(view, "value")
        if unit == "share":
            grid = grid * 100
        fmt = "%.1f%%" if unit == "share" else "%.0f"
        grid.columns = [str(c) for c in grid.columns]
        st.dataframe(grid, column_config={"_index": st.column_config.TextColumn("Cohort", width="medium"),
                                          **{c: st.column_config.NumberColumn(c, format=fmt) for c in grid.columns}},
                     height=min(600, 38 + 35 * len(grid)))
        st.download_button("Download cohort table (CSV)",
                           write_table(cohorts.cohort_cells_for_download(cells), "csv"),
                           file_name=f"cohorts_{grain}_{metric}.csv", mime="text/csv", key="cohort_download")

    if split:
        st.subheader(f"Average by {cohorts.SPLIT_LABELS[split].lower()}")
        averages = cells[cells["is_average"]].pivot_table(index="split_value", columns="period_index", values="value")
        if unit == "share":
            averages = averages * 100
        averages.columns = [str(c) for c in averages.columns]
        st.dataframe(averages.reindex(sizes.index), column_config={
            c: st.column_config.NumberColumn(c, format=fmt) for c in averages.columns})

    with st.expander("📖 Definitions"):
        st.markdown(cohorts.DEFINITIONS_MARKDOWN)
