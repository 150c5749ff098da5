"""UCI Online Retail: the RFM table equals an independent pandas reference, customer by customer.

The raw CSV goes straight into ``order_lines`` (the loader of tests/performance/test_cohorts_real_data.py, shared and cached).
The reference applies the documented definitions with pandas alone: an order is an invoice not wholly cancelled,
its date is that of its earliest non-cancelled line; monetary sums every invoice of the customer (cancellations
negative); as of the day after the last order; score = min(5, 1 + floor(5 × (rank_min − 1) / (n − 1))).

A second check goes through the upload step (``insights.ingest.ingest_files``) on the file's first 60,000 lines,
so that it stays a few seconds; the reference then drops exact duplicate rows as the upload does.
"""

from __future__ import annotations

import gzip
import itertools

import numpy as np
import pandas as pd
import pytest

from insights.customers import segments
from tests.performance.test_cohorts_real_data import canonical_workspace, csv_path, raw_frame, reference_invoices  # noqa: F401


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


# ----- the same check through the upload step (insights.ingest.ingest_files), on the file's first lines -----
SLICE_LINES = 60_000     # ~2 s to ingest: enough customers (≈1,000) to exercise every score and tie


@pytest.fixture(scope="module")
def ingested_slice(csv_path, tmp_path_factory):  # noqa: F811
    from insights.ingest import ingest_files
    from insights.core.workspace import Workspace
    folder = tmp_path_factory.mktemp("or_slice")
    path = folder / "online_retail_head.csv"
    with gzip.open(csv_path, "rt", encoding="utf-8", newline="") as src, \
            open(path, "w", encoding="utf-8", newline="") as dst:
        dst.writelines(itertools.islice(src, SLICE_LINES + 1))
    ws = Workspace.create_at(folder / "ws", "Online Retail head")
    ingest_files(ws, [str(path)])
    yield ws, path
    ws.close()


def test_rfm_after_upload_equals_pandas_reference(ingested_slice):
    ws, path = ingested_slice
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    # the upload sets exact duplicate rows aside and treats negative quantities as cancellations (the C invoices)
    raw = raw.drop_duplicates()
    df = pd.DataFrame({"InvoiceNo": raw["InvoiceNo"], "InvoiceDate": pd.to_datetime(raw["InvoiceDate"]),
                       "Quantity": raw["Quantity"].astype(int), "UnitPrice": raw["UnitPrice"].astype(float)})
    df["revenue"] = df["Quantity"] * df["UnitPrice"]
    df["is_cancellation"] = df["Quantity"] < 0
    df["customer"] = raw["CustomerID"].str.replace(r"\.0$", "", regex=True).replace("", np.nan)
    ref = reference_rfm(df).sort_index()
    ours = segments.rfm_table(ws).set_index("customer_id").sort_index()
    assert list(ours.index) == list(ref.index) and len(ours) > 800
    for col in ("recency_days", "frequency", "r_score", "f_score", "m_score"):
        diff = ours[col].to_numpy() != ref[col].to_numpy()
        assert not diff.any(), (col, ours.loc[diff, [col]].join(ref[[col]], rsuffix="_ref").head())
    assert np.allclose(ours["monetary"].to_numpy(), ref["monetary"].to_numpy(), atol=1e-6)
