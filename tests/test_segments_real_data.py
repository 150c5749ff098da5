"""UCI Online Retail: the RFM table equals an independent pandas reference, customer by customer.

The raw CSV goes straight into ``order_lines`` (the loader of tests/test_cohorts_real_data.py, shared and cached).
The reference applies the documented definitions with pandas alone: an order is an invoice not wholly cancelled,
its date is that of its earliest non-cancelled line; monetary sums every invoice of the customer (cancellations
negative); as of the day after the last order; score = min(5, 1 + floor(5 × (rank_min − 1) / (n − 1))).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from insights import segments
from tests.test_cohorts_real_data import canonical_workspace, csv_path, raw_frame, reference_invoices  # noqa: F401


def _score(better_is_higher: pd.Series) -> pd.Series:
    if better_is_higher.nunique() == 1:
        return pd.Series(3, index=better_is_higher.index)
    rank = better_is_higher.rank(method="min")
    pr = (rank - 1) / (len(rank) - 1)
    return np.minimum(5, 1 + np.floor(5 * pr)).astype(int)


def reference_rfm(df: pd.DataFrame) -> pd.DataFrame:
    inv = reference_invoices(df)
    inv = inv[inv["customer"].notna()]
    orders = inv[inv["is_order"]]
    as_of = orders["time"].dt.normalize().max() + pd.Timedelta(days=1)
    per = pd.DataFrame({
        "frequency": orders.groupby("customer").size(),
        "last": orders.groupby("customer")["time"].max().dt.normalize(),
    })
    per["monetary"] = inv.groupby("customer")["revenue"].sum().reindex(per.index).round(4)
    per["recency_days"] = (as_of - per["last"]).dt.days
    per["r_score"] = _score(-per["recency_days"])
    per["f_score"] = _score(per["frequency"])
    per["m_score"] = _score(per["monetary"])
    return per


def test_rfm_equals_pandas_reference_customer_by_customer(csv_path):  # noqa: F811
    ws = canonical_workspace(csv_path)
    ours = segments.rfm_table(ws).set_index("customer_id").sort_index()
    ref = reference_rfm(raw_frame(csv_path)).sort_index()
    assert list(ours.index) == list(ref.index) and len(ours) > 4000
    for col in ("recency_days", "frequency", "r_score", "f_score", "m_score"):
        diff = ours[col].to_numpy() != ref[col].to_numpy()
        assert not diff.any(), (col, ours.loc[diff, [col]].join(ref[[col]], rsuffix="_ref").head())
    assert np.allclose(ours["monetary"].to_numpy(), ref["monetary"].to_numpy(), atol=1e-6)
    table = segments.segment_summary(ours.reset_index())
    assert table["customers"].sum() == len(ref)
    assert abs(table["net_revenue"].sum() - ref["monetary"].sum()) < 1e-3
