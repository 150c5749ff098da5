"""Upload data: drop files, check what Clueboard recognised, load them, and see every row accounted for."""

import hashlib

import streamlit as st

from insights.ingest import health_report, prepare_file
from insights.ingest.errors import IngestError
from insights.core import currency
from insights.ingest.mapping import FIELD_LABELS, FIELDS
from insights.ui import access
from insights.ui import (background, currency_box, file_warnings, identical_rows, identity_widgets, session,
                         undo_load, upload_limit, upload_preview, upload_steps, upload_widgets)
from insights.ui import revenue as revenue_ui

st.title("📤 Upload data")
st.caption("Orders from your shop or till, a customer list from your CRM, web-analytics events, surveys and "
           "reviews. CSV, TSV, TXT, Excel (XLSX/XLS) or Parquet — several files at once. "
           "Your data stays on this machine.")
access.require("upload")

ws = session.get_workspace()
upload_widgets.workspace_manager(ws)
undo_load.undo_last_load_control(ws)

report = upload_steps.result_for(ws)       # 3 Loaded: the result of that load alone, not the form
plans, outcomes = [], []
if report is not None:
    upload_steps.step_caption(3)
    st.header("What was loaded")
    background.models_note(ws)          # customer value and churn, fitted after the load while pages open
    upload_widgets.accounting_table(report)
    revenue_ui.reconciliation_tables(report)     # e.g. Shopify's sales-report lines, to hold against the shop's
    identical_rows.kept_notice(report, upload_steps.last_plans())
    file_warnings.file_warnings(report)
    rejects = upload_steps.this_load_rejects(ws, report)
    if len(rejects):
        st.download_button(f"Download the {len(rejects):,} rejected rows of this load with their reasons (CSV)",
                           upload_widgets.safe_csv(rejects), file_name="clueboard-rejected-rows.csv",
                           mime="text/csv")
    identity_widgets.joined_customers_download(ws)
    upload_steps.load_more_button()
else:                                        # 1 Choose files, then 2 Check (and confirm) them
    uploads = st.file_uploader("Drop your files here", accept_multiple_files=True,
                               type=["csv", "tsv", "txt", "xlsx", "xls", "xlsm", "parquet"],
                               key=upload_steps.uploader_key(),
                               help=f"Up to {upload_limit.upload_limit_mb():,} MB per file; a larger file "
                                    "loads from the command line (below).")
    upload_steps.step_caption(2 if uploads else 1)
    upload_limit.larger_files_note(ws.path)
    for upload in uploads or []:
        data = upload.getvalue()
        digest = hashlib.sha256(data).hexdigest()[:16]
        key = f"plan-{digest}"
        with st.expander(f"📄 {upload.name}", expanded=True):
            sheet = st.session_state.get(f"{key}-sheet")
            try:
                plan = session.memo("prepare", prepare_file, data, name=upload.name, sheet=sheet, ws=ws)
            except IngestError as err:
                st.error(f"**{upload.name}** cannot be loaded: {err}")
                continue
            upload_widgets.file_facts(plan)
            if plan.raw.sheets and len(plan.raw.sheets) > 1:
                st.selectbox("Sheet", plan.raw.sheets, index=plan.raw.sheets.index(plan.raw.sheet),
                             key=f"{key}-sheet", help="This workbook has several sheets; pick the one to load.")
            upload_preview.kind_choice(plan, key)
            upload_widgets.date_order_question(plan, key)
            upload_widgets.mapping_editor(plan, FIELDS[plan.kind], FIELD_LABELS, key)
            upload_widgets.consent_notice(plan)
            # more per-file choices go here, one call each; the expected outcome is filled in below
            outcomes.append(st.container())
            plans.append(plan)

if plans:
    problems = [(p.name, p.missing_required()) for p in plans if p.missing_required()]
    for name, missing in problems:
        st.warning(f"**{name}**: choose a column for {', '.join(FIELD_LABELS.get(f, f) for f in missing)} "
                   "before loading.")
    set_aside_identical = identical_rows.set_aside_choice()
    if problems:
        st.button(f"Load {len(plans)} file{'s' if len(plans) > 1 else ''}", type="primary", disabled=True)
    else:
        preview = upload_preview.batch_preview(ws, plans, set_aside_identical)
        if preview is not None:
            for slot, plan, file_preview in zip(outcomes, plans, preview.files):
                with slot:
                    upload_preview.expected_outcome(file_preview, plan)
            upload_preview.load_controls(plans, preview, set_aside_identical)

if ws.has_orders() and not session.is_sample(ws) and currency.written_currency(ws) is None:
    upload_widgets.currency_choice(ws)
if ws.has_orders() and not session.is_sample(ws):
    currency_box.currency_box(ws)      # several currencies: which one money is shown in, and the rates

if ws.has_data() and not plans:              # the workspace's health, not while files are being checked
    st.header("Data health")
    upload_widgets.health_panel(session.memo("health", health_report, ws))
