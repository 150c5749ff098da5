"""Experiments: did the change or the campaign work (upload a test's result file), and how many customers a test
needs (the planner)."""

import hashlib

import pandas as pd
import streamlit as st

from insights.core import numbers
from insights.core.markdown import escape_markdown
from insights.experiments.analysis import analyse
from insights.experiments.campaign import analyse_campaign, read_assignment
from insights.experiments.planner import mde_at, users_per_variant
from insights.experiments.revenue_plan import plan_revenue, revenue_spread
from insights.experiments.result_file import ExperimentError, read_result_file
from insights.ingest.errors import IngestError
from insights.ui import session

session.page_header(
    "🧪 Experiments",
    "Did the new subject line, the free-shipping threshold or the win-back e-mail really bring more orders — or was "
    "it chance? Upload a test's result file (one row per customer, which version they got, what they did), measure "
    "a campaign with a held-back group against the orders that followed, or plan how many customers a test needs.")

read_tab, campaign_tab, plan_tab = st.tabs(["Read a test's result", "Measure a campaign with your orders",
                                            "Plan a test"])


def show_result(result, labels, exclusions, money_note: str) -> None:
    """The verdict first, one line per metric, who took part and who was left out, the numbers for analysts."""
    box = st.error if result.srm.flagged else (st.info if result.final is False else st.success if any(
        result.significant(i) for i in range(len(result.comparisons))) else st.info)
    box(escape_markdown(result.verdict))
    for line in result.details:
        st.markdown("- " + escape_markdown(line))
    counts = ", ".join(f"{escape_markdown(lab)}: {n:,} customers" for lab, n in zip(labels, result.srm.units))
    st.markdown(f"**Who took part.** {counts}.")
    for e in exclusions:
        st.markdown(f"- Left out {e['rows']:,} rows: {escape_markdown(e['reason'])}.")
    with st.expander("For analysts"):
        st.dataframe(pd.DataFrame(result.to_dict()["metrics"]), hide_index=True)
        st.markdown("**Bayesian view.** The chance each version beats the control, and the expected loss of each "
                    "choice (what is given up on average if the choice turns out wrong), in the metric's unit:")
        st.dataframe(pd.DataFrame([b.to_dict() for b in result.bayesian()]), hide_index=True,
                     column_config={"chance_better": st.column_config.NumberColumn("P(beats control)",
                                                                                  format="percent")},
                     key="experiment_bayes_table")
        st.markdown(f"Sample ratio mismatch: χ² p = {result.srm.p_value:.3g} against the planned split "
                    f"{', '.join(f'{s:.0%}' for s in result.srm.expected_split)} (flagged below 0.001). "
                    f"p-values adjusted by Holm over {len(result.comparisons)} comparison(s); " + money_note)


with read_tab:
    upload = st.file_uploader("Result file", type=["csv", "tsv", "txt", "xlsx", "xls"], key="experiment_file",
                              help="One row per customer or recipient: a column saying which version they got "
                                   "(such as A/B or control/treatment) and columns with what they did (bought yes/no, "
                                   "orders, money spent).")
    if upload is not None:
        data_bytes = upload.getvalue()
        digest = hashlib.sha256(data_bytes).hexdigest()[:16]
        middle, right = st.columns(2)
        try:
            data = read_result_file(data_bytes, name=upload.name)
        except (ExperimentError, IngestError) as exc:
            st.error(escape_markdown(str(exc)))
            st.stop()
        st.caption(f"Versions read from the column “{escape_markdown(data.variant_column)}”; outcomes: "
                   f"{', '.join(escape_markdown(m.name) for m in data.metrics)}.")
        chosen = middle.selectbox("Which version is the usual one (the control)?", data.labels,
                                  index=data.labels.index(data.control) if data.control else None,
                                  key=f"experiment_control_{digest}", placeholder="Pick the control")
        split = right.text_input("Planned split (control first)", placeholder="50/50", key=f"experiment_split_{digest}")
        peeking = st.checkbox("I look at this test while it is still running", key=f"experiment_peek_{digest}",
                              help="Then the intervals are widened so that looking every day does not fool you.")
        planned = st.number_input("Customers the test was planned for (all versions together; 0 if not planned)",
                                  min_value=0, value=0, step=100, key=f"experiment_planned_{digest}",
                                  help="Read before that many are in, the result is provisional and its ranges are "
                                       "widened for looking early; it is final once they are.")
        if chosen is None:
            st.info("Which version did customers get before the test? Pick it above to read the result.")
            st.stop()
        try:
            result = analyse(data.with_control(chosen), split=split or None, sequential=peeking, robust=True,
                             planned_units=int(planned) or None)
        except ExperimentError as exc:
            st.error(escape_markdown(str(exc)))
            st.stop()
        show_result(result, data.labels, data.exclusions,
                    "money metrics winsorised at the 99th percentile of buyers' values.")

def campaign_section(ws) -> None:
    """Upload a campaign list; the verdict read from the workspace's orders (returns early, never stops the page:
    the planner tab comes after)."""
    listed = st.file_uploader("Campaign list", type=["csv", "tsv", "txt", "xlsx", "xls"], key="campaign_file",
                              help="One row per customer: a group column (treated / control, A / B …), an e-mail "
                                   "or customer id column, and a send date column (or give the date below).")
    w1, w2 = st.columns(2)
    window = w1.number_input("Orders count for this many days after the send", min_value=1, max_value=365,
                             value=30, step=1, key="campaign_window")
    sent = w2.date_input("Sent on (when the list has no date column)", None, key="campaign_sent")
    if listed is None:
        return
    ws.ensure_marts()
    try:
        assignment = read_assignment(listed.getvalue(), name=listed.name, sent=sent)
    except (ExperimentError, IngestError) as exc:
        st.error(escape_markdown(str(exc)))
        return
    digest = hashlib.sha256(listed.getvalue()).hexdigest()[:16]
    chosen = st.selectbox("Which group was held back (the control)?", assignment.labels,
                          index=assignment.labels.index(assignment.control) if assignment.control else None,
                          key=f"campaign_control_{digest}", placeholder="Pick the control")
    if chosen is None:
        st.info("Which group did not get the campaign? Pick it above to read the result.")
        return
    assignment.control = chosen
    assignment.labels = [chosen] + [lab for lab in assignment.labels if lab != chosen]
    try:
        found = session.memo("campaign_result",
                             lambda w, _k: analyse_campaign(w, assignment, window_days=int(window),
                                                            currency=session.currency(w)),
                             ws, (digest, chosen, int(window), str(sent)))
    except ExperimentError as exc:
        st.error(escape_markdown(str(exc)))
        return
    show_result(found.result, assignment.labels, found.result.data.exclusions,
                "outcomes adjusted per group for each customer's orders or revenue in the "
                f"{found.pre_days} days before the send (regression adjustment, CUPED's idea).")
    gains = ", ".join(f"{escape_markdown(m)} {share:.0%}" for m, share in found.narrower.items())
    st.caption(f"Using what each customer bought before the send made the ranges narrower: {gains}.")
    for note in found.notes:
        st.warning(escape_markdown(note))


with campaign_tab:
    st.markdown("Sent a campaign to most of a list and held some customers back? Upload the list — who was in which "
                "group, their e-mail or customer id, and when it went out — and Clueboard reads what each group "
                "bought afterwards from your orders. Each customer's buying before the send is used to sharpen the "
                "comparison, so smaller lists can tell.")
    campaign_ws = session.get_workspace()
    if campaign_ws.has_orders():
        campaign_section(campaign_ws)
    else:
        st.info("This workspace has no orders yet: load an orders export on the Upload page, then a campaign's "
                "outcome can be read from it.")

def revenue_plan_section(ws) -> None:
    """The planner for revenue per customer, from the spread of the shop's own customers' spending."""
    if not ws.has_orders():
        st.info("Planning for revenue reads how much your customers' spending varies: load an orders export on the "
                "Upload page first.")
        return
    a, b, c = st.columns(3)
    window = a.number_input("Revenue counted for this many days after the send", min_value=7, max_value=365,
                            value=30, step=1, key="plan_revenue_window")
    lift = b.number_input("Smallest rise worth knowing (% of today's revenue per customer)", min_value=1.0,
                          max_value=500.0, value=10.0, step=1.0, key="plan_revenue_lift")
    held = c.number_input("Held back as the control (%)", min_value=5, max_value=50, value=50, step=5,
                          key="plan_revenue_held")
    spread = session.memo("revenue_spread", revenue_spread, ws, int(window))
    if spread is None:
        st.info(f"Fewer than two customers had bought before the last {int(window)} days of your data: there is no "
                "spending to read a spread from yet.")
        return
    money = session.currency(ws)
    found = plan_revenue(spread, lift / 100, control_share=held / 100)
    st.metric("Customers needed in all", f"{found.total_users:,}",
              help=f"{found.control_users:,} of them held back. Without using each customer's past spending: "
                   f"{found.total_unadjusted:,}.")
    st.markdown(f"In your last {spread.window_days} days a customer spent **{numbers.money(spread.mean, money)}** on "
                f"average, but it varies a lot from one customer to the next. What each customer bought in the year "
                f"before explains **{spread.r_squared:.0%}** of that, so Clueboard's reading of the campaign needs "
                f"**{found.total_users:,}** customers instead of {found.total_unadjusted:,} to tell a rise of "
                f"{lift:g}% ({numbers.money(found.difference, money)} per customer) from chance.")
    list_size = st.number_input("Customers you can include", min_value=0, value=2000, step=100,
                                key="plan_revenue_list")
    if list_size >= 4:
        at = plan_revenue(spread, lift / 100, control_share=held / 100, list_size=int(list_size))
        st.markdown(f"With your **{int(list_size):,}** customers and {held}% held back, the smallest rise in revenue "
                    f"per customer you can detect is **{at.mde_at_list_size:.0%}** "
                    f"({at.mde_unadjusted:.0%} without using their past).")
    with st.expander("For analysts"):
        st.markdown(f"Revenue per customer over the {spread.window_days} days from {numbers.day(spread.as_of)} among "
                    f"{spread.customers:,} customers who had bought before: mean {numbers.money(spread.mean, money)}, "
                    f"sd {numbers.money(spread.sd, money)}; ρ² with the {spread.pre_days} days before = "
                    f"{spread.r_squared:.3f}, so the regression adjustment's sd is "
                    f"{numbers.money(spread.adjusted_sd, money)}. Total N = (z₀.₉₇₅ + z₀.₈)² σ² "
                    f"(1/s + 1/(1−s)) / δ², normal approximation; `python -m insights plan --revenue` takes other "
                    f"settings.")


with plan_tab:
    st.markdown("How many customers must each version reach so that a real change is not mistaken for chance?")
    measure = st.radio("What the test is judged on", ["Share who buy", "Revenue per customer"], horizontal=True,
                       key="plan_measure")
    if measure == "Revenue per customer":
        revenue_plan_section(session.get_workspace())
        st.stop()
    a, b, c = st.columns(3)
    baseline = a.number_input("How many buy today (%)", min_value=0.1, max_value=99.0, value=5.0, step=0.5,
                              key="plan_baseline")
    lift = b.number_input("Smallest rise worth knowing (% of today's rate)", min_value=1.0, max_value=500.0,
                          value=10.0, step=1.0, key="plan_lift")
    list_size = c.number_input("Customers you can include", min_value=0, value=2000, step=100, key="plan_list")
    try:
        needed = users_per_variant(baseline / 100, lift / 100)
        st.metric("Customers needed per version", f"{needed:,}", help=f"{2 * needed:,} in all for two versions.")
        if list_size >= 4:
            smallest = mde_at(int(list_size) // 2, baseline / 100)
            st.markdown(f"With your **{int(list_size):,}** customers split in two, the smallest rise you can "
                        f"detect is **{smallest:.0%}** of today's rate (from {baseline:g}% to "
                        f"{baseline * (1 + smallest):.2f}%).")
    except ValueError as exc:
        st.warning(escape_markdown(str(exc)))
    with st.expander("For analysts"):
        st.markdown("Two-sided test at α = 0.05 with 80% power, Fleiss' sample-size formula for two proportions; "
                    "`python -m insights plan` takes other settings.")
