"""Complaint topics and order tags as churn features (by hand), and MBG/NBD behind P(alive) where one-time buyers
are many (a simulated shop with its truth). The planted "damaged" tag is found, and not called a driver where it
plants nothing, in tests/predictions/test_churn_verdict.py (its late and no-driver shops carry the tag)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from insights.predictions.churn import score_workspace
from insights.predictions.churn.drivers import flags, relative_risks
from insights.predictions.churn.features import model_columns, shop_features
from insights.predictions.churn.timing import Timing
from insights.predictions.churn.topics import MIN_TAG_CUSTOMERS, describe, topic_features
from tests.helpers import insert_rows, workspace_from_tables
from tests.predictions.test_churn_verdict import loaded

CUTOFF = pd.Timestamp("2024-06-01")


@pytest.fixture(scope="module")
def tagged_shop():
    """30 customers with two orders each (March and May), feedback before and after the cutoff, and tags: "gift"
    on every customer's May order, "damaged" on ten customers' May order and ten others' March order, "late delivery" on some, "rare" on
    two, and a "gift" order after the cutoff."""
    ids = [f"c{i:02d}" for i in range(30)]
    lines = []
    for i, c in enumerate(ids):
        for k, day in enumerate(("2024-03-05", "2024-05-10", "2024-07-01")):
            lines.append({"order_id": f"{c}-{k}", "customer_id": c, "ordered_at": pd.Timestamp(day) + pd.Timedelta(hours=i),
                          "quantity": 1.0, "unit_price": 20.0, "revenue": 20.0})
    feedback = [
        {"customer_id": "c00", "submitted_at": pd.Timestamp("2024-04-01"), "kind": "review", "score": 1.0,
         "text": "Arrived broken and the box was damaged"},                  # one answer: damaged once
        {"customer_id": "c00", "submitted_at": pd.Timestamp("2024-05-01"), "kind": "review", "score": 2.0,
         "text": "Wrong size again, and I want a refund"},
        {"customer_id": "c01", "submitted_at": pd.Timestamp("2024-04-01"), "kind": "review", "score": 2.0,
         "text": "Delivery was late"},                                      # lateness: not a topic here
        {"customer_id": "c02", "submitted_at": pd.Timestamp("2024-07-02"), "kind": "review", "score": 1.0,
         "text": "damaged"},                                                # after the cutoff: unknown
    ]
    ws = workspace_from_tables(order_lines=pd.DataFrame(lines), feedback=pd.DataFrame(feedback))
    attrs = [{"order_id": f"{c}-1", "name": "tag", "value": "gift"} for c in ids]
    attrs += [{"order_id": f"{c}-2", "name": "tag", "value": "gift"} for c in ids]        # after the cutoff
    attrs += [{"order_id": f"{c}-{0 if i >= 10 else 1}", "name": "tag", "value": "damaged"}
              for i, c in enumerate(ids[:MIN_TAG_CUSTOMERS])]
    attrs += [{"order_id": f"{c}-1", "name": "tag", "value": "late delivery"} for c in ids[:25]]
    attrs += [{"order_id": f"{c}-1", "name": "tag", "value": "rare"} for c in ids[:2]]
    insert_rows(ws, "order_attributes", pd.DataFrame(attrs))
    yield ws
    ws.close()


def test_topics_and_tags_counted_by_hand(tagged_shop):
    topics = topic_features(tagged_shop.con, CUTOFF).set_index("customer_id")
    assert sorted(topics.columns) == ["complaint_damaged", "complaint_refund", "complaint_wrong_item",
                                      "last_order_tag_damaged", "last_order_tag_gift", "tag_damaged", "tag_gift"]
    assert topics.loc["c00", ["complaint_damaged", "complaint_refund", "complaint_wrong_item"]].tolist() == [1, 1, 1]
    assert topics.loc["c05", "tag_gift"] == 1 and topics.loc["c05", "last_order_tag_gift"] == 1   # May, not July
    assert topics.loc["c05", "tag_damaged"] == 1 and topics.loc["c05", "last_order_tag_damaged"] == 1
    assert topics.loc["c15", "tag_damaged"] == 1 and topics.loc["c15", "last_order_tag_damaged"] == 0
    assert "c02" not in topics.index or topics.loc["c02", "complaint_damaged"] == 0              # after the cutoff
    features = shop_features(tagged_shop.con, CUTOFF)
    assert len(features) == 30 and features["complaint_damaged"].sum() == 1
    assert features.loc[features["customer_id"] == "c25", "tag_damaged"].item() == 0
    cols = model_columns(features, ["recency_days"])
    assert {"tag_damaged", "last_order_tag_damaged", "complaint_damaged"} <= set(cols)
    assert "tag_gift" not in cols                                   # every customer has it once: says nothing
    assert set(flags(features)) >= {"last_order_tag_damaged"} and "tag_damaged" not in flags(features)


def test_topic_flags_are_drivers_with_their_own_words():
    rng = np.random.default_rng(5)
    n = 4000
    damaged = rng.random(n) < 0.25
    churned = rng.random(n) < np.where(damaged, 0.5, 0.3)
    features = pd.DataFrame({"recency_days": rng.integers(1, 200, n),
                             "last_order_tag_damaged": damaged.astype(float),
                             "complaint_refund": (rng.random(n) < 0.2).astype(float)})
    drivers = {d["feature"]: d for d in relative_risks(features, churned)}
    tag, refund = drivers["last_order_tag_damaged"], drivers["complaint_refund"]
    assert tag["significant"] and tag["ci_low"] > 1 and tag["reason_key"] == "last_order_tag_damaged"
    assert tag["sentence"].startswith("customers whose last order was tagged “damaged” stop buying")
    assert not refund["significant"] and refund["label"] == "Complained about a refund"
    assert describe("tag_gift_wrap")[0] == "Orders tagged “gift wrap”"


@pytest.fixture(scope="module")
def mostly_once(tmp_path_factory):
    shop, ws = loaded(tmp_path_factory, "mostly-once", customers=2500, seed=14, one_time_share=0.8,
                      high_value_channel=None)
    yield shop, ws
    ws.close()


def test_mbgnbd_gives_p_alive_where_most_bought_once(mostly_once):
    """80 % one-time buyers (below the 90 % at which churn does not apply): P(alive) comes from MBG/NBD, which
    tells gone one-time buyers from live ones (BG/NBD calls them all alive) — better against the truth."""
    shop, ws = mostly_once
    result = score_workspace(ws)
    assert result.applies and any("MBG/NBD" in note for note in result.notes)
    window = result.definition.window_days
    modified = Timing(ws.con, result.definition.as_of, window)
    assert modified.modified
    plain = Timing(ws.con, result.definition.as_of, window, modified.params, modified=False)
    truth = shop.truth.set_index("customer_id")
    ids = modified.frame["customer_id"]
    gone = ~truth.loc[ids, "alive"].to_numpy()
    once = (truth.loc[ids, "orders"] == 1).to_numpy()
    assert modified.frame.loc[once, "p_alive"].std() > 0.01          # one-time buyers are not all alike
    mbg = roc_auc_score(gone, 1 - modified.frame["p_alive"])
    bg = roc_auc_score(gone, 1 - plain.frame["p_alive"])
    assert mbg > bg + 0.05, (mbg, bg)
