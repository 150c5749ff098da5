"""Customer-supplied text reaches every page as typed: a shop whose categories, channels, countries, products,
customer names and reviews are markdown payloads is opened on every page, and no text element renders one of
them as a link or as formatting."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from insights.core.markdown import escape_markdown
from insights.ui.session import WORKSPACE_KEY
from tests.helpers import workspace_from_tables

ROOT = Path(__file__).resolve().parents[2]
LINK = "[Win a prize](http://evil.example/x)"
BOLD = "**Bold Cat**"
IMAGE = "![](http://tracker.example/p.gif)"
PAYLOADS = (LINK, BOLD, IMAGE)


def _line(order_id, customer_id, at, qty, price, **kw):
    return dict(order_id=order_id, customer_id=customer_id, ordered_at=at, quantity=qty, unit_price=price,
                currency="EUR", **kw)


LINES = [
    _line(f"A{i}", f"c{i % 6}", f"2024-{1 + i % 5:02d}-{1 + i % 27:02d} 10:00", 1 + i % 3, str(5 + i % 7),
          category=(LINK, BOLD, "Garden")[i % 3], channel=(BOLD, "web")[i % 2], country=(IMAGE, "DE")[i % 2],
          product_name=(LINK, "Rake")[i % 2], product_id=f"P{i % 4}")
    for i in range(60)
]
CRM = [dict(customer_id=f"c{i}", name=(LINK, BOLD, "Ann")[i % 3], email=f"c{i}@example.com",
            consent_email=True, channel=(LINK, "ads")[i % 2]) for i in range(6)]
FEEDBACK = [dict(feedback_id=i, customer_id=f"c{i % 6}", submitted_at="2024-04-15", kind="review", score=1 + i % 5,
                 text=(LINK + " " + BOLD, IMAGE)[i % 2]) for i in range(10)]


@pytest.fixture(scope="module")
def shop():
    ws = workspace_from_tables(order_lines=LINES, customer_records=CRM, feedback=FEEDBACK)
    yield ws
    ws.close()


def _texts(at: AppTest) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "success", "error"):
        out.extend(str(e.value) for e in getattr(at, kind))
    return out


PAGES = ["../app.py", "home.py", "kpis.py", "cohorts.py", "segments.py", "profile.py", "churn.py", "clv.py",
         "upload.py", "feedback.py", "funnel.py", "privacy.py"]


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_customer_text_as_markdown(shop, page):
    # the Overview links to other pages, so it runs inside the app's router
    at = AppTest.from_file(str(ROOT / "app_pages" / ("../app.py" if page == "home.py" else page)), default_timeout=90)
    at.session_state[WORKSPACE_KEY] = shop
    if page == "profile.py":
        at.query_params["customer"] = "c0"
    at.run()
    if page == "home.py":
        at.switch_page("app_pages/home.py").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = _texts(at)
    assert texts, f"{page} showed no text at all"
    raw = [(p, t) for t in texts for p in PAYLOADS if p in t]
    assert raw == [], f"{page} renders customer text as markdown: {raw[:3]}"


def test_the_sweep_sees_the_names_it_checks(shop):
    # the check above could pass by never showing a name: on the profile the customer's name and reviews show,
    # escaped, so the payloads really reach the pages it sweeps
    at = AppTest.from_file(str(ROOT / "app_pages" / "profile.py"), default_timeout=90)
    at.session_state[WORKSPACE_KEY] = shop
    at.query_params["customer"] = "c0"
    at.run()
    joined = " ".join(_texts(at))
    assert escape_markdown(LINK) in joined
