"""Overview: what is in this workspace, how healthy the data is, and where to go next."""

from pathlib import Path

import streamlit as st

from insights.core import numbers
from insights.ingest import health_report
from insights.performance import kpis
from insights.performance.overview import headline_figures
from insights.ui import date_filter
from insights.ui import session
from insights.ui import revenue as revenue_ui

ROOT = Path(__file__).resolve().parents[1]


def link(page: str, label: str, icon: str) -> None:
    if (ROOT / page).exists():
        st.page_link(page, label=label, icon=icon)


ws = session.get_workspace()
st.title("📊 Clueboard")
if ws.has_orders():
    revenue_ui.revenue_caption(ws)      # what revenue means here (tax, shipping, refunds)
st.caption("Who your customers are, what each is worth, who is slipping away and why — from the spreadsheets "
           "you already have.")
if session.is_sample(ws):
    st.info("You are looking at **sample data** from a fictional home & garden shop. Load your own spreadsheets "
            "on the Upload page — your data stays on this machine.", icon="💡")
    link("app_pages/upload.py", "Upload your data", "📤")

if not ws.has_data():
    st.subheader("No data yet")
    st.write("Start by loading an orders export from your shop or till (CSV, Excel or Parquet).")
    link("app_pages/upload.py", "Go to Upload", "📤")
    st.stop()

figures = session.memo("headline", headline_figures, ws)
currency = session.currency(ws)
picked = date_filter.current_period(*session.memo("kpi_data_range", kpis.data_range, ws))   # the sidebar's dates
if picked:     # the figures of those dates, as the KPI scorecard counts them
    in_range = session.memo("kpi_custom_blocks", kpis.custom_blocks, ws, *picked, 1).iloc[-1]
    customers, orders, revenue = in_range["customers_active"], in_range["orders"], in_range["net_revenue"]
    period_value, period_caption = f"{(picked[1] - picked[0]).days + 1:,} days", numbers.day_range(*picked)
else:
    customers, orders, revenue = figures["customers"], figures["orders"], figures["net_revenue"]
    period_value, period_caption = figures["period_length_text"], figures["period_text"]
cols = st.columns([1, 1, 1.4, 1])     # room for a revenue to the cent at 1280 px
cols[0].metric("Customers who ordered", numbers.count(customers),
               help="People who placed at least one order. The data health panel below also counts customers "
                    "known only from a CRM list.")
cols[1].metric("Orders", numbers.count(orders), help="Distinct order numbers that are not wholly cancelled.")
cols[2].metric("Net revenue", numbers.money(revenue, currency),
               help="Quantity × unit price over every loaded line, cancellations and returns as negatives.")
cols[3].metric("Period", period_value, help="From the first to the last order in your files, or the dates picked "
                                            "in the sidebar.")
cols[3].caption(period_caption + (" (the sidebar's dates)" if picked else ""))

st.subheader("Where to go next")
left, right = st.columns(2)
with left:
    link("app_pages/insights.py", "Insights — what changed, why, and what to do", "💡")
    link("app_pages/kpis.py", "KPI scorecard — how the shop is doing, and why", "📈")
    link("app_pages/segments.py", "Segmentation explorer — who your customers are", "🧩")
    link("app_pages/cohorts.py", "Cohort heatmaps — do new customers come back?", "🗓️")
with right:
    link("app_pages/churn.py", "Churn watchlist — who is slipping away, and why", "🚨")
    link("app_pages/clv.py", "Customer value — what each customer is worth", "💶")
    link("app_pages/profile.py", "Customer profile — everything about one customer", "🪪")

items = session.memo("health", health_report, ws)
warnings = [i for i in items if i.severity == "warning"]
with st.expander(f"Data health — {len(warnings)} thing{'s' if len(warnings) != 1 else ''} to check"
                 if warnings else "Data health — all clear", expanded=bool(warnings)):
    for item in items:
        icon = {"ok": "✅", "info": "ℹ️", "warning": "⚠️"}.get(item.severity, "•")
        st.markdown(f"{icon} **{item.title}** — {item.value}")
        if item.severity != "ok" and item.action:
            st.caption(f"{item.meaning} What you can do: {item.action}")
