"""Churn feature "last order late" from order attributes (a late flag or tag) or from delivered after promised;
a shop without such data gets no such feature, so its model is unchanged (issue 10 item 4)."""

from __future__ import annotations

import pandas as pd

from insights.ingest import prepare_file
from insights.ingest.load.batch import load_prepared
from insights.predictions.churn import SHOP_MODEL_FEATURES, model_columns, shop_features
from tests.helpers import workspace_from_tables
from tests.ingest.test_order_attributes import SHOP


def test_last_order_late_from_flags_and_tags(tmp_path, tmp_workspace):
    path = tmp_path / "orders.csv"
    path.write_text(SHOP, encoding="utf-8")
    load_prepared(tmp_workspace, [prepare_file(path)])
    features = shop_features(tmp_workspace.con, pd.Timestamp("2024-04-01")).set_index("customer_id")
    assert features["last_order_late"].to_dict() == {"C1": 1, "C2": 1, "C3": 0}
    assert "last_order_late" in model_columns(features, SHOP_MODEL_FEATURES)
    # an order placed at or after the cutoff is not known yet: C1's last order before Mar 1 is 1001 (not late)
    early = shop_features(tmp_workspace.con, pd.Timestamp("2024-03-01")).set_index("customer_id")
    assert early["last_order_late"].to_dict() == {"C1": 0, "C2": 1}


def test_last_order_late_from_dates_and_absent_without_data():
    line = dict(quantity=1, unit_price="10")
    ws = workspace_from_tables(order_lines=[
        dict(line, order_id="A1", customer_id="ann", ordered_at="2024-01-01", promised_at="2024-01-04",
             delivered_at="2024-01-09"),
        dict(line, order_id="A2", customer_id="ann", ordered_at="2024-02-01"),
        dict(line, order_id="B1", customer_id="bob", ordered_at="2024-01-01", promised_at="2024-01-04",
             delivered_at="2024-01-03"),
    ])
    features = shop_features(ws.con, pd.Timestamp("2024-03-01")).set_index("customer_id")
    assert features.loc["bob", "last_order_late"] == 0
    assert pd.isna(features.loc["ann", "last_order_late"])      # her last order's delivery is unknown
    ws.close()
    plain = workspace_from_tables(order_lines=[
        dict(line, order_id="X1", customer_id="x", ordered_at="2024-01-01"),
        dict(line, order_id="Y1", customer_id="y", ordered_at="2024-01-02"),
    ])
    features = shop_features(plain.con, pd.Timestamp("2024-03-01"))
    assert features["last_order_late"].isna().all()
    assert "last_order_late" not in model_columns(features, SHOP_MODEL_FEATURES)
    plain.close()
