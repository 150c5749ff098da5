"""Segmentation explorer: RFM segments, lifecycle stages and transitions, clusters, a segment builder, exports."""

import datetime as dt
import urllib.parse

import streamlit as st

from insights.charts import segments as charts
from insights.customers import clusters
from insights.customers import email_tools
from insights.customers import export
from insights.customers import lifecycle
from insights.customers import segment_builder
from insights.customers import saved_segments
from insights.customers import segments
from insights.core import margin
from insights.customers.shop_shape import empty_segments_reason
from insights.core import numbers
from insights.core.markdown import escape_markdown
from insights.ui import privacy as privacy_ui
from insights.ui import session
from insights.ui import revenue as revenue_ui
from insights.ui import second_purchase as second_purchase_ui

ws = session.require_workspace_with_orders()
st.title("🧩 Segmentation explorer")
revenue_ui.revenue_caption(ws)          # what revenue means here (tax, shipping, refunds)
second_purchase_ui.one_time_buyer_notice(ws)            # one sentence, only in a one-time-buyer shop
currency = session.currency(ws)            # None: the data does not say, nor has the owner
money_unit = session.currency_label(currency)
money_format = numbers.money_column_format(currency)   # table columns of amounts: €1,234.50
last_day = session.memo("seg_default_as_of", segments.default_as_of, ws)
if last_day is None:
    st.info("No segments yet: segments need orders with a customer id.")
    st.stop()

# a segment map the user edited on this page (kept for the session; the profile page uses it too)
segment_map = st.session_state.get(segments.SESSION_MAP_KEY)
if segment_map is None:
    rfm = session.memo("seg_rfm", segments.rfm_table, ws)
else:
    rfm = session.memo("seg_rfm_custom", lambda w, _m: segments.rfm_table(w, None, segment_map), ws, repr(segment_map))
segment_names = [s["name"] for s in segments.validate_segment_map(segment_map or segments.default_segment_map())]


def builder_labels():
    stages = session.memo("seg_stages", lifecycle.lifecycle_stages, ws)
    return session.memo("seg_labels", lambda w, _m: segment_builder.customer_labels(w, rfm=rfm, stages=stages),
                        ws, repr(segment_map))


def profile_links(frame):
    # ids are URL-quoted: an id with a space, & or # still opens the right profile
    return frame.assign(profile="/profile?customer=" + frame["customer_id"].astype(str).map(urllib.parse.quote))


def export_block(customers, spec, label, labels, key):
    """Download buttons for an e-mail tool (its columns, consent honoured) and what was left out."""
    st.subheader("Export for an email tool")
    t1, t2 = st.columns([2, 3])
    layout = t1.radio("For", list(email_tools.LAYOUTS), format_func=email_tools.LAYOUTS.get, horizontal=True,
                      key=f"{key}_layout")
    include_all = t2.checkbox("Also include customers who did not consent to email", key=f"{key}_all",
                              help="…and customers whose consent is unknown.")
    # a saved segment is exported by its name (the name goes into the file as its tag), any other by its filters
    contacts = export.segment_contacts(ws, spec if label == "segment" else label, include_all, labels,
                                       customers=customers)
    for warning in contacts.warnings:   # fixed text: no consent was ever loaded
        st.warning(warning, icon="⚠️")
    formats = ["csv"] if layout in email_tools.CSV_ONLY else ["csv", "xlsx"]
    for col, fmt in zip(st.columns(2), formats):
        # the file is written only when the button is clicked (a callable): counts show at once
        privacy_ui.contact_download(ws, "segment contacts", len(contacts.rows),
                                    detail={"segment": contacts.segment, "format": fmt, "tool": layout},
                                    target=col, label=f"Download {fmt.upper()} ({len(contacts.rows):,} customers)",
                                    data=lambda f=fmt: contacts.to_bytes(f, layout),
                                    file_name=email_tools.file_name(label, layout, fmt), key=f"{key}_{fmt}",
                                    mime="text/csv" if fmt == "csv" else
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    tool_note = {"mailchimp": " Mailchimp gets Email Address, First Name, Last Name and the segment as a tag (CSV "
                              "only: Mailchimp does not import Excel files).",
                 "klaviyo": " Klaviyo gets Email, First Name, Last Name; the other columns become profile "
                            "properties."}.get(layout, "")
    st.caption(f"Left out: {contacts.left_out_for_consent:,} without email consent"
               f"{'' if include_all else ' (tick the box above to include them)'}, "
               f"{contacts.left_out_without_email:,} without an email address, {contacts.left_out_suppressed:,} on "
               "the suppression list (never exported, see Privacy). Consent unknown (no CRM record, or "
               "a CRM file without a consent column) counts as no consent unless you tick the box. Cells starting "
               "with = + - @, a tab or a line break are written as text so a spreadsheet cannot run them."
               + tool_note)


def open_in_builder(name):
    """Put a saved segment's filters back into the builder's widgets (a button's callback: before they render)."""
    segment = saved_segments.get(ws, name)
    state, not_shown = saved_segments.builder_state(segment.spec)
    # a multiselect refuses values it does not offer (a country no longer in the data): those are named instead
    offered = {"seg_b_rfm": segment_names, "seg_b_stage": list(lifecycle.STAGES)}
    for key_, field in (("seg_b_country", "country"), ("seg_b_channel", "channel"), ("seg_b_category", "category"),
                        ("seg_b_tag", "tag")):
        offered[key_] = segment_builder.field_values(ws, field)
    for key_, options in offered.items():
        missing = [v for v in state[key_] if v not in options]
        if missing:
            not_shown.append(f"{key_.removeprefix('seg_b_')}: {', '.join(missing)} (not in the data now)")
            state[key_] = [v for v in state[key_] if v in options]
    st.session_state.update(state)
    st.session_state["seg_opened"] = (segment.name, segment.spec)
    st.session_state["seg_tab"] = "Segment builder & export"
    st.session_state["seg_not_shown"] = not_shown


PROFILE_COLUMN = st.column_config.LinkColumn("Customer", display_text=r"customer=(.*)$")

# Only the open tab runs (tabs keep state): opening the page computes the RFM tab alone.
TAB_NAMES = ["RFM segments", "Lifecycle", "Customer groups", "Segment builder & export", "Saved segments"]
rfm_tab, life_tab, cluster_tab, builder_tab, saved_tab = st.tabs(TAB_NAMES, key="seg_tab", on_change="rerun")
money_column = st.column_config.NumberColumn(f"Net revenue ({money_unit})", format=money_format)

if rfm_tab.open:
    with rfm_tab:
        summary = segments.segment_summary(rfm, segment_map)
        st.caption(f"Scored as of {numbers.day(last_day)} (the day after the last order) on {len(rfm):,} customers with "
                   f"orders. Amounts in {money_unit}.")
        size = st.radio("Size the boxes by", ["customers", "net_revenue"], horizontal=True, key="seg_treemap_size",
                        format_func={"customers": "Customers", "net_revenue": "Net revenue"}.get)
        st.plotly_chart(charts.segment_treemap(summary, size, currency), key="seg_treemap")
        predictions = segments.segment_predictions(ws, rfm)   # not memoised: a new fit changes it, not the data
        shown = ["segment", "customers", "share_of_customers", "share_of_revenue", "aov", "median_recency_days"]
        if predictions is not None:
            summary = summary.merge(predictions, on="segment", how="left")
            shown += [c for c in ("mean_clv", "mean_p_alive", "mean_churn_risk") if summary[c].notna().any()]
        empty = summary.loc[summary["customers"] == 0, "segment"].tolist()
        summary = summary[summary["customers"] > 0]     # an empty segment has no AOV or recency to show
        st.dataframe(summary[shown + ["next_step"]], hide_index=True, key="seg_summary_table",
                     height=38 + 35 * len(summary),
                     column_config={
                         "mean_clv": st.column_config.NumberColumn(f"Avg predicted CLV ({money_unit})", format=money_format,
                                                                   help="From the latest fit on the CLV page"),
                         "mean_p_alive": st.column_config.NumberColumn("Avg probability still active",
                                                                       format="percent"),
                         "mean_churn_risk": st.column_config.NumberColumn(
                             "Avg churn risk", format="percent", help="From the latest run of the Churn watchlist"),
                         "segment": "Segment", "customers": st.column_config.NumberColumn("Customers", format="%d"),
                         "share_of_customers": st.column_config.NumberColumn("Share of customers", format="percent"),
                         "share_of_revenue": st.column_config.NumberColumn("Share of revenue", format="percent"),
                         "aov": st.column_config.NumberColumn(f"AOV ({money_unit})", format=money_format),
                         "median_recency_days": st.column_config.NumberColumn("Median days since last order",
                                                                              format="%.0f"),
                         "next_step": st.column_config.TextColumn("Typical next step", width="large")})
        st.markdown("**Gross margin by segment** (contribution before marketing)")
        basis = margin.margin_basis(ws)
        if not basis.revenue_based:
            contribution = margin.contribution_by_segment(ws, rfm[["customer_id", "segment"]])
            st.dataframe(contribution, hide_index=True, key="seg_contribution", column_config={
                "segment": "Segment", "customers": st.column_config.NumberColumn("Customers", format="%d"),
                "product_revenue": st.column_config.NumberColumn(f"Product revenue ({money_unit})", format=money_format),
                "gross_margin": st.column_config.NumberColumn(f"Gross margin ({money_unit})", format=money_format),
                "margin_pct": st.column_config.NumberColumn("Gross margin %", format="%.1f"),
                "share_of_gross_margin": st.column_config.NumberColumn("Share of gross margin", format="percent")})
        st.caption(basis.caption())
        if empty:
            st.caption(empty_segments_reason(rfm, empty))
        if predictions is None:
            st.caption("Predicted value and churn risk per segment appear in this table once the models have run "
                       "on this data: open **Customer value (CLV)** or **Churn watchlist**.")
        with st.expander("How RFM is scored"):
            st.markdown(segments.__doc__.split("Definitions (shown on the page):", 1)[1])
            st.dataframe(segments.segment_grid(segment_map), key="seg_grid")
        with st.expander("Change the segment map"):
            st.caption("Each segment covers a rectangle of recency (R) and frequency (F) scores from 1 (worst) to 5 "
                       "(best); every R × F pair must belong to exactly one segment. Rename segments, move their "
                       "ranges or write your own next steps. Your map applies to this session's pages.")
            edited = st.data_editor(segments.segment_map_frame(segment_map), key="seg_map_editor",
                                    num_rows="dynamic", hide_index=True)
            apply_col, reset_col = st.columns(2)
            if apply_col.button("Apply this map", key="seg_map_apply"):
                try:
                    st.session_state[segments.SESSION_MAP_KEY] = segments.segment_map_from_frame(edited)
                except segments.SegmentMapError as exc:
                    st.error(f"The map was not applied: {exc}")
                else:
                    st.rerun()
            if segment_map is not None and reset_col.button("Back to the standard map", key="seg_map_reset"):
                del st.session_state[segments.SESSION_MAP_KEY]
                st.rerun()
        st.plotly_chart(charts.rfm_grid_heatmap(rfm), key="seg_rfm_grid")
        st.caption("An empty column or row means many customers share one value (most often: one order). Equal "
                   "values get equal scores, so the next score up starts after all of them.")
        chosen = st.selectbox("Customers in segment", summary["segment"], key="seg_rfm_pick")
        members = profile_links(rfm[rfm["segment"] == chosen]).sort_values("monetary", ascending=False)
        st.dataframe(members[["profile", "recency_days", "frequency", "monetary", "rfm_code"]].head(500),
                     hide_index=True, key="seg_members",
                     column_config={"profile": PROFILE_COLUMN, "recency_days": "Days since last order",
                                    "frequency": "Orders", "monetary": money_column, "rfm_code": "RFM"})

if life_tab.open:
    with life_tab:
        stages = session.memo("seg_stages", lifecycle.lifecycle_stages, ws)
        thresholds = session.memo("seg_thresholds", lifecycle.shop_thresholds, ws)
        st.caption(thresholds.sentence())
        with st.expander("Stage definitions"):
            st.markdown(lifecycle.__doc__.split("Definitions (shown on the page):", 1)[1])
        st.plotly_chart(charts.stage_bar(lifecycle.stage_summary(stages)), key="seg_stage_bar")
        first_day = rfm["first_order_date"].min().date()
        c1, c2, c3 = st.columns(3)
        default_a = max(last_day - dt.timedelta(days=180), first_day + dt.timedelta(days=1))
        date_a = c1.date_input("From", default_a, min_value=first_day, max_value=last_day, key="seg_trans_a")
        date_b = c2.date_input("To", last_day, min_value=first_day, max_value=last_day, key="seg_trans_b")
        by = c3.radio("Move between", ["lifecycle", "rfm"], horizontal=True, key="seg_trans_by",
                      format_func={"lifecycle": "Lifecycle stages", "rfm": "RFM segments"}.get)
        if date_a >= date_b:
            st.warning("Pick a 'From' date before the 'To' date.")
        else:
            moves = session.memo("seg_transitions",
                                 lambda w, a, b, k, _m: lifecycle.transitions(w, a, b, k, segment_map),
                                 ws, date_a, date_b, by, repr(segment_map))
            order = list(lifecycle.STAGES) if by == "lifecycle" else segment_names
            st.plotly_chart(charts.transition_sankey(moves, numbers.day(date_a), numbers.day(date_b), order),
                            key="seg_sankey")
            st.caption("Rows: state on the 'From' date; columns: state on the 'To' date; cells: customers.")
            st.dataframe(lifecycle.transition_matrix(moves, order), key="seg_trans_matrix")

if cluster_tab.open:
    with cluster_tab:
        st.caption("Customers who buy alike, found from how recently and how often they buy, what they spend "
                   "and how long they have been customers. Each group is named by what sets it apart.")
        if second_purchase_ui.applies(ws, clusters.clusters_apply):
            try:
                # features only (no segment names): the same whatever the map
                features, model = session.memo("seg_clusters", lambda w: clusters.cluster_customers(w, rfm=rfm),
                                                ws)
            except clusters.ClusterDataError as exc:
                st.info(f"No groups: {exc}.")
            else:
                names = dict(zip(model.profiles_["cluster"], model.profiles_["name"]))
                for row in model.profiles_.itertuples(index=False):
                    st.markdown(f"- **{row.name}** ({row.customers:,} customers, {row.share:.0%}): "
                                f"{row.description}")
                profiles = model.profiles_[["name", "customers", "share", "recency_days", "orders",
                                            "net_revenue", "aov", "tenure_days"]]
                st.dataframe(profiles, hide_index=True, key="seg_cluster_profiles", column_config={
                    "name": "Group",
                    "customers": st.column_config.NumberColumn("Customers", format="%d"),
                    "share": st.column_config.NumberColumn("Share", format="percent"),
                    "recency_days": st.column_config.NumberColumn("Days since last order (median)", format="%.0f"),
                    "orders": st.column_config.NumberColumn("Orders (median)", format="%.0f"),
                    "net_revenue": st.column_config.NumberColumn(f"Spend ({money_unit}, median)",
                                                                 format=money_format),
                    "aov": st.column_config.NumberColumn(f"Average order ({money_unit}, median)",
                                                         format=money_format),
                    "tenure_days": st.column_config.NumberColumn("Days since first order (median)", format="%.0f")})
                st.plotly_chart(charts.cluster_scatter(features.assign(cluster=features["cluster"].map(names)),
                                                       currency), key="seg_cluster_scatter")
                with st.expander("For analysts: how the groups are found"):
                    st.markdown(clusters.METHOD_TEXT)
                    if model.silhouette_:
                        scores = ", ".join(f"k={k}: {s:.2f}" for k, s in model.silhouette_.items())
                        st.markdown(f"k = {model.k_} had the best silhouette score "
                                    f"({model.silhouette_[model.k_]:.2f}) among {scores}.")

if builder_tab.open:
    with builder_tab:
        labels = builder_labels()
        st.caption("Pick any filters; a customer must match all of them. Then compare the segment with everyone else "
                   "and export it for your email tool.")
        f1, f2, f3 = st.columns(3)
        values = {field: session.memo("seg_field_values", segment_builder.field_values, ws, field)
                  for field in ("country", "channel", "category")}
        choices = {
            "country": f1.multiselect("Country", values["country"], key="seg_b_country"),
            "channel": f2.multiselect("Acquisition channel", values["channel"], key="seg_b_channel"),
            "category": f3.multiselect("Bought in category", values["category"], key="seg_b_category"),
            "rfm_segment": f1.multiselect("RFM segment", segment_names, key="seg_b_rfm"),
            "lifecycle_stage": f2.multiselect("Lifecycle stage", list(lifecycle.STAGES), key="seg_b_stage"),
        }
        min_orders = f3.number_input("At least this many orders", min_value=0, step=1, key="seg_b_orders")
        min_spend = f1.number_input(f"Spent at least ({money_unit})", min_value=0.0, step=50.0,
                                    key="seg_b_spend")
        since = f2.date_input("Last order on or after", None, key="seg_b_since")
        consent_only = f3.checkbox("Email consent given", key="seg_b_consent")
        basis = margin.margin_basis(ws)
        if basis.revenue_based:
            choices["margin_pct"] = (None, None)
            st.caption("Gross margin filters: " + basis.caption())
        else:   # "high revenue, low margin": Spent at least … and Gross margin at most …
            choices["margin_pct"] = (None, f1.number_input("Gross margin at most (%)", min_value=-100.0,
                                                           max_value=100.0, value=None, step=5.0,
                                                           key="seg_b_margin_max"))
        # order attributes, offered where the shop's files carry them
        tags = session.memo("seg_field_values", segment_builder.field_values, ws, "tag")
        if tags:
            choices["tag"] = f1.multiselect("Had an order tagged", tags, key="seg_b_tag")
        if session.memo("seg_late_known", segment_builder.late_known, ws):
            choices["last_order_late"] = True if f2.checkbox("Last order was late", key="seg_b_late") else None
        choices["orders"] = (min_orders or None, None)
        choices["net_revenue"] = (min_spend or None, None)
        choices["last_order_date"] = (since, None)
        choices["consent_email"] = True if consent_only else None
        spec = segment_builder.spec_from_choices(choices)
        st.markdown(f"**Segment:** {escape_markdown(segment_builder.describe_spec(spec))}")
        for text in st.session_state.pop("seg_not_shown", []):
            st.warning(f"A filter of the saved segment cannot be shown here and is left out: {escape_markdown(text)}")
        spec_key = repr((spec, segment_map))
        # one query flags every customer: the segment's table and its comparison with the rest both come from it
        flagged = session.memo("seg_builder_flagged", lambda w, _k: segment_builder.flag_customers(w, spec, labels),
                               ws, spec_key)
        chosen_customers = flagged[flagged["in_segment"]]
        comparison = segment_builder.compare_segment(ws, spec, labels, flagged=flagged)
        st.metric("Customers in the segment", f"{len(chosen_customers):,}")
        shown = segment_builder.format_comparison(comparison, currency)
        st.dataframe(shown.rename(columns={"segment": "This segment", "rest": "Everyone else"}), key="seg_compare")
        st.plotly_chart(charts.comparison_bars(comparison, currency), key="seg_compare_chart")
        table_columns = ["profile", "name", "country", "channel", "orders", "net_revenue", "last_order_date",
                         "rfm_segment", "lifecycle_stage"]
        st.dataframe(privacy_ui.shown_names(ws, profile_links(chosen_customers.head(500)))[table_columns],
                     hide_index=True,
                     key="seg_builder_table", column_config={"profile": PROFILE_COLUMN, "net_revenue": money_column})

        opened = st.session_state.get("seg_opened")     # the saved segment last reopened here, if unchanged
        label = opened[0] if opened and opened[1] == spec else "segment"
        with st.expander("💾 Save this segment with a name"):
            save_name = st.text_input("Segment name", key="seg_save_name", max_chars=saved_segments.MAX_NAME,
                                      placeholder="e.g. VIP Germany")
            replace = st.checkbox("Replace a saved segment of the same name", key="seg_save_replace")
            if st.button("Save segment", key="seg_save", disabled=not spec):
                try:
                    kept = saved_segments.save(ws, save_name, spec, replace=replace)
                except (saved_segments.SavedSegmentError, segment_builder.SegmentSpecError) as exc:
                    st.error(escape_markdown(str(exc)))
                else:
                    st.session_state["seg_opened"] = (kept.name, spec)
                    label = kept.name
                    st.success(f"Saved as “{escape_markdown(kept.name)}”. Find it in the Saved segments tab.")
        export_block(chosen_customers, spec, label, labels, "seg_export")


if saved_tab.open:
    with saved_tab:
        kept = saved_segments.saved(ws)
        if not kept:
            st.info("No saved segments yet. Build one in the Segment builder tab, then save it with a name to "
                    "reopen, compare and export it later.")
            st.stop()
        st.caption("A saved segment keeps its filters, not a list of people: opened after your next upload, it "
                   "selects the customers who match it then. A customer can be in several segments.")
        names = [s.name for s in kept]
        labels = builder_labels()
        compared = st.multiselect("Compare side by side", names, default=names[:3], key="seg_saved_compare")
        if compared:
            figures = session.memo("seg_saved_compare_figures",
                                   lambda w, _k: saved_segments.compare_saved(w, compared, labels),
                                   ws, repr((compared, [(s.name, s.spec) for s in kept], segment_map)))
            st.dataframe(segment_builder.format_comparison(figures, currency), key="seg_saved_table")
        pick = st.selectbox("Open a saved segment", names, key="seg_saved_pick")
        chosen = saved_segments.get(ws, pick)
        st.markdown(f"**{escape_markdown(chosen.name)}** — {escape_markdown(chosen.description)}")
        st.caption(f"Saved {numbers.day(chosen.created_at)}" + (f", changed {numbers.day(chosen.updated_at)}"
                                                            if chosen.updated_at != chosen.created_at else ""))
        b1, b2 = st.columns(2)
        b1.button("Open in the segment builder", key="seg_saved_open", on_click=open_in_builder, args=(chosen.name,))
        if b2.button("Delete this segment", key="seg_saved_delete"):
            saved_segments.delete(ws, chosen.name)
            st.rerun()
        members = session.memo("seg_saved_members", lambda w, _k: segment_builder.select_customers(w, chosen.spec, labels),
                               ws, repr((chosen.name, chosen.spec, segment_map)))
        st.metric("Customers in the segment now", f"{len(members):,}")
        export_block(members, chosen.spec, chosen.name, labels, "seg_saved_export")
