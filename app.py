"""Clueboard — the router: page config, the session's workspace, navigation, the shared sidebar."""

from pathlib import Path

import streamlit as st

from insights.ui import access, session

st.set_page_config(page_title="Clueboard", page_icon="📊", layout="wide")
# hosted mode with accounts: the sign-in form, and no page, until someone has signed in (the page the URL asked
# for is noted first, and opened after the sign-in)
access.remember_requested_page()
ready = access.gate()

HERE = Path(__file__).parent

# (section, file, title, icon, url_path) — url paths are stable: links and bookmarks rely on them.
PAGES = [
    ("Start", "app_pages/insights.py", "Insights", "💡", "insights"),
    ("Start", "app_pages/home.py", "Overview", "🏠", "home"),
    ("Start", "app_pages/upload.py", "Upload data", "📤", "upload"),
    ("Start", "app_pages/privacy.py", "Privacy", "🔒", "privacy"),
    ("Customers", "app_pages/profile.py", "Customer profile", "🪪", "profile"),
    ("Customers", "app_pages/segments.py", "Segmentation explorer", "🧩", "segments"),
    ("Customers", "app_pages/cohorts.py", "Cohort heatmaps", "🗓️", "cohorts"),
    ("Customers", "app_pages/products.py", "Products", "🧺", "products"),
    ("Performance", "app_pages/kpis.py", "KPI scorecard", "📈", "kpis"),
    ("Performance", "app_pages/funnel.py", "Funnel", "🛒", "funnel"),
    ("Performance", "app_pages/feedback.py", "Customer feedback", "💬", "feedback"),
    ("Performance", "app_pages/acquisition.py", "Acquisition", "📣", "acquisition"),
    ("Marketing", "app_pages/experiments.py", "Experiments", "🧪", "experiments"),
    ("Predictions", "app_pages/churn.py", "Churn watchlist", "🚨", "churn"),
    ("Predictions", "app_pages/clv.py", "Customer value (CLV)", "💶", "clv"),
]

# the landing page: the insight feed once the workspace holds orders, the overview (which says how to start) before
landing = "insights" if ready and session.get_workspace().has_orders() else "home"
sections: dict[str, list] = {}
for section, file, title, icon, url_path in PAGES:
    if (HERE / file).exists():
        sections.setdefault(section, []).append(
            st.Page(file, title=title, icon=icon, url_path=url_path, default=(url_path == landing)))

# before signing in the navigation is hidden, but it still resolves the URL's page: a deep link opens after it
page = st.navigation(sections, position="sidebar" if ready else "hidden")
if not ready:
    access.remember_requested_page(page)
    st.stop()
access.open_requested_page(sections, page)
access.sidebar_account()
session.sidebar()
page.run()
