"""Funnel: from viewing to buying, where visitors drop off, and which groups lose the most orders."""

import urllib.parse

import pandas as pd
import streamlit as st

from insights.charts import funnel as charts_funnel
from insights.core import numbers
from insights.core.markdown import escape_markdown
from insights.customers.monthly_labels import labels_by_month
from insights.funnel import (CUSTOMER_DIMENSIONS, DIMENSIONS, NOT_YET, PERIODS, event_months, funnel, funnel_by_period,
                             months_standing_out, parse_steps, product_funnel, stand_out)
from insights.funnel.win_back import DEFAULT_DAYS, KINDS, win_back_file, win_back_list
from insights.ui import privacy as privacy_ui
from insights.ui import session

ws = session.page_header(
    "🛒 Funnel",
    "How visits turn into orders: every step from viewing to buying, where people drop off, and which devices, "
    "channels or countries lose the most orders.",
    needs="events",
    missing="No web events are loaded yet. Load a web-analytics export (GA4, Matomo, your shop's event log) with a "
            "session id, a time and an event name on **Upload data** in the sidebar.")

left, middle, right = st.columns(3)
window = left.number_input("Conversion window (days)", min_value=0.5, max_value=90.0, value=7.0, step=0.5,
                           key="funnel_window", help="A session counts as converted only when it reaches the last "
                                                     "step within this time of the first.")
unit = middle.radio("Count", ["session", "customer"], horizontal=True, key="funnel_unit",
                    format_func={"session": "Visits (sessions)", "customer": "Customers"}.get)
custom = right.text_input("Steps (optional)", placeholder="view,cart,checkout,purchase", key="funnel_steps",
                          help="Your own event names, comma-separated; several names for one step joined by |.")
try:
    steps = parse_steps(custom or None)
except ValueError as exc:
    st.warning(str(exc))
    st.stop()

with st.spinner("Following every visit through the steps…"):
    result = session.memo("funnel", lambda w, s, d, u: funnel(w, s, d, u), ws, steps, float(window), unit)
if not result.entrants:
    st.info("No visit reached the first step. Check the step names against your events.")
    st.stop()

first, last = result.steps[0], result.steps[-1]
word = "visits" if unit == "session" else "customers"
st.markdown(f"Of **{first['sessions']:,}** {word} that reached “{escape_markdown(first['step'])}”, "
            f"**{last['sessions']:,}** reached “{escape_markdown(last['step'])}” "
            f"({last['conversion_from_start']:.1%}) within {window:g} days.")
worst_step = min(result.steps[1:], key=lambda s: s["conversion_from_previous"] or 1.0)
st.markdown(f"The biggest drop is before “{escape_markdown(worst_step['step'])}”: only "
            f"{worst_step['conversion_from_previous']:.1%} of the step before get there.")
worse = [g for g in result.by if g["worse"]][:3]
for g in worse:
    st.markdown(f"- {DIMENSIONS[g['dimension']]} “{escape_markdown(g['value'])}” loses about "
                f"**{numbers.count(g['orders_lost'])} orders** against the rest ({g['purchases'] / g['entrants']:.1%} buy).")

chart_col, table_col = st.columns([3, 2])
with chart_col:
    st.plotly_chart(charts_funnel.funnel_chart(result.steps, unit), key="funnel_chart")
with table_col:
    table = pd.DataFrame(result.steps)
    table["conversion_from_previous"] = table["conversion_from_previous"] * 100
    st.dataframe(table[["step", "sessions", "conversion_from_previous", "median_minutes_from_previous"]],
                 hide_index=True, column_config={
                     "step": "Step", "sessions": st.column_config.NumberColumn(word.capitalize(), format="localized"),
                     "conversion_from_previous": st.column_config.NumberColumn("Of the step before", format="%.1f%%"),
                     "median_minutes_from_previous": st.column_config.NumberColumn(
                         "Minutes after it", format="%.1f", help="Typical (median) minutes from the step before")})

st.subheader("Month by month")
period = st.radio("Per", list(PERIODS), horizontal=True, key="funnel_period",
                  format_func={"month": "Month", "week": "Week"}.get)
periods = funnel_by_period(result, period)
st.plotly_chart(charts_funnel.period_chart(periods, period, word), key="funnel_periods")
st.caption(f"Share of the {word} that began in each {period} and reached “{escape_markdown(last['step'])}”, with its "
           f"likely range. A {period} whose last {word} have not had the full {window:g} days yet is marked.")

dims = [d for d in DIMENSIONS if d in CUSTOMER_DIMENSIONS or any(g["dimension"] == d for g in result.by)]
st.subheader("Where orders are lost")
dim = st.selectbox("Compare by", dims, format_func=DIMENSIONS.get, key="funnel_dimension")
groups = result.by
if dim in CUSTOMER_DIMENSIONS:
    months = session.memo("funnel_months", event_months, ws)
    labels = session.memo("funnel_labels", labels_by_month, ws, tuple(months), dim)
    groups = session.memo("funnel_by_customer", lambda w, s_, d, u, k: funnel(
        w, s_, d, u, by=(k,), labels={k: labels}).by, ws, steps, float(window), unit, dim)
    st.caption(f"Each visit is told apart by its customer's {DIMENSIONS[dim].lower()} on the first day of the month "
               f"it began (from the orders before that day); “{NOT_YET}”: no order yet. Anonymous visits are "
               "left out of the comparison.")
for g in [g for g in groups if g["worse"] and g["dimension"] == dim][:3]:
    st.markdown(f"- {DIMENSIONS[dim]} “{escape_markdown(g['value'])}” loses about **{numbers.count(g['orders_lost'])} orders** "
                f"against the rest ({g['purchases'] / g['entrants']:.1%} buy).")
st.plotly_chart(charts_funnel.orders_lost_chart(groups, dim), key="funnel_lost")
st.caption("Orders lost: the group's visits × how much less often they buy than everyone else. Red: a gap "
           "larger than chance; grey: fewer than 30 visits, or visits nobody can be told apart in.")

st.subheader("Products and categories: viewed, but not carted?")
level_col, month_col = st.columns(2)
level = level_col.radio("Per", ["product", "category"], horizontal=True, key="funnel_product_level",
                        format_func={"product": "Product", "category": "Category"}.get)
months = session.memo("funnel_months", event_months, ws)
month = month_col.selectbox("Month", ["All months"] + months, key="funnel_product_month",
                            format_func=lambda m: m if m == "All months" else numbers.month(pd.Period(m)))
since, until = (None, None) if month == "All months" else (pd.Period(month).start_time.date(),
                                                           (pd.Period(month) + 1).start_time.date())
pages = session.memo("funnel_products", product_funnel, ws, level, since, until)
if pages.empty:
    st.info("No page of your events names a product or a category of your orders (pages are matched by their last "
            "part, such as /p/te-101 or /products/pillow-large, to product codes, names and categories).")
else:
    sentences = stand_out(pages, level)
    for sentence in sentences:
        st.warning(escape_markdown(sentence), icon="📦")
    if since is None:    # a month when a product or a category stopped being carted (a stock-out), at both levels
        for scanned in ("product", "category"):
            found = stand_out(session.memo("funnel_months_out", months_standing_out, ws, scanned), scanned)
            sentences += found
            for sentence in found:
                st.warning(escape_markdown(sentence), icon="📅")
    if not sentences:
        st.caption(f"No {level} is added to cart clearly less often than the others{'' if since is None else ' in ' + month}.")
    shown = pages.assign(cart_rate=pages["cart_rate"] * 100, buy_rate=pages["buy_rate"] * 100)
    st.dataframe(shown[["name", "subject", "sessions", "carted", "cart_rate", "bought", "buy_rate", "carts_lost"]],
                 hide_index=True, key="funnel_products_table", column_config={
                     "name": level.capitalize(), "subject": "Code" if level == "product" else None,
                     "sessions": st.column_config.NumberColumn("Visits that viewed it", format="localized"),
                     "carted": st.column_config.NumberColumn("…then added to cart", format="localized"),
                     "cart_rate": st.column_config.NumberColumn("Cart rate", format="%.1f%%"),
                     "bought": st.column_config.NumberColumn("…then bought", format="localized"),
                     "buy_rate": st.column_config.NumberColumn("Buy rate", format="%.1f%%"),
                     "carts_lost": st.column_config.NumberColumn("Carts lost", format="%.0f",
                                                                 help="Carts it would have had at the others' rate")})
    st.caption("A visit counts for each product page it viewed; “added to cart” and “bought” mean the visit went on "
               "to do so afterwards (your events do not say which product a cart holds). Products viewed in fewer "
               "than 30 visits are listed but not compared.")

st.subheader("Customers who did not buy: win them back")
kind_col, days_col = st.columns(2)
kind = kind_col.radio("Who", list(KINDS), horizontal=True, key="funnel_win_back_kind", format_func=KINDS.get)
days = int(days_col.number_input("In the last … days", min_value=1, max_value=365, value=DEFAULT_DAYS[kind],
                                 key=f"funnel_win_back_days_{kind}"))
visitors = session.memo("funnel_win_back", win_back_list, ws, kind, days)
if visitors.empty:
    st.caption("Nobody we can name did that in those days (anonymous visits are never listed).")
else:
    what = "left a cart" if kind == "cart" else "browsed without adding to cart"
    st.markdown(f"**{len(visitors):,}** customers {what} in the last {days} days and have not bought since.")
    shown = privacy_ui.shown_names(ws, visitors).assign(
        profile="/profile?customer=" + visitors["customer_id"].astype(str).map(urllib.parse.quote))
    st.dataframe(shown[["profile", "name", "visits", "last_visit_at", "carts_left", "pages_viewed", "orders"]].head(200),
                 hide_index=True, key="funnel_win_back_table", column_config={
                     "profile": st.column_config.LinkColumn("Customer", display_text=r"customer=(.*)$"),
                     "name": "Name", "visits": st.column_config.NumberColumn("Visits", format="localized"),
                     "last_visit_at": st.column_config.DatetimeColumn("Last visit"),
                     "carts_left": st.column_config.NumberColumn("Carts left", format="%d"),
                     "pages_viewed": "Pages viewed (newest first)",
                     "orders": st.column_config.NumberColumn("Orders before", format="%d")})
    anyway = st.checkbox("Include customers who have not agreed to e-mail", key="funnel_win_back_anyway")
    made = win_back_file(ws, visitors, "csv", include_without_consent=anyway)
    privacy_ui.contact_download(ws, f"win-back list ({KINDS[kind].lower()})", made.written, detail={"days": days},
                                label=f"Download {made.written:,} customers (CSV)", data=made.data, mime="text/csv",
                                file_name=f"{'left_a_cart' if kind == 'cart' else 'browsed_not_bought'}_{days}_days.csv",
                                key="funnel_win_back_download", disabled=made.written == 0)
    st.caption(f"Left out of the file: {made.without_consent:,} without consent to e-mail, {made.without_email:,} "
               f"without an address, {made.suppressed:,} on the suppression list. Cells a spreadsheet would run as a "
               "formula are made safe.")

with st.expander("For analysts: how the funnel is computed"):
    st.markdown("- A step counts when an event of it follows the previous step's, within the window from the first "
                "step; sessions are keyed by session id (events without one: per visitor and day).\n"
                "- Step conversion intervals: Wilson score, 95%.\n"
                "- A group is called worse by a two-proportion z-test of end-to-end conversion against the rest, "
                "with Holm's adjustment across every group compared; groups under 30 visits are not tested.\n"
                "- Products and categories: each one's cart rate against all others' (two-proportion z-test, Holm "
                "over every product compared); pages matched on their last path segment, letters and digits only.\n"
                "- Month by month: each product against the others of its month, Holm over every (month, product) "
                "compared, so a one-month stock-out stands out although the whole period dilutes it.\n"
                "- Win back: a customer's visits in the window (a session id, else the customer and day); left a "
                "cart = a visit with a cart and no order or purchase event since it began; browsed = viewed, no "
                "purchase since, not on the cart list.")
