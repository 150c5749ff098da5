"""Churn watchlist: who is slipping away, why, how much value is at risk, and what to do about it."""

from insights.ui import background, session
from insights.ui import privacy as privacy_ui
from insights.ui import revenue as revenue_ui

import urllib.parse

import streamlit as st

from insights.charts import churn as charts_churn
from insights.predictions.churn import (ACTIONS, ChurnDataError, action_summary, churn_result, export_for_email,
                                        filter_watchlist, headline, quality_sentences)
from insights.predictions.churn.reasons import reason_counts
from insights.core import numbers
from insights.core.markdown import escape_markdown
from insights.models.churn_model import ChurnInputError

ws = session.require_workspace_with_orders()
currency = session.currency(ws)
money_unit = session.currency_label(currency)
money_format = numbers.money_column_format(currency)   # table columns of amounts: €1,234.50

st.title("Churn watchlist")
revenue_ui.revenue_caption(ws)          # what revenue means here (tax, shipping, refunds)
st.caption("Customers most likely to stop buying, ranked by the value you stand to lose, each with the reasons "
           "the model sees and a suggested next step.")

with st.expander("How churn is defined here", expanded=False):
    st.markdown("For a shop, a customer has **churned** when they place no order for a number of days derived "
                "from your customers' own gaps between orders. Choose how strict that is, or set the days yourself.")
    left, right = st.columns(2)
    percentile = left.slider("Share of repeat orders that come within the window", min_value=75, max_value=99,
                             value=90, step=1, format="%d%%", key="churn_percentile",
                             help="90% means: the window is long enough that 9 in 10 repeat orders arrive within it.")
    manual = right.toggle("Set the window by hand", key="churn_manual_toggle")
    window_days = right.number_input("Churn window (days)", min_value=7, max_value=1000, value=90, step=1,
                                     key="churn_window_days", disabled=not manual)
    kind = right.radio("Model", ["logistic", "boosting"], horizontal=True, key="churn_model_kind",
                       format_func=lambda k: {"logistic": "Logistic regression",
                                              "boosting": "Gradient boosting"}[k],
                       help="Logistic regression is the default: fast, and its reasons are exact.")

defaults = percentile == 90 and not manual and kind == "logistic"
if defaults:
    background.wait_for_models(ws, "churn")   # fitted after the upload: read the stored result once it is there
with st.status("Fitting the churn model…", expanded=False) as status:
    bar = st.progress(0.0)

    def progress(fraction: float, text: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    try:
        # the stored run while it is current for these settings; other settings are fitted here, not stored
        result = session.memo("churn_result",
                              lambda w, p, d, k: churn_result(w, percentile=p, window_days=d, kind=k,
                                                              progress=progress, save=defaults),
                              ws, percentile / 100.0, int(window_days) if manual else None, kind)
    except (ChurnDataError, ChurnInputError) as exc:
        status.update(label="Not enough data for a churn model", state="error")
        st.warning(str(exc))
        st.stop()
    bar.progress(1.0, text="Done")
    status.update(label="Churn model ready", state="complete")

definition = result.definition
st.info(definition.describe())
if definition.gap_percentiles:
    g = definition.gap_percentiles
    st.caption(f"Gaps between a customer's orders in this shop: half come within {g['p50']:.0f} days, 3 in 4 "
               f"within {g['p75']:.0f}, 9 in 10 within {g['p90']:.0f}, 19 in 20 within {g['p95']:.0f}.")

significant = [d for d in result.drivers if d["significant"]]
if not result.applies:
    st.warning(result.reason)
    st.markdown("This page therefore shows **no watchlist**: ranking customers by a churn risk would only sort "
                "people who have almost all stopped already. What matters for this shop is turning first-time "
                "buyers into second-time buyers: how many come back, how soon, and what their first order was "
                "like — see the second-purchase view on [Cohort heatmaps](/cohorts).")
    st.stop()
if result.ranked_by is None:
    st.warning(result.reason)
    st.markdown("This page therefore shows **no watchlist**; what the data says about who stops buying is below.")
    for d in significant:
        st.markdown(f"- **{escape_markdown(d['label'])}**: {escape_markdown(d['sentence'])} "
                    f"({d['customers']:,} customers).")
    if not significant:
        st.caption("Nothing in your files (late deliveries, returns, discount codes, scores, site visits) clearly "
                   "goes with customers stopping here.")
    st.stop()

st.subheader("Can you trust the list?")
m = result.metrics["model"]
sentence = headline(result)
if sentence:
    st.markdown(sentence)
if result.ranked_by != "model":
    st.info(result.reason)
for note in result.notes:
    st.caption(note)
with st.expander("For analysts: how the model was checked", expanded=False):
    if result.detail:
        st.caption(result.detail)
    baseline_key = next((k for k in ("recency", "tenure") if k in result.metrics), None)
    c1, c2, c3, c4 = st.columns(4)
    base_auc = result.metrics[baseline_key]["roc_auc"] if baseline_key else None
    c1.metric("ROC AUC (held-out)", f"{m['roc_auc']:.2f}" if m["roc_auc"] is not None else "—",
              delta=(f"{m['roc_auc'] - base_auc:+.2f} vs simplest baseline" if base_auc and m["roc_auc"] else None),
              help="How often a customer who churned was ranked above one who stayed. 0.5 = coin toss, 1 = perfect.")
    c2.metric("Precision in the top 10%", numbers.percent(m["top_decile_precision"]),
              help="Of the tenth of customers the model flags most strongly, the share who did churn.")
    c3.metric("Lift in the top 10%", f"{m['top_decile_lift']:.1f}×" if m["top_decile_lift"] else "—",
              help="Top-10% precision divided by the average churn rate.")
    c4.metric("Customers scored", f"{len(result.scores):,}")
    for line in quality_sentences(result):
        st.markdown(f"- {line}")
    left, right = st.columns(2)
    with left:
        st.markdown("**Model against baselines**")
        st.plotly_chart(charts_churn.quality_chart(result.metrics), width="stretch")
    with right:
        st.markdown("**Calibration: do the probabilities mean what they say?**")
        st.plotly_chart(charts_churn.calibration_chart(result.calibration), width="stretch")

st.subheader("What drives the risk")
for d in significant:
    st.markdown(f"- **{escape_markdown(d['label'])}**: {escape_markdown(d['sentence'])} "
                f"({d['customers']:,} customers).")
if significant:
    st.caption("Measured on your data: customers with and without it, compared with customers whose buying "
               "pattern was similar.")
with st.expander("For analysts: relative risks", expanded=False):
    st.dataframe([{k: d[k] for k in ("label", "relative_risk", "ci_low", "ci_high", "customers", "significant")}
                  for d in result.drivers], hide_index=True, width="stretch")
    st.caption("Mantel–Haenszel relative risk of no order in the window, within ten strata of purchase timing; "
               "intervals widened for the number of flags tested (Bonferroni).")
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(charts_churn.drivers_chart(result.importance), width="stretch")
with right:
    counts = reason_counts(result.scores["reason_keys"])
    st.markdown("**Most common reasons on the watchlist**")
    st.dataframe(counts.rename("customers").reset_index().rename(columns={"reason_keys": "reason"}),
                 hide_index=True, width="stretch",
                 column_config={"reason": "Reason", "customers": st.column_config.NumberColumn("Customers", format="%d")})

scores = result.scores
st.subheader("Watchlist")
st.caption(f"Value at risk = churn risk × {result.value_basis}. **Churn risk** is the chance of no order within "
           f"the next {definition.window_days or 'few'} days; **still a customer** is the chance they have not left "
           "for good (a customer may simply not need anything for a while).")
usual = m.get("base_rate")
FOCUS = 50
view = st.radio("Show", ["focus", "all"], horizontal=True, key="churn_view",
                format_func=lambda v: {"focus": f"The {FOCUS} that matter most",
                                       "all": "Everyone above a risk you choose"}[v])
f1, f2, f3, f4 = st.columns(4)
segments = f1.multiselect("Segment", sorted(scores["segment"].dropna().unique()), key="churn_segments")
channels = f2.multiselect("Channel", sorted(scores["channel"].dropna().astype(str).unique()), key="churn_channels")
countries = f3.multiselect("Country", sorted(scores["country"].dropna().astype(str).unique()), key="churn_countries")
if view == "focus":
    floor = float(usual) if usual is not None and usual == usual else 0.0
    shown = filter_watchlist(scores, segments, channels, countries, floor, limit=FOCUS)
    f4.caption(f"The {FOCUS} customers with the most value at risk among those more likely to stop buying than "
               f"this shop's usual {floor:.0%}.")
else:
    min_risk = f4.slider("At least this churn risk", 0, 100, 30, step=5, format="%d%%", key="churn_min_risk")
    shown = filter_watchlist(scores, segments, channels, countries, min_risk / 100.0)

st.markdown("**Suggested actions**")
actions = action_summary(shown)
left, right = st.columns([3, 2])
with left:
    st.dataframe(actions, hide_index=True, width="stretch",
                 column_config={"value_at_risk": st.column_config.NumberColumn(f"Value at risk ({money_unit})", format=money_format),
                                "mean_churn_probability": st.column_config.ProgressColumn(
                                    "Average risk", min_value=0.0, max_value=1.0, format="percent")})
with right:
    st.caption(f"**{ACTIONS['satisfaction_call']}**: detractors (low NPS or rating, or a complaint). "
               f"**{ACTIONS['delivery_apology']}**: late deliveries among the reasons. "
               f"**{ACTIONS['win_back_offer']}**: high-value customers likely to lapse. "
               f"**{ACTIONS['reminder']}**: overdue for their next order but not yet at high risk. "
               f"**{ACTIONS['automated_win_back']}**: other likely leavers.")

table = privacy_ui.shown_names(ws, shown.head(500)).assign(
    profile=lambda d: "/profile?customer=" + d["customer_id"].astype(str).map(urllib.parse.quote))
st.dataframe(
    table[["profile", "name", "churn_probability", "p_alive", "value_at_risk", "reasons", "action",
           "next_order_expected_at",
           "overdue_days", "segment", "channel", "country"]],
    hide_index=True, width="stretch",
    column_config={
        "profile": st.column_config.LinkColumn("Customer", display_text=r"customer=(.*)$"),
        "name": "Name",
        "churn_probability": st.column_config.ProgressColumn("Churn risk", min_value=0.0, max_value=1.0,
                                                             format="percent"),
        "p_alive": st.column_config.ProgressColumn("Still a customer", min_value=0.0, max_value=1.0,
                                                   format="percent"),
        "value_at_risk": st.column_config.NumberColumn(f"Value at risk ({money_unit})", format=money_format),
        "reasons": st.column_config.TextColumn("Why", width="large"),
        "action": "Suggested action",
        "next_order_expected_at": st.column_config.DateColumn("Next order expected"),
        "overdue_days": st.column_config.NumberColumn("Days overdue"),
        "segment": "Segment", "channel": "Channel", "country": "Country"})
st.caption(f"{len(shown):,} customers match the filters" + (" (first 500 shown)." if len(shown) > 500 else "."))

data, written, left_out = export_for_email(shown, ws)
privacy_ui.contact_download(ws, "churn watchlist", written,
                            label=f"Export {written:,} customers for the email tool (CSV)", data=data,
                            file_name="churn_watchlist.csv", mime="text/csv", key="churn_export",
                            disabled=written == 0)
st.caption(f"Only customers who agreed to email, have an address and are not on the suppression list (Privacy "
           f"page) are exported; {left_out:,} left out. "
           "Cells that a spreadsheet would run as a formula are made safe.")
