"""Privacy: erase a customer at their request, the suppression list, and the record of who did what."""

import json

import streamlit as st

from insights.core import accounts, audit, pseudonyms, suppression
from insights.core.markdown import escape_markdown
from insights.ingest.errors import IngestError
from insights.privacy import analyst, erasure, lists, retention
from insights.ui import access
from insights.ui import privacy as privacy_ui
from insights.ui import session

ws = session.page_header("🔒 Privacy", "Erase a customer who asks, keep people you must not contact out of every "
                         "export, and see who revealed or exported personal data.")
if session.is_sample(ws):
    st.info("This is the sample shop: changes here are made to your private copy of it only.")

if not access.allowed("erase"):
    st.info("Erasing customers, the suppression list and the retention rules are for your team's owners. "
            + access.refusal("erase"), icon="🔒")
else:
    st.subheader("Erase a customer")
    st.caption("Removes the person from every table (customers, orders, web events, feedback, rejected rows, scores), "
               "keeps their orders' money without them so revenue still adds up, and keeps them out of later uploads. "
               "It cannot be undone.")
    how = st.radio("Find them by", ["E-mail", "Phone", "Customer id"], horizontal=True, key="privacy_erase_by")
    value = st.text_input(f"{how} of the person to erase", key="privacy_erase_value")
    sure = st.checkbox("I understand this cannot be undone", key="privacy_erase_sure")
    if st.button("Erase this customer", key="privacy_erase", type="primary", disabled=not (value.strip() and sure)):
        given = {"E-mail": "email", "Phone": "phone", "Customer id": "customer_id"}[how]
        try:
            receipt = erasure.erase(ws, actor=privacy_ui.actor(), **{given: value})
        except erasure.ErasureError as exc:
            st.error(str(exc))
        else:
            st.session_state["privacy_receipt"] = receipt
    receipt = st.session_state.get("privacy_receipt")
    if receipt is not None:
        (st.success if receipt.clean else st.error)("\n\n".join(escape_markdown(line) for line in receipt.lines()))
        st.download_button("Download the receipt (JSON)", data=json.dumps(receipt.to_dict(), indent=2),
                           file_name=f"{receipt.receipt_id}.json", mime="application/json", key="privacy_receipt_dl")

    st.subheader("Suppression list")
    st.caption("People no export may write, whatever a segment or a consent column says: load a Mailchimp "
               "“unsubscribed” or “cleaned” export, a bounce list, or any list of e-mails or phones (one a line).")
    upload = st.file_uploader("A list of people not to contact", type=["csv", "txt", "tsv", "xlsx"],
                              key="privacy_list_file")
    reason = st.text_input("Why (optional)", key="privacy_list_reason",
                           placeholder="e.g. unsubscribed, bounced, asked not to be contacted")
    if upload is not None and st.button("Add them to the suppression list", key="privacy_list_add"):
        try:
            added = lists.load_list(ws, upload.getvalue(), name=upload.name, reason=reason.strip() or None,
                                    actor=privacy_ui.actor())
        except IngestError as exc:
            st.error(str(exc))
        else:
            st.success(f"{escape_markdown(added.name)}: {added.emails:,} e-mails and {added.phones:,} phones "
                       f"({escape_markdown(added.reason)}); {added.added:,} new on the list"
                       + (f"; {len(added.rows_without_identifier):,} rows held neither (first rows: "
                          f"{', '.join(map(str, added.rows_without_identifier[:5]))})." if added.rows_without_identifier
                          else "."))
    listed = suppression.summary(ws)
    if listed.empty:
        st.caption("Nobody is on the list.")
    else:
        st.caption("Kept as keyed hashes, never as addresses: “erased” people are not loaded again; “do not contact” "
                   "people stay in the analysis but no export writes them.")
        st.dataframe(listed, hide_index=True, key="privacy_suppression")

    st.subheader("Keep personal data only as long as you need it")
    rules = retention.policy(ws)
    st.caption(rules.describe() + " Older order lines keep their money without the customer, so revenue by month "
               "does not change; older feedback keeps its score without its text.")
    r1, r2 = st.columns(2)
    months = r1.number_input("Keep order lines, web events and customer records (months, 0 = for ever)", min_value=0,
                             value=rules.months or 0, step=6, key="privacy_retention_months")
    text_months = r2.number_input("Keep feedback comments' text (months, 0 = for ever)", min_value=0,
                                  value=rules.feedback_text_months or 0, step=6, key="privacy_retention_text")
    wanted = retention.RetentionPolicy(int(months) or None, int(text_months) or None)
    b1, b2, b3 = st.columns(3)
    if b1.button("Save", key="privacy_retention_save", disabled=wanted == rules):
        rules = retention.set_policy(ws, wanted.months, wanted.feedback_text_months, actor=privacy_ui.actor())
        st.rerun()
    if b2.button("What would be removed?", key="privacy_retention_dry", disabled=wanted == retention.RetentionPolicy()):
        result = retention.apply_retention(ws, dry_run=True, override=wanted)
        st.info("\n\n".join(result.lines()))
    if b3.button("Remove it now", key="privacy_retention_apply", disabled=rules == retention.RetentionPolicy()
                 or wanted != rules, help="Applies the saved setting; save first."):
        result = retention.apply_retention(ws, actor=privacy_ui.actor())
        st.success("\n\n".join(result.lines()))

st.subheader("Names on the pages")
masked = ws.setting(privacy_ui.MASK_NAMES_SETTING) == "yes"
if access.allowed("settings"):
    wanted_mask = st.checkbox("Show customers' names as initials on every page (revealing one is a logged click)",
                              value=masked, key="privacy_mask_names")
    if wanted_mask != masked:
        ws.set_setting(privacy_ui.MASK_NAMES_SETTING, "yes" if wanted_mask else None)
        audit.record(ws, "setting", privacy_ui.actor(), "names on pages",
                     {"masked": wanted_mask})
        st.rerun()
st.caption("Names are shown as initials " + ("to everyone." if masked else "to viewers only; contact details are "
                                             "masked for everyone until revealed."))

st.subheader("Export for an analyst, without names")
st.caption(pseudonyms.RULE)
if not access.allowed("export"):
    st.caption("🔒 " + access.refusal("export"))
elif st.button("Prepare the pseudonymised customer table", key="privacy_analyst_prepare"):
    st.session_state["privacy_analyst"] = analyst.analyst_customers(ws, None, actor=privacy_ui.actor())
table = st.session_state.get("privacy_analyst")
if table is not None and access.allowed("export"):
    d1, d2 = st.columns(2)
    for col, fmt in ((d1, "csv"), (d2, "xlsx")):
        col.download_button(f"Download {fmt.upper()} ({len(table.rows):,} customers)", lambda f=fmt: table.to_bytes(f),
                            file_name=f"customers_pseudonymised.{fmt}", key=f"privacy_analyst_{fmt}",
                            on_click="ignore")

st.subheader("Privacy log")
log = audit.events(ws)
if not access.allowed("read_log"):
    st.caption("🔒 " + access.refusal("read_log"))
elif log.empty:
    st.caption("Nothing recorded yet: erasures, reveals of contact details, exports and retention runs appear here.")
else:
    st.dataframe(log, hide_index=True, key="privacy_log")
account = session.signed_in()
if account is not None and access.allowed("read_log"):
    st.subheader("Sign-ins")
    signins = accounts.sign_in_log(account.team)
    if signins:
        st.dataframe(signins, hide_index=True, key="privacy_sign_ins",
                     column_config={"at": "When (UTC)", "event": "What", "username": "Who", "role": "Role",
                                    "how": "How"})
    else:
        st.caption("Nobody has signed in yet.")
