"""Revenue's definition on the pages: the one caption line every page that shows money calls
(:func:`revenue_caption`), the KPI page's settings box (:func:`revenue_settings`) and the Upload page's
reconciliation in the source system's own terms (:func:`reconciliation_tables`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from insights.core import currency
from insights.core.markdown import escape_markdown
from insights.ingest.load.shopify import SALES_LABELS, SALES_LINES
from insights.performance.kpis import revenue
from insights.ui import session


def revenue_caption(ws, follows_definition: bool = False) -> None:
    """One short line under a page's title: what revenue means in this workspace. Pages whose figures come
    from ``kpi_order_facts`` (KPIs, cohorts) follow the definition; the others sum order lines."""
    definition = revenue.revenue_definition(ws)
    parts = session.memo("revenue_money_parts", revenue.has_money_parts, ws)
    st.caption(escape_markdown(revenue.revenue_caption(definition, parts, follows_definition)))
    money = session.memo("currency_state", currency.currency_state, ws)
    if money.sentence():     # several currencies: converted with the owner's rates, or left out and said
        (st.warning if money.left_out else st.caption)(escape_markdown(money.sentence()))


def revenue_settings(ws) -> None:
    """The KPI page's box to change the definition; saving rebuilds the summaries and reruns the page."""
    definition = revenue.revenue_definition(ws)
    parts = session.memo("revenue_money_parts", revenue.has_money_parts, ws)
    with st.expander("⚙️ How revenue is counted"):
        if not parts:
            st.caption("Your files carry order lines only (no order totals): tax, shipping and refund dates do "
                       "not apply — revenue is quantity × unit price, net of discounts and returns.")
        cols = st.columns(3)
        tax = cols[0].radio("Tax", revenue.TAX_CHOICES, index=revenue.TAX_CHOICES.index(definition.tax),
                            format_func=lambda c: "Included" if c == "include" else "Excluded",
                            key="revenue_tax", disabled=not parts)
        shipping = cols[1].radio("Shipping", revenue.SHIPPING_CHOICES,
                                 index=revenue.SHIPPING_CHOICES.index(definition.shipping),
                                 format_func=lambda c: "Included" if c == "include" else "Excluded",
                                 key="revenue_shipping", disabled=not parts)
        refunds = cols[2].radio("Refunds count on", revenue.REFUND_CHOICES,
                                index=revenue.REFUND_CHOICES.index(definition.refunds),
                                format_func=lambda c: "the order's date" if c == "order_date" else "the refund's date",
                                key="revenue_refunds", disabled=not parts)
        statuses = revenue.order_statuses(ws)
        left_out = st.multiselect("Leave out orders with status", sorted(set(statuses) | set(definition.excluded_statuses)),
                                  default=list(definition.excluded_statuses), key="revenue_statuses")
        zone = st.text_input("Your shop's time zone (e.g. Europe/Amsterdam; empty: times as the files write them)",
                             value=definition.timezone or "", key="revenue_timezone")
        if st.button("Save how revenue is counted", key="revenue_save"):
            try:
                revenue.set_revenue_definition(ws, tax=tax, shipping=shipping,
                                               refunds=refunds, excluded_statuses=left_out, timezone=zone.strip())
            except ValueError as exc:
                st.error(str(exc))
            else:
                st.rerun()


def reconciliation_frame(reconciliation: dict) -> pd.DataFrame:
    """The source system's report lines as a two-column table (line, amount)."""
    lines = reconciliation["lines"]
    return pd.DataFrame({"Line": [SALES_LABELS[k] for k in SALES_LINES], "Amount": [lines[k] for k in SALES_LINES]})


def reconciliation_tables(report) -> None:
    """After a load: per file that carries it, its figures in the source system's own terms."""
    for file in report.files:
        rec = getattr(file, "reconciliation", None)
        if not rec:
            continue
        st.subheader(f"{escape_markdown(file.name)}: as {escape_markdown(rec['source'])} shows it")
        st.caption(f"{rec['orders']:,} orders{' in ' + escape_markdown(rec['currency']) if rec['currency'] else ''}. "
                   "Hold these against your shop's own sales report for the same orders.")
        st.dataframe(reconciliation_frame(rec), hide_index=True,
                     column_config={"Amount": st.column_config.NumberColumn(format="%.2f")})
        for note in rec.get("notes", []):
            st.caption(escape_markdown(note))
