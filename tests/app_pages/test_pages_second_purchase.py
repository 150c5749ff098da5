"""AppTest of the second-purchase view: the Cohorts page's tab in a one-time-buyer shop (its rates, window,
driver, follow-up export, statistics words only for analysts), and the one-time-buyer sentence on the Cohorts,
Segments and KPI pages — absent in a shop of regulars."""

import pytest

from tests.app_pages.helpers import open_page
from tests.second_purchase.shops import shop

JARGON = ("Wilson", "Holm", "Fisher", "p-value", "z-test")


@pytest.fixture(scope="module")
def one_time_shop():
    ws = shop(1, planted=True)
    yield ws
    ws.close()


def _outside_analysts(at) -> str:
    analysts = [e for e in at.expander if e.label.startswith("For analysts")]
    inside = {id(m) for e in analysts for m in e.markdown}
    return " ".join(m.value for m in list(at.markdown) + list(at.caption) + list(at.info) if id(m) not in inside)


def test_the_tab_tells_the_second_purchase_story_in_plain_words(one_time_shop):
    at = open_page("cohorts.py", one_time_shop)
    assert [t.label for t in at.tabs] == ["Heatmaps", "Second purchase"]
    text = _outside_analysts(at)
    assert "bought again within 90 days" in text and "too recently to know" in text
    assert "Half of second orders come within" in text and "send the follow-up before then" in text
    assert "Customers whose first order held Garden come back" in text
    assert "This is a one-time-buyer shop" in text
    assert not [w for w in JARGON if w in text], [w for w in JARGON if w in text]
    assert [b for b in at.get("download_button") if "customers to follow up" in b.proto.label]
    at.selectbox(key="second_dimension").set_value("delivery").run()
    assert not at.exception
    table = [d.value for d in at.dataframe if "rate_90d" in d.value.columns][0]
    assert sorted(table["value"]) == ["late", "on time"]
    assert table["customers"].sum() > 4000


def test_segments_and_kpis_say_it_is_a_one_time_buyer_shop(one_time_shop):
    segments_page = open_page("segments.py", one_time_shop)
    infos = " ".join(i.value for i in segments_page.info)
    assert "This is a one-time-buyer shop" in infos
    captions = " ".join(c.value for c in segments_page.caption)
    assert "have the same frequency (1 order)" in captions
    kpis_page = open_page("kpis.py", one_time_shop)
    assert "This is a one-time-buyer shop" in " ".join(i.value for i in kpis_page.info)


def test_a_shop_of_regulars_gets_the_tab_without_the_sentence(sample_workspace):
    at = open_page("cohorts.py", sample_workspace)
    assert "one-time-buyer shop" not in " ".join(i.value for i in at.info)
    assert "Half of second orders come within" in _outside_analysts(at)
