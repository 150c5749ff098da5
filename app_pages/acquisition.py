"""Acquisition: what a new customer costs per channel, what they bring back, and when a channel pays for itself."""

import pandas as pd
import streamlit as st

from insights.acquisition import acquisition
from insights.acquisition import channels as channel_map
from insights.acquisition.display import channel_table
from insights.charts import acquisition as charts_acquisition
from insights.core.markdown import escape_markdown
from insights.core import numbers
from insights.ui import session

SPEND_FILE = ("No marketing spend is loaded yet. Load a **spend file** on **Upload data** in the sidebar: a monthly "
              "budget sheet (Month, Channel, Spend), a Google Ads campaign report, a Meta Ads Manager export or a "
              "Microsoft Advertising report. Clueboard then puts what each channel cost beside the customers it "
              "brought.")

ws = session.page_header(
    "📣 Acquisition",
    "What a new customer costs per channel, what they bring back, and after how many months a channel has paid "
    "for itself.",
    needs="order_lines",
    missing="No orders are loaded yet. Load an orders export on **Upload data** in the sidebar.")
if not ws.row_counts()["spend"]:
    st.info(SPEND_FILE)
    st.stop()

saved = ws.setting(channel_map.SETTING)      # a setting, not data: part of the key so an edit shows at once
whole = session.memo("acquisition", lambda w, s: acquisition(w), ws, saved)
months = pd.date_range(whole.since, whole.until, freq="MS").date.tolist() if whole.since else []
if len(months) > 1:
    since, until = st.select_slider("Months", options=months, value=(months[0], months[-1]),
                                    format_func=numbers.month, key="acq_months")
    result = (whole if (since, until) == (months[0], months[-1]) else
              session.memo("acquisition", lambda w, s, a, b: acquisition(w, a, b), ws, saved, since, until))
else:
    result = whole
cur = result.currency

if result.headline():
    st.markdown(f"#### {escape_markdown(result.headline())}")
cols = st.columns(4)
cols[0].metric("Marketing spend", numbers.money(result.blended["spend"], cur))
cols[1].metric("New customers", f"{result.blended['new_customers']:,}")
cols[2].metric("Blended CAC", numbers.money(result.blended["cac"], cur),
               help="All spend ÷ all new customers, those who came by themselves included.")
cols[3].metric("Paid CAC", numbers.money(result.paid["cac"], cur),
               help="Spend matched to a channel ÷ the new customers of those channels.")

value_word = "Value per customer" + (" (predicted)" if result.value_source == "predicted" else " (so far)")
st.dataframe(channel_table(result).rename(columns={"Value per customer": value_word}), hide_index=True,
             column_config={"New customers": st.column_config.NumberColumn(format="localized")})
if len(result.by_month):
    st.plotly_chart(charts_acquisition.cac_by_month_chart(result.by_month, cur), key="acq_by_month")
for note in result.notes:
    st.caption(escape_markdown(note))

st.subheader("Which channel each spend label pays for")
shop = sorted(set(result.channels["channel"]))
mapping = pd.DataFrame([{"label": c.label, "channel": c.channel, "why": c.rule} for c in result.mapping])
if len(mapping):
    edited = st.data_editor(mapping, hide_index=True, disabled=["label", "why"], key="acq_map", column_config={
        "label": "Spend label", "why": "Why",
        "channel": st.column_config.SelectboxColumn("Counts for channel", options=shop,
                                                    help="Empty: none of your channels (reported as unmatched)")})
    if channel_map.apply_choices(ws, dict(zip(edited["label"], edited["channel"])),
                                 {c.label: c for c in result.mapping}):
        st.rerun()

with st.expander("For analysts: how it is computed"):
    st.markdown(
        "- A customer is acquired in the month of their first order, by the acquisition channel of the customer "
        "list, else by the first order's channel.\n"
        "- Spend is spread over calendar months by days; spend in other currencies or outside the months the "
        "orders cover is left out and said above.\n"
        f"- Margin: {escape_markdown(result.margin)}. Value per customer: "
        + ("what they bought so far plus the stored CLV prediction for the next year (80% interval)."
           if result.value_source == "predicted" else "what they bought so far (no current CLV predictions).")
        + "\n- Payback: the first month (month 1 = the month of the first order) in which the cohort's cumulative "
        "margin per customer reaches the CAC; past the data, the predicted value continues the curve (marked).\n"
        "- ROAS: revenue the channel's new customers brought so far ÷ the channel's spend.")
