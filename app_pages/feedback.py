"""Customer feedback: what customers say (NPS, ratings, the themes of their comments) and what it is worth."""

import streamlit as st

from insights.charts import voice as charts_voice
from insights.core.markdown import escape_markdown
from insights.core import numbers
from insights.ui import session
from insights.voice import sentiment_separation, voice_report
from insights.voice.responses import DIMENSIONS

ws = session.page_header(
    "💬 Customer feedback",
    "Survey answers and reviews: how customers rate you, what their comments are about, and how that ties to what "
    "they buy.",
    needs="feedback",
    missing="No survey answers or reviews are loaded yet. Load an NPS survey export (Typeform, SurveyMonkey, a form "
            "tool) or a reviews export (Trustpilot, your shop's reviews) on **Upload data** in the sidebar.")

with st.spinner("Reading the comments…"):
    report = session.memo("voice_report", voice_report, ws)
currency = session.currency(ws)

n, c = report.nps, report.csat
cols = st.columns(4)
if n["responses"]:
    cols[0].metric("NPS", f"{n['score']:+.0f}", help="Share of promoters (9–10) minus share of detractors (0–6), "
                   "from −100 to +100.")
    cols[0].caption(f"95% sure it lies between {n['ci_low']:+.0f} and {n['ci_high']:+.0f}")
    cols[1].metric("NPS answers", f"{n['responses']:,}")
    cols[1].caption(f"{n['promoters']:,} promoters · {n['passives']:,} passives · {n['detractors']:,} detractors")
if c["responses"]:
    cols[2].metric("Rated 4 or 5 of 5", numbers.percent(c["share_satisfied"]))
    cols[2].caption(f"of {c['responses']:,} ratings; 95% sure between {c['ci_low']:.1%} and {c['ci_high']:.1%}")
    cols[3].metric("Average rating", f"{c['mean']:.1f} of 5")

st.subheader("What stands out")
lines = []
late = report.late_delivery
themes_by_id = {t["theme"]: t for t in report.themes}
if late:
    line = (f"After a late delivery the average score is **{late['late_mean_score']:.1f}** out of 10; after an "
            f"on-time one **{late['on_time_mean_score']:.1f}**.")
    top = themes_by_id.get(late.get("late_top_theme"))
    if top:
        line += (f" {late['late_top_theme_share']:.0%} of the comments on late orders are about "
                 f"“{escape_markdown(top['label'])}”.")
    lines.append(line)
value = report.value
if value.get("detractor_revenue_share") is not None:
    lines.append(f"Detractors (0–6) bring **{value['detractor_revenue_share']:.0%}** of the revenue of the customers "
                 "who answered the survey.")
if value.get("detractor_value_at_risk") is not None:
    lines.append(f"Their value at risk on the churn watchlist: **{numbers.money(value['detractor_value_at_risk'], currency)}**.")
rates = value.get("churn_rate_by_group") or {}
if {"promoter", "detractor"} <= set(rates):
    lines.append(f"Since answering, **{rates['detractor']:.0%}** of detractors have stopped buying (no order for "
                 f"{value['lapse_window_days']:.0f} days), against {rates['promoter']:.0%} of promoters.")
worse = [g for g in report.by_group if g["differs"] and g["diff_to_rest"] < 0 and g["dimension"] != "delivery"]
for g in worse[:3]:
    lines.append(f"Customers from {DIMENSIONS[g['dimension']].lower()} “{escape_markdown(g['value'])}” score "
                 f"{abs(g['diff_to_rest']):.0f} NPS points below the rest ({g['responses']:,} answers).")
for text in lines:
    st.markdown(f"- {text}")
if not lines:
    st.caption("Nothing stands out yet: no group differs clearly from the rest.")

if report.by_period and n["responses"]:
    st.plotly_chart(charts_voice.nps_trend(report.by_period), key="voice_trend")

dims = [d for d in DIMENSIONS if any(g["dimension"] == d for g in report.by_group)]
if dims:
    st.subheader("NPS by group")
    dim = st.selectbox("Compare by", dims, format_func=DIMENSIONS.get, key="voice_dimension")
    st.plotly_chart(charts_voice.nps_by_group(report.by_group, dim), key="voice_groups")
    st.caption("Red: clearly below the rest; green: clearly above; grey: fewer than 30 answers, too few to say. "
               "Lines show where each group's NPS lies with 95% certainty.")

st.subheader("What the comments are about")
if report.themes:
    st.plotly_chart(charts_voice.themes_chart(report.themes), key="voice_themes")
    for t in report.themes[:8]:
        impact = t["nps_impact"]
        effect = ("" if impact is None else f" — without these, the NPS would be {abs(impact):.0f} points "
                  f"{'higher' if impact > 0 else 'lower'}" if abs(impact) >= 1 else " — little effect on the NPS")
        with st.expander(f"{t['label']} · {t['responses']:,} comments{effect}"):
            for example in t["examples"]:
                st.markdown(f"> {escape_markdown(example)}")
            st.caption(f"{t['customers']:,} customers; mean score {t['mean_score']:.1f} of 10.")
else:
    st.caption("Too few comments to find themes (at least 40 in one language are needed).")
for note in report.notes:
    st.caption(note)

with st.expander("For analysts: how these figures are computed"):
    st.markdown("- NPS interval: adjusted Wald (¾ of an answer added to promoters and detractors), 95%.\n"
                "- Shares (4–5 of 5): Wilson score interval, 95%.\n"
                "- A group is called better or worse than the rest by a two-sided z-test on the NPS difference, "
                "with Holm's adjustment across every group compared; groups under 30 answers are not tested.\n"
                "- Themes: TF-IDF on the comments of the main language, NMF (scikit-learn); a comment belongs to "
                "its strongest theme. Ratings enter theme means as (stars − 1) × 2.5.\n"
                "- Sentiment: VADER compound score, English comments only; language by langid.\n"
                "- Lapsed: no order for longer than 9 in 10 of the shop's repeat gaps, for answers at least "
                "30 days old.")
    auc = sentiment_separation(report.answers)
    if auc is not None:
        st.markdown(f"Sentiment separates 5-star from 1–2-star reviews with ROC AUC {auc:.2f}.")
