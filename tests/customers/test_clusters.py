"""k-means clusters: k picked by silhouette on well-separated groups, determinism, plain-word descriptions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from insights.models import clusters


def two_groups(n=60, seed=1):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        loyal = i % 2 == 0
        rows.append({"customer_id": f"c{i}", "recency_days": rng.uniform(1, 10) if loyal else rng.uniform(300, 400),
                     "orders": rng.integers(10, 20) if loyal else 1,
                     "net_revenue": rng.uniform(1000, 2000) if loyal else rng.uniform(10, 30),
                     "tenure_days": rng.uniform(500, 600) if loyal else rng.uniform(300, 400)})
    df = pd.DataFrame(rows)
    df["aov"] = df["net_revenue"] / df["orders"]
    return df


@pytest.fixture(scope="module")
def fitted():
    return clusters.CustomerClusters(random_state=0).fit(two_groups())


def test_k_is_chosen_by_silhouette_and_groups_are_found(fitted):
    assert fitted.k_ == 2 and fitted.k_ == max(fitted.silhouette_, key=fitted.silhouette_.get)
    labels = fitted.model_.labels_
    assert len(set(labels[::2])) == 1 and len(set(labels[1::2])) == 1 and labels[0] != labels[1]
    words = " ".join(fitted.profiles_["description"])
    assert "bought recently" in words and "spend little" in words


def test_fixed_random_state_gives_the_same_result():
    a = clusters.CustomerClusters(random_state=3).fit(two_groups())
    b = clusters.CustomerClusters(random_state=3).fit(two_groups())
    assert a.silhouette_ == b.silhouette_ and (a.model_.labels_ == b.model_.labels_).all()


def test_predict_needs_fit_and_validation_is_specific():
    with pytest.raises(RuntimeError, match="not fitted"):
        clusters.CustomerClusters().predict(two_groups())
    bad = two_groups().drop(columns=["aov"])
    with pytest.raises(clusters.ClusterDataError, match="aov"):
        clusters.CustomerClusters().fit(bad)
    nan = two_groups()
    nan.loc[[0, 3], "orders"] = np.nan
    with pytest.raises(clusters.ClusterDataError, match="column orders of the customer table has 2 empty"):
        clusters.CustomerClusters().fit(nan)


def test_model_keeps_no_customer_rows(fitted):
    held = [v for v in vars(fitted).values() if isinstance(v, pd.DataFrame) and "customer_id" in v.columns]
    assert not held


def test_descriptions_are_sentences_from_the_median_profile():
    overall = pd.Series({"recency_days": 100, "orders": 2, "net_revenue": 200, "aov": 100, "tenure_days": 300})
    loyal = pd.Series({"recency_days": 10, "orders": 8, "net_revenue": 1000, "aov": 120, "tenure_days": 700})
    assert clusters.describe(loyal, overall) == ("Customers who bought recently, order often, spend a lot and "
                                                 "have been customers for a long time.")
    assert clusters.describe(overall, overall) == "Typical customers: close to the median on every measure."
    small = overall.copy()
    small["aov"] = 40
    assert clusters.describe(small, overall) == "Customers who buy small baskets."


def test_groups_are_named_by_what_sets_them_apart(fitted):
    overall = pd.Series({"recency_days": 100, "orders": 2, "net_revenue": 200, "aov": 100, "tenure_days": 300})
    frequent_small = pd.Series({"recency_days": 90, "orders": 9, "net_revenue": 250, "aov": 30, "tenure_days": 320})
    one_big_long_ago = pd.Series({"recency_days": 600, "orders": 1, "net_revenue": 210, "aov": 400,
                                  "tenure_days": 310})
    assert clusters.short_name(frequent_small, overall) == "Frequent buyers, small baskets"
    assert clusters.short_name(one_big_long_ago, overall) == "Long ago, big baskets"
    assert clusters.short_name(overall, overall) == "Typical customers"
    names = list(fitted.profiles_["name"])
    assert sorted(names) == ["Bought recently, high spend", "Low spend, one-off buyers"]
