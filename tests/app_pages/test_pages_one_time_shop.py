"""Every customer model's "does not apply" state on one one-time-buyer shop (1,500 customers over 2024, 40 of them
bought twice): churn and CLV say they do not apply and why, with no per-customer list; the customer groups and
next-order dates say so in words and point to the second-purchase view; the Cohorts page opens on that view."""

from __future__ import annotations

import pytest

from tests.app_pages.helpers import open_page
from tests.helpers import workspace_from_tables
from tests.predictions.test_clv_applies import one_time_shop_lines

SENTENCE = "97.3% of your 1,500 customers have bought once"


@pytest.fixture(scope="module")
def once():
    ws = workspace_from_tables(order_lines=one_time_shop_lines())
    yield ws
    ws.close()


def _warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


def test_churn_does_not_apply_and_ranks_no_list(once):
    at = open_page("churn.py", once)
    assert "does not apply here" in _warnings(at) and not at.dataframe and not at.get("download_button")


def test_clv_and_next_order_dates_do_not_apply(once):
    at = open_page("clv.py", once)
    text = _warnings(at)
    assert "does not apply here" in text and "40 of your 1,500 customers" in text
    assert f"Next-order dates do not apply here: {SENTENCE}" in text
    assert not at.metric and not at.dataframe and not at.get("download_button")     # no per-customer values
    assert any("open the second-purchase view" in m.value for m in at.markdown)


def test_customer_groups_do_not_apply(once):
    at = open_page("segments.py", once)
    at.session_state["seg_tab"] = "Customer groups"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"Customer groups do not apply here: {SENTENCE}" in _warnings(at)
    assert not at.get("plotly_chart") and "seg_cluster_profiles" not in {d.key for d in at.dataframe}
    analysts = next(e for e in at.expander if e.label == "For analysts: the numbers that decided")
    assert analysts.get("json")


def test_cohorts_say_it_and_show_the_second_purchase_view(once):
    at = open_page("cohorts.py", once)
    assert any(f"This is a one-time-buyer shop: {SENTENCE}" in i.value for i in at.info)
    assert [t.label for t in at.tabs] == ["Heatmaps", "Second purchase"]
    text = " ".join(m.value for m in at.markdown)
    assert "bought again within 90 days" in text
    # the heatmap's first row, and the view's left-out customers: the data's first month (January 2024)
    captions = " ".join(c.value for c in at.caption)
    assert "The first row (2024-01, " in captions and "Left out: " in captions
