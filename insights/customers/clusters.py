"""Behavioural clusters: k-means on each customer's recency, frequency, spend, basket size and tenure.

- Features (one row per identified customer with an order, from :func:`insights.customers.segments.rfm_table`):
  recency_days, orders, net revenue (negative clipped to 0), AOV and tenure_days; each ``log1p``-transformed
  (these are skewed: a few customers buy far more) and standardised (mean 0, sd 1).
- **k** is chosen by the mean silhouette score over k = 2..8 on a random sample of at most ``sample_size``
  customers, 2,000 by default (fixed ``random_state``), then k-means is fitted on all customers with that k.
- Each cluster is described in plain words from how its median customer differs from the median customer.

The model object (:class:`insights.models.clusters.CustomerClusters`, with its validator and the plain-word
:func:`describe` its profiles use) lives on the models floor; this module builds its input from the RFM table
and fits it on a workspace's customers.
"""

from __future__ import annotations

import pandas as pd

from insights.customers.segments import rfm_table
from insights.customers.shop_shape import SECOND_PURCHASE_INSTEAD, Applicability, ShopShape, shape_numbers
from insights.models.clusters import FEATURES, ClusterDataError, CustomerClusters, describe, validate_features

__all__ = ["FEATURES", "METHOD_TEXT", "ClusterDataError", "CustomerClusters", "cluster_customers", "cluster_features",
           "clusters_apply", "describe", "validate_features"]

METHOD_TEXT = ("Customers are grouped by k-means on five measures: days since the last order, orders, spend, average "
               "order value and days since the first order (each log-transformed, as a few customers buy far more, "
               "and standardised). The number of groups k is the one with the best mean silhouette score for k = 2 "
               "to 8, measured on a random sample of at most 2,000 customers with a fixed seed, so the result is the "
               "same every time. Each group is described by how its median customer differs from the median "
               "customer: a measure counts when it is at least 1.5 times (or at most two thirds of) the median.")


def clusters_apply(shape: ShopShape) -> Applicability:
    """Do customer groups describe how this shop's customers buy? Not in a one-time-buyer shop
    (:data:`insights.customers.shop_shape.ONE_TIME_SHOP_SHARE` or more bought on one day only): there, orders and
    days since the first order are the same for nearly everyone (tenure is recency), so k-means only sorts customers
    by when they bought and how much they spent — groups that look like findings but are a calendar and a price
    list."""
    numbers = shape_numbers(shape)
    if not shape.one_time_shop:
        return Applicability(True, None, numbers)
    reason = (f"Customer groups do not apply here: {shape.one_time_share:.1%} of your {shape.customers:,} customers "
              f"have bought once, so how often they buy and how long they have been customers cannot tell them "
              f"apart — groups would only sort them by when they bought and how much they spent.")
    return Applicability(False, reason, numbers, SECOND_PURCHASE_INSTEAD)


def cluster_features(rfm: pd.DataFrame) -> pd.DataFrame:
    """customer_id + :data:`FEATURES` from an RFM table (see :func:`insights.customers.segments.rfm_table`)."""
    out = pd.DataFrame({"customer_id": rfm["customer_id"].to_numpy()})
    out["recency_days"] = rfm["recency_days"].astype(float).to_numpy()
    out["orders"] = rfm["frequency"].astype(float).to_numpy()
    out["net_revenue"] = rfm["monetary"].astype(float).to_numpy()
    out["aov"] = out["net_revenue"] / out["orders"].clip(lower=1)
    out["tenure_days"] = rfm["tenure_days"].astype(float).to_numpy()
    return out


def cluster_customers(ws, as_of=None, random_state: int = 0, k: int | None = None,
                      rfm: pd.DataFrame | None = None) -> tuple[pd.DataFrame, CustomerClusters]:
    """(customer_id + cluster + features, fitted model) for a workspace's customers with orders. ``rfm`` (from
    :func:`insights.customers.segments.rfm_table`, same ``as_of``) saves recomputing it."""
    features = cluster_features(rfm_table(ws, as_of) if rfm is None else rfm)
    model = CustomerClusters(k=k, random_state=random_state).fit(features)
    return features.assign(cluster=model.model_.labels_.astype(int)), model
