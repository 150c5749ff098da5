"""KPI scorecard: how the business is doing this period, against last period, last year and target — and why."""

import datetime as dt

import streamlit as st

from insights.charts import kpis as charts_kpis
from insights.core import margin, numbers
from insights.core.markdown import escape_markdown
from insights.performance import kpis
from insights.ui import date_filter
from insights.ui import kpi_cards
from insights.ui import session
from insights.ui import revenue as revenue_ui
from insights.ui import second_purchase as second_purchase_ui

ws = session.require_workspace_with_orders()
st.title("📈 KPI scorecard")
revenue_ui.revenue_caption(ws, follows_definition=True)   # what revenue means here (tax, shipping, refunds)
second_purchase_ui.one_time_buyer_notice(ws)            # one sentence, only in a one-time-buyer shop

currency = session.currency(ws)            # None: the data does not say, nor has the owner
money_unit = session.currency_label(currency)
PERIOD_CHOICES = {"Week": "week", "Month": "month", "Quarter": "quarter", "Custom range": "custom"}
first_day, last_day = session.memo("kpi_data_range", kpis.data_range, ws)
picked = date_filter.current_period(first_day, last_day)       # the sidebar's dates, carried by the link
left, right = st.columns([2, 3])
choice = left.radio("Period", list(PERIOD_CHOICES), index=3 if picked else 1, horizontal=True, key="kpi_period")
period = PERIOD_CHOICES[choice]

if period == "custom":
    if picked is None:   # no dates in the sidebar: the last 30 days, until the owner picks others there
        picked = (max(first_day, last_day - dt.timedelta(days=29)), last_day)
        right.caption(f"The last 30 days of your data ({numbers.day_range(*picked)}). Pick other dates in the "
                      "sidebar's **Dates** box.")
    else:
        right.caption(f"The sidebar's dates: {numbers.day_range(*picked)}.")
    start, end = picked
    current = (start, end)
    days = (end - start).days + 1
    previous = (start - dt.timedelta(days=days), start - dt.timedelta(days=1))
    current_label = kpis.period_label(start, "custom", end + dt.timedelta(days=1))
    # the trend of a custom range: the blocks of the same length before it
    trend = session.memo("kpi_custom_blocks", kpis.custom_blocks, ws, start, end, 12)
    bridge_a, bridge_b = previous, current
else:
    table = session.memo("kpi_table", kpis.kpi_table, ws, period)
    labels = [kpis.period_label(p, period) + (" (so far)" if partial else "")
              for p, partial in zip(table["period"], table["is_partial"])]
    complete = [i for i, partial in enumerate(table["is_partial"]) if not partial]
    default_index = complete[-1] if complete else len(labels) - 1
    index = right.selectbox("Show", range(len(labels)), index=default_index, format_func=lambda i: labels[i],
                            key=f"kpi_current_{period}")
    current = table["period"].iloc[index]
    current_label = labels[index]
    trend = table.iloc[max(0, index - 11): index + 1]
    bridge_a, bridge_b = kpis.shift_period(current, period, -1), current

comparison = session.memo("kpi_compare", kpis.compare_periods, ws, period, current, with_targets=False,
                          table=None if period == "custom" else table)
comparison = kpis.apply_targets(ws, comparison, period, comparison.attrs.get("period_start", current))
shown = kpis.available_kpis(trend if period == "custom" else table)

st.caption(f"{current_label} · amounts in {escape_markdown(money_unit)} · each change is against the "
           f"{'same number of days' if period == 'custom' else period} before; under it, whether it is more than "
           "the KPI's usual ups and downs over the 12 periods before. Hover the ? beside a figure for its definition; definitions are listed at the bottom of the page.")

by_key = comparison.set_index("kpi")
against = kpi_cards.previous_label(period, current)       # what every card's change is measured against
ly_label = kpi_cards.last_year_label(period, current)
new_customers = by_key.loc["new_customers", "current"] if "new_customers" in by_key.index else None
for group, keys in kpis.KPI_GROUPS.items():
    keys = [k for k in keys if k in shown]
    if not keys:
        continue
    st.subheader(group)
    columns = st.columns(3)     # four would cut labels and amounts off at 1280 px
    for i, key in enumerate(keys):
        row = by_key.loc[key]
        label, unit, definition = kpis.KPI_DEFINITIONS[key]
        delta = None
        if row["change"] is not None and row["change"] == row["change"]:
            delta = charts_kpis.format_delta(row["change"], unit, currency)
        spark = trend[key].astype(float).tolist() if key in trend else None
        note = kpi_cards.card_note(row, unit, currency, spark[:-1] if spark else [], ly_label)
        if key.startswith("activation_") and new_customers == 0:
            note = "No new customers in this period."
        elif key.startswith("activation_") and numbers.is_missing(row["current"]):
            note = f"Not known yet: some new customers have had under {key.split('_')[1]} days.  \n" + note
        if row["target"] is not None and row["target"] == row["target"]:
            mark = "✅ met" if row["status"] == "met" else "❌ missed" if row["status"] == "missed" else ""
            note += f"  \nTarget: {charts_kpis.format_value(row['target'], unit, currency)} {mark}"
        with columns[i % 3]:
            st.metric(label, charts_kpis.format_value(row["current"], unit, currency), delta=delta,
                      delta_color="inverse" if row["lower_is_better"] else "normal", help=definition,
                      chart_data=spark if spark and any(v == v for v in spark) else None, border=True,
                      delta_description=against)
            st.caption(note)

st.subheader("Gross margin")
margin_range = ((current[0], current[1] + dt.timedelta(days=1)) if period == "custom"
                else (current, kpis.shift_period(current, period, 1)))
gross = margin.period_margin(ws, *margin_range)      # not memoised: the default margin is a setting, not data
m1, m2 = st.columns(2)
if gross["basis"].revenue_based:
    m1.metric("Gross margin", margin.REVENUE_BASED, border=True,
              help="No product costs, category margins or default margin are known: value is revenue, not profit.")
else:
    m1.metric("Gross margin", charts_kpis.format_value(gross["gross_margin"], "money", currency), border=True,
              help="Product revenue minus the cost of the products sold (postage and fees left out).")
    m2.metric("Gross margin %", numbers.percent(gross["margin_pct"] / 100), border=True,
              help="Gross margin as a share of the product revenue whose cost is known.")
st.caption(escape_markdown(gross["caption"]))
with st.expander("Set a default gross margin"):
    st.caption("Used for products without a unit cost or a category margin in a loaded catalog.")
    pct = margin.default_margin(ws)
    chosen = st.number_input("Default gross margin (%)", min_value=0.0, max_value=99.0, step=1.0,
                             value=float(pct) if pct is not None else None, key="kpi_default_margin")
    if st.button("Save", key="kpi_default_margin_save"):
        margin.set_default_margin(ws, chosen)
        st.rerun()

revenue_ui.revenue_settings(ws)

with st.expander("🎯 Targets"):
    st.write("Set a target for a KPI: for every period of this length, or only for the period shown.")
    tcols = st.columns([3, 2, 2, 1])
    options = [k for k in kpis.KPI_DEFINITIONS if k in shown]
    target_kpi = tcols[0].selectbox("KPI", options, format_func=lambda k: kpis.KPI_DEFINITIONS[k][0],
                                    key="kpi_target_kpi")
    unit = kpis.KPI_DEFINITIONS[target_kpi][1]
    hint = " (as a share, e.g. 0.25 = 25%)" if unit == "share" else f" ({money_unit})" if unit == "money" else ""
    target_value = tcols[1].number_input("Target" + hint, value=None, key="kpi_target_value")
    scope = tcols[2].radio("Applies to", ["every period", "this period only"], key="kpi_target_scope")
    if tcols[3].button("Save", key="kpi_target_save"):
        only = comparison.attrs.get("period_start", current) if scope == "this period only" else None
        kpis.set_target(ws, target_kpi, target_value, period, only)
        st.rerun()
    with_target = comparison[comparison["target"].notna()]
    if with_target.empty:
        st.caption("No targets yet.")
    else:
        st.dataframe(with_target[["label", "current", "target", "status"]].rename(
            columns={"label": "KPI", "current": current_label, "target": "Target", "status": "Met?"}),
            hide_index=True)

st.subheader("Why revenue changed")
bridge = session.memo("kpi_bridge", kpis.revenue_bridge, ws, bridge_a, bridge_b, period if period != "custom" else "month")
for sentence in kpis.explain_bridge(bridge, currency):
    st.markdown("- " + escape_markdown(sentence))   # names of categories, channels, countries are data
st.plotly_chart(charts_kpis.bridge_waterfall(bridge), key="kpi_bridge_chart")
movers = bridge["largest_movers"]
if not movers.empty:
    st.caption(f"Largest movers between {bridge['period_a']} and {bridge['period_b']} (net revenue, {escape_markdown(money_unit)})")
    st.dataframe(movers.rename(columns={"dimension": "By", "value": "Value", "revenue_a": bridge["period_a"],
                                        "revenue_b": bridge["period_b"], "change": "Change"}),
                 hide_index=True, column_config={
                     c: st.column_config.NumberColumn(format=numbers.money_column_format(currency)) for c in
                     (bridge["period_a"], bridge["period_b"], "Change")})
with st.expander("How the bridge is computed"):
    st.markdown(kpis.BRIDGE_METHOD)

st.subheader("Trend")
trend_kpi = st.selectbox("KPI", shown, format_func=lambda k: kpis.KPI_DEFINITIONS[k][0], key="kpi_trend_kpi")
label, unit, _ = kpis.KPI_DEFINITIONS[trend_kpi]
target = by_key.loc[trend_kpi, "target"]
st.plotly_chart(charts_kpis.kpi_trend(trend, trend_kpi, label, unit, currency, period,
                                      target if target == target else None), key="kpi_trend_chart")

st.subheader("Demand by hour and weekday")
demand = session.memo("kpi_demand", kpis.demand_heatmap, ws)
if demand.attrs.get("reason"):
    st.info(demand.attrs["reason"])
else:
    measure = st.radio("Show", ["orders", "net_revenue"], horizontal=True, key="kpi_demand_measure",
                       format_func=lambda m: "Orders" if m == "orders" else f"Net revenue ({money_unit})")
    st.plotly_chart(charts_kpis.demand_figure(demand, measure, currency), key="kpi_demand_chart")

with st.expander("📖 Definitions"):
    st.markdown("An **order** is an order id that is not wholly cancelled. **Net revenue** sums quantity × unit "
                "price over every loaded line, cancellations and returns as negatives; where your export carries "
                "order totals (Shopify), it is counted as the line at the top of the page says. A customer is **active** "
                "in a period if they placed an order in it. Weeks start on Monday.")
    st.dataframe(kpis.definitions_frame(), hide_index=True)
