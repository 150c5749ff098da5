"""The Products page's two contact lists, each with a control held back through the outcome loop: each
customer's next products in the columns an e-mail tool imports, and the customers of a cross-sell gap."""

from __future__ import annotations

import re
from functools import partial

import streamlit as st

from insights.core.dates import data_end
from insights.core.markdown import escape_markdown
from insights.core.spreadsheet import write_table
from insights.feed.cross_sell import cross_sell_gaps, gap_contacts, recommendation_insight
from insights.feed.outcome import CONTROL_SHARE, plan_export, record_export
from insights.products.recommend import EMAIL_TOOLS, email_rows
from insights.products.stored import stored_recommendations
from insights.ui import privacy as privacy_ui
from insights.ui import session

HOLD_HELP = ("A random tenth of the list is left out and remembered; after your next upload the Insights page "
             "shows what the e-mailed customers bought against them.")


def _email_file(ws, layout: str):
    return email_rows(ws, stored_recommendations(ws), layout)


def recommendation_export(ws) -> None:
    """Each consented customer's top 3 stored products (by the backtest's choice), for Mailchimp or Klaviyo,
    with a control."""
    end = data_end(ws)
    if end is None:
        return
    left, right = st.columns(2)
    layout = left.radio("For", list(EMAIL_TOOLS), horizontal=True, key="products_email_tool",
                        format_func={"mailchimp": "Mailchimp", "klaviyo": "Klaviyo"}.get)
    hold = right.checkbox(f"Hold back {CONTROL_SHARE:.0%} as a control", key="products_recs_hold", help=HOLD_HELP)
    with st.spinner("Choosing each customer's next products…"):
        made = session.memo("products_email_rows", _email_file, ws, layout)
    insight = recommendation_insight(end.date(), len(made.rows), stored_recommendations(ws).method)
    keep, chosen = plan_export(ws, insight, made.rows.assign(customer_id=made.customer_key.to_numpy()), hold)
    rows = keep.drop(columns="customer_id")
    privacy_ui.contact_download(ws, "product recommendations", len(rows),
                                detail={"layout": layout, "held_back": len(made.rows) - len(rows)},
                                then=partial(record_export, ws, insight, chosen),
                                label=f"Download {len(rows):,} customers' next products (CSV)",
                                data=write_table(rows, "csv"), file_name=f"next-products-{layout}.csv",
                                mime="text/csv", key="products_recs_download", disabled=rows.empty)
    st.caption(f"{made.rule} Left out: {made.left_for_consent:,} without e-mail consent, "
               f"{made.left_without_email:,} without an address, {made.left_suppressed:,} on the suppression list. "
               "Customers with no order yet get the products that most often made first-time buyers come back.")


def cross_sell_lists(ws) -> None:
    """The feed's cross-sell gaps, each in words with its consented list and a control."""
    end = data_end(ws)
    found = session.memo("products_cross_sell", cross_sell_gaps, ws, end.date()) if end is not None else []
    if not found:
        st.caption("No pair bought together leaves 100 or more customers who bought one and never the other.")
        return
    for insight in found:
        st.markdown(f"**{escape_markdown(insight.title)}.** {escape_markdown(insight.why)}")
        contacts = session.memo("products_gap_contacts", lambda w, _id: gap_contacts(w, insight), ws, insight.id)
        hold = st.checkbox(f"Hold back {CONTROL_SHARE:.0%} as a control", key=f"products_gap_hold_{insight.id}",
                           help=HOLD_HELP)
        rows, chosen = plan_export(ws, insight, contacts.kept, hold)
        privacy_ui.contact_download(
            ws, "cross-sell list", len(rows), then=partial(record_export, ws, insight, chosen),
            label=f"Download the {len(rows):,} customers you may e-mail (CSV)", data=write_table(rows, "csv"),
            file_name=re.sub(r"[^A-Za-z0-9]+", "-", f"cross-sell {insight.subject['value']}") + ".csv",
            mime="text/csv", key=f"products_gap_download_{insight.id}", disabled=rows.empty)
        st.caption(f"{contacts.rule} Left out: {contacts.left_for_consent:,} without e-mail consent, "
                   f"{contacts.left_without_email:,} without an address, {contacts.left_suppressed:,} on the "
                   "suppression list.")
