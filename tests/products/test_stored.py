"""The backtest's choice and every customer's recommendations are stored with the data they came from: pages
read them without refitting, a new upload makes them stale and they are chosen again; an erasure removes them."""

import pandas as pd
import pytest

from insights.core import scores
from insights.products import stored
from insights.products.lines import kept_lines
from tests.helpers import insert_rows, workspace_from_tables
from tests.products.test_recommend import taste_shop_lines


@pytest.fixture
def taste():
    ws = workspace_from_tables(order_lines=taste_shop_lines(customers=150))
    yield ws
    ws.close()


def test_stored_once_per_upload_and_read_without_refitting(taste, monkeypatch):
    first = stored.current_evaluation(taste)
    assert first.chosen in ("cosine", "ease") and list(first.methods["method"]) == ["best_sellers", "cosine", "ease"]
    monkeypatch.setattr(stored, "recommend", lambda *a, **k: pytest.fail("refitted although nothing changed"))
    again = stored.current_evaluation(taste)
    pd.testing.assert_frame_equal(first.methods, again.methods)
    assert (again.chosen, again.cutoff, again.end, again.k) == (first.chosen, first.cutoff, first.end, first.k)
    mine = stored.recommended_for(taste, "c7")
    bought = set(kept_lines(taste).query("customer_id == 'c7'")["product_id"])
    assert len(mine) == 5 and not bought & set(mine["product_id"]) and mine["rank"].tolist() == [1, 2, 3, 4, 5]
    everyone = stored.stored_recommendations(taste)
    assert everyone.rows["_customer"].nunique() == 150 and everyone.method == first.chosen
    assert set(everyone.rows.loc[everyone.rows["_customer"] == "c7", "customer_id"]) == {"C-7"}
    monkeypatch.undo()
    insert_rows(taste, "order_lines", [dict(order_id="late", customer_id="c7", ordered_at="2024-08-01",
                                            product_id=mine["product_id"].iloc[0], quantity=1, unit_price=3)])
    taste.build_marts()
    assert scores.report(taste, stored.MODEL) is None                        # stale after the upload
    assert mine["product_id"].iloc[0] not in set(stored.recommended_for(taste, "c7")["product_id"])


def test_erasure_removes_a_customers_recommendations(taste):
    stored.refreshed(taste)
    removed = scores.forget(taste.con, ["c7"])
    assert removed["recommendations_scores"] == 10
    assert stored.recommended_for(taste, "c7").empty
