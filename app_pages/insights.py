"""Insights: what happened in the shop, why, what to do and who does it — the five that matter most."""

from functools import partial

import streamlit as st

from insights.core.markdown import escape_markdown
from insights.core import numbers
from insights.core.spreadsheet import write_table
from insights.feed import (CONFIDENCE_WORDS, NEXT, OWNERS, STATUSES, WINDOWS, build_feed, choose, default_as_of,
                           set_status, window_start, with_current_statuses)
from insights.feed.churn_drivers import driver_contacts
from insights.feed.overdue import overdue_contacts
from insights.second_purchase.follow_up import follow_up_file, follow_up_list
from insights.second_purchase.view import second_purchase_view
from insights.ui import second_purchase as second_purchase_ui
from insights.feed.digest import KINDS, report_bytes
from insights.feed.outcome import CONTROL_SHARE, outcome_words, plan_export, record_export
from insights.ui import privacy as privacy_ui
from insights.ui import session

TOP = 5
STATUS_WORDS = {"new": "New", "seen": "Seen", "acted": "Acted on", "closed": "Closed", "dismissed": "Dismissed"}
BUTTONS = {"seen": "Mark as seen", "acted": "We acted on it", "closed": "Close"}
EVIDENCE = {"/kpis": "the KPI scorecard", "/churn": "the churn watchlist", "/clv": "the customer value page",
            "/acquisition": "the acquisition page", "/feedback": "the customer feedback page",
            "/funnel": "the funnel page", "/cohorts": "the cohorts page",
            "/cohorts?view=second-purchase": "the second-purchase view"}

ws = session.require_workspace_with_orders()
currency = session.currency(ws)
money = lambda v: numbers.money(v, currency)  # noqa: E731 — a local shorthand

st.title("💡 Insights")
st.caption("What changed in your shop, why, and what to do about it — the most money at stake first.")
second_purchase_ui.one_time_buyer_notice(ws)

as_of = session.memo("feed_as_of", default_as_of, ws)
found = with_current_statuses(ws, session.memo("feed", build_feed, ws))

left, middle, right = st.columns(3)
window = left.selectbox("About", list(WINDOWS), index=2, key="feed_window")
owners = middle.multiselect("Who acts", OWNERS, default=list(OWNERS), key="feed_owners",
                            format_func=str.capitalize)
wanted = right.multiselect("Status", STATUSES, default=["new", "seen", "acted"], key="feed_statuses",
                           format_func=STATUS_WORDS.get)
since = window_start(window, as_of)
shown = choose(found, owners, wanted, since)
unusual = [i for i in choose(found, since=since) if i.kind == "anomaly"]

with st.container(horizontal=True):
    for kind in KINDS:
        st.download_button(f"Download the report ({kind.upper()})", key=f"report_{kind}", on_click="ignore",
                           data=lambda kind=kind: report_bytes(ws, kind, since=since, as_of=as_of, insights=shown),
                           file_name=f"clueboard-insights-{as_of}.{kind}", mime=KINDS[kind],
                           help="The insights chosen above, with their charts, for someone who does not open the app"
                                + (" (opens offline in any browser)." if kind == "html" else "."))

if not unusual:
    st.success(f"Nothing unusual {window if window.startswith('this') else 'in ' + window}: revenue, orders, "
               "new customers, order value and conversion were where the weeks before predict.", icon="✅")
if not shown:
    st.info("No insight matches these choices. Widen “About”, or include other statuses.")

for rank, insight in enumerate(shown[:TOP], start=1):
    with st.container(border=True, key=f"card_{insight.id}"):
        st.markdown(f"#### {rank}. {escape_markdown(insight.title)}")
        what, stake = st.columns([3, 1])
        with what:
            evidence = EVIDENCE.get(insight.evidence_url, "the evidence")
            st.markdown(f"**Why.** {escape_markdown(insight.why)} [See it on {evidence}]({insight.evidence_url})")
            st.markdown(f"**What to do.** {escape_markdown(insight.action['text'])}")
            st.caption(f"Who acts: {insight.owner} · Status: {STATUS_WORDS[insight.status]}")
        with stake:
            st.metric("At stake", money(insight.impact),
                      help="Money this is worth, with its likely range below.")
            st.caption(f"Likely between {money(insight.impact_low)} and {money(insight.impact_high)}.")
            st.caption(CONFIDENCE_WORDS[insight.confidence])
        result = outcome_words(insight.details.get("outcome"), currency)
        if result:
            st.info(f"**Result.** {escape_markdown(result)}", icon="📏")
        if insight.action.get("export") in ("overdue", "churn_driver"):
            # the split is drawn among the customers who may be e-mailed, so the control is like the treated
            overdue = insight.action["export"] == "overdue"
            contacts = (session.memo("feed_overdue_contacts", overdue_contacts, ws, as_of) if overdue else
                        session.memo("feed_driver_contacts", driver_contacts, ws, insight.details.get("reason_key", "")))
            hold = st.checkbox(f"Hold back {CONTROL_SHARE:.0%} as a control", key=f"hold_{insight.id}",
                               help="A random tenth of the list is left out and remembered; after your next upload "
                                    "this card shows what the contacted customers bought against them.")
            rows, chosen = plan_export(ws, insight, contacts.kept, hold)
            # logged in the privacy log when clicked; then the split is remembered, once the list really leaves
            what = "overdue customers" if overdue else f"customers at risk: {insight.subject['value']}"
            privacy_ui.contact_download(ws, what, len(rows), then=partial(record_export, ws, insight, chosen),
                                        label=f"Download the {len(rows):,} customers you may e-mail (CSV)",
                                        data=write_table(rows, "csv"),
                                        file_name="overdue_customers.csv" if overdue else "customers_at_risk.csv",
                                        mime="text/csv", key=f"export_{insight.id}")
            st.caption(f"{contacts.rule} Left out: {contacts.left_for_consent:,} without e-mail consent, "
                       f"{contacts.left_without_email:,} without an address, {contacts.left_suppressed:,} on the "
                       "suppression list.")
        if insight.action.get("export") == "second_purchase":
            view = session.memo("second_purchase_view", second_purchase_view, ws)
            made = follow_up_file(ws, follow_up_list(view)) if view is not None else None
            if made is not None:
                privacy_ui.contact_download(
                    ws, "second-purchase follow-up", made.written,
                    label=f"Download the {made.written:,} first-time buyers to follow up (CSV)", data=made.data,
                    file_name="second_purchase_follow_up.csv", mime="text/csv", key=f"export_{insight.id}",
                    disabled=made.written == 0)
                st.caption(f"Only customers who agreed to e-mail: {made.without_consent:,} left out, "
                           f"{made.suppressed:,} on the suppression list.")
        steps = NEXT[insight.status]
        with st.container(horizontal=True):
            for step in [s for s in steps if s != "dismissed"]:
                if st.button(BUTTONS[step], key=f"status_{insight.id}_{step}"):
                    set_status(ws, insight.id, step)
                    st.rerun()
            if "dismissed" in steps:
                with st.popover("Dismiss…"):
                    reason = st.text_input("Why is this not worth acting on?", key=f"reason_{insight.id}")
                    if st.button("Dismiss", key=f"status_{insight.id}_dismissed", disabled=not reason.strip()):
                        set_status(ws, insight.id, "dismissed", reason=reason)
                        st.rerun()
        with st.expander("For analysts"):
            st.markdown(f"Kind `{insight.kind}` · metric `{insight.metric}` · period `{insight.period}` · "
                        f"subject {escape_markdown(insight.subject['dimension'])} = "
                        f"{escape_markdown(insight.subject['value'])} · cause "
                        f"`{insight.action.get('cause', '—')}` · id `{insight.id}`")
            st.json(insight.details, expanded=False)
            if insight.kind == "anomaly":
                st.caption("Baseline: least squares on the daily figures before the period (up to a year) with a "
                           "level per weekday and a linear trend (statsmodels OLS); expected = the prediction "
                           "summed over the period's own days; spread = the fitted line's uncertainty plus the "
                           "spread of residuals summed over runs of as many days; two-sided z-test; "
                           "Benjamini–Hochberg adjusted p-value (q) over every series and period tested; "
                           "confidence high at q ≤ 0.001, medium ≤ 0.01, low ≤ 0.05.")

if len(shown) > TOP:
    st.caption(f"{len(shown) - TOP} more insight{'s' if len(shown) - TOP != 1 else ''} below the top five: "
               "narrow the choices above to see them.")
older = len(choose(found, owners, wanted)) - len(shown)
if older > 0:
    st.caption(f"{older} insight{'s' if older != 1 else ''} about earlier periods: choose “all history” to see "
               f"{'them' if older != 1 else 'it'}.")
