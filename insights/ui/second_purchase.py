"""The second-purchase tab of the Cohorts page: of first-time buyers, who buys again, how soon, what goes with it,
and the follow-up list; and the one-time-buyer notice the Cohorts, Segments and KPI pages show."""

from __future__ import annotations

import streamlit as st

from insights.charts import second_purchase as charts
from insights.core.dates import before_data_sentence
from insights.core.markdown import escape_markdown
from insights.customers.shop_shape import one_time_buyer_sentence, shop_shape
from insights.second_purchase.follow_up import follow_up_file, follow_up_list
from insights.second_purchase.groups import DIMENSIONS
from insights.second_purchase.rates import HEADLINE_DAYS
from insights.second_purchase.view import second_purchase_view
from insights.second_purchase.words import driver_sentence, window_sentence
from insights.ui import privacy as privacy_ui
from insights.ui import session

TAB_LABEL = "Second purchase"
VIEW_PARAM = "second-purchase"     # /cohorts?view=second-purchase opens the tab
VIEW_URL = f"/cohorts?view={VIEW_PARAM}"


def one_time_buyer_notice(ws) -> bool:
    """Show the one-time-buyer sentence and a link to the view when most customers bought once; True if shown."""
    sentence = one_time_buyer_sentence(session.memo("shop_shape", shop_shape, ws))
    if sentence is None:
        return False
    st.info(f"{sentence} [Open the second-purchase view]({VIEW_URL})", icon="🔁")
    return True


def applies(ws, check) -> bool:
    """Run ``check`` (:func:`insights.customers.clusters.clusters_apply`, :func:`insights.customers.next_order.
    next_orders_apply`) on the shop's shape; when the model does not apply, say why, what to look at instead (with
    the link to the second-purchase view) and the numbers that decided, and return False."""
    verdict = check(session.memo("shop_shape", shop_shape, ws))
    if verdict.applies:
        return True
    st.warning(verdict.reason)
    st.markdown(f"Instead, look at {verdict.instead}: [open the second-purchase view]({VIEW_URL}).")
    with st.expander("For analysts: the numbers that decided"):
        st.json(verdict.as_dict())
    return False


def opens_first(ws) -> bool:
    """The tab is the Cohorts page's landing view in a one-time-buyer shop, or when the link asks for it."""
    return st.query_params.get("view") == VIEW_PARAM or session.memo("shop_shape", shop_shape, ws).one_time_shop


def render(ws, currency_unit: str) -> None:
    view = session.memo("second_purchase_view", second_purchase_view, ws)
    if view is None:
        st.info("No first-time buyers yet: this view needs orders with a customer id.")
        return
    head = view.headline
    if head["customers"]:
        st.markdown(f"Of **{int(head['customers']):,}** first-time buyers whose first order is at least "
                    f"{HEADLINE_DAYS} days old, **{head['rate']:.1%}** bought again within {HEADLINE_DAYS} days "
                    f"(likely between {head['ci_low']:.1%} and {head['ci_high']:.1%}). "
                    f"{view.too_recent:,} more bought for the first time too recently to know.")
    if view.before_data:
        st.caption(before_data_sentence(view.before_data))
    sentence = window_sentence(view)
    if sentence:
        st.markdown(f"**{sentence}**")
    for row in view.drivers.drop_duplicates("dimension").head(3).itertuples():
        st.markdown(f"- {escape_markdown(driver_sentence(row))}")
    left, right = st.columns(2)
    left.plotly_chart(charts.rates_chart(view.rates), key="second_rates_chart")
    right.plotly_chart(charts.days_to_second_chart(view.days_to_second, view.median_days_to_second),
                       key="second_days_chart")
    st.caption(f"Days to the second order: {view.timing_basis}.")

    dimensions = view.dimensions()
    if dimensions:
        st.subheader("What about the first order goes with a second one")
        dimension = st.selectbox("Compare customers by", dimensions, format_func=DIMENSIONS.get,
                                 key="second_dimension")
        groups = view.by[view.by["dimension"] == dimension]
        st.plotly_chart(charts.groups_chart(groups, head["rate"]), key="second_groups_chart")
        st.dataframe(groups[["value", "customers", "rate_90d", "ci_low", "ci_high", "different"]], hide_index=True,
                     key="second_groups_table", column_config={
                         "value": DIMENSIONS[dimension], "customers": st.column_config.NumberColumn("Customers"),
                         "rate_90d": st.column_config.NumberColumn("Bought again within 90 days", format="percent"),
                         "ci_low": st.column_config.NumberColumn("Likely at least", format="percent"),
                         "ci_high": st.column_config.NumberColumn("Likely at most", format="percent"),
                         "different": st.column_config.CheckboxColumn("Clearly different")})
        missing = [DIMENSIONS[d] for d in DIMENSIONS if d not in dimensions]
        if missing:
            st.caption("Not in your data (or a single value): " + ", ".join(missing).lower() + ".")

    st.subheader("Who to follow up now")
    customers = follow_up_list(view)
    if customers.empty:
        st.caption("Nobody is inside the window right now.")
    else:
        st.markdown(f"**{len(customers):,}** first-time buyers ordered less than {view.median_days_to_second} days "
                    f"ago and have not bought again yet.")
        anyway = st.checkbox("Include customers who have not agreed to e-mail", key="second_follow_up_anyway")
        made = follow_up_file(ws, customers, "csv", include_without_consent=anyway)
        privacy_ui.contact_download(ws, "second-purchase follow-up", made.written,
                                    label=f"Download {made.written:,} customers to follow up (CSV)", data=made.data,
                                    file_name="second_purchase_follow_up.csv", mime="text/csv",
                                    key="second_follow_up", disabled=made.written == 0)
        st.caption(f"Left out: {made.without_consent:,} without consent to e-mail, {made.without_email:,} without an "
                   f"address, {made.suppressed:,} on the suppression list. Amounts in {currency_unit}. Cells a spreadsheet would run as a formula are made safe.")

    with st.expander("For analysts: how these are computed"):
        st.markdown(
            "- First-time buyers: identified customers; a purchase day is a day with at least one order "
            "(`customer_order_days`). Second order: the next purchase day.\n"
            "- A window's rate counts only buyers whose first order is at least that many days before the end of "
            "the data; Wilson 95% score intervals.\n"
            "- By group: the 90-day rate of each group against the other buyers of its dimension (Fisher's exact "
            "test; groups under 30 customers not tested; the history's first month is left out of the month "
            "comparison, as its buyers may have bought before the data begins). *Clearly different*: p-value after "
            "Holm's adjustment across every group of every dimension ≤ 0.05. First category and product are the "
            "Products page's first-order items (a customer counts in each item of the first order).\n"
            f"- Days to the second order: {view.timing_basis}; the window is their median.")
