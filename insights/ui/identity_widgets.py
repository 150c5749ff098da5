"""The Upload page's list of customers whose accounts were joined into one (download)."""

from __future__ import annotations

import streamlit as st

from insights.core.spreadsheet import write_table
from insights.core.workspace import Workspace
from insights.ingest.load.merges import accounts_joined, accounts_joined_frame


def joined_customers_download(ws: Workspace) -> None:
    joined = accounts_joined(ws.con)
    if not joined.customers:
        return
    st.caption(joined.sentence())
    st.download_button(f"Download the {joined.customers:,} joined customers (CSV)",
                       write_table(accounts_joined_frame(ws.con), "csv"), file_name="clueboard-joined-customers.csv",
                       mime="text/csv", key="clueboard_joined_download")
