"""Customer value (CLV): what each customer is expected to buy and be worth, and how right the model was."""

import urllib.parse

from insights.ui import session

import streamlit as st

from insights.charts import clv as charts_clv
from insights.core import margin
from insights.core.markdown import escape_markdown
from insights.core import numbers
from insights.customers.next_order import next_orders_apply
from insights.ui import background, clv_cache
from insights.ui import privacy as privacy_ui
from insights.ui import second_purchase as second_purchase_ui
from insights.ui import revenue as revenue_ui

ws = session.require_workspace_with_orders()
currency = session.currency(ws)
money_unit = session.currency_label(currency)
money_format = numbers.money_column_format(currency)   # table columns of amounts: €1,234.50

st.title("Customer value (CLV)")
revenue_ui.revenue_caption(ws)          # what revenue means here (tax, shipping, refunds)
st.caption("Who will buy again, and what each customer is worth over the coming months — with a backtest on "
           "your own history that shows how accurate the model was.")

ready = clv_cache.readiness(ws)
if not ready.can_fit:
    st.warning(ready.message())
    st.markdown("Meanwhile: [cohort tables](/cohorts) · [KPI scorecard](/kpis)")
    st.stop()
if ready.status != "ready":
    st.info(ready.message())

left, right = st.columns(2)
horizon_days = left.select_slider("Look ahead", options=[90, 180, 365, 730], value=365,
                                  format_func=lambda d: {90: "3 months", 180: "6 months", 365: "1 year",
                                                         730: "2 years"}[d], key="clv_horizon")
discount_pct = right.number_input("Discount rate per year (%)", min_value=0.0, max_value=100.0, value=10.0,
                                  step=1.0, key="clv_discount",
                                  help="Money next year is worth less than money today; applied month by month.")

defaults = horizon_days == clv_cache.DEFAULT_HORIZON_DAYS and discount_pct / 100.0 == clv_cache.DEFAULT_ANNUAL_DISCOUNT
if defaults:
    background.wait_for_models(ws, "clv")   # fitted after the upload: read the stored result once it is there
with st.status("Fitting the customer-value model…", expanded=False) as status:
    bar = st.progress(0.0)

    def progress(fraction: float, text: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    result = clv_cache.result(ws, horizon_days, discount_pct / 100.0, progress=progress)
    bar.progress(1.0, text="Done")
    status.update(label="Model ready" + (" (stored fit reused)" if result.from_cache else ""),
                  state="complete" if result.fitted else "error")

if not result.fitted and result.applicability is None:
    st.error(" ".join(result.readiness.problems[-1:]) or "The model could not be fitted to this data.")
    st.stop()
if not result.applies:
    st.warning(result.reason)
    st.markdown(f"Meanwhile you can look at {result.applicability.instead}: [cohort tables](/cohorts) · "
                "[KPI scorecard](/kpis)")
    with st.expander("For analysts: the numbers that decided", expanded=False):
        st.json(result.applicability.as_dict())
    st.subheader("Who is due to order again")
    second_purchase_ui.applies(ws, next_orders_apply)
    st.stop()

models, scores = result.models, result.scores
params = models.params
for note in models.notes:
    st.info(note)

c1, c2, c3, c4 = st.columns(4)
c1.metric("Value of all customers", numbers.money(scores["clv"].sum(), currency),
          help=f"Sum of every customer's CLV over the next {horizon_days} days, discounted.")
c2.metric("Repeat purchases expected", numbers.count(scores["expected_purchases"].sum()))
# BG/NBD calls every one-time buyer certainly active (it cannot see them leave): their P(alive) is not shown
blind = not models.bgnbd.modified and bool((scores["frequency"] == 0).any())
scores = scores.assign(p_alive=scores["p_alive"].where(scores["frequency"] > 0)) if blind else scores
c3.metric("Probably still active", f"{int((scores['p_alive'] >= 0.5).sum()):,}",
          help="Customers with at least an even chance of still being active customers (buying again)."
               + (" Customers who bought once are not counted: this model cannot tell whether they are still "
                  "customers." if blind else ""))
c4.metric("Average value per customer", numbers.money(scores["clv"].mean(), currency))
gross_clv = margin.gross_margin_clv(ws, scores)     # the predicted value × each customer's margin share
margin_basis = margin.margin_basis(ws)
if margin_basis.revenue_based:
    st.metric("Value of all customers in gross margin", margin.REVENUE_BASED,
              help="No product costs, category margins or default margin are known: value is revenue, not profit.")
else:
    st.metric("Value of all customers in gross margin", numbers.money(gross_clv["gm_clv"].sum(), currency),
              help="Each customer's CLV × their gross margin share (the shop's share where theirs is unknown).")
st.caption(escape_markdown(margin_basis.caption()))

with st.expander("What the model learned, in plain words", expanded=False):
    mean_gap_weeks = params["alpha"] / params["r"]
    dropout = params["a"] / (params["a"] + params["b"])
    st.markdown(
        f"- **How often people buy** (r = {params['r']:.3f}, α = {params['alpha']:.3f} weeks): while still a "
        f"customer, the average buyer comes back about every {mean_gap_weeks:.0f} weeks; a small r means buying "
        "habits differ a lot between customers.\n"
        f"- **How quickly people drift away** (a = {params['a']:.3f}, b = {params['b']:.3f}): after each "
        f"purchase about {dropout:.0%} of customers on average never buy again.")
    if params["p"] is not None:
        typical = params["p"] * params["gamma"] / (params["q"] - 1)
        st.markdown(f"- **Spend per order** (p = {params['p']:.2f}, q = {params['q']:.2f}, "
                    f"γ = {params['gamma']:.2f}): a typical customer's order is worth about {numbers.money(typical, currency)}; a "
                    "customer's own history pulls their expected spend toward their own average, more so the more "
                    "often they have bought.")
    st.caption(f"Fitted on {models.customers_fitted:,} customers ({models.repeat_customers_fitted:,} repeat "
               f"buyers), purchases up to {numbers.day(models.calibration_end)}. A purchase is a day with an order: "
               "several orders on one day count once.")

st.subheader("How accurate was it? A backtest on your own history")
bt, bt_error = clv_cache.backtest(ws)
if bt is None:
    st.info(f"No backtest: {bt_error}")
else:
    for sentence in bt.sentences[:-1]:
        st.markdown(sentence)
    st.caption(bt.sentences[-1])
    cumulative = st.toggle("Cumulative", value=False, key="clv_tracking_cumulative")
    st.plotly_chart(charts_clv.tracking_chart(bt.by_week, cumulative=cumulative), width="stretch")
    st.plotly_chart(charts_clv.by_frequency_chart(bt.by_frequency), width="stretch")

st.subheader("Most valuable customers")
top = result.top_customers(50)
if blind:
    top["p_alive"] = top["p_alive"].where(top["frequency"] > 0)
top = top.assign(customer_id=top["customer_id"].astype(str)).merge(gross_clv[["customer_id", "gm_clv"]],
                                                                     on="customer_id", how="left")
top["profile"] = "/profile?customer=" + top["customer_id"].astype(str).map(urllib.parse.quote)
st.dataframe(
    top[["customer_id", "profile", "clv", "clv_low", "clv_high", "gm_clv", "expected_purchases", "p_alive", "expected_spend",
         "next_order_expected_at"]],
    hide_index=True, width="stretch",
    column_config={
        "customer_id": st.column_config.TextColumn("Customer"),
        "profile": st.column_config.LinkColumn("Profile", display_text="Open profile"),
        "clv": st.column_config.NumberColumn(f"CLV ({money_unit})", format=money_format),
        "clv_low": st.column_config.NumberColumn(f"Low (80 %, {money_unit})", format=money_format),
        "clv_high": st.column_config.NumberColumn(f"High (80 %, {money_unit})", format=money_format),
        "gm_clv": st.column_config.NumberColumn(f"CLV in gross margin ({money_unit})", format=money_format),
        "expected_purchases": st.column_config.NumberColumn("Expected purchases", format="%.2f"),
        "p_alive": st.column_config.ProgressColumn("Probability active", min_value=0.0, max_value=1.0,
                                                   format="percent"),
        "expected_spend": st.column_config.NumberColumn(f"Per order ({money_unit})", format=money_format),
        "next_order_expected_at": st.column_config.DateColumn("Next order expected"),
    })
st.plotly_chart(charts_clv.clv_distribution_chart(scores, f"({money_unit})"), width="stretch")

st.subheader("Where your valuable customers come from")
by_group = result.by_group
if by_group is None or by_group.empty:
    st.info("Not enough customers per channel, category, country or cohort to compare (at least 30 each).")
else:
    if result.by_group_headline:
        st.success(escape_markdown(result.by_group_headline))
    else:
        st.markdown("No acquisition channel, first category or country is clearly worth more or less than the rest.")
    labels = {"channel": "Acquisition channel", "first_channel": "Channel of the first order",
              "first_category": "Category of the first order", "country": "Country", "cohort": "Quarter of the first order"}
    shown = [d for d in labels if d in set(by_group["dimension"])]
    dimension = st.selectbox("Compare by", shown, format_func=labels.get, key="clv_group_dimension")
    st.plotly_chart(charts_clv.value_by_group_chart(by_group, dimension, f"Predicted value by {labels[dimension].lower()}",
                                                    f"({money_unit})"), width="stretch")
    st.dataframe(
        by_group[by_group["dimension"] == dimension][["value", "customers", "mean_clv", "ci_low", "ci_high",
                                                     "realised_value", "ratio_to_rest", "different"]],
        hide_index=True, width="stretch",
        column_config={"value": st.column_config.TextColumn(labels[dimension]),
                       "customers": st.column_config.NumberColumn("Customers", format="%d"),
                       "mean_clv": st.column_config.NumberColumn(f"Predicted value ({money_unit})", format=money_format),
                       "ci_low": st.column_config.NumberColumn("Low", format="%.0f"),
                       "ci_high": st.column_config.NumberColumn("High", format="%.0f"),
                       "realised_value": st.column_config.NumberColumn(f"Spent so far ({money_unit})", format=money_format),
                       "ratio_to_rest": st.column_config.NumberColumn("× the rest", format="%.2f"),
                       "different": st.column_config.CheckboxColumn("Clearly different")})
    if dimension == "cohort":
        st.caption("Newer customers have more of their life with you ahead of them, so younger cohorts are expected "
                   "to be worth more over the coming months.")
    with st.expander("For analysts: how groups are compared"):
        st.markdown("Mean predicted CLV of the group's customers with a 95 % interval over customers (normal, "
                    "sd/√n); each group against the rest by the ratio of means, with a delta-method interval on the "
                    "log ratio. All intervals are Bonferroni-widened for every comparison on this page together; a "
                    "group is called different only when its ratio's interval excludes 1. The model's own parameter "
                    "uncertainty is not included (it moves every group together).")

st.subheader("Who is due to order again")
if second_purchase_ui.applies(ws, next_orders_apply):
    due = clv_cache.next_orders(ws, result)
    late = due[due["status"] == "overdue"]
    if blind:
        late = late.assign(p_alive=late["customer_id"].map(scores.set_index("customer_id")["p_alive"]))
    d1, d2, d3 = st.columns(3)
    d1.metric("Overdue for their next order", f"{len(late):,}",
              help="Their expected next order (from their own buying rhythm) has passed, but it is less than three "
                   "of their usual gaps since their last order.")
    d2.metric("Their predicted value", numbers.money(late["clv"].sum(), currency))
    d3.metric("Due in the next two weeks", f"{int((due['status'] == 'due soon').sum()):,}")
    if late.empty:
        st.info("Nobody is overdue right now.")
    else:
        late_view = privacy_ui.shown_names(ws, late.head(50)).assign(
            profile="/profile?customer=" + late["customer_id"].head(50).astype(str).map(urllib.parse.quote))
        st.dataframe(
            late_view[["profile", "name", "next_order_expected_at", "overdue_days", "usual_gap_days", "p_alive",
                       "clv"]],
            hide_index=True, width="stretch",
            column_config={"profile": st.column_config.LinkColumn("Customer", display_text="Open profile"),
                           "name": st.column_config.TextColumn("Name"),
                           "next_order_expected_at": st.column_config.DateColumn("Next order expected"),
                           "overdue_days": st.column_config.NumberColumn("Days overdue", format="%d"),
                           "usual_gap_days": st.column_config.NumberColumn("Usually orders every (days)",
                                                                           format="%.0f"),
                           "p_alive": st.column_config.ProgressColumn("Probability active", min_value=0.0,
                                                                      max_value=1.0, format="percent"),
                           "clv": st.column_config.NumberColumn(f"CLV ({money_unit})", format=money_format)})
        data, kept, no_consent, no_email, suppressed = clv_cache.next_orders_file(ws, result)
        privacy_ui.contact_download(ws, "overdue customers (CLV)", kept,
                                    label=f"Download the {kept:,} overdue customers who agreed to e-mail (CSV)",
                                    data=data, file_name="overdue_customers.csv", mime="text/csv",
                                    key="clv_next_orders_download", disabled=kept == 0)
        st.caption(f"Left out: {no_consent:,} without e-mail consent, {no_email:,} without an e-mail address, "
                   f"{suppressed:,} on the suppression list.")

with st.expander("How these numbers are computed"):
    st.markdown(
        "- **Model**: BG/NBD for repeat purchases and Gamma-Gamma for spend per order (Fader, Hardie & Lee), "
        "fitted on every customer's purchase days. Time is measured in weeks.\n"
        "- **CLV** = expected purchases in each coming month × expected spend per order, discounted month by "
        f"month at the monthly equivalent of {discount_pct:.0f} % a year, over {horizon_days} days.\n"
        "- **Low/High**: an 80 % range for the customer's value, simulated from the model: whether the customer is "
        "still active, how many orders they place and what each costs, with the model's own uncertainty about "
        "the shop. When there is a 10 % chance or more that they buy nothing, the range starts at 0. On simulated "
        "shops about 8 in 10 customers' real value lands inside their range.\n"
        "- **Backtest**: the last part of the history is hidden, the model is fitted on the rest, and its "
        "expectation is compared with what happened.")
