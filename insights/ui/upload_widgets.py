"""Widgets of the Upload page: workspace management, file facts, mapping editor, row accounting, health."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from insights.core.markdown import escape_markdown
from insights.core import numbers
from insights.core.money import COMMON_CURRENCIES as CURRENCIES
from insights.core.spreadsheet import write_table
from insights.ui import session
from insights.ui import upload_steps
from insights.core.workspace import Workspace
from insights.ingest.load.consent import implied_consent

NOT_IN_FILE = "— not in this file —"
SEVERITY_ICON = {"ok": "✅", "info": "ℹ️", "warning": "⚠️"}


def workspace_manager(ws: Workspace) -> None:
    """Create, rename or delete workspaces (local mode only)."""
    on_sample = session.is_sample(ws)
    label = "Sample shop (your uploads go into a new workspace)" if on_sample else ws.name
    with st.expander(f"Workspace: **{escape_markdown(label)}**", expanded=False):
        if session.hosted():
            account = session.signed_in()
            st.caption("This workspace is private to your browser session." if account is None else
                       f"Workspaces here belong to team {escape_markdown(account.team)}: everyone in it sees them.")
        new_name = st.text_input("New workspace", placeholder="e.g. My shop 2026", key="clueboard_new_ws")
        if st.button("Create and switch", disabled=not new_name.strip()):
            session.set_workspace(Workspace.create(new_name.strip(), root=session.workspaces_root()))
            upload_steps.forget_result()
            st.rerun()
        if not on_sample:
            renamed = st.text_input("Rename this workspace", value=ws.name, key="clueboard_rename_ws")
            if renamed.strip() and renamed.strip() != ws.name and st.button("Rename"):
                ws.rename(renamed.strip())
                st.rerun()
            confirm = st.checkbox(f"Yes, delete “{ws.name}” and all its data", key="clueboard_delete_confirm")
            if st.button("Delete this workspace", disabled=not confirm, type="secondary"):
                ws.delete()
                session.set_workspace(session.open_sample_copy(), sample=True)
                upload_steps.forget_result()
                st.rerun()


def file_facts(plan) -> None:
    raw = plan.raw
    facts = [f"**Format:** {raw.format.upper()}"]
    if raw.encoding:
        facts.append(f"**Encoding:** {raw.encoding}")
    if raw.delimiter:
        facts.append(f"**Delimiter:** {'tab' if raw.delimiter == chr(9) else repr(raw.delimiter)}")
    if raw.sheet:
        facts.append(f"**Sheet:** {escape_markdown(raw.sheet)}")
    facts.append(f"**Rows:** {raw.data.num_rows:,}")
    if raw.header_row and raw.header_row > 1:
        facts.append(f"**Header found on row {raw.header_row}**")
    st.markdown(" · ".join(facts))
    for note in raw.notes:
        st.caption(escape_markdown(note))    # notes quote cells of the file
    if getattr(plan, "remembered", False):
        st.success("Column mapping remembered from an earlier file with the same layout.", icon="🧠")


def date_order_question(plan, key: str) -> None:
    """Ask the owner when a date column could be read either day-first or month-first."""
    for question in getattr(plan, "questions", []) or []:
        options = {"dmy": "Day first (31/12/2024)", "mdy": "Month first (12/31/2024)"}
        current = plan.date_order if plan.date_order in options else "dmy"
        choice = st.radio(str(question), list(options), index=list(options).index(current),
                          format_func=options.get, key=f"{key}-dateorder", horizontal=True)
        if choice != plan.date_order:
            plan.set_date_order(choice)


def mapping_editor(plan, fields, labels, key: str) -> None:
    """One select box per canonical field; changes go straight into the plan."""
    st.markdown("**Column mapping** — which of your columns is which (change anything that is wrong)")
    choices = [NOT_IN_FILE] + list(plan.columns)
    cols = st.columns(3)
    for i, field in enumerate(fields):
        current = plan.mapping.get(field)
        index = 0 if current is None else current + 1
        picked = cols[i % 3].selectbox(labels.get(field, field), choices, index=index, key=f"{key}-map-{field}")
        wanted = None if picked == NOT_IN_FILE else choices.index(picked) - 1
        if wanted != current:
            plan.set_mapping(field, wanted)


def consent_notice(plan) -> None:
    """Before loading: a customer list without an e-mail opt-in column means nobody in it can be e-mailed."""
    if plan.kind != "customers" or plan.mapping.get("consent_email") is not None:
        return
    implied = implied_consent(plan.columns, plan.name)
    if implied is not None:
        st.info(f"A Mailchimp audience export of {implied.status} contacts: e-mail consent will be recorded as "
                f"{'yes' if implied.consent else 'no'} for everyone in it.", icon="📬")
    else:
        st.warning("No consent column: 0 customers of this file can be e-mailed. Choose the opt-in column for "
                   "“E-mail opt-in” above, or confirm later in the export that they agreed to e-mail.", icon="⚠️")


def accounting_table(report) -> None:
    """Rows read = loaded + rejected + set aside, per file, with revenue reconciliation."""
    rows = []
    for f in report.files:
        rows.append({
            "File": f.name, "Kind": f.kind, "Rows read": f.rows_read, "Loaded": f.rows_loaded,
            "Rejected": f.rows_rejected, "Set aside": f.rows_set_aside,
            "Revenue in file": numbers.money(f.revenue_read, getattr(f, "currency", None)) if f.kind == "transactions" else "",
            "Revenue loaded": numbers.money(f.revenue_loaded, getattr(f, "currency", None)) if f.kind == "transactions" else "",
            "Orders dated by": getattr(f, "order_date_column", None) or "",
            "Note": "already loaded — nothing changed" if f.already_loaded else "",
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    for f in report.files:
        reasons = {**{f"rejected: {k}": v for k, v in (f.rejected_by_reason or {}).items()},
                   **{f"set aside: {k}": v for k, v in (f.set_aside_by_reason or {}).items()}}
        if reasons:
            st.caption(escape_markdown(f"{f.name}: " + "; ".join(f"{v:,} {k}" for k, v in reasons.items())))
        if getattr(f, "attributes", None):
            st.caption(escape_markdown(f"{f.name}: kept as order attributes (flags, tags, codes, later dates): "
                                       + ", ".join(f.attributes)))
        if getattr(f, "reconciliation", None):
            st.caption(escape_markdown(f"{f.name}: {f.reconciliation.get('summary', '')}"))
        for warning in getattr(f, "warnings", None) or []:
            st.warning(f"**{escape_markdown(f.name)}**: {warning}", icon="⚠️")


def health_panel(items) -> None:
    for item in items:
        icon = SEVERITY_ICON.get(item.severity, "•")
        with st.container(border=True):
            # titles and values may carry file names, currencies and labels from the owner's files
            st.markdown(f"{icon} **{escape_markdown(item.title)}** — {escape_markdown(item.value)}")
            if item.meaning:
                st.caption(escape_markdown(item.meaning))
            if item.action and item.severity != "ok":
                st.caption(f"What you can do: {escape_markdown(item.action)}")


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes with every text cell safe to open in a spreadsheet (no formula injection)."""
    return write_table(frame, "csv")


def currency_choice(ws: Workspace) -> None:
    """The files hold no currency column: let the owner say which currency the amounts are in."""
    current = ws.setting("currency")
    options = [None, *CURRENCIES] + ([current] if current and current not in CURRENCIES else [])
    picked = st.selectbox("Your files do not say which currency the amounts are in. Which is it?", options,
                          index=options.index(current), key="clueboard_currency",
                          format_func=lambda c: "Not set: show amounts without a symbol" if c is None else c,
                          help="Used on every page of this workspace. A currency column in a file takes precedence.")
    if picked != current:
        ws.set_setting("currency", picked)
        st.rerun()
