"""Products: what sells together, which first purchases bring customers back, and which way of recommending the
next product would have been right on this shop's own past."""

import pandas as pd
import streamlit as st

from insights.charts import products as charts_products
from insights.core import numbers
from insights.core.dates import before_data_sentence
from insights.core.markdown import escape_markdown
from insights.products import stored as products_stored
from insights.products.backtest import METHOD_NAMES, TOP_K
from insights.products.summary import product_summary
from insights.ui import products as products_ui
from insights.ui import session

ws = session.page_header(
    "🧺 Products",
    "What sells together, which first purchases turn customers into regulars, and which way of suggesting the "
    "next product would have been right on your own past orders.",
    needs="order_lines",
    missing="No orders are loaded yet. Load an orders export with product codes on **Upload data** in the sidebar.")

left, right = st.columns(2)
level = left.radio("Look at", ["product", "category"], horizontal=True, key="products_level",
                   format_func={"product": "Products", "category": "Categories"}.get)
min_baskets = right.number_input("Bought together in at least (orders)", min_value=2, max_value=10_000, value=10,
                                 step=1, key="products_min_baskets")

with st.spinner("Counting what is bought together…"):
    summary = session.memo("products_summary", lambda w, l, m: product_summary(w, l, m), ws, level, int(min_baskets))
pairs, back = summary.pairs, summary.gateways

st.subheader("Bought together")
found = pairs.associated
if found.empty:
    st.info(f"No pair is bought together clearly more often than chance in {pairs.baskets:,} orders "
            f"(each pair in at least {int(min_baskets)} orders). Try a lower minimum.")
else:
    top = found.iloc[0]
    st.markdown(f"Of **{pairs.baskets:,}** orders, **{len(found):,}** pairs are bought together clearly more often "
                f"than chance. The strongest: “{escape_markdown(top['a_name'] or top['a'])}” and "
                f"“{escape_markdown(top['b_name'] or top['b'])}”, in {top['baskets']:,} orders, "
                f"{top['lift']:.1f}× as often as chance.")
    chart_col, table_col = st.columns([2, 3])
    chart_col.plotly_chart(charts_products.pairs_chart(found), key="products_pairs_chart")
    table = found.head(200).assign(confidence_ab=found["confidence_ab"] * 100, confidence_ba=found["confidence_ba"] * 100)
    table_col.dataframe(table[["a_name", "b_name", "baskets", "lift", "confidence_ab", "confidence_ba", "a", "b"]],
                        hide_index=True, column_config={
                            "a_name": "First", "b_name": "Second",
                            "baskets": st.column_config.NumberColumn("Orders with both", format="localized"),
                            "lift": st.column_config.NumberColumn("× as often as chance", format="%.1f"),
                            "confidence_ab": st.column_config.NumberColumn("Orders with the first that have the "
                                                                           "second", format="%.0f%%"),
                            "confidence_ba": st.column_config.NumberColumn("…and the other way round",
                                                                           format="%.0f%%"),
                            "a": "First (code)", "b": "Second (code)"})
    if st.toggle("Also look for three bought together (slower on a big catalogue)", key="products_triples"):
        with st.spinner("Looking for three bought together…"):
            three = session.memo("products_triples", lambda w, l, m: product_summary(w, l, m, triples=True).triples,
                                 ws, level, int(min_baskets))
        strong = three.strong
        if strong.empty:
            st.info("No three are bought together where two of them clearly make the third more likely.")
        else:
            st.markdown(f"**{len(strong):,}** groups of three: orders holding two of them hold the third clearly "
                        "more often than orders holding only one. The most bought:")
            for row in strong.head(5).itertuples():
                st.markdown(f"- “{escape_markdown(row.a_name or row.a)}”, “{escape_markdown(row.b_name or row.b)}” "
                            f"and “{escape_markdown(row.c_name or row.c)}”: {row.baskets:,} orders; with two of "
                            f"them the third is at least **{row.uplift:.1f}×** as likely as with one.")
            st.dataframe(strong.head(200)[["a_name", "b_name", "c_name", "baskets", "uplift", "a", "b", "c"]],
                         hide_index=True, column_config={
                             "a_name": "First", "b_name": "Second", "c_name": "Third",
                             "baskets": st.column_config.NumberColumn("Orders with all three", format="localized"),
                             "uplift": st.column_config.NumberColumn("Third with two ÷ with one", format="%.1f"),
                             "a": "First (code)", "b": "Second (code)", "c": "Third (code)"})
        if three.limited:
            st.caption("Each product's groups were searched among its 25 strongest partners.")

st.subheader("First purchases that bring customers back")
if not back.customers:
    st.info(f"No customer's first order is {back.window_days} days old yet.")
else:
    st.markdown(f"Of **{back.customers:,}** first-time customers, **{back.average:.0%}** ordered again within "
                f"{back.window_days} days.")
    if back.before_data:
        st.caption(before_data_sentence(back.before_data))
    for row in back.found.head(3).itertuples():
        st.markdown(f"- Customers whose first order included “{escape_markdown(row.name or row.product)}” came back "
                    f"**{row.vs_average:.1f}×** as often ({row.repeat_rate:.0%}): about "
                    f"{numbers.count(row.extra_repeat)} extra repeat customers.")
    if back.found.empty:
        st.markdown("No first purchase brings customers back clearly more often than the average.")
    value = summary.first_value
    if value is not None and value.customers:
        currency = session.currency(ws)
        for row in value.found.head(3).itertuples():
            st.markdown(f"- Customers whose first order included “{escape_markdown(row.name or row.product)}” spent "
                        f"**{row.vs_average:.1f}×** as much in the year after it ({numbers.money(row.value, currency)} "
                        f"against {numbers.money(value.average, currency)} on average).")
        if value.found.empty:
            st.caption(f"No first purchase goes with clearly more spending in the year after it "
                       f"({value.customers:,} customers whose first order is a year old).")
    else:
        st.caption("No customer's first order is a year old yet: spending in the year after cannot be compared.")
    st.plotly_chart(charts_products.gateways_chart(back.items, back.average), key="products_gateways_chart")
    small = int(back.items["small"].sum())
    if small:
        st.caption(f"{small:,} products were in fewer than 30 first orders: too few customers to tell (grey, "
                   "not called either way).")

st.subheader("Which suggestions would have been right")
with st.spinner("Replaying the last four weeks…"):
    result = session.memo("products_backtest", products_stored.current_evaluation, ws)   # stored per upload
if result is None or result.methods.empty or not result.methods["customers"].max():
    st.info("Nobody bought a product new to them in the last four weeks, so no method can be tried yet.")
else:
    st.markdown(f"We hid the orders from {numbers.day(result.cutoff.date())} on, suggested {TOP_K} products to every "
                f"customer from what came before, and counted how often the suggestions were what "
                f"{int(result.methods['customers'].max()):,} customers then bought for the first time.")
    plain = pd.DataFrame({
        "Way of suggesting": result.methods["method"].map(METHOD_NAMES),
        "Right for (of 100 customers)": (result.methods["hit_rate"] * 100).round(0),
        "New products foreseen": result.methods["recall"] * 100,
        "Catalogue suggested": result.methods["coverage"] * 100,
        "Used": result.methods["method"].eq(result.chosen).map({True: "✔", False: ""}),
    })
    st.dataframe(plain, hide_index=True, column_config={
        "Right for (of 100 customers)": st.column_config.NumberColumn(format="%.0f"),
        "New products foreseen": st.column_config.NumberColumn(format="%.0f%%"),
        "Catalogue suggested": st.column_config.NumberColumn(format="%.0f%%")})
    for line in result.in_words():
        st.caption(line)

st.subheader("Send each customer their next products")
st.markdown("Each customer's three likeliest next products — ones they have not bought yet — by the way of "
            "suggesting that was right most often above, in the columns your e-mail tool imports.")
products_ui.recommendation_export(ws)

st.subheader("Customers who buy one and never the other")
products_ui.cross_sell_lists(ws)

with st.expander("For analysts: how these are computed"):
    st.markdown(
        "- Baskets are orders; cancelled and returned lines are netted out (within the order, and per customer and "
        "product), postage, fees and discounts left out.\n"
        "- **Support**: share of orders with both; **confidence**: share of orders with one that have the other; "
        "**lift**: support ÷ (support of each × each), i.e. × as often as chance.\n"
        "- A pair is listed when a one-sided Fisher exact (hypergeometric) test survives Benjamini–Hochberg at a "
        f"false discovery rate (**FDR**) of {pairs.fdr:.0%} over all {pairs.tests:,} pairs that reach the minimum.\n"
        "- Three together: triangles of associated pairs; for each split \"x and y → z\", z in orders with both vs "
        "with exactly one (one-sided Fisher), the largest of the three p-values (intersection–union), BH over "
        "every triangle; uplift = the smallest of the three ratios.\n"
        "- Gateways: repeat within 90 days by first-order item, Wilson 95% intervals; an item is called when the "
        "interval lies above the average and a two-proportion test against the other customers survives Holm.\n"
        "- Suggestions: best sellers; item-to-item **cosine** similarity of who bought what; **EASE** (Steck 2019, "
        "closed-form linear item-item model, λ = 100). Time-split backtest over the last 4 weeks: hit rate@10, "
        "recall@10, catalogue coverage; a method that does not beat best sellers is never used.\n"
        "- The e-mail file: the chosen method's top 3 per customer; customers without an order get the products "
        "whose first-time buyers most often ordered again within 90 days. Cross-sell gaps: both directions of each "
        "associated pair; money = customers × (confidence − the second product's support) × its average line "
        "value, range from the confidence's Wilson interval; the control is the outcome loop's seeded 10%.")
