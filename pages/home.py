"""Overview: what is in this workspace, and where to go next."""

import streamlit as st

from insights.overview import headline_figures
from insights.ui import session

ws = session.get_workspace()
st.title("📊 Clueboard")
if session.is_sample(ws):
    st.info("You are looking at **sample data** from a fictional home & garden shop. "
            "Load your own spreadsheets on the Upload page — your data stays on this machine.", icon="💡")
    st.page_link("pages/upload.py", label="Upload your data", icon="📤")

if not ws.has_data():
    st.subheader("No data yet")
    st.write("Start by loading an orders export from your shop or till (CSV, Excel or Parquet).")
    st.page_link("pages/upload.py", label="Go to Upload", icon="📤")
    st.stop()

figures = session.memo("headline", headline_figures, ws)
cols = st.columns(4)
cols[0].metric("Customers", f"{figures['customers']:,}")
cols[1].metric("Orders", f"{figures['orders']:,}")
cols[2].metric("Net revenue", figures["net_revenue_text"])
cols[3].metric("Period", figures["period_text"])

st.subheader("Where to go next")
left, right = st.columns(2)
with left:
    st.page_link("pages/kpis.py", label="KPI scorecard — how the business is doing, and why it changed", icon="📈")
    st.page_link("pages/segments.py", label="Segmentation explorer — who your customers are", icon="🧩")
    st.page_link("pages/cohorts.py", label="Cohort heatmaps — do new customers come back?", icon="🗓️")
with right:
    st.page_link("pages/churn.py", label="Churn watchlist — who is slipping away, and why", icon="🚨")
    st.page_link("pages/clv.py", label="Customer value — what each customer is worth", icon="💶")
    st.page_link("pages/profile.py", label="Customer profile — everything about one customer", icon="🪪")
