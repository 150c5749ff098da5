"""The Upload page's currency box: which currency money is reported in, and the owner's rates for the others.

Shown when the order lines are in more than one currency, or the owner has chosen a reporting currency or given
rates. Saving goes through :mod:`insights.core.currency`, which rebuilds the marts: every page follows.
"""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from insights.core import currency
from insights.core.markdown import escape_markdown
from insights.core.money import COMMON_CURRENCIES as CURRENCIES


def currency_box(ws) -> None:
    state = currency.currency_state(ws)
    rates = currency.rates(ws)
    written = [c.currency for c in state.by_currency if c.currency]
    if len(written) < 2 and not state.chosen and not rates:
        return
    title = f"💱 Currencies: money is shown in {state.reporting}" if state.reporting else "💱 Currencies"
    with st.expander(title, expanded=bool(state.left_out)):
        if state.sentence():
            (st.warning if state.left_out else st.caption)(escape_markdown(state.sentence()))
        options = list(dict.fromkeys([*written, *CURRENCIES]))
        reporting = st.selectbox("Show money in", options, key="currency_reporting",
                                 index=options.index(state.reporting) if state.reporting in options else 0,
                                 help="Amounts in other currencies are converted with your rates below; without "
                                      "a rate they are left out of money totals, and the pages say so.")
        every_month = {r.currency: r.rate for r in rates if r.month is None}
        st.caption(f"Rates: what one unit of each currency is worth in {escape_markdown(reporting)} "
                   "(0 = no rate). Rates per month: `python -m insights settings --rate USD:2024-01=0.93` or "
                   "`--rates rates.csv`.")
        entered = {}
        for code in [c for c in written if c != reporting]:
            entered[code] = st.number_input(f"1 {code} in {reporting}", min_value=0.0, step=0.0001, format="%.4f",
                                            value=float(every_month.get(code, 0)), key=f"currency_rate_{code}")
        if st.button("Save currencies", key="currency_save"):
            new = [currency.Rate(code, Decimal(str(value))) for code, value in entered.items() if value > 0]
            removed = [currency.Rate(code, Decimal(1)) for code, value in entered.items()
                       if value <= 0 and code in every_month]
            try:
                if reporting != state.reporting or not state.chosen:
                    currency.set_reporting_currency(ws, reporting)
                currency.set_rates(ws, new, removed)
            except ValueError as exc:
                st.error(str(exc))
            else:
                st.rerun()
