"""Customer profile: find a customer, then everything known about them on one card."""

import urllib.parse

import streamlit as st

from insights.charts import segments as charts
from insights.customers import lifecycle
from insights.customers import profile
from insights.customers import segments
from insights.core import margin
from insights.core import numbers
from insights.core.markdown import escape_markdown
from insights.funnel.win_back import customer_behaviour
from insights.privacy import consent_history
from insights.products import stored as products_stored
from insights.ui import privacy as privacy_ui
from insights.ui import session
from insights.ui import revenue as revenue_ui

ws = session.require_workspace_with_orders()
st.title("🪪 Customer profile")
revenue_ui.revenue_caption(ws)          # what revenue means here (tax, shipping, refunds)
currency = session.currency(ws)            # None: the data does not say, nor has the owner
money_unit = session.currency_label(currency)
money_format = numbers.money_column_format(currency)   # table columns of amounts: €1,234.50

query = st.text_input("Find a customer by id, name, email or phone", key="profile_search",
                      placeholder="e.g. C10001, Weber, anna@, +49 151")
if query:
    found = session.memo("profile_find", profile.find_customers, ws, query)
    if found.empty:
        st.info(f"No customer matches “{escape_markdown(query)}”.")
    else:
        options = found["customer_id"].tolist()
        names = dict(zip(found["customer_id"], privacy_ui.shown_names(ws, found)["name"].fillna("")))
        pick = st.selectbox(f"{len(found)} match(es)", options, key="profile_pick",
                            format_func=lambda c: f"{c} · {names[c]}" if names[c] else c)
        if pick and st.button("Open profile", key="profile_open"):
            st.query_params["customer"] = pick

customer_id = st.query_params.get("customer")
segment_map = st.session_state.get(segments.SESSION_MAP_KEY)   # a map edited on the Segmentation explorer
if segment_map is None:
    rfm = session.memo("seg_rfm", segments.rfm_table, ws)
else:
    rfm = session.memo("seg_rfm_custom", lambda w, _m: segments.rfm_table(w, None, segment_map), ws, repr(segment_map))

if not customer_id:
    st.caption("Search above, or open a customer from any customer table in the app.")
    st.subheader("Your most valuable customers")
    top = rfm.nlargest(20, "monetary")[["customer_id", "segment", "frequency", "monetary", "last_order_date"]]
    top = top.assign(profile="?customer=" + top["customer_id"].astype(str).map(urllib.parse.quote))
    st.dataframe(top[["profile", "segment", "frequency", "monetary", "last_order_date"]], hide_index=True,
                 column_config={
                     "profile": st.column_config.LinkColumn("Customer", display_text=r"customer=(.*)$"),
                     "segment": "RFM segment", "frequency": st.column_config.NumberColumn("Orders", format="%d"),
                     "monetary": st.column_config.NumberColumn(f"Net revenue ({money_unit})", format=money_format),
                     "last_order_date": st.column_config.DateColumn("Last order", format="DD MMM YYYY")})
    st.stop()
stages = session.memo("seg_stages", lifecycle.lifecycle_stages, ws)
try:
    card = session.memo("profile_card", lambda w, c, _m: profile.customer_profile(w, c, rfm=rfm, stages=stages),
                        ws, customer_id, repr(segment_map))
except profile.CustomerNotFound as exc:
    st.warning(str(exc))
    st.stop()

md = escape_markdown   # customer-supplied text is shown as typed: no links, images or formatting
name_slot = st.empty()
left, right = st.columns([2, 3])
with left:
    st.markdown(f"**Customer id:** {md(card.customer_id)}")
    email_slot, phone_slot = st.empty(), st.empty()
    revealed = privacy_ui.reveal_button(ws, card.customer_id)      # a logged, deliberate click
    name_slot.header(md(privacy_ui.shown_name(ws, card.name, revealed) if card.name else card.display_name))
    email_slot.markdown(f"**Email:** {md(card.email if revealed and card.email else card.masked_email)}")
    phone_slot.markdown(f"**Phone:** {md(card.phone if revealed and card.phone else card.masked_phone)}")
    consent = {True: "yes", False: "no", None: "unknown (counted as no for exports)"}
    st.markdown(f"**Consent:** email {consent[card.consent_email]}, SMS {consent[card.consent_sms]}")
    history = session.memo("profile_consent_history", consent_history.consent_history, ws, card.customer_id)
    with st.expander("Consent history (latest file wins)"):
        for sentence in consent_history.describe(history):
            st.markdown(md(sentence))
        if not history.empty:
            st.dataframe(history, hide_index=True, key="profile_consent_history")
    st.markdown(f"**Location:** {md(', '.join(v for v in (card.city, card.country) if v)) or '—'}")
    st.markdown(f"**Acquisition channel:** {md(card.channel) or '—'}")
    st.markdown(f"**RFM segment:** {md(card.rfm_segment) or '—'}" + (f" ({card.rfm_code})" if card.rfm_code else "")
                + f" · **Lifecycle:** {card.lifecycle_stage or '—'}")
with right:
    m1, m2, m3 = st.columns(3)
    m1.metric("Orders", f"{card.orders:,}")
    m2.metric("Net revenue", numbers.money(card.net_revenue, currency))
    m3.metric("AOV", numbers.money(card.aov, currency))
    own_margin = margin.customer_margins(ws, card.customer_id)     # their gross margin (contribution)
    if own_margin["gross_margin"].notna().any():
        row = own_margin.iloc[0]
        st.metric("Gross margin", numbers.money(row["gross_margin"], currency),
                  delta=f"{row['margin_share']:.0%} of the spend whose cost is known", delta_color="off")
    else:
        st.metric("Gross margin", margin.REVENUE_BASED,
                  help="No cost is known for this customer's products and no default margin is set.")
    first = numbers.day(card.first_order_at)
    last = numbers.day(card.last_order_at)
    tenure = f"{card.tenure_days:,} days" if card.tenure_days is not None else "—"
    st.markdown(f"**First order:** {first} · **Last order:** {last} · **Tenure:** {tenure}")
    if card.clv or card.churn:
        p1, p2, p3 = st.columns(3)
        if card.clv:
            p1.metric("Predicted CLV", numbers.money(float(card.clv["clv"]), currency))
            p2.metric("Probability still active", f"{float(card.clv['p_alive']):.0%}")
        if card.churn:
            p3.metric("Churn risk", f"{float(card.churn['churn_probability']):.0%}")
            if card.churn.get("reasons"):
                st.caption(f"Why: {md(card.churn['reasons'])}")

st.subheader("What sets them apart")
for sentence in card.apart:
    st.markdown(f"- {sentence}")
st.dataframe(card.comparison, hide_index=True, key="profile_comparison",
             column_config={"figure": "", "customer": st.column_config.NumberColumn("This customer", format="%.1f"),
                            "median_customer": st.column_config.NumberColumn("Median customer", format="%.1f")})

c1, c2 = st.columns(2)
if not card.orders_table.empty:
    c1.plotly_chart(charts.order_history(card.orders_table, currency), key="profile_orders_chart")
if not card.favourite_categories.empty:
    c2.plotly_chart(charts.category_bar(card.favourite_categories, currency), key="profile_categories_chart")

st.subheader("Recommended next")
with st.spinner("Choosing what to suggest…"):
    suggested = session.memo("profile_recommended", products_stored.recommended_for, ws, card.customer_id)
if suggested.empty:
    st.caption("Nothing to suggest: they have bought everything others buy, or the shop sells too few products.")
else:
    for row in suggested.itertuples():
        st.markdown(f"{row.rank}. {md(row.product_name or row.product_id)} ({md(row.product_id)})")
    st.caption("Products they have not bought yet, by the way of suggesting that would have been right most often "
               "on your own past orders (see Products).")

behaviour = session.memo("profile_behaviour", customer_behaviour, ws, card.customer_id)
if behaviour is not None:
    st.subheader("On the site")
    b1, b2, b3 = st.columns(3)
    b1.metric("Visits", f"{behaviour['visits']:,}")
    b2.metric("Last visit", numbers.day(behaviour['last_visit_at'].date()))
    b3.metric("Carts left without buying", f"{behaviour['carts_left']:,}")
    if behaviour["pages_viewed"]:
        st.caption(f"Pages viewed lately (newest first): {escape_markdown(behaviour['pages_viewed'])}")
    if behaviour["cart_open"]:
        st.markdown("They left a cart and have not bought since — see **Funnel › win them back**.")
    elif behaviour["browsed_not_bought"]:
        st.markdown("They browsed since their last purchase without buying.")

st.subheader("Timeline")
st.caption("Orders, web sessions and feedback, newest first. Amounts in " + money_unit + ".")
st.dataframe(card.timeline, hide_index=True, key="profile_timeline",
             column_config={"at": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
                            "kind": "Kind", "title": "What", "detail": "Detail",
                            "amount": st.column_config.NumberColumn("Amount", format="%.2f"),
                            "score": st.column_config.NumberColumn("Score", format="%.0f")})
